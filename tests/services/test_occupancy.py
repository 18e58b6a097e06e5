"""Tests of the sitting tenants' profile and of the entrants-versus-sitting comparison."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from services import occupancy, stock

RESIDENCES = pd.DataFrame(
    {
        "residence_id": ["R1", "R2", "R3", "R4"],
        "residence_name": ["Les Tilleuls", "Le Parc", "La Gare", "Le Bourg"],
        "bailleur": ["B1", "B2", "B1", "B1"],
        "commune_code": ["86194", "86194", "86194", "86041"],
        "quartier_code": ["86194Q02", "86194Q02", "86194Q01", None],
        "is_qpv": [True, False, False, False],
        "n_dwellings": [100, 50, 40, 10],
    }
)

OCCUPANCY = pd.DataFrame(
    {
        "residence_id": ["R1", "R2", "R1"],
        "survey_year": [2020, 2020, 2022],
        "n_households": [50, 10, 40],
        "res_below_40_pct": [60.0, 20.0, 55.0],
        "no_employment_pct": [40.0, 10.0, 35.0],
        "single_parent_pct": [30.0, np.nan, 25.0],
    }
)


def test_sitting_profile_is_household_weighted():
    out = occupancy.sitting_profile(OCCUPANCY, RESIDENCES, "quartier").set_index(
        ["territory_code", "survey_year"]
    )
    q02 = out.loc[("86194Q02", 2020)]
    assert q02["n_households"] == 60
    assert q02["n_residences_surveyed"] == 2
    assert q02["res_below_40_pct"] == pytest.approx((50 * 60 + 10 * 20) / 60)
    assert q02["single_parent_pct"] == 30.0  # R2 unknown: weighted over R1 only
    assert np.isnan(out.loc[("86194Q01", 2020), "n_households"])  # R3 never surveyed
    assert np.isnan(out.loc[("86194Q02", 2018), "res_below_40_pct"])  # no 2018 survey


def test_a_residence_absent_from_a_survey_is_missing_that_year():
    out = occupancy.sitting_profile(OCCUPANCY, RESIDENCES, "residence").set_index(
        ["territory_code", "survey_year"]
    )
    assert out.loc[("R2", 2020), "res_below_40_pct"] == 20.0
    assert np.isnan(out.loc[("R2", 2022), "res_below_40_pct"])
    assert np.isnan(out.loc[("R2", 2022), "n_households"])
    assert sorted(out.index.get_level_values("survey_year").unique()) == [2018, 2020, 2022, 2024]


def _entrants(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(
        rows, columns=["residence_id", "year", "is_q1", "is_employed", "composition"]
    )
    frame["resources_pct_ceiling"] = np.nan
    frame["household_size"] = 2
    frame["is_large_family"] = False
    frame["holder_age"] = 40
    return frame


ENTRANTS = _entrants(
    [
        ("R1", 2020, True, False, "famille_monoparentale"),
        ("R1", 2020, True, True, "personne_seule"),
        ("R1", 2021, True, True, "personne_seule"),
        ("R1", 2021, False, True, "personne_seule"),
        ("R1", 2022, False, False, "famille_monoparentale"),  # after the window
        ("R2", 2021, False, True, "couple_sans_enfant"),
        ("R2", 2021, False, True, "couple_sans_enfant"),
        ("R3", 2020, True, False, "personne_seule"),  # not surveyed
    ]
)


@pytest.fixture
def rules() -> stock.StockRules:
    return dataclasses.replace(stock.load_stock_rules(), min_entrants=2, tolerance_points=5.0)


def test_intake_against_occupancy_per_residence(rules):
    out = occupancy.intake_vs_occupancy(
        ENTRANTS, OCCUPANCY, RESIDENCES, "residence", 2020, rules=rules
    ).set_index(["territory_code", "indicator"])
    r1 = out.loc["R1"]
    assert r1.loc["low_resources", "n_entrants"] == 4
    # Q1 entrants 75 % against 60 % of sitting households under 40 % of PLUS ceilings
    assert r1.loc["low_resources", ["entrants_pct", "sitting_pct", "gap_points"]].tolist() == [
        75.0,
        60.0,
        15.0,
    ]
    assert r1.loc["low_resources", "effect"] == "renforce"
    assert r1.loc["no_employment", "entrants_pct"] == 25.0
    assert r1.loc["no_employment", "effect"] == "corrige"  # 25 against 40
    assert r1.loc["single_parent", "effect"] == "neutre"  # 25 against 30: within 5 points
    r2 = out.loc["R2"]
    assert r2.loc["low_resources", "effect"] == "corrige"  # 0 against 20
    assert pd.isna(r2.loc["single_parent", "effect"])  # sitting share unknown
    assert out.loc[("R3", "low_resources"), "n_entrants"] == 1  # counted, but not surveyed:
    assert pd.isna(out.loc[("R3", "low_resources"), "effect"])  # not compared
    # fragility: above the median of the surveyed residences
    assert r1.loc["low_resources", "reference_pct"] == 40.0  # median of 60 and 20
    assert r1.loc["low_resources", "is_fragile"]
    assert not r2.loc["low_resources", "is_fragile"]
    assert not r1.loc["single_parent", "is_fragile"]  # 30 is the median itself


def test_too_few_entrants_give_no_verdict(rules):
    strict = dataclasses.replace(rules, min_entrants=3)
    out = occupancy.intake_vs_occupancy(
        ENTRANTS, OCCUPANCY, RESIDENCES, "residence", 2020, rules=strict
    ).set_index(["territory_code", "indicator"])
    assert pd.isna(out.loc[("R2", "low_resources"), "effect"])  # 2 entrants < 3
    assert out.loc[("R1", "low_resources"), "effect"] == "renforce"


def test_intake_per_quartier_pools_the_surveyed_residences(rules):
    out = occupancy.intake_vs_occupancy(
        ENTRANTS, OCCUPANCY, RESIDENCES, "quartier", 2020, rules=rules
    ).set_index(["territory_code", "indicator"])
    q02 = out.loc[("86194Q02", "low_resources")]
    assert q02["n_entrants"] == 6
    assert q02["entrants_pct"] == pytest.approx(50.0)  # 3 of 6
    assert q02["sitting_pct"] == pytest.approx(3200 / 60)
    assert q02["effect"] == "neutre"  # 50 against 53.3


def test_configured_threshold_replaces_the_median(rules):
    indicators = tuple(
        dataclasses.replace(i, fragility_threshold_pct=70.0) for i in rules.indicators
    )
    custom = dataclasses.replace(rules, indicators=indicators)
    out = occupancy.fragile_intake(ENTRANTS, OCCUPANCY, RESIDENCES, 2020, rules=custom)
    assert out.empty  # 60 % is under the 70 % threshold


def test_fragile_intake_lists_the_residences_to_watch(rules):
    out = occupancy.fragile_intake(ENTRANTS, OCCUPANCY, RESIDENCES, 2020, rules=rules)
    assert out["residence_id"].tolist() == ["R1"]
    assert out["indicator"].tolist() == ["low_resources"]
    assert out["residence_name"].tolist() == ["Les Tilleuls"]
    assert out["gap_points"].tolist() == [15.0]
