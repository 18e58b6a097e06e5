"""Tests of the peer groups and rebalancing flags of the residences (services layer)."""

from __future__ import annotations

import dataclasses

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from geodata.housing import load_occupancy, load_residences
from scoring.peers import FLAGS, IndicatorSpec, load_peer_settings
from services.peers import (
    FLAG_LABELS,
    ExplainedIndicator,
    peer_analysis,
    peer_comparison,
    peer_stability,
)
from tests.services.test_peer_features import make_residences

NAN = np.nan
MAD_TO_SD = 1.4826  # scaled MAD = standard deviation of a normal distribution
SETTINGS = load_peer_settings()


# --- A tiny parc with known flags -----------------------------------------------------------------

# Fragility = res_below_40_pct alone, min–max on 0..100: the index equals the share.
TINY_SHARES = [0.0, 20.0, 22.0, 24.0, 26.0, 28.0, 30.0, 100.0, 50.0]
TINY_HOUSEHOLDS = [20, 20, 20, 20, 20, 20, 20, 20, 5]


def tiny_settings():
    """One peer group, one fragility indicator; everything else as configured."""
    indicator = IndicatorSpec(
        "res_below_40_pct",
        "Ménages sous 40 % des plafonds",
        profile="ménages aux ressources inférieures à 40 % des plafonds",
    )
    return dataclasses.replace(
        SETTINGS,
        grouping=dataclasses.replace(SETTINGS.grouping, n_groups=1),
        flags=dataclasses.replace(SETTINGS.flags, indicators=(indicator,)),
    )


def tiny_parc() -> tuple[gpd.GeoDataFrame, pd.DataFrame, pd.Series]:
    """Ten residences: R8 far above the others, R1 far below, R9 with 5 households, R10 unsurveyed.

    The structural columns repeat every three residences: R1, R4, R7 and R10 (20 dwellings) are
    in QPV, R2, R5, R8 (10 dwellings) and R3, R6, R9 (4 dwellings) are not. Every residence has
    the attractiveness class A.
    """
    residences = make_residences(10, [(100.0 * i, 0.0) for i in range(10)])
    occupancy = pd.DataFrame(
        {
            "residence_id": [f"R{i + 1}" for i in range(9)],
            "survey_year": [2024] * 9,
            "n_households": TINY_HOUSEHOLDS,
            "res_below_40_pct": TINY_SHARES,
        }
    )
    classes = pd.Series(["A"] * 10, index=[f"R{i + 1}" for i in range(10)])
    return residences, occupancy, classes


@pytest.fixture(scope="module")
def tiny():
    residences, occupancy, classes = tiny_parc()
    return peer_analysis(residences, occupancy, classes, tiny_settings())


def test_tiny_parc_flags(tiny):
    table = tiny.residences
    assert list(table.index) == [f"R{i}" for i in range(1, 11)]
    assert table["flag"].to_dict() == {
        "R1": "capacity",
        "R2": "balanced",
        "R3": "balanced",
        "R4": "balanced",
        "R5": "balanced",
        "R6": "balanced",
        "R7": "balanced",
        "R8": "rebalance",
        "R9": "not_evaluated",
        "R10": "not_evaluated",
    }
    # evaluated values 0, 20…30, 100: median 25, MAD 4
    assert table.loc["R8", "group_median"] == pytest.approx(25.0)
    assert table.loc["R8", "robust_z"] == pytest.approx(75.0 / (MAD_TO_SD * 4.0))
    assert table.loc["R1", "robust_z"] == pytest.approx(-25.0 / (MAD_TO_SD * 4.0))
    assert table.loc["R8", "fragility"] == pytest.approx(100.0)
    assert table["flag_label"].to_dict()["R8"] == "À rééquilibrer"
    assert table.loc["R9", "not_evaluated_reason"].startswith("Moins de 11 ménages enquêtés (5)")
    assert table.loc["R10", "not_evaluated_reason"].startswith("Indice de fragilité non calculé")
    assert table.loc["R8", "profile"] == "res_below_40_pct"
    assert "100 % contre 25 %" in table.loc["R8", "recommendation"]
    assert table.loc["R8", "explained"] == (
        ExplainedIndicator(
            "res_below_40_pct",
            "Ménages sous 40 % des plafonds",
            "%",
            100.0,
            25.0,
            pytest.approx(75.0 / (MAD_TO_SD * 4.0)),
        ),
    )
    assert table.loc["R9", "explained"] == ()
    assert table.loc["R3", "residence_name"] == "Résidence 3"


