"""Tests of classes A–E (thresholds, quintiles or natural breaks) and of ranks."""

from __future__ import annotations

import itertools

import mapclassify
import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from scoring.classify import (
    JENKS_MAX_VALUES,
    class_codes,
    class_labels,
    class_thresholds,
    comparable,
    fisher_jenks_bins,
    natural_breaks_thresholds,
    quantile_thresholds,
    rank_against,
    rank_array,
    rank_descending,
    sorted_reference,
)

NAN = np.nan


def test_fixed_thresholds_lower_bound_included():
    score = np.array([100, 80, 79.9, 65, 50, 49.99, 35, 34.9, 0, NAN])
    codes = class_codes(score, (80, 65, 50, 35))
    assert list(class_labels(codes)) == ["A", "A", "B", "B", "C", "D", "D", "E", "E", "NC"]


def test_floating_noise_does_not_change_the_class():
    assert list(class_codes(np.array([80 - 1e-12, 35 - 1e-11]), (80, 65, 50, 35))) == [0, 3]


def test_class_labels_are_ordered_categories():
    labels = class_labels(np.array([0, 5], dtype=np.int8))
    assert list(labels.categories) == ["A", "B", "C", "D", "E", "NC"]
    assert labels.ordered


def test_quintile_thresholds():
    ref = np.array([10.0, 20, 30, 40, 50, 60, 70, 80, 90, 100, NAN])
    thresholds = quantile_thresholds(ref)
    np.testing.assert_allclose(thresholds, [82, 64, 46, 28])
    codes = class_codes(ref, thresholds)
    assert list(class_labels(codes)) == ["E", "E", "D", "D", "C", "C", "B", "B", "A", "A", "NC"]


def test_quintiles_of_nothing():
    assert all(np.isnan(quantile_thresholds(np.array([NAN]))))


def test_rank_descending_ties_share_the_best_rank():
    ranks = rank_descending(np.array([50.0, 70.0, NAN, 50.0, 90.0, 50.0 + 1e-13]))
    np.testing.assert_array_equal(ranks, [3, 2, 0, 3, 1, 3])
    nullable = rank_array(ranks)
    assert list(nullable.isna()) == [False, False, True, False, False, False]
    assert list(nullable.fillna(-1)) == [3, 2, -1, 3, 1, 3]


def test_rank_against_a_reference():
    reference = sorted_reference(np.array([90.0, 70.0, 50.0, 50.0, NAN]))
    ranks = rank_against(np.array([50.0, 95.0, 60.0, NAN, 10.0]), reference)
    np.testing.assert_array_equal(ranks, [3, 1, 3, 0, 5])


def test_rank_against_itself_equals_rank_descending():
    rng = np.random.default_rng(3)
    score = np.round(rng.uniform(0, 100, 200), 1)
    score[::17] = NAN
    np.testing.assert_array_equal(
        rank_against(score, sorted_reference(score)), rank_descending(score)
    )


def test_natural_breaks_by_hand():
    # Three tight groups and two lone scores: 10 11 12 | 30 31 | 50 | 70 71 72 | 95.
    scores = np.array([10, 11, 12, 30, 31, 50, 70, 71, 72, 95, NAN])
    thresholds = natural_breaks_thresholds(scores)
    assert thresholds == (95.0, 70.0, 50.0, 30.0)
    codes = class_codes(scores, thresholds)
    assert list(class_labels(codes)) == [*"EEEDDCBBBA", "NC"]


def test_natural_breaks_with_few_distinct_scores_fill_the_upper_classes():
    assert natural_breaks_thresholds(np.array([3.0, 1.0, 2.0, 2.0])) == (3.0, 2.0, 1.0, -np.inf)
    assert np.isnan(natural_breaks_thresholds(np.array([NAN, NAN]))).all()


scores = st.lists(
    st.one_of(st.floats(0, 100, allow_nan=False), st.integers(0, 100).map(float)),
    min_size=6,
    max_size=80,
)


@settings(max_examples=120, deadline=None)
@given(scores)
def test_jenks_breaks_equal_mapclassify_s_on_the_same_data(values):
    x = np.array(values)
    assume(np.unique(comparable(x)).size > 5)
    fisher_jenks = mapclassify.FisherJenks(comparable(x), k=5)
    codes = class_codes(x, natural_breaks_thresholds(x))
    # mapclassify numbers its classes from the lowest (0) up; A is our code 0.
    np.testing.assert_array_equal(4 - codes, fisher_jenks.yb)


def test_natural_breaks_of_a_large_population_run_on_its_quantiles():
    rng = np.random.default_rng(3)
    large = comparable(rng.normal(60, 8, 3 * JENKS_MAX_VALUES))
    thresholds = natural_breaks_thresholds(large)
    assert all(a > b for a, b in itertools.pairwise(thresholds))
    ordered = np.sort(large)
    sample = np.quantile(ordered, np.linspace(0.0, 1.0, JENKS_MAX_VALUES))
    bins = mapclassify.FisherJenks(sample, k=5).bins
    # The lowest score above each of the sample's breaks.
    expected = ordered[np.searchsorted(ordered, bins[:-1], side="right")][::-1]
    assert thresholds == tuple(expected)


def test_class_thresholds_dispatch_on_the_method():
    ref = np.array([10.0, 20, 30, 40, 50, 60, 70, 80, 90, 100])
    assert class_thresholds(ref, "thresholds", (80, 65, 50, 35)) == (80.0, 65.0, 50.0, 35.0)
    np.testing.assert_allclose(class_thresholds(ref, "quantiles", ()), [82, 64, 46, 28])
    assert class_thresholds(ref, "natural_breaks", ()) == (90.0, 70.0, 50.0, 30.0)


def test_jenks_breaks_stay_ordered_for_values_in_subnormal_range():
    # Found by the map legend's property test: squared deviations underflowing to zero gave the
    # unordered breaks (4.8e-41, 0.0, 4.8e-41).
    bins = fisher_jenks_bins(np.array([0.0, 4.8e-41, 2.2e-309]), 3)
    assert bins.tolist() == [0.0, 2.2e-309, 4.8e-41]
