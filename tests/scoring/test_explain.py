"""Tests of the explanations: geometric decomposition, highlights, one residence."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scoring.index import CompositeIndex
from scoring.spec import IndexSpec, Indicator, Method, Pillar

NAN = np.nan


def _spec(**method) -> IndexSpec:
    return IndexSpec(
        name="essai",
        pillars=(Pillar("p", "P", weight=1), Pillar("q", "Q", weight=1)),
        indicators=(
            Indicator("a", "A", "p", 1, 1.0),
            Indicator("b", "B", "p", 1, 1.0),
            Indicator("c", "C", "q", 1, 1.0),
        ),
        method=Method(**method),
    )


def _table() -> pd.DataFrame:
    # min–max on 0–10: values are a tenth of the normalised points
    return pd.DataFrame(
        {"a": [0.0, 10, 5], "b": [10.0, 0, NAN], "c": [10.0, 0, 5]},
        index=pd.Index(["r1", "r2", "r3"], name="residence_id"),
    )


def test_geometric_contributions_split_each_pillar_by_weighted_logs():
    explanation = CompositeIndex(_spec(aggregation="geometric")).fit(_table()).explain()
    points = explanation.indicators.pivot(
        index="residence_id", columns="code", values="contribution_pts"
    )
    # r1: pillar p = geometric mean of 0 and 100 on 1–100 = (10 − 1) / 0.99 = 100 / 11;
    # a (z = 0, log 1 = 0) brings nothing, b brings the whole half of p; c = 100.
    assert points.loc["r1", "a"] == pytest.approx(0.0)
    assert points.loc["r1", "b"] == pytest.approx(0.5 * 100 / 11)
    assert points.loc["r1", "c"] == pytest.approx(50.0)
    assert explanation.summary.loc["r1", "score"] == pytest.approx(50 + 50 / 11)


def test_one_residence_and_missing_indicator():
    index = CompositeIndex(_spec(min_coverage=0.5)).fit(_table())
    explanation = index.explain(_table().loc[["r3"]])
    rows = explanation.indicators.set_index("code")
    assert list(explanation.indicators["residence_id"]) == ["r3", "r3", "r3"]
    np.testing.assert_allclose(rows["value"], [5, NAN, 5])
    np.testing.assert_allclose(rows["normalised"], [50, NAN, 50])
    np.testing.assert_allclose(rows["weight_pct"], [50, 0, 50])
    np.testing.assert_allclose(rows["contribution_pts"], [25, 0, 25])
    summary = explanation.summary.loc["r3"]
    assert summary["coverage_pct"] == pytest.approx(100 * 3 / 4)
    assert summary["strongest_1"] == "a" and summary["strongest_2"] == "c"
    assert pd.isna(summary["strongest_3"]) and pd.isna(summary["weakest_3"])


def test_not_rated_residence_has_no_contributions():
    explanation = CompositeIndex(_spec(min_coverage=0.9)).fit(_table()).explain()
    r3 = explanation.indicators[explanation.indicators["residence_id"] == "r3"]
    assert r3["contribution_pts"].isna().all()
    assert explanation.summary.loc["r3", "score_class"] == "NC"
    assert pd.isna(explanation.summary.loc["r3", "strongest_1"])


def test_pillar_rows():
    explanation = CompositeIndex(_spec()).fit(_table()).explain()
    r2 = explanation.pillars[explanation.pillars["residence_id"] == "r2"].set_index("pillar")
    np.testing.assert_allclose(r2["pillar_score"], [50, 0])
    np.testing.assert_allclose(r2["weight_pct"], [50, 50])
    np.testing.assert_allclose(r2["contribution_pts"], [25, 0])