def test_tiny_parc_group_table(tiny):
    groups = tiny.groups
    assert len(groups) == 1
    row = groups.iloc[0]
    assert row["n_residences"] == 10
    assert row["n_dwellings"] == 4 * 20 + 3 * 10 + 3 * 4
    assert (row["n_rebalance"], row["n_capacity"], row["n_balanced"], row["n_not_evaluated"]) == (
        1,
        1,
        6,
        2,
    )
    assert row["median_fragility"] == pytest.approx(25.0)
    assert row["name"]
    # centroid: 12.2 dwellings, 40 % in QPV (R1, R4, R7, R10)
    assert row["description"].startswith("12 logements en moyenne")
    assert "40 % en QPV" in row["description"]


def test_comparison_for_box_plots(tiny):
    box = peer_comparison(tiny, "R9")
    occupancy = box[box["kind"] == "fragilité"]
    # the reference (R1–R8) plus the residence itself, never the unsurveyed R10
    assert sorted(occupancy["residence_id"].unique()) == sorted(f"R{i}" for i in range(1, 10))
    selected = occupancy[occupancy["is_selected"]]
    assert set(selected["indicator"]) == {"fragility", "res_below_40_pct"}
    assert selected["value"].tolist() == [50.0, 50.0]
    reference = occupancy[~occupancy["is_selected"] & (occupancy["indicator"] == "fragility")]
    assert reference["value"].median() == pytest.approx(25.0)
    structure = box[box["kind"] == "structure"]
    assert structure["residence_id"].nunique() == 10
    assert set(structure["indicator"]) == set(SETTINGS.grouping.feature_names)
    assert structure["label"].ne("").all()


def test_comparison_of_an_unknown_residence():
    residences, occupancy, classes = tiny_parc()
    analysis = peer_analysis(residences, occupancy, classes, tiny_settings())
    with pytest.raises(KeyError, match="R99"):
        peer_comparison(analysis, "R99")


# --- The demo parc --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo():
    return peer_analysis()


def test_every_demo_residence_has_a_named_group_and_an_explained_flag(demo):
    table = demo.residences
    assert len(table) == len(load_residences())
    assert table.index.is_unique
    assert table["group"].notna().all()
    assert table["group_name"].str.len().gt(10).all()
    assert table["flag"].isin(FLAGS).all()
    assert table["flag_label"].isin(FLAG_LABELS.values()).all()
    assert table["reason"].str.len().gt(20).all()
    assert table["recommendation"].str.len().gt(20).all()
    evaluated = table["flag"] != "not_evaluated"
    assert table.loc[evaluated, "explanation"].str.len().gt(20).all()
    assert table.loc[evaluated, "explained"].map(len).between(1, 3).all()
    assert table.loc[~evaluated, "not_evaluated_reason"].str.len().gt(20).all()
    assert table.loc[evaluated, "not_evaluated_reason"].isna().all()


def test_demo_residences_are_not_evaluated_only_for_data_reasons(demo):
    table = demo.residences
    reasons = table.loc[table["flag"] == "not_evaluated", "not_evaluated_reason"]
    few = reasons.str.startswith("Moins de 11 ménages enquêtés")
    missing = reasons.str.startswith("Indice de fragilité non calculé")
    assert (few | missing).all()
    assert table.loc[few[few].index, "n_households"].lt(11).all()
    assert table.loc[table["flag"] != "not_evaluated", "n_households"].ge(11).all()


