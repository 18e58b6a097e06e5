"""Treatment of extreme values: hand-worked winsorisation and log fallback, and its invariants."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from scoring.spec import IndexSpec, Indicator, Method, Pillar
from scoring.treatment import (
    GOALPOSTS,
    LOG,
    NONE,
    WINSORISED,
    fails,
    fit_column,
    fit_treatment,
    kurtosis,
    skewness,
)

# 1, 2, …, 20, then two equal outliers and a far one: n = 23.
OUTLIERS = np.array([*range(1, 21), 200.0, 200.0, 2000.0])
RULE = {"skew_threshold": 2.0, "kurtosis_threshold": 3.5}


def _fit(x, winsor_max: int = 5, **kwargs):
    x = np.asarray(x, dtype=float)
    return fit_column(x, treat=True, winsor_max=winsor_max, **RULE, **kwargs)


def test_skewness_and_kurtosis_are_excel_s_bias_corrected_ones():
    x = np.array([*range(1, 11), 30.0, 100.0])
    assert skewness(x) == pytest.approx(stats.skew(x, bias=False), rel=1e-12)
    assert kurtosis(x) == pytest.approx(stats.kurtosis(x, bias=False), rel=1e-12)
    assert skewness(np.append(x, np.nan)) == pytest.approx(skewness(x))
    assert np.isnan(kurtosis(np.array([1.0, 2.0, 3.0])))  # kurtosis needs 4 values
    assert np.isnan(skewness(np.full(6, 5.0)))  # no spread


def test_winsorisation_by_hand_one_value_then_a_group_of_equal_values():
    # G1 = 4.67 and G2 = 22.1: treated. Step 1, 2000 takes the next value, 200: G1 = 2.32 and
    # G2 = 3.76 still fail. Step 2, the three 200s take 20: G1 = −0.16, G2 = −1.32, passes.
    treated = _fit(OUTLIERS)
    assert treated.kind == WINSORISED
    assert (treated.lower, treated.upper) == (-np.inf, 20.0)
    assert (treated.n_low, treated.n_high) == (0, 3)
    assert treated.skew_before == pytest.approx(stats.skew(OUTLIERS, bias=False))
    assert treated.kurtosis_before == pytest.approx(stats.kurtosis(OUTLIERS, bias=False))
    expected = np.array([*range(1, 21), 20.0, 20.0, 20.0])
    np.testing.assert_array_equal(treated.apply(OUTLIERS), expected)
    assert treated.skew_after == pytest.approx(stats.skew(expected, bias=False), abs=1e-9)
    assert treated.kurtosis_after == pytest.approx(stats.kurtosis(expected, bias=False), abs=1e-9)
    assert treated.skew_after == pytest.approx(-0.1557, abs=1e-4)


def test_winsorisation_works_on_the_low_side_for_a_negative_skewness():
    treated = _fit(-OUTLIERS)
    assert (treated.kind, treated.lower, treated.upper) == (WINSORISED, -20.0, np.inf)
    assert (treated.n_low, treated.n_high) == (3, 0)


def test_log_fallback_by_hand_when_the_budget_is_too_small():
    # Two values may change, the second step needs three: back to the raw values, then
    # ln(x − 1 + a) with a = (2000 − 1) / 100 = 19.99.
    treated = _fit(OUTLIERS, winsor_max=2)
    assert treated.kind == LOG
    assert (treated.log_sign, treated.log_anchor) == (1, 1.0)
    assert treated.log_offset == pytest.approx(19.99)
    np.testing.assert_allclose(treated.apply(OUTLIERS), np.log(OUTLIERS - 1.0 + 19.99))
    assert treated.apply(np.array([1.0]))[0] == pytest.approx(np.log(19.99))
    assert treated.apply(np.array([2000.0]))[0] == pytest.approx(np.log(2018.99))
    after = np.log(OUTLIERS - 1.0 + 19.99)
    assert treated.skew_after == pytest.approx(stats.skew(after, bias=False))
    # A value below the reference minimum takes the minimum's log (the logarithm stays defined).
    assert treated.apply(np.array([-50.0]))[0] == pytest.approx(np.log(19.99))


def test_log_of_a_negative_skewness_mirrors_it():
    treated = _fit(-OUTLIERS, winsor_max=2)
    assert (treated.kind, treated.log_sign, treated.log_anchor) == (LOG, -1, -1.0)
    np.testing.assert_allclose(treated.apply(-OUTLIERS), -np.log(-1.0 + 19.99 + OUTLIERS))


def test_winsor_max_zero_goes_straight_to_the_logarithm():
    assert _fit(OUTLIERS, winsor_max=0).kind == LOG


def test_equal_values_are_never_split():
    # The three equal maxima cannot be winsorised within two values: logarithm instead.
    x = np.array([*range(1, 41), 500.0, 500.0, 500.0])
    assert _fit(x, winsor_max=2).kind == LOG
    assert _fit(x, winsor_max=3).kind == WINSORISED


@pytest.mark.parametrize(
    ("x", "reason"),
    [
        pytest.param([*range(1, 11), 100.0, 100.0, 100.0], "passes", id="passes"),
        pytest.param([0.0] * 20 + [1.0], "binary", id="yes-no"),
        pytest.param([1.0, 2.0, 300.0], "too_few", id="three-values"),
        pytest.param([5.0] * 10, "too_few", id="constant"),
        pytest.param([np.nan, np.nan], "too_few", id="missing"),
    ],
)
def test_what_is_left_untouched(x, reason):
    treated = _fit(x)
    assert (treated.kind, treated.reason) == (NONE, reason)
    x = np.asarray(x, dtype=float)
    np.testing.assert_array_equal(treated.apply(x), x)


def test_off_and_excluded_and_catalogue_bounds():
    off = fit_column(OUTLIERS, treat=False, winsor_max=5, **RULE)
    assert (off.kind, off.reason) == (NONE, "off")
    assert off.skew_before == off.skew_after == pytest.approx(4.6663, abs=1e-4)
    excluded = _fit(OUTLIERS, catalogue="none")
    assert (excluded.kind, excluded.reason) == (NONE, "excluded")
    bounds = _fit(OUTLIERS, catalogue="goalposts", bounds=(0.0, 100.0))
    assert (bounds.kind, bounds.reason, bounds.n_low, bounds.n_high) == (
        GOALPOSTS,
        "catalogue_bounds",
        0,
        3,
    )
    np.testing.assert_array_equal(bounds.apply(OUTLIERS), OUTLIERS)  # the normalisation clips


def _spec(method_treatment: str = "winsorise", **indicator) -> IndexSpec:
    return IndexSpec(
        name="essai",
        pillars=(Pillar("p", "P"),),
        indicators=(
            Indicator("x", "X", "p", 1, 1.0, **indicator),
            Indicator("y", "Y", "p", -1, 1.0, bounds=(0.0, 100.0), normalisation="goalposts"),
        ),
        method=Method(treatment=method_treatment),
    )


def test_fit_treatment_follows_the_spec():
    raw = np.column_stack([OUTLIERS, OUTLIERS])
    fitted = fit_treatment(raw, _spec())
    assert [c.kind for c in fitted.columns] == [WINSORISED, GOALPOSTS]
    assert fitted.treated == (0,)
    table = fitted.table()
    assert list(table.index) == ["x", "y"]
    assert table.loc["x", "n_winsorised"] == 3 and table.loc["y", "n_winsorised"] == 3
    assert [c.kind for c in fit_treatment(raw, _spec("none")).columns] == [NONE, GOALPOSTS]
    excluded = fit_treatment(raw, _spec(treatment="none")).columns[0]
    assert (excluded.kind, excluded.reason) == (NONE, "excluded")
    authoritative = _spec(treatment="goalposts", bounds=(0.0, 100.0))
    assert authoritative.normalisation_of("x") == "goalposts"
    assert _spec("none", treatment="goalposts", bounds=(0.0, 100.0)).normalisation_of("x") == (
        "minmax"
    )
    assert fit_treatment(raw, authoritative).columns[0].kind == GOALPOSTS


# --- Invariants -----------------------------------------------------------------------------

heavy_tailed = st.lists(
    st.one_of(
        st.floats(-50, 50, allow_nan=False, allow_subnormal=False),
        st.floats(-1e6, 1e6, allow_nan=False, allow_subnormal=False),
        st.integers(-3, 3).map(float),
        st.just(np.nan),
    ),
    min_size=0,
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(heavy_tailed, st.integers(0, 8), st.floats(0.5, 3.0), st.floats(-1.0, 6.0))
def test_treatment_never_changes_the_order_within_an_indicator(values, winsor_max, skew, kurt):
    x = np.array(values, dtype=float)
    treated = fit_column(
        x, treat=True, winsor_max=winsor_max, skew_threshold=skew, kurtosis_threshold=kurt
    )
    t = treated.apply(x)
    present = ~np.isnan(x)
    assert np.array_equal(np.isnan(t), ~present)  # missing stays missing, nothing else does
    x, t = x[present], t[present]
    order = np.argsort(x, kind="stable")
    assert (np.diff(t[order]) >= 0).all()  # never reversed
    for value in np.unique(x):
        assert np.unique(t[x == value]).size == 1  # equal values stay equal
    if treated.kind == WINSORISED:
        assert treated.n_low + treated.n_high <= winsor_max
        assert np.count_nonzero(t != x) == treated.n_low + treated.n_high
        assert not fails(treated.skew_after, treated.kurtosis_after, skew, kurt)
