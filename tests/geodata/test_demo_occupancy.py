"""Calibration of the demo OPS surveys: gaps, orderings, QPV contrasts, spread and trends."""

from __future__ import annotations

import pandas as pd
import pytest

from geodata.communes import POITIERS_CODE
from geodata.housing import load_occupancy, load_residences
from geodata.schemas import OCCUPANCY_SHARES, OPS_SURVEY_YEARS


@pytest.fixture(scope="module")
def residences():
    return load_residences().set_index("residence_id")


@pytest.fixture(scope="module")
def occupancy(residences):
    frame = load_occupancy()
    frame["is_qpv"] = frame["residence_id"].map(residences["is_qpv"])
    return frame


def test_surveys_and_gaps(residences, occupancy):
    assert set(occupancy["survey_year"]) == set(OPS_SURVEY_YEARS)
    assert occupancy["residence_id"].isin(residences.index).all()
    built = occupancy["residence_id"].map(residences["year_built"])
    assert (occupancy["survey_year"] > built).all()
    rows = occupancy.groupby("residence_id").size()
    old = residences.index[residences["year_built"] < 2017]
    assert (rows.reindex(old).fillna(0) < len(OPS_SURVEY_YEARS)).sum() >= 10
    empty = occupancy[list(OCCUPANCY_SHARES)].isna().all(axis=1)
    assert 0 < empty.sum() < 0.05 * len(occupancy)
    cells = occupancy.loc[~empty, list(OCCUPANCY_SHARES)].isna().to_numpy().mean()
    assert 0.01 <= cells <= 0.08


def test_households_answering_fit_in_the_residence(residences, occupancy):
    n = occupancy["residence_id"].map(residences["n_dwellings"])
    assert (occupancy["n_households"] >= 1).all()
    assert (occupancy["n_households"] <= n).all()
    rate = occupancy["n_households"].sum() / n.sum()
    assert 0.5 <= rate <= 0.95
    assert (occupancy["n_households"] < 11).mean() >= 0.1


def test_resource_bands_are_ordered(occupancy):
    bands = occupancy[["res_below_20_pct", "res_below_40_pct", "res_below_60_pct"]].dropna()
    assert len(bands) > 0.8 * len(occupancy)
    assert (bands["res_below_20_pct"] <= bands["res_below_40_pct"]).all()
    assert (bands["res_below_40_pct"] <= bands["res_below_60_pct"]).all()


def test_qpv_residences_are_poorer(occupancy):
    latest = occupancy[occupancy["survey_year"] == 2024]
    means = latest.groupby("is_qpv")[list(OCCUPANCY_SHARES)].mean()
    assert means.loc[True, "res_below_40_pct"] >= means.loc[False, "res_below_40_pct"] + 20
    assert 55 <= means.loc[True, "res_below_40_pct"] <= 75
    assert 25 <= means.loc[True, "single_parent_pct"] <= 40
    assert 35 <= means.loc[True, "no_employment_pct"] <= 55
    assert 60 <= means.loc[True, "housing_benefit_pct"] <= 80
    for column in ("single_parent_pct", "no_employment_pct", "housing_benefit_pct"):
        assert means.loc[True, column] > means.loc[False, column] + 5, column
    assert means.loc[True, "employed_adults_pct"] < means.loc[False, "employed_adults_pct"]


def test_recent_suburban_residences_are_far_less_fragile(residences, occupancy):
    latest = occupancy[occupancy["survey_year"] == 2024].set_index("residence_id")
    suburban = residences[
        (residences["commune_code"] != POITIERS_CODE) & (residences["year_built"] >= 2000)
    ].index
    qpv = residences[residences["is_qpv"]].index
    for column in ("res_below_40_pct", "housing_benefit_pct"):
        assert latest[column].reindex(suburban).mean() < latest[column].reindex(qpv).mean() - 20


def test_real_spread_between_residences(occupancy):
    latest = occupancy[(occupancy["survey_year"] == 2024) & (occupancy["n_households"] >= 11)]
    below = latest.set_index("is_qpv")["res_below_40_pct"].dropna()
    assert (below.loc[False] >= 55).sum() >= 3  # fragile residences outside QPV
    assert (below.loc[True] <= 50).sum() >= 3  # QPV residences doing better
    assert below.loc[True].std() >= 8 and below.loc[False].std() >= 8


def test_fragility_rises_over_the_surveys(occupancy):
    qpv = occupancy[occupancy["is_qpv"]].groupby("survey_year")["res_below_40_pct"].mean()
    assert qpv[2024] > qpv[2018]
    wide = occupancy.pivot(index="residence_id", columns="survey_year", values="res_below_40_pct")
    n = occupancy.pivot(index="residence_id", columns="survey_year", values="n_households")
    measured = (n[2022] >= 20) & (n[2024] >= 20)
    rise = (wide[2024] - wide[2022])[measured].dropna()
    sharp = (rise >= 15).sum()
    assert 3 <= sharp <= 0.1 * len(rise)


def test_latest_survey_is_joined_to_the_residences(residences):
    surveyed = residences["ops_survey_year"].dropna()
    assert set(surveyed.unique()) <= set(OPS_SURVEY_YEARS)
    assert (surveyed == 2024).mean() >= 0.85
    assert residences["ops_survey_year"].isna().sum() >= 1
    assert pd.api.types.is_float_dtype(residences["res_below_40_pct"])
