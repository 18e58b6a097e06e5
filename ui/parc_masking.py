"""The secret statistique on the dashboard's occupancy figures, for the current access profile.

Household figures (profiles of entrants, leavers and sitting tenants, entrants against sitting
tenants) go through :func:`mask_rows` before being shown or exported: fewer than 11 households,
or one bailleur holding more than 85 % of the territory's dwellings, hides them from the public
profile and from every export (``services.masking``; thresholds in ``config/settings.toml``).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from services.masking import mask_dominance, mask_small_counts
from ui import cache


def mask_rows(
    frame: pd.DataFrame,
    value_columns: Sequence[str],
    level: str,
    role: str,
    *,
    count_column: str | None = "n_households",
    key: str = "territory_code",
    export: bool = False,
) -> pd.DataFrame:
    """Hide the figures of ``frame`` that ``role`` may not see (all the public may not, on export).

    Parameters
    ----------
    frame : DataFrame
        Figures per territory of ``level`` (territory code in ``key``).
    value_columns : sequence of str
        The figures to hide; counts of households stay visible.
    level : str
        Territory level of the rows (for the dominance rule).
    role : str
        The access profile.
    count_column : str or None, default "n_households"
        Households each row is computed on; None applies the dominance rule only.
    key : str, default "territory_code"
        Column holding the territory code.
    export : bool, default False
        Exports follow the public rules whatever the profile.

    Returns
    -------
    DataFrame
        A copy with hidden cells as NaN, ``is_masked`` and ``mask_reason``.
    """
    rules = cache.masking_rules()
    out = frame
    if count_column is not None:
        out = mask_small_counts(
            out, value_columns, count_column=count_column, role=role, export=export, rules=rules
        )
    dominance = cache.parc_level_table("dominance", level)
    return mask_dominance(
        out, value_columns, dominance, key=key, role=role, export=export, rules=rules
    )


def reasons(frame: pd.DataFrame) -> list[str]:
    """The distinct French reasons why rows of a masked frame lost figures."""
    if "mask_reason" not in frame:
        return []
    found = frame.loc[frame["is_masked"].astype(bool), "mask_reason"].dropna()
    parts = [p.strip() for text in found for p in str(text).split(";")]
    return sorted(set(p for p in parts if p))
