"""The published version of each table of households, for one viewer.

Each function takes the table a service computes for every territory of a level (all years) and
returns what may leave the services for ``access``: masked cells NaN with their reasons
(:func:`services.disclosure.publish.mask_columns`), every figure rounded to its published
precision. These are the functions exports call for « the public version of table X »
(``Access()`` is the public; an export always uses it).

- :func:`published_sitting`: OPS shares per territory and survey
  (:func:`services.occupancy.sitting_profile`).
- :func:`published_flows`: entrants' or leavers' profiles per territory and year
  (:func:`services.flows.flow_profile`).
- :func:`published_equality`: attribution objectives per territory and year
  (:func:`services.flows.equality_rule`).
- :func:`published_intake`: entrants against sitting tenants per territory and indicator
  (:func:`services.occupancy.intake_vs_occupancy`); the median the territories are compared with
  is recomputed on the published values only.
- :func:`published_pooled_flows` and :func:`published_pooled_equality`: the same over several
  years pooled (the attribution window of the fiches territoriales), published only where every
  yearly figure is: a pooled figure less the published years would give a hidden year.

:func:`public_version` is the one entry point for a file: the public version of a table by name.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from services.disclosure.context import Disclosure
from services.disclosure.publish import Access, mask_columns, round_columns
from services.disclosure.suppression import PRIMARY, SECONDARY, SHOWN
from services.occupancy import EFFECT_CORRECTS, EFFECT_NEUTRAL, EFFECT_REINFORCES


def visible_rows(d: Disclosure, level: str, codes, access: Access) -> np.ndarray:
    """Rows the viewer sees whatever the decisions: its own residences, or every row."""
    codes = [str(c) for c in codes]
    if access.kind == "all":
        return np.ones(len(codes), dtype=bool)
    if level != "residence" or access.kind != "own":
        return np.zeros(len(codes), dtype=bool)
    bailleurs = pd.Series(
        d.residences["bailleur"].astype(str).to_numpy(),
        index=d.residences["residence_id"].astype(str).to_numpy(),
    )
    return access.sees(bailleurs.reindex(codes).fillna("").to_numpy())


class _Rows:
    """The tree node and the year of each row of a table (read once per table)."""

    def __init__(self, d: Disclosure, frame: pd.DataFrame, level: str, key: str, year: str):
        codes = frame[key].to_numpy(dtype=object)
        self.nodes = np.array([d.tree.node(level, str(c)) for c in codes], dtype=np.intp)
        self.years = pd.to_numeric(frame[year], errors="coerce").to_numpy(dtype=float)
        self.groups = [
            (int(y), np.flatnonzero(self.years == y))
            for y in np.unique(self.years[~np.isnan(self.years)])
        ]

    def decisions(self, statuses_of) -> tuple[np.ndarray, np.ndarray]:
        """Status and reason of each row, from the statuses of the row's year."""
        status = np.full(len(self.nodes), "empty", dtype=object)
        reason = np.full(len(self.nodes), "", dtype=object)
        for year, rows in self.groups:
            found = statuses_of(year)
            nodes = self.nodes[rows]
            known = nodes >= 0
            status[rows[known]] = found.status[nodes[known]]
            reason[rows[known]] = found.reason[nodes[known]]
        return status, reason


def _by_year(d: Disclosure, frame: pd.DataFrame, level: str, key: str, year: str, statuses_of):
    """Status and reason of each row, from the statuses of the row's year."""
    return _Rows(d, frame, level, key, year).decisions(statuses_of)


def published_sitting(
    d: Disclosure, profile: pd.DataFrame, level: str, access: Access
) -> pd.DataFrame:
    """OPS shares per territory and survey, as ``access`` may see them.

    Parameters
    ----------
    d : Disclosure
        The decisions of the data set.
    profile : pandas.DataFrame
        :func:`services.occupancy.sitting_profile` of ``level`` (``territory_code``,
        ``survey_year``, counts and ``*_pct`` shares).
    level : str
        ``epci``, ``commune``, ``quartier`` or ``residence``.
    access : Access
        The viewer.
    """
    shares = [c for c in profile.columns if c.endswith("_pct")]
    rows = _Rows(d, profile, level, "territory_code", "survey_year")
    decisions = {
        column: rows.decisions(lambda year, column=column: d.ops(year, column)) for column in shares
    }
    visible = visible_rows(d, level, profile["territory_code"], access)
    decimals = dict.fromkeys(shares, d.rules.decimals["share"])
    return mask_columns(profile, decisions, d.rules, visible=visible, decimals=decimals)


def _flow_decimals(columns, rules) -> dict[str, int]:
    decimals = {c: rules.decimals["share"] for c in columns if c.endswith("_pct")}
    for column in columns:
        if column == "mean_household_size":
            decimals[column] = rules.decimals["mean"]
        elif column.startswith("mean_"):
            decimals[column] = rules.decimals["years"]
    return decimals


