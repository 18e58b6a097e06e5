"""Correlations that explain the effective weights, on a hand-checkable example."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from scoring.correlation import closest_partner, indicator_correlations, score_correlations
from scoring.index import CompositeIndex
from scoring.spec import IndexSpec, Indicator, Method, Pillar


@pytest.fixture
def index() -> CompositeIndex:
    """``a2`` repeats ``a``; ``b`` runs against ``d``, which points down; ``c`` is constant."""
    spec = IndexSpec(
        name="doublon",
        pillars=(Pillar("p", "P", weight=1),),
        indicators=(
            Indicator("a", "A", "p", 1, 1.0),
            Indicator("a2", "A (copie)", "p", 1, 1.0),
            Indicator("b", "B", "p", 1, 1.0),
            Indicator("c", "C", "p", 1, 1.0),
            Indicator("d", "D", "p", -1, 0.0),
        ),
        method=Method(normalisation="minmax", treatment="none", min_coverage=0.5),
    )
    table = pd.DataFrame(
        {
            "a": [0.0, 1, 2, 4],
            "a2": [0.0, 1, 2, 4],
            "b": [4.0, 1, 0, 3],
            "c": [5.0, 5, 5, 5],
            "d": [4.0, 1, 0, 3],
        },
        index=pd.Index(["r1", "r2", "r3", "r4"], name="residence_id"),
    )
    return CompositeIndex(spec).fit(table)


def test_correlations_by_hand(index):
    # Saa = 35/4, Sbb = 10, Sab = −1: r(a, b) = −1 / √87,5.
    r_ab = -1 / math.sqrt(87.5)
    corr = indicator_correlations(index)
    assert list(corr.index) == list(corr.columns) == ["a", "a2", "b", "c", "d"]
    assert corr.loc["a", "a2"] == pytest.approx(1.0)
    assert corr.loc["a", "b"] == pytest.approx(r_ab)
    # d points down: normalised, it is b turned over.
    assert corr.loc["b", "d"] == pytest.approx(-1.0)
    assert corr["c"].isna().all()


def test_the_score_correlation_and_the_closest_partner(index):
    # Score ∝ 2a + b + c (c constant): Cov(a, S) ∝ 2 Saa + Sab = 16,5, Var(S) ∝ 41.
    score_r = score_correlations(index)
    assert score_r["a"] == pytest.approx(16.5 / math.sqrt(8.75 * 41))
    assert score_r["b"] == pytest.approx(8 / math.sqrt(10 * 41))
    assert np.isnan(score_r["c"])
    partners = closest_partner(indicator_correlations(index), ["a", "a2", "b", "c"])
    assert partners["partner"].tolist()[:3] == ["a2", "a", "a"]
    assert pd.isna(partners.loc["c", "partner"]) and np.isnan(partners.loc["c", "partner_r"])
    assert partners.loc["b", "partner_r"] == pytest.approx(-1 / math.sqrt(87.5))
