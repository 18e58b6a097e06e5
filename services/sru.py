"""SRU obligations of the communes and the contrat de mixité sociale (CMS) mutualisant.

Per subject commune and triennial period: social dwellings counted for SRU, main residences,
rate, deficit to the target, status (conforme / déficitaire / exemptée), the catch-up share of the
3DS law and the droit-commun objective, then the CMS objectives that pool and raise them, the
yearly progress of production against the CMS, and the trajectory to the target.

Every rule comes from ``config/sru.toml`` (see :func:`load_sru_rules`), which a jurist can correct
without touching the code. Integer rules (deficit, objectives) are computed with exact integer
arithmetic, never with floating-point ``ceil``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from config import ConfigError, load_toml

CONFIG_FILE = "sru.toml"
STATUS_COMPLIANT = "conforme"
STATUS_DEFICIT = "déficitaire"
STATUS_EXEMPTED = "exemptée"
_SCALE = 1_000_000  # percentages are turned into integers of millionths of a percent


@dataclass(frozen=True)
class Modulation:
    """A catch-up share applying when the gap to the target is below a number of points."""

    gap_below_points: float
    share_pct: float
    label: str


@dataclass(frozen=True)
class CmsRules:
    """The CMS mutualisant: its period, total, announced uplift and optional per-commune table."""

    period: tuple[int, int]
    total_dwellings: int
    announced_uplift_pct: float
    objectives: Mapping[str, int]
    label: str
    legal_reference: str
    source: str


@dataclass(frozen=True)
class SruRules:
    """The SRU rules read from ``config/sru.toml``.

    Attributes
    ----------
    target_pct : float
        Target share of social dwellings among main residences (20.0).
    population_threshold : int
        Population from which a commune of the EPCI is subject (3,500).
    inventory_offset_years : int
        The period (start, end) uses the inventory of 1 January of ``start - offset``.
    default_share_pct : float
        Catch-up share of the missing dwellings when no modulation applies (33.0).
    modulations : tuple of Modulation
        Shares for communes close to the target, by increasing gap.
    exemptions : mapping
        ``(start, end) -> frozenset of commune codes`` exempted for that period.
    cms : CmsRules
        The CMS mutualisant.
    horizon_year : int
        Last year of the trajectory to the target.
    rp_growth_pct_per_year : float
        Assumed yearly growth of main residences in the trajectory.
    texts : mapping
        French labels and legal references, for the page and the fiches.
    """

    target_pct: float
    population_threshold: int
    inventory_offset_years: int
    default_share_pct: float
    modulations: tuple[Modulation, ...]
    exemptions: Mapping[tuple[int, int], frozenset[str]]
    cms: CmsRules
    horizon_year: int
    rp_growth_pct_per_year: float
    texts: Mapping[str, str]


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


# --- Configuration -----------------------------------------------------------------------------


def _fail(where: str, message: str) -> ConfigError:
    return ConfigError(f"config/{CONFIG_FILE}, {where} : {message}")


def _section(config: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    section = config.get(name)
    if not isinstance(section, Mapping):
        raise _fail(f"[{name}]", "section manquante.")
    return section


def _number(section: Mapping[str, Any], key: str, where: str, low: float, high: float) -> float:
    value = section.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(f"{where} « {key} »", f"attendu un nombre, reçu « {value} ».")
    if not low <= value <= high:
        raise _fail(
            f"{where} « {key} »", f"attendu un nombre entre {low:g} et {high:g}, reçu {value:g}."
        )
    return float(value)


def _integer(section: Mapping[str, Any], key: str, where: str, low: int) -> int:
    value = section.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise _fail(f"{where} « {key} »", f"attendu un entier ≥ {low}, reçu « {value} ».")
    return value


def _period(value: object, where: str) -> tuple[int, int]:
    if (
        not isinstance(value, list | tuple)
        or len(value) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
        or value[0] > value[1]
    ):
        raise _fail(
            where, f"attendu une période [première année, dernière année], reçu « {value} »."
        )
    return int(value[0]), int(value[1])


def _codes(value: object, where: str) -> frozenset[str]:
    if not isinstance(value, list) or not all(
        isinstance(c, str) and len(c) == 5 and c.isalnum() for c in value
    ):
        raise _fail(where, f"attendu une liste de codes INSEE à 5 caractères, reçu « {value} ».")
    return frozenset(value)


def _modulations(catch_up: Mapping[str, Any]) -> tuple[Modulation, ...]:
    rows = catch_up.get("modulation", [])
    if not isinstance(rows, list):
        raise _fail("[[catch_up.modulation]]", "attendu une liste de modulations.")
    out = []
    for i, row in enumerate(rows, start=1):
        where = f"modulation n° {i}"
        gap = _number(row, "gap_below_points", where, 0.0, 100.0)
        share = _number(row, "share_pct", where, 0.0, 100.0)
        if share == 0.0:
            raise _fail(f"{where} « share_pct »", "la part à rattraper doit être positive.")
        if out and gap <= out[-1].gap_below_points:
            raise _fail(
                f"{where} « gap_below_points »",
                "les modulations doivent être rangées par écart strictement croissant "
                f"({gap:g} après {out[-1].gap_below_points:g}).",
            )
        out.append(Modulation(gap, share, str(row.get("label", ""))))
    return tuple(out)


def _exemptions(config: Mapping[str, Any]) -> dict[tuple[int, int], frozenset[str]]:
    rows = config.get("exemptions", [])
    if not isinstance(rows, list):
        raise _fail("[[exemptions]]", "attendu une liste d'exemptions.")
    out: dict[tuple[int, int], frozenset[str]] = {}
    for i, row in enumerate(rows, start=1):
        period = _period(row.get("period"), f"exemption n° {i} « period »")
        if period in out:
            raise _fail(f"exemption n° {i}", f"période {period[0]}-{period[1]} déclarée deux fois.")
        out[period] = _codes(row.get("communes"), f"exemption n° {i} « communes »")
    return out


def _cms(config: Mapping[str, Any]) -> CmsRules:
    cms = _section(config, "cms")
    period = _period(cms.get("period"), "[cms] « period »")
    total = _integer(cms, "total_dwellings", "[cms]", 0)
    uplift = _number(cms, "announced_uplift_pct", "[cms]", -100.0, 1000.0)
    table = cms.get("objectives", {})
    if not isinstance(table, Mapping):
        raise _fail("[cms.objectives]", "attendu une table « code INSEE = logements ».")
    objectives: dict[str, int] = {}
    for code in table:
        _codes([code], f"[cms.objectives] « {code} »")
        objectives[code] = _integer(table, code, "[cms.objectives]", 0)
    if objectives and sum(objectives.values()) != total:
        raise _fail(
            "[cms.objectives]",
            f"la somme des objectifs par commune ({sum(objectives.values())}) doit être égale à "
            f"l'objectif global « total_dwellings » ({total}).",
        )
    return CmsRules(
        period=period,
        total_dwellings=total,
        announced_uplift_pct=uplift,
        objectives=objectives,
        label=str(cms.get("label", "")),
        legal_reference=str(cms.get("legal_reference", "")),
        source=str(cms.get("source", "")),
    )


def load_sru_rules(config: Mapping[str, Any] | None = None) -> SruRules:
    """Read and check the SRU rules.

    Parameters
    ----------
    config : mapping, optional
        The parsed content of ``config/sru.toml`` (read from disk by default); tests pass their
        own mapping.

    Returns
    -------
    SruRules

    Raises
    ------
    ConfigError
        With a French message naming the section, the key and the value received.
    """
    config = load_toml(CONFIG_FILE) if config is None else config
    rule = _section(config, "rule")
    catch_up = _section(config, "catch_up")
    trajectory = _section(config, "trajectory")
    texts = {
        "rule_label": str(rule.get("label", "")),
        "rule_legal_reference": str(rule.get("legal_reference", "")),
        "catch_up_label": str(catch_up.get("label", "")),
        "catch_up_legal_reference": str(catch_up.get("legal_reference", "")),
        "catch_up_description": str(catch_up.get("description", "")),
        "horizon_label": str(trajectory.get("horizon_label", "")),
    }
    return SruRules(
        target_pct=_number(rule, "target_pct", "[rule]", 0.0, 100.0),
        population_threshold=_integer(rule, "population_threshold", "[rule]", 0),
        inventory_offset_years=_integer(rule, "inventory_offset_years", "[rule]", 0),
        default_share_pct=_number(catch_up, "default_share_pct", "[catch_up]", 0.0, 100.0),
        modulations=_modulations(catch_up),
        exemptions=_exemptions(config),
        cms=_cms(config),
        horizon_year=_integer(trajectory, "horizon_year", "[trajectory]", 1900),
        rp_growth_pct_per_year=_number(
            trajectory, "rp_growth_pct_per_year", "[trajectory]", -50.0, 50.0
        ),
        texts=texts,
    )


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
            raise _fail(
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


# --- Progress of the CMS and trajectory to the target --------------------------------------------


_PROGRESS_COLUMNS = (
    "commune_code",
    "commune_name",
    "year",
    "cms_objective",
    "expected_to_date",
    "n_agreed",
    "n_delivered",
    "cum_agreed",
    "cum_delivered",
    "agreed_progress_pct",
    "delivered_progress_pct",
)


def cms_progress(
    objectives: pd.DataFrame,
    production: pd.DataFrame,
    *,
    total_code: str | None = "total",
) -> pd.DataFrame:
    """Yearly production of the CMS communes against their CMS objective.

    Parameters
    ----------
    objectives : DataFrame
        The result of :func:`sru_objectives` for the CMS period.
    production : DataFrame
        ``commune_code``, ``year``, ``n_agreed``, ``n_delivered``.
    total_code : str or None, default "total"
        Code of an extra row per year summing the CMS communes (the mutualised objective is
        collective); ``None`` leaves it out.

    Returns
    -------
    DataFrame
        One row per CMS commune (``cms_objective`` > 0) and year of the period: ``commune_code``,
        ``commune_name``, ``year``, ``cms_objective``, ``expected_to_date`` (linear share of the
        objective at the end of the year), ``n_agreed``, ``n_delivered`` (NaN when the year is
        missing from ``production``), ``cum_agreed``, ``cum_delivered`` (NaN from the first
        missing year on), ``agreed_progress_pct``, ``delivered_progress_pct`` (cumulative /
        objective). The total row is NaN for a year where any commune is missing.
    """
    cms = objectives[objectives["cms_objective"].fillna(0) > 0]
    if cms.empty:
        return pd.DataFrame(columns=_PROGRESS_COLUMNS)
    start, end = int(cms["period_start"].iloc[0]), int(cms["period_end"].iloc[0])
    years = np.arange(start, end + 1)
    grid = pd.MultiIndex.from_product(
        [cms["commune_code"].astype(str), years], names=["commune_code", "year"]
    )
    prod = production.assign(commune_code=production["commune_code"].astype(str))
    prod = prod.set_index(["commune_code", "year"])[["n_agreed", "n_delivered"]].astype(float)
    frame = prod.reindex(grid).reset_index()
    info = cms.set_index("commune_code")[["commune_name", "cms_objective"]]
    frame = frame.join(info, on="commune_code")
    if total_code is not None:
        total = frame.groupby("year")[["n_agreed", "n_delivered", "cms_objective"]].sum(
            min_count=len(cms)
        )
        total = total.reset_index().assign(
            commune_code=total_code, commune_name="Ensemble des communes du CMS"
        )
        frame = pd.concat([frame, total], ignore_index=True)
    frame = frame.sort_values(["commune_code", "year"], ignore_index=True)
    grouped = frame.groupby("commune_code", sort=False)
    for col in ("n_agreed", "n_delivered"):
        cum = grouped[col].cumsum()
        missing_so_far = frame[col].isna().astype(int).groupby(frame["commune_code"]).cumsum()
        frame[f"cum_{col.removeprefix('n_')}"] = cum.where(missing_so_far == 0)
    frame["expected_to_date"] = frame["cms_objective"] * (frame["year"] - start + 1) / len(years)
    frame["agreed_progress_pct"] = 100.0 * frame["cum_agreed"] / frame["cms_objective"]
    frame["delivered_progress_pct"] = 100.0 * frame["cum_delivered"] / frame["cms_objective"]
    return frame[list(_PROGRESS_COLUMNS)]


_TRAJECTORY_COLUMNS = (
    "commune_code",
    "commune_name",
    "year",
    "n_rp",
    "required_lls",
    "required_rate_pct",
    "required_per_year",
    "cms_pace_lls",
    "cms_pace_rate_pct",
    "cms_per_year",
    "is_target_reached_at_cms_pace",
    "observed_rate_pct",
)


def sru_trajectory(
    inventory: pd.DataFrame,
    objectives: pd.DataFrame,
    *,
    horizon_year: int | None = None,
    rules: SruRules | None = None,
) -> pd.DataFrame:
    """Rate needed each year to reach the target by the horizon, against the CMS pace.

    The required path is linear in dwellings: from the inventory of the period's objectives
    (1 January of ``inventory_year``), the missing dwellings at the horizon are spread evenly over
    the years ``period_start`` … ``horizon_year``. The CMS pace is the CMS objective divided by
    the number of years of its period, continued at the same pace after the period. Main
    residences grow by ``rp_growth_pct_per_year`` (0 by default). A year ``y`` describes the
    situation at 31 December of ``y``, i.e. the inventory of 1 January ``y + 1``.

    Parameters
    ----------
    inventory : DataFrame
        The SRU inventory (for the observed rates of later years).
    objectives : DataFrame
        The result of :func:`sru_objectives`.
    horizon_year : int, optional
        Last year of the path; ``[trajectory] horizon_year`` of the configuration by default.
    rules : SruRules, optional
        Read from ``config/sru.toml`` by default.

    Returns
    -------
    DataFrame
        One row per déficitaire commune and year: ``commune_code``, ``commune_name``, ``year``,
        ``n_rp``, ``required_lls``, ``required_rate_pct``, ``required_per_year``,
        ``cms_pace_lls``, ``cms_pace_rate_pct``, ``cms_per_year``,
        ``is_target_reached_at_cms_pace``, ``observed_rate_pct`` (inventory of 1 January
        ``year + 1``, NaN when not yet known).
    """
    rules = load_sru_rules() if rules is None else rules
    horizon = rules.horizon_year if horizon_year is None else int(horizon_year)
    deficit = objectives[objectives["status"] == STATUS_DEFICIT]
    if deficit.empty:
        return pd.DataFrame(columns=list(_TRAJECTORY_COLUMNS))
    start, end = int(deficit["period_start"].iloc[0]), int(deficit["period_end"].iloc[0])
    base_year = int(deficit["inventory_year"].iloc[0])
    if horizon < start:
        raise ValueError(f"horizon {horizon} antérieur au début de la période {start}.")
    years = np.arange(start, horizon + 1)
    n_years, n_communes = len(years), len(deficit)
    k = np.tile(years - start + 1, n_communes)
    year = np.tile(years, n_communes)
    lls0 = deficit["n_lls"].to_numpy(dtype=float)
    growth = 1.0 + rules.rp_growth_pct_per_year / 100.0
    rp0 = np.repeat(deficit["n_rp"].to_numpy(dtype=float), n_years)
    rp = rp0 * growth ** (year + 1 - base_year)
    rp_horizon = deficit["n_rp"].to_numpy(dtype=float) * growth ** (horizon + 1 - base_year)
    missing = np.maximum(np.ceil(np.round(rules.target_pct / 100.0 * rp_horizon - lls0, 6)), 0)
    per_year = np.repeat(missing / n_years, n_years)
    cms_per_year = np.repeat(
        deficit["cms_objective"].to_numpy(dtype=float) / (end - start + 1), n_years
    )
    required = np.repeat(lls0, n_years) + per_year * k
    cms_lls = np.repeat(lls0, n_years) + cms_per_year * k
    out = pd.DataFrame(
        {
            "commune_code": np.repeat(deficit["commune_code"].to_numpy(), n_years),
            "commune_name": np.repeat(deficit["commune_name"].to_numpy(), n_years),
            "year": year,
            "n_rp": rp,
            "required_lls": required,
            "required_rate_pct": 100.0 * required / rp,
            "required_per_year": per_year,
            "cms_pace_lls": cms_lls,
            "cms_pace_rate_pct": 100.0 * cms_lls / rp,
            "cms_per_year": cms_per_year,
        }
    )
    out["is_target_reached_at_cms_pace"] = out["cms_pace_rate_pct"] >= rules.target_pct - 1e-9
    observed = inventory.assign(commune_code=inventory["commune_code"].astype(str))
    observed = observed.set_index(["commune_code", "year"])["sru_rate_pct"].astype(float)
    keys = pd.MultiIndex.from_arrays([out["commune_code"], out["year"] + 1])
    out["observed_rate_pct"] = observed.reindex(keys).to_numpy()
    return out
