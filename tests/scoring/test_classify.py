"""Tests of classes A–E (thresholds or quintiles) and of ranks."""

from __future__ import annotations

import numpy as np

from scoring.classify import (
    class_codes,
    class_labels,
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
