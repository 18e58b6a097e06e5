"""What the *Tableau de bord du parc social* asks of the services, for a level or a territory.

Every function calls ``services.stock``, ``services.flows``, ``services.occupancy`` or
``services.offer`` on the housing tables; the per-level results (all territories of a level, all
years) are cached once in ``ui/cache.py`` and the page filters them, through the secret
statistique of ``services.disclosure``. The functions for one territory (offer, re-letting,
demand) first keep the residences of that territory. No Streamlit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd

from services import flows, occupancy, offer, stock
from services.stock import LEVELS, StockRules, Territory


def parc_years(attributions: pd.DataFrame, departures: pd.DataFrame) -> list[int]:
    """Years covered by the flow tables (attributions or departures), first to last."""
    years = np.concatenate([attributions["year"].to_numpy(), departures["year"].to_numpy()])
    if not years.size:
        return []
    return list(range(int(years.min()), int(years.max()) + 1))


def territory_names(
    level: str, residences: pd.DataFrame, communes: pd.DataFrame, quartiers: pd.DataFrame
) -> dict[str, str]:
    """Code → French name of the territories of ``level`` holding social dwellings.

    Residences read « name (commune) » so that two residences of the same name differ.
    """
    codes = stock.territory_list(residences, level)
    if level == "epci":
        return {code: Territory("epci").label() for code in codes}
    commune_names = communes.set_index("commune_code")["commune_name"]
    if level == "commune":
        return {c: str(commune_names.get(c, c)) for c in codes}
    if level == "quartier":
        names = quartiers.set_index("quartier_code")["quartier_name"]
        return {c: str(names.get(c, c)) for c in codes}
    frame = residences.set_index("residence_id")
    return {
        c: f"{frame.at[c, 'residence_name']} ({commune_names.get(frame.at[c, 'commune_code'], '')})"
        for c in codes
    }


def per_level(
    name: str, level: str, tables: dict[str, pd.DataFrame], years: Sequence[int], rules: StockRules
) -> pd.DataFrame:
    """One per-level table of the dashboard, for every territory of ``level`` and every year.

    Parameters
    ----------
    name : str
        ``stock``, ``rotation``, ``vacancy``, ``entrants``, ``leavers``, ``sitting`` or
        ``equality``.
    level : str
        One of :data:`services.stock.LEVELS`.
    tables : dict
        The housing tables by name (``residences``, ``attributions``, ``departures``,
        ``vacancies``, ``occupancy``).
    years : sequence of int
        Years of the dashboard (flows outside are ignored, years without data are NaN).
    rules : StockRules
        Definitions and thresholds.
    """
    if level not in LEVELS:
        raise ValueError(f"niveau inconnu : « {level} ».")
    res = tables["residences"]
    if name == "stock":
        return stock.stock_by_territory(res, level)
    if name == "rotation":
        return stock.rotation_rates(tables["departures"], res, level, years)
    if name == "vacancy":
        return stock.vacancy_rates(tables["vacancies"], res, level, years, rules=rules)
    if name in ("entrants", "leavers"):
        source = tables["attributions" if name == "entrants" else "departures"]
        return flows.flow_profile(source, res, level, years, rules=rules)
    if name == "sitting":
        return occupancy.sitting_profile(tables["occupancy"], res, level)
    if name == "equality":
        return flows.equality_rule(tables["attributions"], res, level, rules=rules)
    raise ValueError(f"table inconnue : « {name} ».")


def survey_year_for(year: int, occupancy_table: pd.DataFrame) -> int | None:
    """The latest OPS survey at or before ``year`` (None when there is none)."""
    surveys = occupancy_table["survey_year"].to_numpy()
    earlier = surveys[surveys <= year]
    return int(earlier.max()) if earlier.size else None


def intake(
    tables: dict[str, pd.DataFrame], level: str, survey_year: int, rules: StockRules
) -> pd.DataFrame:
    """Entrants against sitting tenants of the ``survey_year`` OPS, every territory of ``level``."""
    return occupancy.intake_vs_occupancy(
        tables["attributions"],
        tables["occupancy"],
        tables["residences"],
        level,
        survey_year,
        rules=rules,
    )


def fragile(tables: dict[str, pd.DataFrame], survey_year: int, rules: StockRules) -> pd.DataFrame:
    """Residences where the intake reinforces an already fragile occupancy."""
    return occupancy.fragile_intake(
        tables["attributions"],
        tables["occupancy"],
        tables["residences"],
        survey_year,
        rules=rules,
    )


def residences_of(residences: pd.DataFrame, level: str, code: str) -> pd.DataFrame:
    """The residences of a territory."""
    return stock.select_residences(residences, Territory(level, code))


def offer_table(
    tables: dict[str, pd.DataFrame],
    level: str,
    code: str,
    day: dt.date,
    by: Sequence[str],
    rules: StockRules,
) -> pd.DataFrame:
    """Dwellings available at ``day`` in a territory, by the ``by`` columns."""
    res = residences_of(tables["residences"], level, code)
    vacancies = tables["vacancies"]
    vacancies = vacancies[vacancies["residence_id"].isin(res["residence_id"])]
    return offer.vacant_offer(vacancies, res, day, by, rules=rules)


def relet_table(
    tables: dict[str, pd.DataFrame],
    level: str,
    code: str,
    year: int,
    by: Sequence[str],
    as_of: dt.date,
    rules: StockRules,
) -> pd.DataFrame:
    """Time to re-let the dwellings of a territory that fell vacant in ``year``."""
    res = residences_of(tables["residences"], level, code)
    vacancies = tables["vacancies"]
    vacancies = vacancies[vacancies["residence_id"].isin(res["residence_id"])]
    return offer.relet_times(
        vacancies,
        res,
        by,
        start_from=dt.date(year, 1, 1),
        start_to=dt.date(year, 12, 31),
        as_of=as_of,
        rules=rules,
    )


def demand_commune(level: str, code: str, residences: pd.DataFrame) -> str | None:
    """The commune whose demand a territory is compared with (None for the whole EPCI).

    The demand extract knows the requested commune, not the quartier nor the residence: a
    quartier or a residence is compared with the demand of its commune.
    """
    if level == "epci":
        return None
    if level == "commune":
        return code
    communes = residences_of(residences, level, code)["commune_code"].unique()
    return str(communes[0]) if len(communes) else None


def pressure_table(
    tables: dict[str, pd.DataFrame], commune: str | None, by: Sequence[str], rules: StockRules
) -> pd.DataFrame:
    """Active demand, abnormally long demands and pressure, for a commune or the whole EPCI."""
    keys = list(by) if commune is None else ["commune_code", *by]
    out = offer.demand_pressure(
        tables["demands"], tables["attributions"], tables["residences"], keys, rules=rules
    )
    if commune is None:
        return out
    return out[out["commune_code"] == commune].drop(columns="commune_code").reset_index(drop=True)


def latest_date(vacancies: pd.DataFrame) -> dt.date:
    """Extract date of the vacancy table (latest date in it)."""
    dates = pd.concat([vacancies["start_date"], vacancies["end_date"]])
    return pd.Timestamp(dates.max()).date()


def demand_extract_date(demands: pd.DataFrame) -> dt.date | None:
    """Date of the latest demand extract."""
    if demands.empty:
        return None
    return pd.Timestamp(demands["extract_date"].max()).date()


def stock_rules() -> StockRules:
    """Definitions of the dashboard (``config/stock.toml``)."""
    return stock.load_stock_rules()
