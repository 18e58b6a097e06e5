"""Tests of the normalisation building blocks and of the fitted normalisation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scoring.normalise import (
    fit_normalisation,
    n_goalposts,
    n_minmax,
    n_rank,
    n_zscore,
    normalise_table,
)
from scoring.spec import IndexSpec, Indicator, Method, Pillar

NAN = np.nan


def test_minmax():
    out = n_minmax(np.array([2.0, 4.0, NAN, 10.0, 12.0, -1.0]), 2.0, 10.0)
    np.testing.assert_allclose(out, [0.0, 25.0, NAN, 100.0, 100.0, 0.0])


def test_minmax_constant_is_fifty():
    np.testing.assert_allclose(n_minmax(np.array([3.0, NAN]), 3.0, 3.0), [50.0, NAN])


def test_goalposts_clips_to_the_bounds():
    np.testing.assert_allclose(n_goalposts(np.array([50.0, 250.0, -10.0]), 0, 200), [25, 100, 0])


def test_zscore_mapped_to_0_100():
    x = np.array([2.0, 4, 4, 4, 5, 5, 7, 9])  # mean 5, population standard deviation 2
    out = n_zscore(x, 5.0, 2.0, span=3.0)
    np.testing.assert_allclose(out[[0, 4, 7]], [25.0, 50.0, 50 + 100 / 3])
    np.testing.assert_allclose(n_zscore(np.array([11.0, -1.0]), 5.0, 2.0, 3.0), [100, 0])


def test_rank_with_ties_and_new_values():
    ref = np.array([1.0, 2.0, 2.0, 5.0])
    out = n_rank(np.array([1.0, 2.0, 5.0, 3.0, 0.0, 9.0, NAN]), ref)
    np.testing.assert_allclose(out, [0.0, 50.0, 100.0, 250 / 3, 0.0, 100.0, NAN])


def test_rank_single_and_empty_reference():
    np.testing.assert_allclose(n_rank(np.array([4.0, NAN]), np.array([7.0])), [50.0, NAN])
    assert np.isnan(n_rank(np.array([4.0]), np.array([]))).all()


def _spec(normalisation: str) -> IndexSpec:
    return IndexSpec(
        name="essai",
        pillars=(Pillar("p", "P"),),
        indicators=(
            Indicator("up", "Up", "p", 1, 1.0, bounds=(0.0, 8.0)),
            Indicator("down", "Down", "p", -1, 1.0, bounds=(0.0, 8.0)),
        ),
        method=Method(normalisation=normalisation),
    )


REF = np.array([[0.0, 0.0], [2.0, 2.0], [4.0, NAN], [6.0, 6.0]])


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        pytest.param(
            "minmax",
            [[0, 100], [100 / 3, 200 / 3], [200 / 3, NAN], [100, 0]],
            id="minmax",
        ),
        pytest.param("goalposts", [[0, 100], [25, 75], [50, NAN], [75, 25]], id="goalposts"),
        pytest.param("rank", [[0, 100], [100 / 3, 50], [200 / 3, NAN], [100, 0]], id="rank"),
    ],
)
def test_fitted_normalisation_applies_direction(method, expected):
    fitted = fit_normalisation(REF, _spec(method))
    np.testing.assert_allclose(fitted.apply(REF), expected)


def test_fitted_zscore_direction():
    fitted = fit_normalisation(REF, _spec("zscore"))
    z_up = (REF[:, 0] - 3.0) / np.sqrt(5.0)
    z_down = (REF[:, 1] - 8 / 3) / np.std([0.0, 2.0, 6.0])
    out = fitted.apply(REF)
    np.testing.assert_allclose(out[:, 0], 50 + 50 * z_up / 3)
    np.testing.assert_allclose(out[:, 1], 100 - (50 + 50 * z_down / 3))


def test_bounds_are_fitted_on_the_reference_only():
    fitted = fit_normalisation(REF, _spec("minmax"))
    out = fitted.apply(np.array([[12.0, -4.0], [3.0, 3.0]]))
    np.testing.assert_allclose(out, [[100.0, 100.0], [50.0, 50.0]])
    table = fitted.table()
    assert table.loc["up", "lower"] == 0.0 and table.loc["up", "upper"] == 6.0
    assert table.loc["down", "n_available"] == 3


def test_all_missing_indicator_stays_missing():
    ref = np.array([[1.0, NAN], [2.0, NAN]])
    fitted = fit_normalisation(ref, _spec("minmax"))
    assert np.isnan(fitted.apply(ref)[:, 1]).all()


def test_normalised_table_masks_missing_values():
    fitted = fit_normalisation(REF, _spec("minmax"))
    table = normalise_table(REF, pd.Index(list("abcd")), fitted)
    np.testing.assert_array_equal(table.mask[:, 1], [1, 1, 0, 1])
    assert table.values[2, 1] == 0.0
    assert np.isnan(table.normalised()[2, 1])
    assert not table.values.flags.writeable
    np.testing.assert_allclose(table.log_values(), np.log1p(0.99 * table.values))
    sub = table.take(np.array([3, 0]))
    assert list(sub.index) == ["d", "a"]
    np.testing.assert_allclose(sub.values, table.values[[3, 0]])


def test_wrong_shape_is_refused():
    fitted = fit_normalisation(REF, _spec("minmax"))
    with pytest.raises(ValueError, match="attendu 2 colonnes"):
        fitted.apply(np.zeros((2, 3)))
