"""Tests of the aggregation: weighted means over available values, coverage, non cotées."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from scoring.aggregate import a_amean, a_gmean, aggregate, aggregate_arrays
from scoring.normalise import NormalisedTable
from scoring.spec import IndexSpec, Indicator, Method, Pillar

NAN = np.nan


def _table(z: list[list[float]]) -> NormalisedTable:
    z = np.array(z, dtype=float)
    return NormalisedTable(
        index=pd.RangeIndex(len(z)),
        codes=("a", "b", "c"),
        raw=z,
        values_by_indicator=np.ascontiguousarray(np.nan_to_num(z).T),
        missing=tuple(np.flatnonzero(np.isnan(column)) for column in z.T),
    )


def _spec(**method) -> IndexSpec:
    return IndexSpec(
        name="essai",
        pillars=(Pillar("p", "P", weight=3), Pillar("q", "Q", weight=1)),
        indicators=(
            Indicator("a", "A", "p", 1, 1.0),
            Indicator("b", "B", "p", 1, 3.0),
            Indicator("c", "C", "q", 1, 1.0),
        ),
        method=Method(**method),
    )


def test_a_amean_renormalises_over_available():
    values = np.array([[0.0, 100.0], [40.0, NAN]])
    mask = np.array([[1.0, 1.0], [1.0, 0.0]])
    np.testing.assert_allclose(a_amean(values, mask, np.array([1.0, 3.0])), [75.0, 40.0])


def test_a_gmean_on_1_100():
    values = np.array([[0.0, 100.0], [40.0, 40.0], [0.0, 0.0]])
    mask = np.ones((3, 2))
    np.testing.assert_allclose(
        a_gmean(values, mask, np.array([1.0, 1.0])), [100 / 11, 40.0, 0.0], atol=1e-12
    )


def test_pillars_score_and_coverage():
    table = _table([[0, 100, 40], [40, NAN, 80], [NAN, NAN, 20]])
    agg = aggregate(table, _spec())
    # p = (1·a + 3·b) / available weights; q = c; score = 0.75 p + 0.25 q
    np.testing.assert_allclose(agg.pillars[0], [75, 40])
    np.testing.assert_allclose(agg.score[0], 66.25)
    # nominal weights: a 0.1875, b 0.5625, c 0.25; below 70 % the residence is not rated
    np.testing.assert_allclose(agg.coverage, [1.0, 0.4375, 0.25])
    np.testing.assert_array_equal(agg.is_rated, [True, False, False])
    assert np.isnan(agg.score[1:]).all() and np.isnan(agg.pillars[1:]).all()


def test_min_coverage_is_configurable():
    table = _table([[0, 100, 40], [40, NAN, 80], [NAN, NAN, 20]])
    agg = aggregate(table, _spec(min_coverage=0.4))
    np.testing.assert_array_equal(agg.is_rated, [True, True, False])
    np.testing.assert_allclose(agg.score[:2], [66.25, 50.0])
    assert np.isnan(agg.score[2]) and np.isnan(agg.pillars[2]).all()


def test_coverage_exactly_at_the_threshold_is_rated():
    table = _table([[10, NAN, 30]])
    agg = aggregate(table, _spec(min_coverage=0.4375))
    assert agg.is_rated[0]


def test_missing_pillar_is_left_out_of_the_score():
    table = _table([[20, 60, NAN]])
    agg = aggregate(table, _spec(min_coverage=0.5), with_shares=True)
    np.testing.assert_allclose(agg.score, [50.0])
    np.testing.assert_allclose(agg.pillar_share, [[1.0, 0.0]])
    assert np.isnan(agg.pillars[0, 1])


def test_geometric_aggregation():
    table = _table([[0, 100, 50], [40, 40, 40]])
    agg = aggregate(table, _spec(aggregation="geometric"))
    p0 = (np.exp(0.25 * np.log(1.0) + 0.75 * np.log(100.0)) - 1) / 0.99
    np.testing.assert_allclose(agg.pillars[0], [p0, 50.0])
    np.testing.assert_allclose(agg.pillars[1], [40.0, 40.0])
    np.testing.assert_allclose(agg.score, [0.75 * p0 + 12.5, 40.0])


def test_shares_of_each_indicator_within_its_pillar():
    table = _table([[0, 100, 40], [40, NAN, 80]])
    agg = aggregate_arrays(
        table,
        np.array([1.0, 3.0, 1.0]),
        np.array([1.0, 1.0]),
        np.array([0, 0, 1]),
        min_coverage=0.0,
        with_shares=True,
    )
    np.testing.assert_allclose(agg.within_share, [[0.25, 0.75, 1.0], [1.0, 0.0, 1.0]])
    np.testing.assert_allclose(agg.pillar_share, [[0.5, 0.5], [0.5, 0.5]])


def test_codes_must_match():
    table = _table([[0, 100, 40]])
    other = IndexSpec(
        name="autre",
        pillars=(Pillar("p", "P"),),
        indicators=(Indicator("z", "Z", "p", 1, 1.0),),
    )
    with pytest.raises(ValueError, match="ne sont pas ceux du profil"):
        aggregate(table, other)


def test_a_withheld_value_leaves_the_coverage_instead_of_lowering_it():
    # c (pillar q, a quarter of the score) is missing for row 1: as unknown, coverage 75 % and
    # the residence is not rated at 80 %; as withheld, the score is p's alone and coverage 100 %.
    table = _table([[50.0, 50.0, 80.0], [40.0, 60.0, NAN]])
    spec = _spec(min_coverage=0.8)
    unknown = aggregate(table, spec)
    assert unknown.coverage[1] == pytest.approx(0.75) and np.isnan(unknown.score[1])
    withheld = dataclasses.replace(
        spec,
        indicators=(
            *spec.indicators[:2],
            dataclasses.replace(spec.indicators[2], withheld_when_missing=True),
        ),
    )
    agg = aggregate(table, withheld)
    assert agg.coverage.tolist() == pytest.approx([1.0, 1.0])
    assert agg.score[1] == pytest.approx((40 * 1 + 60 * 3) / 4)  # pillar p only
    assert agg.score[0] == pytest.approx(unknown.score[0])  # nothing withheld: unchanged
