"""Classed legends: quantiles and Fisher-Jenks natural breaks on hand-checkable values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.classify import classify_values, natural_breaks, quantile_breaks


def test_natural_breaks_find_the_obvious_groups():
    values = pd.Series([1, 2, 3, 10, 11, 12, 30, 31, 100, None])
    classes = natural_breaks(values, 4)
    assert classes.bounds == (1.0, 3.0, 12.0, 31.0, 100.0)
    assert classes.classify(values).tolist() == [0, 0, 0, 1, 1, 1, 2, 2, 3, pd.NA]


def test_quantiles_hold_as_many_values_each():
    values = pd.Series([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0])
    classes = quantile_breaks(values, 4)
    assert classes.bounds == (1.0, 2.75, 4.5, 6.25, 8.0)
    assert classes.classify(values).value_counts().sort_index().tolist() == [2, 2, 2, 2]


def test_constant_values_give_one_class():
    classes = classify_values(pd.Series([5.0, 5.0, 5.0]), "natural_breaks", 5)
    assert classes.bounds == (5.0, 5.0)
    assert classes.classify(pd.Series([5.0])).tolist() == [0]


def test_unknown_method_is_refused_in_french():
    with pytest.raises(ValueError, match="méthode de classement inconnue"):
        classify_values(pd.Series([1.0]), "equal", 5)


@given(
    st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=40),
    st.integers(1, 7),
    st.sampled_from(["quantiles", "natural_breaks"]),
)
def test_every_value_falls_in_a_class_within_the_bounds(values, k, method):
    series = pd.Series(values)
    classes = classify_values(series, method, k)
    idx = classes.classify(series)
    assert idx.notna().all()
    assert idx.min() >= 0 and idx.max() <= max(classes.n_classes - 1, 0)
    assert list(classes.bounds) == sorted(classes.bounds)
    assert classes.bounds[0] == pytest.approx(min(values)) and classes.bounds[-1] == pytest.approx(
        max(values)
    )
    # Order is kept: a larger value never falls in a lower class.
    order = np.argsort(values, kind="stable")
    assert np.all(np.diff(idx.to_numpy(dtype=float)[order]) >= 0)