def test_demo_flags_and_groups_are_consistent(demo):
    table, groups = demo.residences, demo.groups
    assert 4 <= demo.n_groups <= 10
    assert demo.silhouette == pytest.approx(demo.silhouette_by_k.max())
    assert groups["n_residences"].sum() == len(table)
    counts = groups[[f"n_{f}" for f in FLAGS]].sum(axis=1)
    assert counts.equals(groups["n_residences"])
    assert groups["name"].is_unique
    assert groups["description"].str.contains("logements en moyenne").all()
    assert (table["group_name"] == groups["name"].reindex(table["group"]).to_numpy()).all()
    # every flag occurs on the demo parc
    assert set(table["flag"]) == set(FLAGS)
    rebalance = table[table["flag"] == "rebalance"]
    assert ((rebalance["robust_z"] >= 2.0) | (rebalance["rule"] == "rise")).all()
    capacity = table[table["flag"] == "capacity"]
    assert capacity["robust_z"].le(-1.0).all()
    assert capacity["attractiveness_class"].isin(["A", "B", "C"]).all()


def test_demo_explanations_quote_the_engine_medians(demo):
    table = demo.residences
    row = table[table["flag"] == "rebalance"].iloc[0]
    same = (table["group"] == row["group"]) & (table["reference"] == "group")
    for quoted in row["explained"]:
        values = demo.indicators.loc[same[same].index, quoted.indicator]
        assert quoted.group_median == pytest.approx(values.median())
        assert quoted.value == demo.indicators.loc[row.name, quoted.indicator]
    # the box plot shows the reference population (the residence included): same median
    box = peer_comparison(demo, row.name, with_features=False)
    assert box["residence_id"].isin(same[same].index).all()
    fragility = box[box["indicator"] == "fragility"]["value"]
    assert fragility.median() == pytest.approx(row["group_median"])


def test_demo_groups_are_stable_under_resampling(demo):
    stability = peer_stability(demo, n_resamples=5)
    assert stability.n_groups == demo.n_groups
    assert len(stability.ari) == 5
    assert 0.3 < stability.min_ari <= stability.mean_ari <= 1.0
    assert peer_stability(demo, n_resamples=5) == stability


def test_same_data_and_settings_give_the_same_groups_names_and_flags(demo):
    again = peer_analysis()
    assert again.model.names_.equals(demo.model.names_)
    pd.testing.assert_frame_equal(again.residences, demo.residences)
    pd.testing.assert_frame_equal(again.groups, demo.groups)


def test_row_order_does_not_change_groups_names_or_flags(demo):
    residences, occupancy = load_residences(), load_occupancy()
    order = np.random.default_rng(1).permutation(len(residences))
    shuffled = peer_analysis(
        residences.iloc[order], occupancy.iloc[np.random.default_rng(2).permutation(len(occupancy))]
    )
    assert shuffled.model.names_.equals(demo.model.names_)
    pd.testing.assert_frame_equal(shuffled.residences.sort_index(), demo.residences.sort_index())


def _planted(seed: int, share: float = 0.05, shift: float = 30.0):
    """Raise the latest-survey OPS shares of ``share`` of the evaluable demo residences.

    ``shift`` points on every OPS share (clipped at 100) move the index by about 26 points,
    some three robust standard deviations of a peer group.
    """
    residences, occupancy = load_residences(), load_occupancy()
    base = peer_analysis(residences, occupancy)
    evaluable = base.residences.index[base.residences["flag"] != "not_evaluated"]
    rng = np.random.default_rng(seed)
    planted = pd.Index(np.sort(rng.choice(evaluable, round(share * len(evaluable)), False)))
    latest = base.residences["survey_year"]
    rows = occupancy["residence_id"].isin(planted) & (
        occupancy["survey_year"].to_numpy() == latest.reindex(occupancy["residence_id"]).to_numpy()
    )
    columns = [i.column for i in SETTINGS.fragility_indicators if i.source == "ops"]
    occupancy.loc[rows, columns] = (occupancy.loc[rows, columns] + shift).clip(upper=100.0)
    return base, peer_analysis(residences, occupancy), planted


def test_planted_over_fragile_residences_are_found_on_the_demo_parc():
    found = []
    for seed in range(5):
        base, shifted, planted = _planted(seed)
        flag = shifted.residences["flag"]
        found.append(flag[planted].eq("rebalance").to_numpy())
        others = shifted.residences.index.difference(planted)
        # the other residences keep their flags, but for the few whose group statistics moved
        assert (flag[others] != base.residences["flag"][others]).mean() <= 0.03
    assert np.concatenate(found).mean() >= 0.90
