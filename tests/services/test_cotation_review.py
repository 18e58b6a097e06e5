"""A weighting against the reference profile, and the sensitivity summary."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from scoring import SensitivityResult, compare_results
from services.cotation_review import (
    comparison_summary,
    is_same_ranking,
    least_stable,
    rank_intervals,
    rating_changes,
    stability_summary,
    top_changes,
)
from tests.services.cotation_cases import directory, scores_table

# --- Against the reference --------------------------------------------------------------------


def _comparison():
    before = scores_table([60.0, 50.0, 82.0, 70.0], ["C", "C", "A", "B"], [3, 4, 1, 2])
    after = scores_table([85.0, np.nan, 82.0, 70.0], ["A", "NC", "B", "B"], [1, None, 2, 3])
    return compare_results(before, after)


def test_top_changes_lists_movers_largest_first():
    changes = top_changes(_comparison(), directory(), n=10)
    assert list(changes.index) == ["R1", "R3", "R4"]
    assert changes.loc["R1", "rank_shift"] == 2
    assert changes.loc["R1", "class_a"] == "C" and changes.loc["R1", "class_b"] == "A"
    assert changes.loc["R1", "residence_name"] == "Les Tilleuls"
    # Among equal shifts, class changes first.
    assert bool(changes.loc["R3", "is_class_changed"])
    assert list(top_changes(_comparison(), directory(), n=1).index) == ["R1"]


def test_rating_changes_count_residences_that_lose_or_gain_their_rating():
    assert rating_changes(_comparison()) == {"n_unrated": 1, "n_rated": 0}


def test_comparison_summary_and_identity():
    summary = comparison_summary(_comparison())
    assert summary["n_class_changed"] == 3
    assert summary["n_up"] == 1 and summary["n_down"] == 2
    assert summary["max_abs_shift"] == 2
    assert not is_same_ranking(_comparison())
    same = scores_table([60.0, 50.0, 82.0, 70.0], ["C", "C", "A", "B"], [3, 4, 1, 2])
    assert is_same_ranking(compare_results(same, same))
    empty = comparison_summary(compare_results(same.iloc[:0], same.iloc[:0]))
    assert math.isnan(empty["median_abs_shift"])


# --- Sensitivity ------------------------------------------------------------------------------


def _sensitivity() -> SensitivityResult:
    residences = scores_table([60.0, np.nan, 82.0, 70.0], ["C", "NC", "A", "B"], [3, None, 1, 2])
    residences["rank_median"] = [3.0, np.nan, 1.0, 2.0]
    residences["rank_p05"] = [2.0, np.nan, 1.0, 1.0]
    residences["rank_p95"] = [3.0, np.nan, 2.0, 3.0]
    residences["class_kept_pct"] = [40.0, 100.0, 95.0, 60.0]
    residences["rated_pct"] = [100.0, 0.0, 100.0, 100.0]
    return SensitivityResult(residences, pd.DataFrame(), 100, 50.0, ("minmax",))


def test_rank_intervals_of_the_best_and_of_the_selected():
    intervals = rank_intervals(_sensitivity(), directory(), n_top=1, include=["R1", "R2"])
    assert list(intervals.index) == ["R3", "R1"]  # R2 is not rated
    assert intervals.loc["R1", "rank_p95"] == 3.0
    assert intervals.loc["R3", "residence_name"] == "La Tour"


def test_stability_bands_count_rated_residences():
    bands = stability_summary(_sensitivity())
    assert bands["n_residences"].to_dict() == {"stable": 1, "fragile": 1, "instable": 1}
    assert bands["share_pct"].sum() == pytest.approx(100)
    assert list(least_stable(_sensitivity(), directory(), n=2).index) == ["R1", "R4"]
