"""Medians and quartiles of groups of residences, published only when no residence shows through.

A median of an odd number of values is one of them, and the box of a box plot carries its
extreme values: the peer groups' fragility medians and the box plots of a fiche résidence are
published to a viewer who does not see every residence only as quartiles (no whiskers, no points),
and only when enough residences contribute (``[groups] min_residences``), when no bailleur holds
more than the dominance share of them, and when a bailleur who removes its own residences still
leaves that many (the insider rule).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from services.disclosure.rules import DisclosureRules

GROUP_SIZE = "group_size"
DOMINANCE = "dominance"
INSIDER = "insider"


def group_reason(bailleurs: pd.Series, rules: DisclosureRules) -> str | None:
    """Why a statistic of the residences of ``bailleurs`` may not be published (None if it may).

    Parameters
    ----------
    bailleurs : pandas.Series
        The bailleur of each contributing residence.
    rules : DisclosureRules
        ``min_group_residences``, ``dominance_pct`` and the insider rule.
    """
    counts = bailleurs.astype(str).value_counts()
    total = int(counts.sum())
    if total < rules.min_group_residences:
        return GROUP_SIZE
    if counts.iloc[0] > rules.dominance_pct / 100.0 * total:
        return DOMINANCE
    if rules.insider and (total - counts.iloc[0]) < rules.min_group_residences:
        return INSIDER
    return None


def group_quartiles(values: pd.DataFrame, rules: DisclosureRules) -> pd.DataFrame:
    """Quartiles of each indicator over a group of residences, or why they are withheld.

    Parameters
    ----------
    values : pandas.DataFrame
        Long table: ``indicator``, ``label``, ``unit``, ``value`` and ``bailleur`` of each
        residence (NaN values do not contribute).
    rules : DisclosureRules
        Thresholds and published decimals.

    Returns
    -------
    pandas.DataFrame
        One row per indicator (input order): ``indicator``, ``label``, ``unit``, ``q1``,
        ``median``, ``q3`` (rounded; NaN when withheld), ``n_residences`` and ``reason`` (rule
        code, empty when published).
    """
    rows = []
    decimals = rules.decimals["share"]
    for indicator, part in values.groupby("indicator", sort=False):
        known = part.dropna(subset=["value"])
        reason = group_reason(known["bailleur"], rules) or ""
        q = np.full(3, np.nan)
        if not reason:
            q = np.round(np.quantile(known["value"].to_numpy(float), [0.25, 0.5, 0.75]), decimals)
        rows.append(
            {
                "indicator": indicator,
                "label": part["label"].iloc[0],
                "unit": part["unit"].iloc[0],
                "q1": q[0],
                "median": q[1],
                "q3": q[2],
                "n_residences": len(known),
                "reason": reason,
            }
        )
    return pd.DataFrame(
        rows,
        columns=["indicator", "label", "unit", "q1", "median", "q3", "n_residences", "reason"],
    )


def group_medians(
    members: pd.DataFrame, value: str, group: str, rules: DisclosureRules
) -> pd.DataFrame:
    """Median of ``value`` per group, withheld when the group's residences show through.

    Parameters
    ----------
    members : pandas.DataFrame
        One row per residence: ``bailleur``, ``value`` and ``group`` columns (NaN values do not
        contribute).
    value, group : str
        Column names.
    rules : DisclosureRules
        Thresholds and published decimals.

    Returns
    -------
    pandas.DataFrame
        Indexed by group: ``median`` (rounded; NaN when withheld), ``n_residences``, ``reason``.
    """
    out = []
    for code, part in members.dropna(subset=[value, group]).groupby(group):
        reason = group_reason(part["bailleur"], rules) or ""
        median = np.nan if reason else float(np.median(part[value].to_numpy(float)))
        out.append((code, round(median, rules.decimals["points"]), len(part), reason))
    frame = pd.DataFrame(out, columns=[group, "median", "n_residences", "reason"])
    return frame.set_index(group)