def published_flows(
    d: Disclosure, profile: pd.DataFrame, kind: str, level: str, access: Access
) -> pd.DataFrame:
    """Entrants' (``kind="entrants"``) or leavers' profiles per territory and year.

    Every share and mean of a row follows the row's decision (they are masked together: the
    composition and age shares sum to 100 %); the number of households stays (a count of
    attributions or departures is public).
    """
    values = [c for c in profile.columns if c.endswith("_pct") or c.startswith("mean_")]
    status = _by_year(d, profile, level, "territory_code", "year", lambda year: d.flows(kind, year))
    visible = visible_rows(d, level, profile["territory_code"], access)
    decimals = _flow_decimals(values, d.rules)
    statuses = dict.fromkeys(values, status)
    return mask_columns(profile, statuses, d.rules, visible=visible, decimals=decimals)


EQUALITY_VALUES = ("n_outside_qpv_q1", "outside_qpv_q1_pct", "n_in_qpv_q2_q4", "in_qpv_q2_q4_pct")
EQUALITY_VERDICTS = {
    "is_outside_qpv_target_met": "outside_qpv_q1_pct",
    "is_in_qpv_target_met": "in_qpv_q2_q4_pct",
}


def published_equality(
    d: Disclosure, table: pd.DataFrame, level: str, access: Access
) -> pd.DataFrame:
    """Attribution objectives per territory (``group_code``) and year.

    The first-quartile counts and shares, in and outside QPV, and the verdicts follow the
    decision of the row; the numbers of attributions in and outside QPV stay.
    """
    status = _by_year(d, table, level, "group_code", "year", d.equality)
    visible = visible_rows(d, level, table["group_code"], access)
    return _masked_equality(d, table, status, visible)


def _pooled_decisions(
    d: Disclosure, codes, level: str, years, statuses_of
) -> tuple[np.ndarray, np.ndarray]:
    """Status and reason of figures pooled over ``years``: hidden where a yearly figure is.

    The reason is the yearly one when every hidden year gives the same, else « secret
    secondaire » (masked with the yearly figure it would give).
    """
    n = len(codes)
    hidden = np.zeros(n, dtype=bool)
    primary = np.zeros(n, dtype=bool)
    reasons: list[set[str]] = [set() for _ in range(n)]
    for year in years:
        status, reason = d.lookup(statuses_of(int(year)), level, codes)
        masked = np.isin(status, (PRIMARY, SECONDARY))
        hidden |= masked
        primary |= status == PRIMARY
        for i in np.flatnonzero(masked):
            reasons[i].add(str(reason[i]))
    status = np.where(hidden, np.where(primary, PRIMARY, SECONDARY), SHOWN).astype(object)
    reason = np.array(
        [next(iter(r)) if len(r) == 1 else ("linked" if r else "") for r in reasons], dtype=object
    )
    return status, reason


def published_pooled_flows(
    d: Disclosure,
    profile: pd.DataFrame,
    kind: str,
    years,
    level: str,
    access: Access,
) -> pd.DataFrame:
    """Entrants' or leavers' profiles pooled over ``years`` (one row per territory, no year
    column needed), published where every yearly profile of the territory is."""
    values = [c for c in profile.columns if c.endswith("_pct") or c.startswith("mean_")]
    codes = profile["territory_code"].to_numpy()
    status = _pooled_decisions(d, codes, level, years, lambda year: d.flows(kind, year))
    visible = visible_rows(d, level, codes, access)
    decimals = _flow_decimals(values, d.rules)
    return mask_columns(
        profile, dict.fromkeys(values, status), d.rules, visible=visible, decimals=decimals
    )


def published_pooled_equality(
    d: Disclosure, table: pd.DataFrame, years, level: str, access: Access
) -> pd.DataFrame:
    """Attribution objectives pooled over ``years`` (``group_code`` per territory), published
    where the objectives of every year are."""
    codes = table["group_code"].to_numpy()
    status = _pooled_decisions(d, codes, level, years, d.equality)
    visible = visible_rows(d, level, codes, access)
    return _masked_equality(d, table, status, visible)


def _masked_equality(d: Disclosure, table: pd.DataFrame, status, visible) -> pd.DataFrame:
    """The objectives' figures of ``table`` masked where ``status`` says (rows ``visible`` in
    full); a verdict follows its share; shares rounded as published."""
    values = [c for c in EQUALITY_VALUES if c in table.columns]
    out = mask_columns(table, dict.fromkeys(values, status), d.rules, visible=visible)
    for verdict, share in EQUALITY_VERDICTS.items():
        if verdict in out:
            out[verdict] = out[verdict].astype("boolean").mask(out[share].isna())
    share = d.rules.decimals["share"]
    return round_columns(out, {c: share for c in values if c.endswith("_pct")})


