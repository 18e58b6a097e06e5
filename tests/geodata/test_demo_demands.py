"""Calibration of the demo extract of active demands."""

from __future__ import annotations

import pandas as pd
import pytest

from geodata.communes import POITIERS_CODE, load_communes
from geodata.housing import load_attributions, load_demands

FIRST_RING = {
    "86041",
    "86214",
    "86062",
    "86158",
    "86297",
    "86157",
    "86100",
    "86163",
    "86222",
    "86027",
    "86088",
    "86133",
}


@pytest.fixture(scope="module")
def demands():
    return load_demands()


def test_stock_and_identifiers(demands):
    assert 4_500 <= len(demands) <= 5_500
    assert demands["demand_id"].is_unique and demands["demand_id"].is_monotonic_increasing
    assert (demands["extract_date"] == pd.Timestamp("2025-12-31")).all()
    assert (demands["filing_date"] <= demands["extract_date"]).all()


def test_share_older_than_18_months(demands):
    old = demands["extract_date"] - demands["filing_date"] > pd.Timedelta(days=548)
    assert 0.15 <= old.mean() <= 0.20
    large = demands["typology"].isin(["T4", "T5+"])
    assert old[large].mean() > old[~large].mean()


def test_mutations_and_first_quartile(demands):
    assert 0.35 <= demands["is_mutation"].mean() <= 0.43
    assert 0.23 <= demands["is_q1"].mean() <= 0.27


def test_requested_communes(demands):
    codes = set(load_communes()["commune_code"])
    lists = demands["requested_communes"].str.split(";")
    assert lists.map(lambda c: set(c) <= codes).all()
    assert lists.map(lambda c: len(c) == len(set(c)) and 1 <= len(c) <= 5).all()
    first = lists.str[0]
    assert (first == POITIERS_CODE).mean() >= 0.5
    assert first.isin({POITIERS_CODE, *FIRST_RING}).mean() >= 0.85
    assert (lists.str.len() > 1).mean() >= 0.5


def test_pressure_by_typology(demands):
    attributions = load_attributions()
    pressure = (
        demands["typology"].value_counts()
        / attributions.loc[attributions["year"] == 2025, "typology"].value_counts()
    )
    for busy in ("T2", "T3"):
        for quiet in ("T1", "T5+"):
            assert pressure[busy] > pressure[quiet], (busy, quiet)
    assert 1.5 <= len(demands) / (attributions["year"] == 2025).sum() <= 2.6


def test_household_profiles(demands):
    assert (demands.loc[demands["composition"] == "personne_seule", "household_size"] == 1).all()
    assert (demands.loc[demands["is_large_family"], "household_size"] >= 4).all()
    assert demands["holder_age"].between(18, 110).all()
