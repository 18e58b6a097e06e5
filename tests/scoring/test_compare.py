"""Tests of the comparison of two profiles."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scoring.classify import class_labels
from scoring.compare import compare_profiles, compare_results
from scoring.spec import IndexSpec, Indicator, Method, Pillar


def _result(scores, classes, ranks) -> pd.DataFrame:
    codes = np.array(["ABCDE".index(c) if c != "NC" else 5 for c in classes], dtype=np.int8)
    return pd.DataFrame(
        {
            "score": scores,
            "score_class": class_labels(codes),
            "rank": pd.array(ranks, dtype="Int64"),
        },
        index=pd.Index(["r1", "r2", "r3", "r4"], name="residence_id"),
    )


def test_rank_shift_class_change_and_transitions():
    a = _result([90.0, 60.0, 40.0, np.nan], ["A", "C", "D", "NC"], [1, 2, 3, None])
    b = _result([55.0, 70.0, 45.0, np.nan], ["C", "B", "D", "NC"], [2, 1, 3, None])
    comparison = compare_results(a, b, "reference", "essai")
    res = comparison.residences
    assert list(res["rank_shift"].fillna(-99)) == [-1, 1, 0, -99]
    np.testing.assert_allclose(res["score_shift"].iloc[:3], [-35, 10, 5])
    assert list(res["is_class_changed"]) == [True, True, False, False]
    assert list(res["class_b"]) == ["C", "B", "D", "NC"]
    matrix = comparison.transitions
    assert matrix.index.name == "classe (reference)"
    assert matrix.columns.name == "classe (essai)"
    assert matrix.loc["A", "C"] == 1 and matrix.loc["C", "B"] == 1
    assert matrix.loc["D", "D"] == 1 and matrix.loc["NC", "NC"] == 1
    assert matrix.to_numpy().sum() == 4


def test_results_are_aligned_on_residences():
    a = _result([90.0, 60.0, 40.0, 20.0], ["A", "C", "D", "E"], [1, 2, 3, 4])
    b = a.iloc[::-1]
    res = compare_results(a, b).residences
    assert list(res.index) == list(a.index)
    assert (res["rank_shift"] == 0).all()


def test_different_residences_are_refused():
    a = _result([90.0, 60.0, 40.0, 20.0], ["A", "C", "D", "E"], [1, 2, 3, 4])
    with pytest.raises(ValueError, match="pas sur les mêmes résidences"):
        compare_results(a, a.iloc[:3])


def test_compare_profiles_fits_each_profile():
    spec_a = IndexSpec(
        name="a",
        pillars=(Pillar("p", "P"),),
        indicators=(Indicator("x", "X", "p", 1, 1.0), Indicator("y", "Y", "p", 1, 1.0)),
    )
    spec_b = spec_a.with_weights(indicators={"x": 0.0}).with_metadata(name="b")
    spec_c = spec_a.with_method(normalisation="rank").with_metadata(name="c")
    table = pd.DataFrame({"x": [0.0, 10, 5], "y": [10.0, 0, 6]}, index=pd.Index(["r1", "r2", "r3"]))
    comparison = compare_profiles(table, spec_a, spec_b)
    # a: (0+100)/2 = 50, (100+0)/2 = 50, (50+60)/2 = 55 → ranks 2, 2, 1; b: y only → 1, 3, 2
    assert list(comparison.residences["rank_a"]) == [2, 2, 1]
    assert list(comparison.residences["rank_b"]) == [1, 3, 2]
    assert list(comparison.residences["rank_shift"]) == [1, -1, -1]
    assert comparison.name_b == "b"
    other = compare_profiles(table, spec_a, spec_c)
    assert other.transitions.to_numpy().sum() == 3
    assert Method().normalisation == "minmax"
