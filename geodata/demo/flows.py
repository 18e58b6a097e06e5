"""Demo flow tables 2018-2025 (vacancies, attributions, departures) and the residences' rates.

The tables are cut out of the simulation of :mod:`geodata.demo.tenancies`, so they agree with
each other by construction: every departure opens a rotation vacancy starting on its date; an
attribution closes a vacancy on the day the vacancy ends (or is a first letting of a new
residence, without vacancy); a rotation vacancy that is neither closed by an attribution nor
still open was followed, the same day, by a technical vacancy of the same dwelling.

Vacancies that began before 2018 and were still open on 1 January 2018 are kept (their departure
is before the extract's period). The residences' ``rotation_rate_pct`` (departures of 2025 per
100 dwellings) and ``vacancy_rate_pct`` (dwellings vacant on 1 January 2025 per 100 dwellings: a
vacancy that started on or before that day and ended after it, or is still open) are computed
from these tables.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from geodata.demo.dynamics import Dynamics
from geodata.demo.households import composition_names
from geodata.demo.occupants import Occupants, state_at
from geodata.demo.params import (
    EXTRACT_DATE,
    FLOW_START,
    ROTATION_YEAR,
    TYPOLOGY_CODES,
    TYPOLOGY_SURFACE_M2,
    VACANCY_REFERENCE,
    day,
    days_to_dates,
    generator,
    year_of,
)
from geodata.demo.residences import SURFACE_FACTOR
from geodata.demo.tenancies import TECHNICAL, Simulation

MISSING_RESOURCES = 0.025
TYPOLOGY_COLUMNS = ("n_t1", "n_t2", "n_t3", "n_t4", "n_t5_plus")


@dataclass(frozen=True)
class Flows:
    """The three flow tables and the rates of the residences (aligned on the residences)."""

    vacancies: pd.DataFrame
    attributions: pd.DataFrame
    departures: pd.DataFrame
    rates: pd.DataFrame


def expand_dwellings(stock: pd.DataFrame) -> pd.DataFrame:
    """One row per dwelling: residence position, typology index and monthly rent.

    Parameters
    ----------
    stock : pandas.DataFrame
        Residences with ``n_t1`` … ``n_t5_plus``, ``kind``, ``rent_eur_m2``.

    Returns
    -------
    pandas.DataFrame
        ``residence`` (position in ``stock``), ``typology`` (0 for T1 … 4 for T5+),
        ``rent_eur_month``.
    """
    rng = generator("dwellings")
    counts = stock[list(TYPOLOGY_COLUMNS)].to_numpy()
    residence = np.repeat(np.arange(len(stock)), counts.sum(axis=1))
    typology = np.concatenate([np.repeat(np.arange(5), row) for row in counts])
    factor = stock["kind"].map(SURFACE_FACTOR).to_numpy(float)[residence]
    surface = (
        np.array(TYPOLOGY_SURFACE_M2)[typology] * factor * rng.uniform(0.93, 1.07, len(residence))
    )
    rent = np.round(surface * stock["rent_eur_m2"].to_numpy()[residence], 2)
    return pd.DataFrame({"residence": residence, "typology": typology, "rent_eur_month": rent})


def _household_columns(
    occupants: Occupants,
    rows: np.ndarray,
    when: np.ndarray,
    dynamics: Dynamics,
    q1_threshold: float,
    rng: np.random.Generator,
) -> dict[str, np.ndarray]:
    state = state_at(occupants, rows, when, dynamics)
    resources = np.round(np.clip(state["resources"], 0.0, 400.0), 1)
    is_q1 = resources < q1_threshold
    shown = resources.copy()
    shown[rng.random(len(rows)) < MISSING_RESOURCES] = np.nan
    return {
        "typology": np.array(TYPOLOGY_CODES, dtype=object)[occupants.typology[rows]],
        "resources_pct_ceiling": shown,
        "is_q1": is_q1,
        "composition": composition_names(occupants.composition[rows]),
        "household_size": occupants.household_size[rows].astype("int64"),
        "is_large_family": occupants.n_children[rows] >= 3,
        "is_employed": state["is_employed"].astype(bool),
        "holder_age": np.floor(state["age"]).astype("int64"),
    }


def _ids(prefix: str, n: int) -> np.ndarray:
    return np.array([f"{prefix}-{i + 1:06d}" for i in range(n)], dtype=object)


def build_flows(
    stock: pd.DataFrame,
    dwellings: pd.DataFrame,
    simulation: Simulation,
    occupants: Occupants,
    dynamics: Dynamics,
    q1_threshold: float,
) -> Flows:
    """Cut the flow tables out of the simulation and compute the residences' rates.

    Parameters
    ----------
    stock : pandas.DataFrame
        Residences (``residence_id``, ``n_dwellings``) in their final order.
    dwellings : pandas.DataFrame
        Output of :func:`expand_dwellings`.
    simulation : Simulation
        Simulated tenancies and vacancies.
    occupants : Occupants
        Household of every tenancy.
    dynamics : Dynamics
        Hidden dynamics of the residences.
    q1_threshold : float
        First-quartile threshold of resources (% of the PLUS ceiling).

    Returns
    -------
    Flows
        ``vacancies``, ``attributions``, ``departures`` (columns of the data dictionary, sorted
        by identifier) and ``rates`` (``vacancy_rate_pct``, ``rotation_rate_pct``).
    """
    rng = generator("flows")
    first, last = day(FLOW_START), day(EXTRACT_DATE)
    ids = stock["residence_id"].to_numpy()
    tenancies, vacancies = simulation.tenancies, simulation.vacancies
    dwelling_residence = dwellings["residence"].to_numpy()

    # Vacancies open at some point of the period.
    v_end = vacancies["end"].to_numpy(float)
    v_start = vacancies["start"].to_numpy(float)
    keep = (v_start <= last) & (np.isnan(v_end) | (v_end >= first))
    v = vacancies[keep].copy()
    v["residence"] = dwelling_residence[v["dwelling"]]
    v = v.sort_values(["start", "residence", "dwelling"], kind="stable")
    v["vacancy_id"] = _ids("VAC", len(v))
    vacancy_id = pd.Series(v["vacancy_id"].to_numpy(), index=v.index)
    vacancy_table = pd.DataFrame(
        {
            "vacancy_id": v["vacancy_id"].to_numpy(),
            "residence_id": ids[v["residence"].to_numpy()],
            "typology": np.array(TYPOLOGY_CODES, dtype=object)[
                dwellings["typology"].to_numpy()[v["dwelling"].to_numpy()]
            ],
            "rent_eur_month": dwellings["rent_eur_month"].to_numpy()[v["dwelling"].to_numpy()],
            "start_date": days_to_dates(v["start"].to_numpy(float)),
            "end_date": days_to_dates(v["end"].to_numpy(float)),
            "cause": np.where(v["cause"].to_numpy() == TECHNICAL, "technique", "rotation"),
        }
    )

    # Departures of the period, each with the rotation vacancy it opened.
    t_end = tenancies["end"].to_numpy(float)
    leaving = np.flatnonzero((t_end >= first) & (t_end <= last))
    opened = vacancies.loc[vacancies["departure"] >= 0]
    opened_by = pd.Series(opened.index.to_numpy(), index=opened["departure"].to_numpy())
    order = np.lexsort(
        (
            tenancies["dwelling"].to_numpy()[leaving],
            dwelling_residence[tenancies["dwelling"].to_numpy()[leaving]],
            t_end[leaving],
        )
    )
    leaving = leaving[order]
    when = t_end[leaving]
    departures = pd.DataFrame(
        {
            "departure_id": _ids("DEP", len(leaving)),
            "residence_id": ids[occupants.residence[leaving]],
            "vacancy_id": vacancy_id.reindex(opened_by.reindex(leaving).to_numpy()).to_numpy(),
            "date": days_to_dates(when),
            "year": year_of(when).astype("int64"),
            **_household_columns(occupants, leaving, when, dynamics, q1_threshold, rng),
            "tenure_years": np.round(
                (when - tenancies["start"].to_numpy(float)[leaving]) / 365.25, 1
            ),
        }
    )

    # Attributions of the period: the tenancies that start in it.
    t_start = tenancies["start"].to_numpy(float)
    entering = np.flatnonzero(
        (t_start >= first) & (t_start <= last) & ~tenancies["is_initial"].to_numpy(bool)
    )
    order = np.lexsort(
        (
            tenancies["dwelling"].to_numpy()[entering],
            dwelling_residence[tenancies["dwelling"].to_numpy()[entering]],
            t_start[entering],
        )
    )
    entering = entering[order]
    when = t_start[entering]
    closes = tenancies["vacancy"].to_numpy()[entering]
    attribution_vacancy = np.where(
        closes >= 0, vacancy_id.reindex(np.where(closes >= 0, closes, -1)).to_numpy(), None
    )
    attributions = pd.DataFrame(
        {
            "attribution_id": _ids("ATT", len(entering)),
            "residence_id": ids[occupants.residence[entering]],
            "vacancy_id": attribution_vacancy,
            "date": days_to_dates(when),
            "year": year_of(when).astype("int64"),
            **_household_columns(occupants, entering, when, dynamics, q1_threshold, rng),
            "is_mutation": occupants.is_mutation[entering],
        }
    )

    rates = _rates(stock, vacancy_table, departures)
    return Flows(vacancy_table, attributions, departures, rates)


def _rates(stock: pd.DataFrame, vacancies: pd.DataFrame, departures: pd.DataFrame) -> pd.DataFrame:
    reference = pd.Timestamp(VACANCY_REFERENCE)
    open_then = (vacancies["start_date"] <= reference) & (
        vacancies["end_date"].isna() | (vacancies["end_date"] > reference)
    )
    vacant = vacancies[open_then].groupby("residence_id").size()
    leaving = departures[departures["year"] == ROTATION_YEAR].groupby("residence_id").size()
    ids = stock["residence_id"]
    n = stock["n_dwellings"].to_numpy(float)
    return pd.DataFrame(
        {
            "vacancy_rate_pct": np.round(100.0 * vacant.reindex(ids).fillna(0).to_numpy() / n, 1),
            "rotation_rate_pct": np.round(100.0 * leaving.reindex(ids).fillna(0).to_numpy() / n, 1),
        },
        index=stock.index,
    )
