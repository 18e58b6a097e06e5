"""Yearly progress of the CMS mutualisant and the trajectory of each commune to the SRU target.

From the objectives of :func:`services.sru.sru_objectives` and the yearly production data (agreed
and delivered dwellings), :func:`cms_progress` says where each commune stands against its CMS
objective; :func:`sru_trajectory` compares, year by year, the rate needed to reach the target at
the horizon of ``config/sru.toml`` with the rate the CMS pace would give.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from services.sru_rules import STATUS_DEFICIT, SruRules, load_sru_rules

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
