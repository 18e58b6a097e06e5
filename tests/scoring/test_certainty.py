"""How sure a class is: probabilities and ranges over the draws, on hand-built parcs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scoring.certainty import class_certainty, class_range
from scoring.draws import plan_draws, uncertainty_normalisations
from scoring.index import CompositeIndex
from scoring.sensitivity import run_sensitivity
from scoring.spec import IndexSpec, Indicator, Method, Pillar, SpecError


def _spec(**method) -> IndexSpec:
    """One pillar, two indicators of equal weight, min–max, fixed thresholds 80/65/50/35."""
    return IndexSpec(
        name="essai",
        pillars=(Pillar("p", "P"),),
        indicators=(Indicator("a", "A", "p", 1, 1.0), Indicator("b", "B", "p", 1, 1.0)),
        method=Method(**method),
    )


# Min–max bounds are 0 and 100 for both indicators, so normalised values are the raw ones.
# "seuil" scores (100 + 30) / 2 = 65, exactly the lower bound of class B; with weights
# (w, 1 − w) it scores 30 + 70 w, in B when w ≥ 1/2, which a symmetric Dirichlet gives half the
# time. "haut" scores 95 whatever the weights (A), "bas" 5 (E).
PARC = pd.DataFrame(
    {"a": [100.0, 0.0, 100.0, 95.0, 5.0], "b": [100.0, 0.0, 30.0, 95.0, 5.0]},
    index=pd.Index(["max", "min", "seuil", "haut", "bas"], name="residence_id"),
)


def test_far_from_every_threshold_the_class_is_sure_and_at_a_threshold_half_sure():
    result = class_certainty(PARC, _spec(), treatments=("none",))
    frame = result.residences
    assert list(frame["score_class"]) == ["A", "E", "B", "A", "E"]
    assert frame.loc["haut", "class_probability_pct"] == 100.0
    assert frame.loc["bas", "class_probability_pct"] == 100.0
    assert (frame.loc["haut", "class_best"], frame.loc["haut", "class_worst"]) == ("A", "A")
    assert frame.loc["seuil", "class_probability_pct"] == pytest.approx(50.0, abs=4.0)
    # A draw or two give so much weight to « a » that it reaches A.
    assert frame.loc["seuil", "share_B"] + frame.loc["seuil", "share_C"] >= 99.0
    assert (frame.loc["seuil", "class_best"], frame.loc["seuil", "class_worst"]) == ("B", "C")
    assert (frame["rated_pct"] == 100.0).all()
    assert (result.n_draws, result.normalisations, result.treatments) == (
        1000,
        ("minmax",),
        ("none",),
    )


def test_shares_sum_to_100_and_the_probability_is_the_share_of_the_class():
    frame = class_certainty(PARC, _spec(), n_draws=200, treatments=("none",)).residences
    shares = frame[[f"share_{c}" for c in ("A", "B", "C", "D", "E", "NC")]]
    np.testing.assert_allclose(shares.sum(axis=1), 100.0)
    for residence, row in frame.iterrows():
        assert row["class_probability_pct"] == row[f"share_{row['score_class']}"], residence


def test_class_range_leaves_out_the_rare_classes_at_either_end():
    # Per residence (columns): draws in A, B, C, D, E, not rated.
    counts = np.array(
        [
            [3, 0, 0, 0],
            [90, 50, 0, 0],
            [7, 50, 0, 0],
            [0, 0, 0, 0],
            [0, 0, 100, 0],
            [0, 0, 0, 100],
        ]
    )
    best, worst = class_range(counts)
    assert list(best) == [1, 1, 4, 5]  # 3 % in A is left out
    assert list(worst) == [2, 2, 4, 5]  # 7 % in C is kept
    assert list(class_range(counts, tail=0.0)[0]) == [0, 1, 4, 5]


def test_certainty_and_sensitivity_run_on_the_same_draws():
    spec = _spec(class_method="quantiles", treatment="winsorise")
    table = pd.concat([PARC, PARC.add(7.0).rename(lambda r: f"{r}-bis")])
    normalisations = uncertainty_normalisations(spec)
    assert normalisations == ("minmax", "rank", "zscore")  # no bounds: no goalposts
    certainty = class_certainty(table, spec, n_draws=300)
    sensitivity = run_sensitivity(
        table, spec, n_draws=300, methods=normalisations, treatments=("winsorise", "none")
    )
    np.testing.assert_array_equal(
        certainty.residences["class_probability_pct"], sensitivity.residences["class_kept_pct"]
    )
    np.testing.assert_array_equal(
        certainty.residences["class_worst"], sensitivity.residences["class_worst"]
    )
    assert sensitivity.treatments == ("winsorise", "none")


def test_fixed_thresholds_only_draw_the_profile_s_normalisation():
    assert uncertainty_normalisations(_spec(normalisation="rank")) == ("rank",)
    bounded = IndexSpec(
        name="essai",
        pillars=(Pillar("p", "P"),),
        indicators=(Indicator("a", "A", "p", 1, 1.0, bounds=(0.0, 100.0)),),
        method=Method(class_method="natural_breaks"),
    )
    assert uncertainty_normalisations(bounded) == ("minmax", "rank", "zscore", "goalposts")


def test_a_fitted_index_is_reused_and_must_have_the_normalisation():
    spec = _spec()
    index = CompositeIndex(spec).fit(PARC)
    with_index = class_certainty(PARC, spec, n_draws=50, treatments=("none",), index=index)
    without = class_certainty(PARC, spec, n_draws=50, treatments=("none",))
    pd.testing.assert_frame_equal(with_index.residences, without.residences)
    with pytest.raises(SpecError):
        class_certainty(PARC, _spec(normalisation="rank"), n_draws=5, index=index)


def test_the_plan_is_reproducible_and_validated():
    a = plan_draws(_spec(), n_draws=20, normalisations=("minmax", "rank"), treatments=("none",))
    b = plan_draws(_spec(), n_draws=20, normalisations=("minmax", "rank"), treatments=("none",))
    np.testing.assert_array_equal(a.indicator_weights, b.indicator_weights)
    np.testing.assert_array_equal(a.picks, b.picks)
    assert a.variants == (("minmax", "none"), ("rank", "none"))
    with pytest.raises(SpecError, match="traitement\\(s\\) inconnu\\(s\\) : « tronquer »"):
        plan_draws(_spec(), treatments=("tronquer",))