def published_intake(
    d: Disclosure,
    compared: pd.DataFrame,
    level: str,
    access: Access,
    tolerance_points: float,
) -> pd.DataFrame:
    """Entrants against sitting tenants per territory and indicator, as ``access`` sees them.

    Parameters
    ----------
    d : Disclosure
        The decisions of the data set.
    compared : pandas.DataFrame
        :func:`services.occupancy.intake_vs_occupancy` for every territory of ``level``.
    level : str
        The level of the rows.
    access : Access
        The viewer.
    tolerance_points : float
        Gap under which the intake is « neutre » (``config/stock.toml``).

    Returns
    -------
    pandas.DataFrame
        The entrants' share follows the comparison's decision, the sitting share the OPS
        decision of its indicator; the gap, the verdicts and the fragility follow both. For a
        viewer who does not see every figure, the median the territories are compared with is
        that of the published sitting shares (a median of hidden shares is one of them).
    """
    codes = compared["territory_code"].to_numpy()
    entrants = _by_year(d, compared, level, "territory_code", "survey_year", d.intake)
    columns = {i.code: i.ops_column for i in d.stock_rules.indicators}
    sit_status = np.full(len(compared), "empty", dtype=object)
    sit_reason = np.full(len(compared), "", dtype=object)
    for (year, indicator), rows in compared.groupby(["survey_year", "indicator"]).indices.items():
        found = d.ops(int(year), columns[indicator])
        sit_status[rows], sit_reason[rows] = d.lookup(found, level, codes[rows])
    visible = visible_rows(d, level, codes, access)
    out = mask_columns(
        compared,
        {"entrants_pct": entrants, "sitting_pct": (sit_status, sit_reason)},
        d.rules,
        visible=visible,
    )
    share = d.rules.decimals["share"]
    out = round_columns(out, {"entrants_pct": share, "sitting_pct": share})
    out["gap_points"] = (out["entrants_pct"] - out["sitting_pct"]).round(d.rules.decimals["points"])
    hidden = out["entrants_pct"].isna() | out["sitting_pct"].isna()
    if access.kind != "all":
        out["reference_pct"] = _published_reference(out, d)
    out["reference_pct"] = out["reference_pct"].astype(float).round(share)
    fragile = (out["sitting_pct"] > out["reference_pct"]).astype(object)
    out["is_fragile"] = fragile.where(out["sitting_pct"].notna(), None)
    effect = pd.Series(EFFECT_NEUTRAL, index=out.index, dtype=object)
    effect[out["gap_points"] > tolerance_points] = EFFECT_REINFORCES
    effect[out["gap_points"] < -tolerance_points] = EFFECT_CORRECTS
    comparable = compared["effect"].notna().to_numpy() & ~hidden.to_numpy()
    out["effect"] = effect.where(comparable, None)
    return out


def _published_reference(out: pd.DataFrame, d: Disclosure) -> pd.Series:
    """The median of the published sitting shares of each survey and indicator (configured
    thresholds stay)."""
    thresholds = {i.code: i.fragility_threshold_pct for i in d.stock_rules.indicators}
    medians = out.groupby(["survey_year", "indicator"])["sitting_pct"].transform("median")
    fixed = out["indicator"].map(thresholds)
    return fixed.where(fixed.notna(), medians).astype(float)


def public_version(d: Disclosure, name: str, table: pd.DataFrame, level: str) -> pd.DataFrame:
    """The public version of a table, as every file gives it (whoever asks for it).

    Parameters
    ----------
    d : Disclosure
        The decisions of the data set (``ui.cache.disclosure()``, or ``Disclosure(residences,
        occupancy, attributions, departures)`` outside the pages).
    name : str
        ``sitting`` (:func:`services.occupancy.sitting_profile`), ``entrants`` or ``leavers``
        (:func:`services.flows.flow_profile`), ``equality`` (:func:`services.flows.equality_rule`)
        or ``intake`` (:func:`services.occupancy.intake_vs_occupancy`, every territory of the
        level).
    table : pandas.DataFrame
        The table as the service computes it, for territories of ``level``.
    level : str
        ``epci``, ``commune``, ``quartier`` or ``residence``.

    Returns
    -------
    pandas.DataFrame
        Masked cells NaN with their reason in ``<column>__secret`` and the row's reasons in
        ``mask_reason``; figures rounded. Turn it into a file's table with
        :func:`services.disclosure.with_markers` (« s » in the masked cells).
    """
    access = Access()
    if name == "sitting":
        return published_sitting(d, table, level, access)
    if name in ("entrants", "leavers"):
        return published_flows(d, table, name, level, access)
    if name == "equality":
        return published_equality(d, table, level, access)
    if name == "intake":
        return published_intake(d, table, level, access, d.stock_rules.tolerance_points)
    raise ValueError(
        f"table inconnue : « {name} » (attendu : sitting, entrants, leavers, equality, intake)."
    )
