"""Tests of the attribution simulator: share arithmetic, fragility with the fitted index, flags."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from geodata.housing import load_demands, load_occupancy, load_residences
from services.peers import peer_analysis
from services.simulation import (
    Household,
    move_shares,
    quartile_resources,
    simulate_move,
    simulation_context,
)

Q1_SINGLE_PARENT = Household(15.0, "famille_monoparentale", is_employed=False, resources_quartile=1)
EMPLOYED_ABOVE_60 = Household(95.0, "couple_avec_enfants", is_employed=True)


# --- Share arithmetic on a tiny example -----------------------------------------------------------


def test_a_household_moving_in_counts_as_one_more_surveyed_household():
    shares = {"single_parent_pct": 30.0, "res_below_40_pct": 50.0, "over_65_pct": 0.0}
    moved = move_shares(shares, 10, Q1_SINGLE_PARENT)
    assert moved.n_households == 11
    assert moved.shares["single_parent_pct"] == pytest.approx((30 * 10 + 100) / 11)
    assert moved.shares["res_below_40_pct"] == pytest.approx((50 * 10 + 100) / 11)
    assert moved.shares["over_65_pct"] == pytest.approx(0.0)
    assert moved.clipped == ()


def test_a_known_leaver_is_removed_before_the_newcomer_takes_its_place():
    shares = {"single_parent_pct": 30.0, "no_employment_pct": 40.0, "recent_movers_pct": 20.0}
    moved = move_shares(shares, 10, EMPLOYED_ABOVE_60, leaving=Q1_SINGLE_PARENT)
    assert moved.n_households == 10
    # (s·n − 100·y) / (n − 1), then (s'·(n − 1) + 100·x) / n = (s·n − 100·y + 100·x) / n
    assert moved.shares["single_parent_pct"] == pytest.approx((300 - 100 + 0) / 10)
    assert moved.shares["no_employment_pct"] == pytest.approx((400 - 100 + 0) / 10)
    assert moved.shares["recent_movers_pct"] == pytest.approx((200 - 0 + 100) / 10)


def test_missing_shares_stay_missing_and_impossible_removals_are_clipped():
    shares = {"single_parent_pct": 0.0, "large_family_pct": np.nan}
    moved = move_shares(shares, 4, None, leaving=Q1_SINGLE_PARENT)
    assert moved.shares["single_parent_pct"] == 0.0
    assert np.isnan(moved.shares["large_family_pct"])
    assert moved.clipped == ("single_parent_pct",)
    assert moved.n_households == 3


@given(
    shares=st.lists(st.floats(0, 100), min_size=10, max_size=10),
    n=st.integers(1, 500),
    resources=st.floats(0, 300),
    composition=st.sampled_from(["personne_seule", "famille_monoparentale"]),
    employed=st.booleans(),
)
def test_shares_stay_percentages_and_a_move_in_then_out_restores_them(
    shares, n, resources, composition, employed
):
    columns = [
        "res_below_20_pct", "res_below_40_pct", "res_below_60_pct", "single_parent_pct",
        "large_family_pct", "employed_adults_pct", "no_employment_pct", "housing_benefit_pct",
        "over_65_pct", "recent_movers_pct",
    ]  # fmt: skip
    before = pd.Series(shares, index=columns)
    household = Household(resources, composition, employed, is_recent_mover=True)
    moved = move_shares(before, n, household)
    assert ((moved.shares >= -1e-9) & (moved.shares <= 100 + 1e-9)).all()
    back = move_shares(moved.shares, moved.n_households, None, leaving=household)
    assert back.n_households == n
    np.testing.assert_allclose(back.shares.to_numpy(), before.to_numpy(), atol=1e-9)


@pytest.mark.parametrize(
    ("n", "leaving"),
    [pytest.param(0, None, id="no-household"), pytest.param(1, Q1_SINGLE_PARENT, id="last-one")],
)
def test_moves_without_households_to_start_from_are_refused(n, leaving):
    with pytest.raises(ValueError, match="ménage"):
        move_shares({"single_parent_pct": 10.0}, n, Q1_SINGLE_PARENT, leaving)


# --- The household ------------------------------------------------------------------------------


def test_traits_follow_the_resource_bands_and_the_composition():
    traits = Q1_SINGLE_PARENT.traits(moving_in=True)
    assert traits["res_below_20_pct"] == traits["res_below_40_pct"] == 1.0
    assert traits["single_parent_pct"] == traits["no_employment_pct"] == 1.0
    assert traits["employed_adults_pct"] == 0.0
    assert traits["recent_movers_pct"] == 1.0
    rich = EMPLOYED_ABOVE_60.traits(moving_in=False)
    assert rich["res_below_60_pct"] == rich["no_employment_pct"] == rich["recent_movers_pct"] == 0


@pytest.mark.parametrize(
    ("resources", "given", "expected"),
    [
        pytest.param(30.0, None, True, id="estimated-yes"),
        pytest.param(55.0, None, False, id="estimated-no"),
        pytest.param(55.0, True, True, id="given"),
    ],
)
def test_housing_benefit_is_estimated_from_resources_unless_given(resources, given, expected):
    household = Household(resources, "personne_seule", True, has_housing_benefit=given)
    assert household.housing_benefit is expected


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        pytest.param({"composition": "colocation"}, "composition", id="composition"),
        pytest.param({"resources_pct_ceiling": -5.0}, "négatif", id="negative"),
        pytest.param({"is_large_family": True}, "famille nombreuse", id="large-single"),
    ],
)
def test_inconsistent_households_are_refused_in_french(kwargs, message):
    values = {"resources_pct_ceiling": 30.0, "composition": "personne_seule", "is_employed": True}
    with pytest.raises(ValueError, match=message):
        Household(**(values | kwargs))


def test_households_are_described_in_french():
    text = Q1_SINGLE_PARENT.describe()
    assert text == (
        "une famille monoparentale aux ressources de 15,0 % des plafonds PLUS (1er quartile), "
        "sans adulte en emploi, bénéficiaire de l'APL"
    )


def test_quartile_resources_gives_bounds_and_the_median_within_each_quartile():
    quartiles = quartile_resources(
        pd.Series([10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, None])
    )
    assert list(quartiles.index) == [1, 2, 3, 4]
    assert quartiles.at[1, "low_pct"] == 10.0
    assert quartiles.at[4, "high_pct"] == 80.0
    assert quartiles["typical_pct"].is_monotonic_increasing
    assert quartiles.at[1, "typical_pct"] < quartiles.at[1, "high_pct"]


# --- On the demo parc ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def context():
    occupancy = load_occupancy()
    return simulation_context(peer_analysis(load_residences(), occupancy), occupancy)


@pytest.fixture(scope="module")
def q1():
    return quartile_resources(load_demands()["resources_pct_ceiling"])


def test_the_fitted_index_reproduces_every_fragility_of_the_analysis(context):
    scored = context.fitted.score(context.judged)["fragility"]
    expected = context.analysis.residences["fragility"]
    np.testing.assert_allclose(scored.to_numpy(), expected.to_numpy(), equal_nan=True)


def test_a_first_quartile_single_parent_without_employment_raises_the_fragility(context, q1):
    household = Household(
        float(q1.at[1, "typical_pct"]), "famille_monoparentale", False, resources_quartile=1
    )
    evaluated = context.analysis.residences.query("flag != 'not_evaluated'").index[::25]
    for residence in evaluated:
        result = simulate_move(context, residence, household)
        assert result.fragility_after > result.fragility_before, residence
        assert result.z_after > result.z_before
        assert result.n_after == result.n_before + 1
        assert result.shares.at["single_parent_pct", "change_points"] > 0
        assert "passerait de" in result.sentence


def test_a_household_in_employment_above_60_pct_lowers_a_fragile_residence(context):
    table = context.analysis.residences
    fragile = table[table["flag"] == "rebalance"].index
    assert len(fragile) > 0
    for residence in fragile:
        result = simulate_move(context, residence, EMPLOYED_ABOVE_60)
        assert result.fragility_after < result.fragility_before, residence
        assert result.fragility_change < 0


def test_replacing_a_household_by_an_identical_one_changes_nothing(context):
    table = context.analysis.residences
    residence = table[table["flag"] == "capacity"].index[0]
    same = Household(50.0, "couple_sans_enfant", True, is_recent_mover=True)
    result = simulate_move(context, residence, same, leaving=same)
    assert result.fragility_after == pytest.approx(result.fragility_before)
    assert result.flag_after == result.flag_before == "capacity"
    assert result.median_after == pytest.approx(result.median_before)
    assert "resterait « Capacité d'accueil »" in result.sentence


def test_the_flag_can_change_and_the_sentence_says_so(context, q1):
    table = context.analysis.residences
    near = table[(table["flag"] == "balanced") & (table["robust_z"] > 1.8)]
    household = Household(float(q1.at[1, "typical_pct"]), "famille_monoparentale", False)
    changed = [simulate_move(context, r, household) for r in near.index]
    moved = [r for r in changed if r.flag_after == "rebalance"]
    assert moved, "aucune résidence proche du seuil ne bascule"
    assert "passerait de « Équilibrée » à « À rééquilibrer »" in moved[0].sentence
    assert moved[0].recommendation_after.startswith("Orienter les prochaines attributions")


def test_residences_without_a_survey_cannot_be_simulated(context):
    table = context.analysis.residences
    unsurveyed = table.index[table["survey_year"].isna()]
    if len(unsurveyed) == 0:
        pytest.skip("toutes les résidences de démonstration ont une enquête")
    with pytest.raises(ValueError, match="enquête d'occupation"):
        simulate_move(context, unsurveyed[0], Q1_SINGLE_PARENT)
    with pytest.raises(KeyError, match="inconnue"):
        simulate_move(context, "GP-9999", Q1_SINGLE_PARENT)
