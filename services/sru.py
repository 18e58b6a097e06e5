"""SRU obligations of the communes and the contrat de mixité sociale (CMS) mutualisant.

Per subject commune and triennial period: social dwellings counted for SRU, main residences,
rate, deficit to the target, status (conforme / déficitaire / exemptée), the catch-up share of the
3DS law and the droit-commun objective, then the CMS objectives that pool and raise them.

Every rule comes from ``config/sru.toml`` (read by :func:`services.sru_rules.load_sru_rules`).
Integer rules (deficit, objectives) are computed with exact integer arithmetic, never with
floating-point ``ceil``. The yearly progress of the CMS and the trajectory to the target are in
:mod:`services.sru_progress`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from services.sru_rules import (
    STATUS_COMPLIANT,
    STATUS_DEFICIT,
    STATUS_EXEMPTED,
    SruRules,
    config_error,
    load_sru_rules,
)

_SCALE = 1_000_000  # percentages are turned into integers of millionths of a percent


@dataclass(frozen=True)
class SruSummary:
    """Totals of the objectives of a period (see :func:`sru_summary`)."""

    period: tuple[int, int]
    inventory_year: int
    n_subject: int
    n_compliant: int
    n_deficit: int
    n_exempted: int
    droit_commun_total: int
    cms_total: float
    uplift_pct: float
    announced_total: int
    announced_uplift_pct: float


# --- Rules -------------------------------------------------------------------------------------


def _scaled(pct: float) -> int:
    return round(pct * _SCALE)


def _ceil_div(numerator: np.ndarray, denominator: int) -> np.ndarray:
    return -((-numerator) // denominator)


def sru_deficit(n_lls: np.ndarray, n_rp: np.ndarray, target_pct: float) -> np.ndarray:
    """Missing social dwellings: ``ceil(target × n_rp − n_lls)`` when positive, else 0.

    Parameters
    ----------
    n_lls, n_rp : array-like of int
        Social dwellings counted for SRU and main residences.
    target_pct : float
        Target rate in percent.

    Returns
    -------
    numpy.ndarray of int64
        Computed exactly in integers (no floating-point rounding at the ceiling).
    """
    lls = np.asarray(n_lls, dtype=np.int64)
    rp = np.asarray(n_rp, dtype=np.int64)
    missing = _ceil_div(_scaled(target_pct) * rp - 100 * _SCALE * lls, 100 * _SCALE)
    return np.maximum(missing, 0)


def catch_up_share_pct(gap_points: np.ndarray, rules: SruRules) -> np.ndarray:
    """Share of the missing dwellings to produce over a period, from the gap to the target.

    Parameters
    ----------
    gap_points : array-like of float
        ``target_pct − sru_rate_pct`` in points.
    rules : SruRules
        Default share and modulations (the first modulation whose bound exceeds the gap applies).

    Returns
    -------
    numpy.ndarray of float
        The share in percent, whatever the sign of the gap; the caller keeps it only for
        communes with a deficit.
    """
    gap = np.round(np.asarray(gap_points, dtype=float), 6)
    share = np.full(gap.shape, rules.default_share_pct)
    assigned = np.zeros(gap.shape, dtype=bool)
    for modulation in rules.modulations:
        hit = ~assigned & (gap < modulation.gap_below_points)
        share[hit] = modulation.share_pct
        assigned |= hit
    return share


def catch_up_objective(deficit: np.ndarray, share_pct: np.ndarray) -> np.ndarray:
    """Droit-commun objective of a period: ``ceil(share × deficit)``, exactly, 0 without share."""
    deficit = np.asarray(deficit, dtype=np.int64)
    share = np.asarray(share_pct, dtype=float)
    scaled = np.where(np.isnan(share), 0, np.round(np.nan_to_num(share) * _SCALE)).astype(np.int64)
    return _ceil_div(scaled * deficit, 100 * _SCALE)


def largest_remainder(
    total: int, weights: np.ndarray, keys: np.ndarray | None = None
) -> np.ndarray:
    """Split an integer total proportionally to weights, so that the parts sum exactly to it.

    Each part gets the floor of its quota; the dwellings left go one by one to the largest
    remainders (ties: larger weight first, then the order of ``keys``).

    Parameters
    ----------
    total : int
        The integer to split (≥ 0).
    weights : array-like of float
        Non-negative weights; all zero gives all-zero parts.
    keys : array-like, optional
        Tie-breaker (e.g. commune codes); the position by default.

    Returns
    -------
    numpy.ndarray of int64
    """
    w = np.asarray(weights, dtype=float)
    if total < 0 or (w < 0).any():
        raise ValueError(f"total et poids doivent être positifs (total = {total}).")
    if w.size == 0 or w.sum() == 0:
        return np.zeros(w.shape, dtype=np.int64)
    quota = total * w / w.sum()
    base = np.floor(quota + 1e-9).astype(np.int64)
    left = total - int(base.sum())
    remainder = quota - base
    keys = np.arange(w.size) if keys is None else np.asarray(keys)
    order = np.lexsort((keys, -w, -np.round(remainder, 9)))
    base[order[:left]] += 1
    return base


# --- Objectives of a period ----------------------------------------------------------------------


def _communes(communes: pd.DataFrame | None) -> pd.DataFrame:
    if communes is None:
        from geodata.communes import load_communes

        communes = load_communes()
    frame = pd.DataFrame(communes.drop(columns="geometry", errors="ignore"))
    return frame.assign(commune_code=frame["commune_code"].astype(str)).set_index("commune_code")


def subject_communes(
    inventory: pd.DataFrame, communes: pd.DataFrame, rules: SruRules
) -> np.ndarray:
    """Whether each inventory row is a commune subject to article 55.

    The inventory's ``is_subject`` is the official answer; without that column, subjection is
    derived from the population (``population >= population_threshold``, all communes of the EPCI
    being in an intercommunality above the legal size).
    """
    if "is_subject" in inventory:
        return inventory["is_subject"].to_numpy(dtype=bool)
    if "population" not in communes:
        raise ValueError(
            "ni colonne « is_subject » dans l'inventaire SRU, ni population des communes : "
            "impossible de savoir quelles communes sont soumises."
        )
    population = communes["population"].reindex(inventory["commune_code"].astype(str))
    return population.to_numpy(dtype=float) >= rules.population_threshold


def _check_period(period: tuple[int, int]) -> tuple[int, int]:
    try:
        start, end = (int(y) for y in period)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"période attendue (première année, dernière année), reçu {period!r}."
        ) from exc
    if start > end:
        raise ValueError(f"période invalide : {start} est après {end}.")
    return start, end


def inventory_year(period: tuple[int, int], rules: SruRules) -> int:
    """Year of the inventory (at 1 January) that sets the objectives of ``period``."""
    return period[0] - rules.inventory_offset_years


def sru_objectives(
    inventory: pd.DataFrame,
    period: tuple[int, int] = (2023, 2025),
    *,
    communes: pd.DataFrame | None = None,
    rules: SruRules | None = None,
) -> pd.DataFrame:
    """Objectives of a triennial period for each subject commune.

    Parameters
    ----------
    inventory : DataFrame
        SRU inventory: ``commune_code``, ``year`` (1 January), ``n_lls``, ``n_rp``,
        ``sru_rate_pct`` and ``is_subject`` (when absent, subjection is derived from the
        communes' population, see :func:`subject_communes`).
    period : (int, int), default (2023, 2025)
        First and last year of the period.
    communes : DataFrame, optional
        ``commune_code``, ``commune_name`` (and ``population``); read with
        :func:`geodata.communes.load_communes` when omitted.
    rules : SruRules, optional
        Read from ``config/sru.toml`` by default.

    Returns
    -------
    DataFrame
        One row per subject commune, by code: ``commune_code``, ``commune_name``,
        ``period_start``, ``period_end``, ``inventory_year``, ``n_lls``, ``n_rp``,
        ``sru_rate_pct``, ``target_pct``, ``gap_points``
        (target − rate), ``deficit`` (missing dwellings, 0 when compliant), ``status``
        (conforme / déficitaire / exemptée), ``catch_up_share_pct`` (NaN unless déficitaire),
        ``droit_commun_objective``, ``cms_objective`` (NaN when no CMS covers the period).
        Exempted communes keep their deficit and get objectives 0.

    Raises
    ------
    ValueError
        When the inventory has no row for the year the period needs (French message).
    ConfigError
        When the CMS table names a commune that is not a deficit commune of the period.
    """
    rules = load_sru_rules() if rules is None else rules
    period = _check_period(period)
    year = inventory_year(period, rules)
    if not (inventory["year"] == year).any():
        raise ValueError(
            f"inventaire SRU au 1er janvier {year} absent : il fixe les objectifs de la période "
            f"{period[0]}-{period[1]}."
        )
    names = _communes(communes)
    rows = inventory[
        (inventory["year"] == year).to_numpy() & subject_communes(inventory, names, rules)
    ]
    rows = rows.sort_values("commune_code", ignore_index=True)
    codes = rows["commune_code"].astype(str).to_numpy()
    rate = rows["sru_rate_pct"].to_numpy(dtype=float)
    gap = np.round(rules.target_pct - rate, 6)
    deficit = sru_deficit(rows["n_lls"].to_numpy(), rows["n_rp"].to_numpy(), rules.target_pct)
    exempted = np.isin(codes, list(rules.exemptions.get(period, frozenset())))
    status = np.where(deficit > 0, STATUS_DEFICIT, STATUS_COMPLIANT).astype(object)
    status[exempted] = STATUS_EXEMPTED
    share = np.where(status == STATUS_DEFICIT, catch_up_share_pct(gap, rules), np.nan)
    objective = catch_up_objective(deficit, share)
    out = pd.DataFrame(
        {
            "commune_code": codes,
            "commune_name": names["commune_name"].reindex(codes).to_numpy(),
            "period_start": period[0],
            "period_end": period[1],
            "inventory_year": year,
            "n_lls": rows["n_lls"].to_numpy(dtype=np.int64),
            "n_rp": rows["n_rp"].to_numpy(dtype=np.int64),
            "sru_rate_pct": rate,
            "target_pct": rules.target_pct,
            "gap_points": gap,
            "deficit": deficit,
            "status": status.astype(str),
            "catch_up_share_pct": share,
            "droit_commun_objective": objective,
        }
    )
    out["cms_objective"] = _cms_objectives(out, period, rules)
    return out


def _cms_objectives(out: pd.DataFrame, period: tuple[int, int], rules: SruRules) -> np.ndarray:
    cms = rules.cms
    if period != cms.period:
        return np.full(len(out), np.nan)
    beneficiary = (out["status"] == STATUS_DEFICIT).to_numpy()
    if cms.objectives:
        unknown = sorted(set(cms.objectives) - set(out.loc[beneficiary, "commune_code"]))
        if unknown:
            raise config_error(
                "[cms.objectives]",
                f"commune(s) {', '.join(unknown)} absente(s) des communes déficitaires de la "
                f"période {period[0]}-{period[1]}.",
            )
        return out["commune_code"].map(cms.objectives).fillna(0).to_numpy(dtype=float)
    parts = np.zeros(len(out), dtype=float)
    parts[beneficiary] = largest_remainder(
        cms.total_dwellings,
        out.loc[beneficiary, "droit_commun_objective"].to_numpy(dtype=float),
        out.loc[beneficiary, "commune_code"].to_numpy(),
    )
    return parts


def sru_summary(objectives: pd.DataFrame, *, rules: SruRules | None = None) -> SruSummary:
    """Totals of a period: droit-commun total, mutualised total and uplift.

    Parameters
    ----------
    objectives : DataFrame
        The result of :func:`sru_objectives`.
    rules : SruRules, optional
        For the announced CMS figures and the period.

    Returns
    -------
    SruSummary
        ``uplift_pct`` = 100 × (CMS total / droit-commun total − 1), rounded to 0.1; NaN when
        no CMS covers the period or the droit-commun total is 0.
    """
    rules = load_sru_rules() if rules is None else rules
    status = objectives["status"]
    dc_total = int(objectives["droit_commun_objective"].sum())
    cms_total = float(objectives["cms_objective"].sum(min_count=1))
    uplift = (
        round(100.0 * (cms_total / dc_total - 1.0), 1)
        if dc_total > 0 and not np.isnan(cms_total)
        else float("nan")
    )
    if objectives.empty:
        raise ValueError("aucune commune soumise à l'article 55 : pas de synthèse SRU.")
    first = objectives.iloc[0]
    return SruSummary(
        period=(int(first["period_start"]), int(first["period_end"])),
        inventory_year=int(first["inventory_year"]),
        n_subject=len(objectives),
        n_compliant=int((status == STATUS_COMPLIANT).sum()),
        n_deficit=int((status == STATUS_DEFICIT).sum()),
        n_exempted=int((status == STATUS_EXEMPTED).sum()),
        droit_commun_total=dc_total,
        cms_total=cms_total,
        uplift_pct=uplift,
        announced_total=rules.cms.total_dwellings,
        announced_uplift_pct=rules.cms.announced_uplift_pct,
    )
