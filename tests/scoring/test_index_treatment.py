"""The treatment of extreme values inside the index: bounds, scores, catalogue check, demo parc."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest

from scoring.index import CompositeIndex
from scoring.profiles import load_profile
from scoring.spec import IndexSpec, Indicator, Method, Pillar

# 1, 2, …, 20, two equal outliers at 200 and one at 2000 (see test_treatment.py).
X = [*range(1, 21), 200.0, 200.0, 2000.0]
IDS = pd.Index([f"r{i:02d}" for i in range(len(X))], name="residence_id")


def _spec(normalisation: str = "minmax", **method) -> IndexSpec:
    return IndexSpec(
        name="essai",
        pillars=(Pillar("p", "P"),),
        indicators=(
            Indicator("x", "X", "p", 1, 1.0, bounds=(0.0, 100.0)),
            Indicator("y", "Y", "p", 1, 1.0, bounds=(0.0, 30.0)),
        ),
        method=Method(normalisation=normalisation, **method),
    )


TABLE = pd.DataFrame({"x": X, "y": [float(v % 25) for v in range(len(X))]}, index=IDS)


def test_winsorised_bounds_scale_the_indicator_by_hand():
    index = CompositeIndex(_spec(treatment="winsorise")).fit(TABLE)
    bounds = index.bounds_.loc["x"]
    assert (bounds["treatment"], bounds["n_winsorised"]) == ("winsorised", 3)
    assert (bounds["lower"], bounds["upper"]) == (1.0, 20.0)  # min–max of the winsorised values
    assert bounds["winsor_upper"] == 20.0
    normalised = pd.DataFrame(index.normalise().normalised(), index=IDS, columns=["x", "y"])
    assert normalised.loc["r09", "x"] == pytest.approx((10 - 1) / 19 * 100)  # x = 10
    assert (normalised.loc[["r20", "r21", "r22"], "x"] == 100.0).all()
    # Without treatment, 2000 sets the top of the scale: 10 is worth 0.45.
    raw = CompositeIndex(_spec()).fit(TABLE)
    assert raw.bounds_.loc["x", "upper"] == 2000.0
    assert raw.normalise().normalised()[9, 0] == pytest.approx(9 / 1999 * 100)


def test_a_new_residence_is_treated_with_the_reference_parameters():
    index = CompositeIndex(_spec(treatment="winsorise")).fit(TABLE)
    # n2 has r09's values (x = 10, y = 9); n1 is far above the winsorised top, 20.
    new = pd.DataFrame({"x": [5000.0, 10.0], "y": [9.0, 9.0]}, index=["n1", "n2"])
    scores = index.transform(new)
    reference = index.transform()
    assert scores.loc["n2", "score"] == reference.loc["r09", "score"]
    # x clipped at 20 is worth 100; y = 9 between 0 and 22 is worth 40.9.
    assert scores.loc["n1", "score"] == pytest.approx((100 + 9 / 22 * 100) / 2)


def test_log_fallback_scales_on_the_log_by_hand():
    index = CompositeIndex(_spec(treatment="winsorise", winsor_max=2)).fit(TABLE)
    bounds = index.bounds_.loc["x"]
    assert bounds["treatment"] == "log"
    assert bounds["lower"] == pytest.approx(np.log(19.99))
    assert bounds["upper"] == pytest.approx(np.log(2018.99))
    expected = (np.log(28.99) - np.log(19.99)) / (np.log(2018.99) - np.log(19.99)) * 100
    assert index.normalise().normalised()[9, 0] == pytest.approx(expected)


@pytest.mark.parametrize("normalisation", ["zscore", "rank"])
def test_other_normalisations_read_the_treated_values(normalisation):
    index = CompositeIndex(_spec(normalisation, treatment="winsorise")).fit(TABLE)
    treated = np.array([*range(1, 21), 20.0, 20.0, 20.0])
    normalised = index.normalise().normalised()[:, 0]
    if normalisation == "zscore":
        z = 50 + 50 * (treated - treated.mean()) / (3 * treated.std())
        np.testing.assert_allclose(normalised, np.clip(z, 0, 100))
    else:
        assert normalised[-1] == normalised[-3] == normalised[19] == 100.0 - 100 * 1.5 / 22


def test_the_catalogue_bounds_are_checked_at_fit():
    check = CompositeIndex(_spec(treatment="winsorise")).fit(TABLE).bounds_check_
    # x: 200, 200 and 2000 are above 100 (3 of 23, 13 %); y never leaves 0–30.
    assert check.loc["x", ["n_below", "n_above", "n_values"]].tolist() == [0, 3, 23]
    assert check.loc["x", "outside_pct"] == pytest.approx(300 / 23)
    assert bool(check.loc["x", "is_exceeded"]) and not bool(check.loc["x", "is_clipped"])
    assert not bool(check.loc["y", "is_exceeded"])
    goalposts = CompositeIndex(_spec("goalposts")).fit(TABLE).bounds_check_
    assert bool(goalposts.loc["x", "is_clipped"])


def test_treatment_changes_the_fit_not_a_weight_move():
    spec = _spec(treatment="winsorise")
    index = CompositeIndex(spec).fit(TABLE)
    moved = spec.with_weights(indicators={"y": 3.0})
    assert index.rescore(moved)["score"].notna().all()
    assert spec.normalisation_key != spec.with_method(treatment="none").normalisation_key
    # Unused treatment settings do not ask for a new fit.
    off = spec.with_method(treatment="none")
    assert off.normalisation_key == off.with_method(winsor_max=3).normalisation_key


# --- On the demo parc -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo():
    geodata = pytest.importorskip("geodata")
    from services import build_indicator_table

    return build_indicator_table(geodata.load_residences())


def _digest(scores: pd.DataFrame) -> str:
    columns = ["score", *[c for c in scores.columns if c.startswith("score_")]]
    columns.remove("score_class")
    values = np.round(scores[columns].to_numpy(float), 6)
    return hashlib.sha256(values.tobytes()).hexdigest()[:16]


# Digests of every score and pillar score (rounded to 1e-6) of the demo parc under each shipped
# profile, computed with the engine as it was before extreme values could be treated (the
# reference profile then cut fixed thresholds).
UNTREATED_DIGESTS = {
    "reference": "c3346a7bf8a985af",
    "cadre_de_vie": "c9c826dd30a7888c",
    "occupation_sociale": "c0930b534c94c441",
}


@pytest.mark.parametrize("profile", sorted(UNTREATED_DIGESTS))
def test_without_treatment_the_scores_are_exactly_those_of_the_untreated_engine(demo, profile):
    spec = load_profile(profile).with_method(treatment="none")
    if profile == "reference":
        spec = spec.with_method(class_method="thresholds")
    scores = CompositeIndex(spec).fit(demo).transform()
    assert _digest(scores) == UNTREATED_DIGESTS[profile]


def test_the_untreated_reference_gives_the_figures_the_issue_recomputed(demo):
    spec = load_profile("reference").with_method(treatment="none", class_method="thresholds")
    scores = CompositeIndex(spec).fit(demo).transform()
    assert (round(scores["score"].min(), 1), round(scores["score"].max(), 1)) == (47.8, 91.7)
    assert round(scores["score"].std(ddof=0), 1) == 7.3
    counts = scores["score_class"].value_counts()
    assert (counts["B"], len(scores)) == (388, 541)


def test_the_treated_reference_separates_the_residences(demo):
    scores = CompositeIndex(load_profile("reference")).fit(demo).transform()
    counts = scores["score_class"].value_counts().reindex(list("ABCDE")).tolist()
    assert counts == [108, 173, 142, 84, 34]
    assert max(counts) / len(scores) < 0.35
    assert (round(scores["score"].min(), 1), round(scores["score"].max(), 1)) == (43.5, 85.8)
    assert round(scores["score"].std(ddof=0), 1) == 7.9
