"""The flag decision on arrays: robust statistics, references and rules, worked by hand."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from scoring.flag_decision import (
    MAD_TO_SD,
    MEAN_AD_TO_SD,
    center_scale,
    decide,
    references,
    zscore,
)
from scoring.flag_settings import FlagSettings

IDS = pd.Index([f"r{i}" for i in range(8)], name="residence_id")
# Group 0: six residences; group 1: two, fewer than the default minimum group size of 5.
GROUPS = pd.Series([0, 0, 0, 0, 0, 0, 1, 1], index=IDS)
FRAGILITY = pd.Series([10.0, 11, 12, 13, 14, 30, 50, 52], index=IDS)
PREVIOUS = pd.Series(np.nan, index=IDS)


def test_center_scale_per_key_with_the_mean_absolute_deviation_fallback():
    values = pd.DataFrame({"v": [1.0, 2, 3, 4, 100, 5, 5, 5, 8]})
    keys = np.array([0, 0, 0, 0, 0, 1, 1, 1, 1])
    median, scale = center_scale(values, keys, min_scale_ratio=0.0)
    # Key 0: median 3, absolute deviations 2, 1, 0, 1, 97 → MAD 1.
    # Key 1: median 5, deviations 0, 0, 0, 3 → MAD 0, mean absolute deviation 0.75.
    assert median["v"].tolist() == [3.0, 5.0]
    assert scale["v"].tolist() == pytest.approx([MAD_TO_SD, MEAN_AD_TO_SD * 0.75])


def test_center_scale_floors_the_scales_at_a_share_of_their_median():
    values = pd.DataFrame({"v": [0.0, 10, 20, 5.0, 5.1, 4.9]})
    keys = np.array([0, 0, 0, 1, 1, 1])
    _, scale = center_scale(values, keys, min_scale_ratio=0.5)
    # Raw scales: 10 × 1.4826 and 0.1 × 1.4826; their median is 5.05 × 1.4826.
    assert scale["v"].tolist() == pytest.approx([10 * MAD_TO_SD, 0.5 * 5.05 * MAD_TO_SD])


def test_zscore_is_zero_where_the_scale_is_zero_and_missing_stays_missing():
    z = zscore(np.array([4.0, 7.0, np.nan]), np.array([2.0, 7.0, 1.0]), np.array([2.0, 0.0, 0.0]))
    assert z[0] == 1.0
    assert z[1] == 0.0
    assert np.isnan(z[2])


def test_references_send_a_small_group_to_the_whole_parc_only_when_configured():
    evaluable = np.ones(8, dtype=bool)
    reference, sizes = references(GROUPS, evaluable, FlagSettings())
    assert sizes.tolist() == [6, 6, 6, 6, 6, 6, 2, 2]
    assert reference.kind.tolist() == ["group"] * 6 + [None, None]
    epci = FlagSettings(small_group="epci")
    reference, _ = references(GROUPS, evaluable, epci)
    assert reference.kind.tolist() == ["group"] * 6 + ["epci", "epci"]


def test_decision_flags_the_outlier_of_its_group_and_names_the_small_group():
    d = decide(GROUPS, FRAGILITY, PREVIOUS, None, None, FlagSettings())
    # Group 0: median 12.5, absolute deviations 2.5 1.5 0.5 0.5 1.5 17.5 → MAD 1.5.
    scale = 1.5 * MAD_TO_SD
    assert d.median[:6].tolist() == [12.5] * 6
    assert d.z[5] == pytest.approx(17.5 / scale)
    assert d.flag.tolist() == ["balanced"] * 5 + ["rebalance"] + ["not_evaluated"] * 2
    assert d.rule[5] == "level"
    assert d.reasons[6].startswith("Groupe de pairs trop petit")
    assert "2 résidence(s) évaluable(s), minimum 5" in d.reasons[6]


def test_decision_rise_rule_and_capacity_need_their_conditions():
    previous = FRAGILITY.copy()
    previous.iloc[4] = 10.0  # r4 rose by 4 points, above its group median of 12.5
    classes = pd.Series(["A", "E", None, None, None, None, None, None], index=IDS)
    settings = dataclasses.replace(FlagSettings(), rise_unit="points", rise_min=3.0)
    fragility = FRAGILITY.copy()
    fragility.iloc[1] = 11.0
    d = decide(GROUPS, fragility, previous, None, classes, settings)
    assert d.flag[4] == "rebalance"
    assert d.rule[4] == "rise"
    # r0 is at z = −2.5 / (1.5 × 1.4826) ≈ −1.12: capacity with class A.
    assert d.z[0] == pytest.approx(-2.5 / (1.5 * MAD_TO_SD))
    assert d.flag[0] == "capacity"
    # r1 (z ≈ −0.67) is not low enough; its class E would not qualify anyway.
    assert d.flag[1] == "balanced"
