"""Tests of the dwelling-weighted territory aggregates."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scoring.classify import class_labels
from scoring.territory import aggregate_territory


def _scores() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "score": [80.0, 40.0, np.nan, 60.0],
            "score_class": class_labels(np.array([0, 3, 5, 2], dtype=np.int8)),
            "rank": pd.array([1, 3, None, 2], dtype="Int64"),
            "score_bati": [90.0, 20.0, np.nan, 60.0],
            "coverage_pct": [100.0, 100.0, 40.0, 90.0],
        },
        index=pd.Index(["r1", "r2", "r3", "r4"], name="residence_id"),
    )


def _residences() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "residence_id": ["r1", "r2", "r3", "r4"],
            "commune_code": ["86194", "86194", "86194", "86041"],
            "quartier_code": ["Q1", "Q1", "Q2", None],
            "n_dwellings": [10, 30, 60, 5],
        }
    )


def test_commune_scores_are_weighted_by_dwellings():
    out = aggregate_territory(_scores(), _residences(), by="commune_code")
    poitiers = out.loc["86194"]
    assert poitiers["n_residences"] == 3 and poitiers["n_rated"] == 2
    assert poitiers["n_dwellings"] == 100 and poitiers["n_dwellings_rated"] == 40
    assert poitiers["score"] == pytest.approx((80 * 10 + 40 * 30) / 40)
    assert poitiers["score_bati"] == pytest.approx((90 * 10 + 20 * 30) / 40)
    assert poitiers["dwellings_A_pct"] == pytest.approx(10.0)
    assert poitiers["dwellings_D_pct"] == pytest.approx(30.0)
    assert poitiers["dwellings_NC_pct"] == pytest.approx(60.0)
    assert out.loc["86041", "score"] == pytest.approx(60.0)
    assert "rank" not in out.columns and "coverage_pct" not in out.columns


def test_quartiers_leave_out_residences_without_quartier():
    out = aggregate_territory(_scores(), _residences(), by="quartier_code")
    assert list(out.index) == ["Q1", "Q2"]
    assert out.index.name == "quartier_code"
    assert np.isnan(out.loc["Q2", "score"])
    assert out.loc["Q2", "n_rated"] == 0


def test_missing_columns_and_residences():
    with pytest.raises(ValueError, match="colonne\\(s\\) absente\\(s\\) des résidences : « iris »"):
        aggregate_territory(_scores(), _residences(), by="iris")
    with pytest.raises(ValueError, match="« r4 »"):
        aggregate_territory(_scores(), _residences().iloc[:3], by="commune_code")
