"""The disclosure rules of every export: the public rules, whoever asks.

A file that leaves the dashboard (map snapshot, fiche territoriale, printable residence card) can
be forwarded to anyone, so it always follows the rules of the public profile (secret statistique
and dominance rule, :mod:`services.masking` with ``export=True``), whatever the role of the person
who asked for it. Every export takes its figures through the functions below and nowhere else:
replacing the disclosure rules is a change of this module only.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from services.masking import MaskingRules, apply_secrecy

# The access profile whose view every export reproduces.
EXPORT_ROLE = "public"


def export_secrecy(
    frame: pd.DataFrame,
    value_columns: Sequence[str],
    residences: pd.DataFrame,
    level: str,
    *,
    count_column: str | None = "n_households",
    key: str = "territory_code",
    rules: MaskingRules | None = None,
) -> pd.DataFrame:
    """Hide the figures of ``frame`` that an export may not print.

    Parameters
    ----------
    frame : pandas.DataFrame
        Figures per territory of ``level`` (territory code in ``key``).
    value_columns : sequence of str
        The figures to hide.
    residences : pandas.DataFrame
        The residences table (dominance rule).
    level : str
        ``epci``, ``commune``, ``quartier`` or ``residence``.
    count_column : str or None, default "n_households"
        Households each row is computed on; None applies the dominance rule only.
    key : str, default "territory_code"
        Column of ``frame`` holding the territory code.
    rules : MaskingRules, optional
        Thresholds (``config/settings.toml`` by default).

    Returns
    -------
    pandas.DataFrame
        A copy with hidden cells as NaN, ``is_masked`` and ``mask_reason`` (French).
    """
    return apply_secrecy(
        frame,
        value_columns,
        residences,
        level,
        count_column=count_column,
        key=key,
        role=EXPORT_ROLE,
        export=True,
        rules=rules,
    )
