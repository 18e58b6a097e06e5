"""Rebalancing flags: robust z within peer groups, rules, reasons and explanations."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from config import ConfigError
from scoring.peers import (
    FlagSettings,
    IndicatorSpec,
    flag_rebalancing,
    indicator_deviations,
    robust_zscore,
)

IDS = [f"r{i}" for i in range(7)]
SCALE = 2 * 1.4826  # MAD of [10, 11, 12, 13, 14, 15, 40] around 13 is 2
INDICATORS = (
    IndicatorSpec(
        "single_parent_pct", "Familles monoparentales", profile="familles monoparentales"
    ),
    IndicatorSpec(
        "no_employment_pct",
        "Ménages sans adulte en emploi",
        profile="ménages sans adulte en emploi",
    ),
    IndicatorSpec("employed_adults_pct", "Adultes en emploi", direction=-1),
)
SETTINGS = FlagSettings(indicators=INDICATORS)


def series(values, name=None, ids=IDS):
    return pd.Series(values, index=pd.Index(ids, name="residence_id"), name=name)


@pytest.fixture
def fragility():
    return series([10.0, 11, 12, 13, 14, 15, 40])


@pytest.fixture
def one_group():
    return series([0] * 7)


# --- robust z ------------------------------------------------------------------------------------


def test_robust_zscore_uses_the_scaled_mad(fragility, one_group):
    out = robust_zscore(fragility, one_group)
    assert out["median"].tolist() == [13.0] * 7
    assert out["scale"].tolist() == pytest.approx([SCALE] * 7)
    assert out.at["r6", "robust_z"] == pytest.approx(27 / SCALE)
    assert out.at["r0", "robust_z"] == pytest.approx(-3 / SCALE)


def test_zero_mad_falls_back_to_the_mean_absolute_deviation():
    ids = IDS[:5]
    out = robust_zscore(series([5.0, 5, 5, 5, 9], ids=ids), series([0] * 5, ids=ids))
    scale = 0.8 * np.sqrt(np.pi / 2)  # mean |x - 5| = 0.8
    assert out.at["r4", "robust_z"] == pytest.approx(4 / scale)
    assert out.at["r0", "robust_z"] == 0.0


def test_identical_values_score_zero():
    ids = IDS[:5]
    out = robust_zscore(series([7.0] * 5, ids=ids), series([0] * 5, ids=ids))
    assert out["robust_z"].tolist() == [0.0] * 5


def test_a_very_homogeneous_group_gets_the_scale_floor():
    ids = [f"a{i}" for i in range(5)] + [f"b{i}" for i in range(5)]
    values = series([0.0, 1, 2, 3, 4, 10, 10.01, 10.02, 10.03, 10.04], ids=ids)
    groups = series(["a"] * 5 + ["b"] * 5, ids=ids)
    out = robust_zscore(values, groups, min_scale_ratio=0.2)
    scale_a, scale_b = 1.4826, 0.01 * 1.4826
    floor = 0.2 * (scale_a + scale_b) / 2
    assert out.at["a0", "scale"] == pytest.approx(scale_a)
    assert out.at["b0", "scale"] == pytest.approx(floor)
    assert out.at["b4", "robust_z"] == pytest.approx(0.02 / floor)


# --- the three flags -----------------------------------------------------------------------------


def test_level_rule_flags_the_residence_far_above_its_group(fragility, one_group):
    out = flag_rebalancing(fragility, one_group, settings=SETTINGS, group_names={0: "Grands"})
    assert out["flag"].tolist() == ["balanced"] * 6 + ["rebalance"]
    assert out.at["r6", "rule"] == "level"
    assert out.at["r6", "robust_z"] == pytest.approx(27 / SCALE)
    assert out.at["r6", "group_median"] == 13.0
    assert out.at["r6", "reason"] == (
        "Fragilité d'occupation nettement au-dessus des résidences comparables : indice 40,0 "
        "contre 13,0 en médiane du groupe « Grands » (écart robuste +9,11, seuil +2,00)."
    )
    assert out.at["r6", "recommendation"] == SETTINGS.texts.rebalance_generic


@pytest.mark.parametrize(
    ("klass", "flag"),
    [
        pytest.param("A", "capacity", id="class-A"),
        pytest.param("C", "capacity", id="class-C"),
        pytest.param("D", "balanced", id="class-D"),
    ],
)
def test_capacity_needs_a_low_z_and_an_attractive_class(fragility, one_group, klass, flag):
    classes = series([klass] * 7)
    out = flag_rebalancing(fragility, one_group, classes, settings=SETTINGS)
    assert out.at["r0", "robust_z"] == pytest.approx(-3 / SCALE)  # -1.01 <= -1
    assert out.at["r0", "flag"] == flag
    assert out.at["r1", "flag"] == "balanced"  # z = -0.67
    if flag == "balanced":
        assert "attractivité de classe D" in out.at["r0", "reason"]


def test_no_capacity_flag_without_the_attractiveness_class(fragility, one_group):
    out = flag_rebalancing(fragility, one_group, settings=SETTINGS)
    assert out.at["r0", "flag"] == "balanced"
    assert "classe d'attractivité inconnue" in out.at["r0", "reason"]


def test_rise_rule_only_above_the_group_median(fragility, one_group):
    previous = fragility - series([9.0, 0, 0, 0, 0, 9, 0])  # r0 and r5 rose by 9 points
    out = flag_rebalancing(fragility, one_group, settings=SETTINGS, previous=previous)
    assert out.at["r5", "flag"] == "rebalance"  # 9 > 1 x scale and z = +0.67 > 0
    assert out.at["r5", "rule"] == "rise"
    assert out.at["r5", "fragility_change"] == 9.0
    assert out.at["r0", "flag"] == "balanced"  # rose as much, but below the median
    assert out.at["r6", "rule"] == "level"
    assert "en hausse de 9,0 points" in out.at["r5", "reason"]


def test_rise_threshold_in_index_points(fragility, one_group):
    previous = fragility - series([0.0, 0, 0, 0, 0, 9, 12])
    points = dataclasses.replace(SETTINGS, rise_unit="points", rise_min=10.0)
    out = flag_rebalancing(fragility, one_group, settings=points, previous=previous)
    assert out.at["r5", "flag"] == "balanced"
    assert out.at["r6", "rule"] == "level_and_rise"


# --- not evaluated -------------------------------------------------------------------------------


def test_few_households_are_not_evaluated_and_leave_the_reference(fragility, one_group):
    households = series([20, 20, 20, 7, 20, 20, 30])
    out = flag_rebalancing(fragility, one_group, settings=SETTINGS, n_households=households)
    assert out.at["r3", "flag"] == "not_evaluated"
    assert out.at["r3", "not_evaluated_reason"] == (
        "Moins de 11 ménages enquêtés (7) : résultat couvert par le secret statistique."
    )
    assert np.isnan(out.at["r3", "robust_z"])
    assert out.at["r3", "recommendation"] == SETTINGS.texts.not_evaluated_small
    # r3 (13) left the reference: median of 10, 11, 12, 14, 15, 40 is 13, MAD 2 → unchanged
    assert out.at["r0", "group_median"] == 13.0
    assert out.at["r0", "robust_z"] == pytest.approx(-3 / SCALE)


def test_missing_data_is_named():
    ids = ["a", "b", "c"]
    fragility = pd.Series([1.0, np.nan, 2.0], index=ids)
    groups = pd.Series([0, 0, np.nan], index=ids)
    households = pd.Series([12, 12, np.nan], index=ids)
    extra = pd.Series([5.0], index=["d"])
    out = flag_rebalancing(
        pd.concat([fragility, extra]), groups, settings=SETTINGS, n_households=households
    )
    assert out.index.tolist() == ["a", "b", "c", "d"]
    assert out["flag"].tolist() == ["not_evaluated"] * 4
    reasons = out["not_evaluated_reason"]
    assert "OPS" in reasons["b"]
    assert "sans groupe de pairs" in reasons["c"]
    assert "sans groupe de pairs" in reasons["d"]
    assert "trop petit" in reasons["a"] and "1 résidence(s)" in reasons["a"]


def test_small_group_compared_with_the_whole_parc_when_configured(fragility):
    ids = [*IDS, "s0", "s1", "s2"]
    values = pd.concat([fragility, series([50.0, 52, 54], ids=["s0", "s1", "s2"])])
    groups = series([0] * 7 + [1] * 3, ids=ids)
    default = flag_rebalancing(values, groups, settings=SETTINGS)
    assert default.loc[["s0", "s1", "s2"], "flag"].eq("not_evaluated").all()
    assert "minimum 5" in default.at["s0", "not_evaluated_reason"]

    epci = flag_rebalancing(
        values, groups, settings=dataclasses.replace(SETTINGS, small_group="epci")
    )
    assert epci.loc[["s0", "s1", "s2"], "reference"].eq("epci").all()
    assert epci.at["s0", "group_median"] == 14.5  # median of all ten values
    assert epci.at["r0", "reference"] == "group"
    assert "ensemble du parc" in epci.at["s0", "reason"]


# --- a fragile group is not flagged for being fragile ---------------------------------------


def test_a_uniformly_fragile_group_gets_no_flag():
    calm = [float(v) for v in range(20, 35)]  # 15 residences, median 27
    fragile = [80.0, 81, 82, 83, 84, 85, 86]  # 7 residences, as spread out, far more fragile
    ids = [f"c{i:02d}" for i in range(15)] + [f"f{i}" for i in range(7)]
    values = series(calm + fragile, ids=ids)
    peers = series(["calm"] * 15 + ["fragile"] * 7, ids=ids)
    out = flag_rebalancing(values, peers, settings=SETTINGS)
    assert out["flag"].eq("balanced").all()
    assert out.at["f6", "robust_z"] == pytest.approx(3 / SCALE)
    # judged against the whole parc instead, every residence of the fragile group is flagged
    whole = flag_rebalancing(values, series(["all"] * 22, ids=ids), settings=SETTINGS)
    assert whole["flag"].iloc[15:].eq("rebalance").all()


# --- explanations -------------------------------------------------------------------------


@pytest.fixture
def indicators():
    return pd.DataFrame(
        {
            "single_parent_pct": [10.0, 12, 11, 13, 9, 10, 45],
            "no_employment_pct": [30.0, 31, 29, 30, 32, 28, 50],
            "employed_adults_pct": [60.0, 61, 59, 60, 62, 58, 55],
        },
        index=pd.Index(IDS, name="residence_id"),
    )


def test_explanation_quotes_the_indicators_furthest_from_the_median(
    fragility, one_group, indicators
):
    out = flag_rebalancing(fragility, one_group, settings=SETTINGS, indicators=indicators)
    # single parents: median 11, MAD 1 → +22.9; no employment: median 30, MAD 1 → +13.5;
    # employed adults (direction -): median 60, MAD 1 → +3.4
    assert out.at["r6", "explained"] == (
        "single_parent_pct",
        "no_employment_pct",
        "employed_adults_pct",
    )
    assert out.at["r6", "explanation"] == (
        "Familles monoparentales : 45 % (médiane 11 %) ; Ménages sans adulte en emploi : 50 % "
        "(médiane 30 %) ; Adultes en emploi : 55 % (médiane 60 %)"
    )
    assert out.at["r6", "profile"] == "single_parent_pct"
    assert out.at["r6", "recommendation"] == (
        "Orienter les prochaines attributions vers des ménages hors premier quartile de "
        "ressources et en emploi ; éviter d'ajouter des familles monoparentales, profil "
        "sur-représenté (45 % contre 11 % en médiane du groupe)."
    )


def test_explanation_is_limited_and_follows_the_flag(fragility, one_group, indicators):
    two = dataclasses.replace(SETTINGS, n_explained=2)
    classes = series(["A"] * 7)
    out = flag_rebalancing(fragility, one_group, classes, settings=two, indicators=indicators)
    assert len(out.at["r6", "explained"]) == 2
    # r0 (capacity): only indicators below the median on the fragile side are quoted
    assert out.at["r0", "flag"] == "capacity"
    assert out.at["r0", "explained"] == ("single_parent_pct",)
    assert out.at["r0", "profile"] is None or pd.isna(out.at["r0", "profile"])


def test_labels_override_the_configured_ones(fragility, one_group, indicators):
    out = flag_rebalancing(
        fragility,
        one_group,
        settings=SETTINGS,
        indicators=indicators[["single_parent_pct"]],
        labels={"single_parent_pct": "Monoparents"},
    )
    assert out.at["r6", "explanation"] == "Monoparents : 45 % (médiane 11 %)"


def test_indicator_deviations_long_table(one_group, indicators):
    out = indicator_deviations(indicators, one_group, settings=SETTINGS)
    assert len(out) == 7 * 3
    row = out[(out.residence_id == "r6") & (out.indicator == "employed_adults_pct")].iloc[0]
    assert row["group_median"] == 60.0
    assert row["deviation"] == pytest.approx(5 / 1.4826)  # below the median: more fragile
    assert row["label"] == "Adultes en emploi"


# --- input checks --------------------------------------------------------------------------------


def test_duplicate_residences_are_refused(one_group):
    doubled = pd.Series([1.0, 2.0], index=["r0", "r0"])
    with pytest.raises(ValueError, match="en double : r0"):
        flag_rebalancing(doubled, one_group, settings=SETTINGS)


def test_non_numeric_fragility_is_refused(one_group):
    with pytest.raises(ValueError, match="valeur non numérique « élevée » pour la résidence r1"):
        flag_rebalancing(series(["1", "élevée", 3, 4, 5, 6, 7]), one_group, settings=SETTINGS)


def test_wrong_settings_type_is_refused(fragility, one_group):
    with pytest.raises(TypeError, match="FlagSettings"):
        flag_rebalancing(fragility, one_group, settings={"rebalance_z": 2})


def test_invalid_thresholds_are_refused():
    with pytest.raises(ConfigError, match="capacity_z"):
        FlagSettings(capacity_z=0.5)
    with pytest.raises(ConfigError, match="small_group"):
        FlagSettings(small_group="ignore")


# --- invariants ----------------------------------------------------------------------------------


def _frame(values, groups):
    ids = [f"x{i:03d}" for i in range(len(values))]
    return (
        pd.Series(np.array(values, dtype=float), index=ids),
        pd.Series(groups, index=ids),
    )


fragility_lists = st.integers(min_value=6, max_value=40).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, 100), min_size=n, max_size=n),
        st.lists(st.integers(0, 2), min_size=n, max_size=n),
    )
)


@settings(max_examples=60, deadline=None)
@given(data=fragility_lists, factor=st.sampled_from([0.5, 2.0, 4.0]), shift=st.integers(-50, 50))
def test_flags_do_not_depend_on_the_index_scale(data, factor, shift):
    values, groups = _frame(*data)
    base = flag_rebalancing(values, groups, settings=SETTINGS)
    moved = flag_rebalancing(values * factor + shift, groups, settings=SETTINGS)
    assert moved["flag"].tolist() == base["flag"].tolist()
    np.testing.assert_allclose(moved["robust_z"], base["robust_z"], equal_nan=True)


@settings(max_examples=60, deadline=None)
@given(data=fragility_lists, seed=st.integers(0, 1000))
def test_flags_do_not_depend_on_row_order(data, seed):
    values, groups = _frame(*data)
    order = np.random.default_rng(seed).permutation(len(values))
    base = flag_rebalancing(values, groups, settings=SETTINGS)
    shuffled = flag_rebalancing(values.iloc[order], groups.iloc[order], settings=SETTINGS)
    pd.testing.assert_frame_equal(shuffled.loc[base.index], base)


@settings(max_examples=60, deadline=None)
@given(data=fragility_lists)
def test_group_median_of_z_is_zero_and_rebalance_means_z_above_threshold(data):
    values, groups = _frame(*data)
    out = flag_rebalancing(values, groups, settings=SETTINGS)
    evaluated = out[out["flag"] != "not_evaluated"]
    medians = evaluated.groupby("group")["robust_z"].median()
    np.testing.assert_allclose(medians.to_numpy(float), 0.0, atol=1e-12)
    flagged = evaluated[evaluated["flag"] == "rebalance"]
    assert (flagged["robust_z"] >= SETTINGS.rebalance_z).all()
