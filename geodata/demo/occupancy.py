"""Demo OPS occupancy surveys (2018, 2020, 2022, 2024) computed from the simulated households.

On 1 January of each survey year, the households living in a residence (the tenancies running
that day) are asked; each answers with the residence's response rate. ``n_households`` counts the
answers and every share is computed on them, so the surveys agree with the flows: a residence
whose intake is poorer than its tenants gets poorer from one survey to the next.

Like real returns, the table has gaps: a few residences miss a survey (no row), a few rows carry
counts but no shares, and a few percent of the shares are missing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geodata.demo.dynamics import Dynamics
from geodata.demo.households import FAMILY, SINGLE_PARENT, has_housing_benefit
from geodata.demo.occupants import Occupants, state_at
from geodata.demo.params import day, generator
from geodata.schemas import OCCUPANCY_SHARES, OPS_SURVEY_YEARS

MISSED_SURVEY = 0.04
EMPTY_ROW = 0.015
MISSING_CELL = 0.025


def _shares(frame: pd.DataFrame) -> pd.DataFrame:
    grouped = frame.groupby("residence", sort=True)
    count = grouped.size()
    mean = grouped[
        [
            "below_20",
            "below_40",
            "below_60",
            "single_parent",
            "large_family",
            "no_employment",
            "housing_benefit",
            "over_65",
            "recent",
        ]
    ].mean()
    working_age = frame[frame["age"] < 65]
    adults = working_age.groupby("residence")["n_adults"].sum().reindex(count.index)
    employed = working_age.groupby("residence")["n_employed_adults"].sum().reindex(count.index)
    out = pd.DataFrame(
        {
            "n_households": count,
            "res_below_20_pct": 100 * mean["below_20"],
            "res_below_40_pct": 100 * mean["below_40"],
            "res_below_60_pct": 100 * mean["below_60"],
            "single_parent_pct": 100 * mean["single_parent"],
            "large_family_pct": 100 * mean["large_family"],
            "employed_adults_pct": 100 * employed / adults.where(adults > 0),
            "no_employment_pct": 100 * mean["no_employment"],
            "housing_benefit_pct": 100 * mean["housing_benefit"],
            "over_65_pct": 100 * mean["over_65"],
            "recent_movers_pct": 100 * mean["recent"],
        }
    )
    return out


def build_occupancy(
    stock: pd.DataFrame,
    tenancies: pd.DataFrame,
    occupants: Occupants,
    dynamics: Dynamics,
) -> pd.DataFrame:
    """OPS table: one row per residence and survey answered.

    Parameters
    ----------
    stock : pandas.DataFrame
        Residences (``residence_id``) in their final order.
    tenancies : pandas.DataFrame
        Simulated tenancies (``start``, ``end``).
    occupants : Occupants
        Household of every tenancy.
    dynamics : Dynamics
        Hidden dynamics of the residences.

    Returns
    -------
    pandas.DataFrame
        Columns of the ``occupancy`` table, sorted by residence and survey year.
    """
    rng = generator("occupancy")
    start = tenancies["start"].to_numpy(float)
    end = tenancies["end"].to_numpy(float)
    response = rng.uniform(0.55, 0.92, len(stock))
    frames = []
    for year in OPS_SURVEY_YEARS:
        when = float(day(np.datetime64(f"{year}-01-01")))
        rows = np.flatnonzero((start <= when) & (end > when))
        residence = occupants.residence[rows]
        answers = rng.random(len(rows)) < response[residence]
        rows, residence = rows[answers], residence[answers]
        state = state_at(occupants, rows, np.full(len(rows), when), dynamics)
        resources = state["resources"]
        composition = occupants.composition[rows]
        household = pd.DataFrame(
            {
                "residence": residence,
                "below_20": resources < 20.0,
                "below_40": resources < 40.0,
                "below_60": resources < 60.0,
                "single_parent": composition == SINGLE_PARENT,
                "large_family": (composition >= FAMILY) & (occupants.n_children[rows] >= 3),
                "no_employment": ~state["is_employed"],
                "housing_benefit": has_housing_benefit(
                    resources, occupants.household_size[rows], occupants.apl_draw[rows]
                ),
                "over_65": state["age"] >= 65,
                "recent": start[rows] > when - 2 * 365.25,
                "age": state["age"],
                "n_adults": occupants.n_adults[rows],
                "n_employed_adults": state["n_employed_adults"],
            }
        )
        shares = _shares(household)
        shares.insert(0, "survey_year", year)
        shares.insert(0, "residence_id", stock["residence_id"].to_numpy()[shares.index])
        missed = rng.random(len(shares)) < MISSED_SURVEY
        shares = shares[~missed]
        frames.append(shares)
    table = pd.concat(frames, ignore_index=True)
    share_columns = list(OCCUPANCY_SHARES)
    table[share_columns] = table[share_columns].round(1)
    empty = rng.random(len(table)) < EMPTY_ROW
    table.loc[empty, share_columns] = np.nan
    cells = rng.random((len(table), len(share_columns))) < MISSING_CELL
    values = table[share_columns].to_numpy(copy=True)
    values[cells] = np.nan
    table[share_columns] = values
    table["n_households"] = table["n_households"].astype("int64")
    table["survey_year"] = table["survey_year"].astype("int64")
    return table.sort_values(["residence_id", "survey_year"], ignore_index=True)
