"""The composite index on a hand-worked example, then its fitted-state behaviour.

Hand-worked example: 5 residences, 4 indicators, 2 pillars.

- pillar ``bati`` (weight 60): ``x1`` (+1, weight 1), ``x2`` (−1, weight 1);
- pillar ``cadre`` (weight 40): ``x3`` (+1, weight 3), ``x4`` (+1, weight 1), missing for r2.

Min–max on the reference (the 5 residences):

====  ====  ============  ====  ==========
res   x1    x2 (−1)       x3    x4
====  ====  ============  ====  ==========
r1    0     10 → 100 → 0  0     20 → 100
r2    25    2 → 0 → 100   25    —
r3    50    6 → 50 → 50   50    0 → 0
r4    75    4 → 25 → 75   75    10 → 50
r5    100   8 → 75 → 25   100   5 → 25
====  ====  ============  ====  ==========

bati = (x1 + x2) / 2: 0, 62.5, 50, 75, 62.5.
cadre = (3 x3 + x4) / 4, or x3 alone for r2: 25, 25, 37.5, 68.75, 81.25.
score = 0.6 bati + 0.4 cadre: 10, 47.5, 45, 72.5, 70 → classes E, D, D, B, B; ranks 5, 3, 4, 1, 2.
Coverage: nominal weights 0.3, 0.3, 0.3, 0.1 → r2 has 90 %.
Contributions (points) = pillar share × share within pillar × normalised value.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scoring.index import CompositeIndex, NotFittedError
from scoring.spec import IndexSpec, Indicator, Method, Pillar, SpecError

NAN = np.nan
IDS = ["r1", "r2", "r3", "r4", "r5"]


def _spec(**method) -> IndexSpec:
    return IndexSpec(
        name="exemple",
        pillars=(Pillar("bati", "Bâti", weight=60), Pillar("cadre", "Cadre", weight=40)),
        indicators=(
            Indicator("x1", "X1", "bati", 1, 1.0),
            Indicator("x2", "X2", "bati", -1, 1.0),
            Indicator("x3", "X3", "cadre", 1, 3.0),
            Indicator("x4", "X4", "cadre", 1, 1.0),
        ),
        method=Method(**method),
    )


def _table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "x1": [0.0, 25, 50, 75, 100],
            "x2": [10.0, 2, 6, 4, 8],
            "x3": [10.0, 20, 30, 40, 50],
            "x4": [20.0, NAN, 0, 10, 5],
            "ignored": ["a", "b", "c", "d", "e"],
        },
        index=pd.Index(IDS, name="residence_id"),
    )


@pytest.fixture
def index() -> CompositeIndex:
    return CompositeIndex(_spec()).fit(_table())


def test_hand_worked_normalised_values(index):
    expected = [
        [0, 0, 0, 100],
        [25, 100, 25, NAN],
        [50, 50, 50, 0],
        [75, 75, 75, 50],
        [100, 25, 100, 25],
    ]
    np.testing.assert_allclose(index.normalise(_table()).normalised(), expected, atol=1e-12)


def test_hand_worked_scores(index):
    out = index.transform(_table())
    assert list(out.columns) == [
        "score",
        "score_class",
        "rank",
        "score_bati",
        "score_cadre",
        "coverage_pct",
    ]
    assert list(out.index) == IDS
    np.testing.assert_allclose(out["score_bati"], [0, 62.5, 50, 75, 62.5], atol=1e-12)
    np.testing.assert_allclose(out["score_cadre"], [25, 25, 37.5, 68.75, 81.25], atol=1e-12)
    np.testing.assert_allclose(out["score"], [10, 47.5, 45, 72.5, 70], atol=1e-12)
    assert list(out["score_class"]) == ["E", "D", "D", "B", "B"]
    assert list(out["rank"]) == [5, 3, 4, 1, 2]
    np.testing.assert_allclose(out["coverage_pct"], [100, 90, 100, 100, 100])


def test_hand_worked_contributions(index):
    explanation = index.explain(_table())
    points = explanation.indicators.pivot(
        index="residence_id", columns="code", values="contribution_pts"
    )
    expected = [
        [0, 0, 0, 10],
        [7.5, 30, 10, 0],
        [15, 15, 15, 0],
        [22.5, 22.5, 22.5, 5],
        [30, 7.5, 30, 2.5],
    ]
    np.testing.assert_allclose(points.loc[IDS, ["x1", "x2", "x3", "x4"]], expected, atol=1e-12)
    pillars = explanation.pillars.pivot(
        index="residence_id", columns="pillar", values="contribution_pts"
    )
    np.testing.assert_allclose(
        pillars.loc[IDS, ["bati", "cadre"]],
        [[0, 10], [37.5, 10], [30, 15], [45, 27.5], [37.5, 32.5]],
        atol=1e-12,
    )
    weights = explanation.indicators.pivot(
        index="residence_id", columns="code", values="weight_pct"
    )
    np.testing.assert_allclose(weights.loc["r2", ["x1", "x2", "x3", "x4"]], [30, 30, 40, 0])
    summary = explanation.summary
    assert list(summary.loc["r2", ["strongest_1", "strongest_2", "strongest_3"]]) == [
        "x2",
        "x1",
        "x3",
    ]
    assert list(summary.loc["r2", ["weakest_1", "weakest_2", "weakest_3"]]) == ["x3", "x1", "x2"]
    assert summary.loc["r4", "weakest_1"] == "x4"
    np.testing.assert_allclose(summary["score"], [10, 47.5, 45, 72.5, 70], atol=1e-12)


def test_insufficient_coverage_is_not_rated():
    out = CompositeIndex(_spec(min_coverage=0.95)).fit(_table()).transform()
    assert np.isnan(out.loc["r2", "score"])
    assert out.loc["r2", "score_class"] == "NC"
    assert pd.isna(out.loc["r2", "rank"])
    assert np.isnan(out.loc["r2", ["score_bati", "score_cadre"]].astype(float)).all()
    assert out.loc["r2", "coverage_pct"] == pytest.approx(90.0)
    assert list(out["rank"].drop("r2")) == [4, 3, 1, 2]


def test_quintile_classes():
    out = CompositeIndex(_spec(class_method="quantiles")).fit(_table()).transform()
    # quintiles of 10, 45, 47.5, 70, 72.5: 70.5, 56.5, 46.5, 38
    assert list(out["score_class"]) == ["E", "C", "D", "A", "B"]


def test_transform_without_argument_reuses_the_reference(index):
    pd.testing.assert_frame_equal(index.transform(), index.transform(_table()))
    assert index.normalise() is index.reference_


def test_fit_transform(index):
    pd.testing.assert_frame_equal(
        CompositeIndex(_spec()).fit_transform(_table()), index.transform()
    )


def test_subset_keeps_reference_scores_classes_and_ranks(index):
    sub = index.transform(_table().loc[["r5", "r3"]])
    assert list(sub["rank"]) == [2, 4]
    np.testing.assert_allclose(sub["score"], [70, 45])
    sub_q = CompositeIndex(_spec(class_method="quantiles")).fit(_table())
    assert list(sub_q.transform(_table().loc[["r4", "r1"]])["score_class"]) == ["A", "E"]


def test_new_residence_outside_the_reference_range_is_clipped(index):
    new = pd.DataFrame(
        {"x1": [200.0], "x2": [0.0], "x3": [90.0], "x4": [40.0]},
        index=pd.Index(["n1"], name="residence_id"),
    )
    out = index.transform(new)
    assert out.loc["n1", "score"] == pytest.approx(100.0)
    assert out.loc["n1", "rank"] == 1


def test_rescore_does_not_renormalise(index, monkeypatch):
    import scoring.index as module

    def forbidden(*args, **kwargs):
        raise AssertionError("re-normalisation")

    monkeypatch.setattr(module, "normalise_table", forbidden)
    monkeypatch.setattr(module, "fit_normalisation", forbidden)
    out = index.rescore(index.spec.with_weights(pillars={"bati": 40, "cadre": 60}))
    # score = 0.4 bati + 0.6 cadre
    np.testing.assert_allclose(out["score"], [15, 40, 42.5, 71.25, 73.75], atol=1e-12)
    assert list(out["rank"]) == [5, 4, 3, 2, 1]


def test_reweight_shares_the_fitted_state(index):
    other = index.reweight(index.spec.with_method(aggregation="geometric"))
    assert other.reference_ is index.reference_
    assert other.normalisation_ is index.normalisation_
    assert index.spec.method.aggregation == "arithmetic"


def test_reweight_refuses_another_normalisation(index):
    with pytest.raises(SpecError, match="ajuster un nouvel indice"):
        index.reweight(index.spec.with_method(normalisation="rank"))


def test_changed_spec_after_fit_is_refused(index):
    index.spec = index.spec.with_method(normalisation="zscore")
    with pytest.raises(SpecError, match="ajuster à nouveau"):
        index.transform()


def test_not_fitted():
    with pytest.raises(NotFittedError, match="indice non ajusté"):
        CompositeIndex(_spec()).transform(_table())


@pytest.mark.parametrize(
    ("table", "message"),
    [
        pytest.param(_table().drop(columns="x3"), "colonne(s) absente(s) : « x3 »", id="missing"),
        pytest.param(
            _table().assign(x2=["a", "b", "c", "d", "e"]),
            "valeurs non numériques dans « x2 »",
            id="text",
        ),
        pytest.param(
            _table().assign(x1=[0.0, np.inf, 1, 2, 3]), "valeurs infinies dans « x1 »", id="inf"
        ),
        pytest.param(
            _table().set_axis(["r1", "r1", "r3", "r4", "r5"]),
            "identifiant(s) de résidence en double : « r1 »",
            id="duplicate",
        ),
    ],
)
def test_bad_tables_give_french_messages(table, message):
    with pytest.raises(ValueError) as err:
        CompositeIndex(_spec()).fit(table)
    assert message in str(err.value)


def test_nullable_and_boolean_columns_are_read():
    table = _table().astype({"x4": "Float64"})
    table["x1"] = pd.array([0, 25, 50, 75, 100], dtype="Int64")
    out = CompositeIndex(_spec()).fit(table).transform()
    np.testing.assert_allclose(out["score"], [10, 47.5, 45, 72.5, 70], atol=1e-12)


def test_bounds_table(index):
    bounds = index.bounds_
    assert list(bounds.index) == ["x1", "x2", "x3", "x4"]
    assert bounds.loc["x2", "lower"] == 2 and bounds.loc["x2", "upper"] == 10
    assert bounds.loc["x2", "direction"] == -1
    assert list(index.feature_names_in_) == ["x1", "x2", "x3", "x4"]
    assert index.n_reference_ == 5
