"""Tests of the Monte Carlo sensitivity and of the effective weights."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scoring.index import CompositeIndex
from scoring.sensitivity import (
    draw_weights,
    effective_weights,
    run_sensitivity,
    variance_shares,
)
from scoring.spec import IndexSpec, Indicator, Method, Pillar, SpecError


def _spec(**method) -> IndexSpec:
    return IndexSpec(
        name="essai",
        pillars=(Pillar("p", "P", weight=2), Pillar("q", "Q", weight=1)),
        indicators=(
            Indicator("a", "A", "p", 1, 1.0),
            Indicator("b", "B", "p", -1, 3.0),
            Indicator("c", "C", "q", 1, 1.0),
            Indicator("d", "D", "q", 1, 0.0),
        ),
        method=Method(**method),
    )


def _table(n: int = 40, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    table = pd.DataFrame(
        rng.uniform(0, 100, (n, 4)).round(1),
        columns=["a", "b", "c", "d"],
        index=pd.Index([f"r{i}" for i in range(n)], name="residence_id"),
    )
    table.iloc[3, 0] = np.nan
    return table


def test_variance_shares_by_hand():
    contributions = np.array([[1.0, 5.0], [3.0, 5.0], [2.0, 5.0], [9.0, 9.0]])
    score = np.array([6.0, 8.0, 7.0, np.nan])
    np.testing.assert_allclose(variance_shares(contributions, score), [1.0, 0.0])
    assert np.isnan(variance_shares(contributions[:1], score[:1])).all()


def test_effective_weights_sum_to_100_and_follow_the_spread():
    table = _table()
    table["c"] = 50.0  # constant: normalised to 50, no variance
    shares = effective_weights(CompositeIndex(_spec()).fit(table))
    assert shares.sum() == pytest.approx(100.0)
    assert shares["c"] == pytest.approx(0.0, abs=1e-9)
    assert shares["d"] == pytest.approx(0.0, abs=1e-9)


def test_draws_are_centred_on_the_profile_and_keep_zero_weights():
    spec = _spec()
    indicator_w, pillar_w = draw_weights(spec, 4000, 50.0, np.random.default_rng(0))
    np.testing.assert_allclose(pillar_w.sum(axis=1), 1.0)
    np.testing.assert_allclose(pillar_w.mean(axis=0), [2 / 3, 1 / 3], atol=0.01)
    np.testing.assert_allclose(indicator_w.mean(axis=0), [0.25, 0.75, 1.0, 0.0], atol=0.01)
    assert (indicator_w[:, 3] == 0).all() and (indicator_w[:, 2] == 1).all()
    # a share w varies with standard deviation sqrt(w (1 − w) / (concentration + 1))
    assert pillar_w[:, 0].std() == pytest.approx(np.sqrt(2 / 9 / 51), rel=0.1)


def test_tight_draws_keep_the_ranking():
    table = _table()
    result = run_sensitivity(table, _spec(), n_draws=50, concentration=1e12)
    res = result.residences
    nominal = CompositeIndex(_spec()).fit(table).transform()
    np.testing.assert_array_equal(res["rank_median"], nominal["rank"].astype(float))
    assert (res["class_kept_pct"] == 100).all()
    assert (res["rated_pct"] == 100).all()
    ind = result.indicators
    assert ind["effective_weight_pct"].sum() == pytest.approx(100.0)
    np.testing.assert_allclose(
        ind["effective_weight_median_pct"], ind["effective_weight_pct"], atol=1e-3
    )
    np.testing.assert_allclose(ind["nominal_weight_pct"], [100 / 6, 50, 100 / 3, 0])


def test_loose_draws_widen_the_rank_intervals():
    result = run_sensitivity(_table(), _spec(), n_draws=300, concentration=2.0, seed=5)
    res = result.residences
    assert (res["rank_p05"] <= res["rank_median"]).all()
    assert (res["rank_median"] <= res["rank_p95"]).all()
    assert (res["rank_p95"] - res["rank_p05"]).max() > 5
    assert res["class_kept_pct"].between(0, 100).all()
    assert res["class_kept_pct"].min() < 100


def test_drawing_normalisation_methods():
    result = run_sensitivity(
        _table(),
        _spec(class_method="quantiles"),
        n_draws=60,
        methods=("minmax", "rank", "zscore"),
        seed=2,
    )
    assert result.methods == ("minmax", "rank", "zscore")
    assert result.residences["rank_median"].notna().all()


def test_same_seed_same_result():
    a = run_sensitivity(_table(), _spec(), n_draws=30, seed=11).residences
    b = run_sensitivity(_table(), _spec(), n_draws=30, seed=11).residences
    pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        pytest.param({"n_draws": 0}, "nombre de tirages « 0 » invalide", id="draws"),
        pytest.param({"concentration": -1.0}, "concentration « -1.0 » invalide", id="conc"),
        pytest.param({"methods": ("log",)}, "normalisation(s) inconnue(s) : « log »", id="method"),
    ],
)
def test_bad_arguments(kwargs, message):
    with pytest.raises(SpecError) as err:
        run_sensitivity(_table(), _spec(), **kwargs)
    assert message in str(err.value)


def test_an_indicator_that_repeats_another_weighs_more_not_less():
    """Three indicators at 1/3, ``a2`` a copy of ``a``: 40,2 / 40,2 / 19,5 %.

    By hand, on the raw values (min–max only rescales them): ``a`` = 0, 1, 2, 4 (mean 7/4) and
    ``b`` = 4, 1, 0, 3 (mean 2) give the sums of squared deviations Saa = 35/4, Sbb = 10 and
    Sab = −1. The score is (2a + b) / 3, so each copy of ``a`` carries
    (2 Saa + Sab) / (4 Saa + 4 Sab + Sbb) = 16,5 / 41 = 40,24 % of its variance and ``b``
    (2 Sab + Sbb) / 41 = 8 / 41 = 19,51 %.
    """
    spec = IndexSpec(
        name="doublon",
        pillars=(Pillar("p", "P", weight=1),),
        indicators=(
            Indicator("a", "A", "p", 1, 1.0),
            Indicator("a2", "A (copie)", "p", 1, 1.0),
            Indicator("b", "B", "p", 1, 1.0),
        ),
        method=Method(normalisation="minmax", treatment="none"),
    )
    table = pd.DataFrame(
        {"a": [0.0, 1, 2, 4], "a2": [0.0, 1, 2, 4], "b": [4.0, 1, 0, 3]},
        index=pd.Index(["r1", "r2", "r3", "r4"], name="residence_id"),
    )
    shares = effective_weights(CompositeIndex(spec).fit(table))
    np.testing.assert_allclose(shares.to_numpy(), [1650 / 41, 1650 / 41, 800 / 41])
    assert [f"{v:.1f}" for v in shares] == ["40.2", "40.2", "19.5"]
    assert (shares[["a", "a2"]] > 100 / 3).all() and shares["b"] < 100 / 3
