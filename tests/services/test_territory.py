"""Key figures per commune, per quartier and for the EPCI, on a hand-made territory."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from services.territory import commune_figures, epci_figures, quartier_figures


@pytest.fixture()
def communes():
    return pd.DataFrame(
        {
            "commune_code": ["86194", "86041", "86999"],
            "commune_name": ["Poitiers", "Buxerolles", "Rurale"],
            "population": [90_000, 10_000, 500],
        }
    )


@pytest.fixture()
def residences():
    return pd.DataFrame(
        {
            "residence_id": ["A", "B", "C", "D"],
            "commune_code": ["86194", "86194", "86194", "86041"],
            "quartier_code": ["Q1", "Q1", "Q2", None],
            "n_dwellings": [300, 100, 50, 40],
            "n_t1": [0, 0, 0, 0],
            "n_t2": [100, 50, 50, 40],
            "n_t3": [200, 50, 0, 0],
            "n_t4": [0, 0, 0, 0],
            "n_t5_plus": [0, 0, 0, 0],
            "is_qpv": [True, False, True, False],
        }
    )


@pytest.fixture()
def sru():
    return pd.DataFrame(
        {
            "commune_code": ["86194", "86194", "86041", "86041", "86999"],
            "year": [2024, 2025, 2024, 2025, 2025],
            "n_lls": [15_000, 15_100, 900, 910, 0],
            "n_rp": [47_000, 47_200, 4_600, 4_610, 200],
            "sru_rate_pct": [31.9, 32.0, 19.6, 19.7, 0.0],
            "is_subject": [True, True, True, True, False],
        }
    )


def test_commune_figures(communes, residences, sru):
    table = commune_figures(communes, residences, sru)
    assert table.index.tolist() == ["86194", "86041", "86999"]
    assert table["n_dwellings"].tolist() == [450, 40, 0]
    assert table["n_residences"].tolist() == [3, 1, 0]
    assert table.loc["86194", "qpv_share_pct"] == pytest.approx(100 * 350 / 450)
    assert table.loc["86041", "qpv_share_pct"] == 0.0
    assert math.isnan(table.loc["86999", "qpv_share_pct"])  # no stock: missing, not zero
    assert table["sru_rate_pct"].tolist() == [32.0, 19.7, 0.0]
    assert table["sru_year"].tolist() == [2025, 2025, 2025]
    assert table["is_sru_subject"].tolist() == [True, True, False]


def test_quartier_figures(residences):
    quartiers = pd.DataFrame(
        {"quartier_code": ["Q1", "Q2", "Q3"], "quartier_name": ["Un", "Deux", "Trois"]}
    )
    table = quartier_figures(quartiers, residences)
    assert table["n_dwellings"].tolist() == [400, 50, 0]
    assert table["qpv_share_pct"].tolist()[:2] == [75.0, 100.0]


def test_epci_figures(communes, residences, sru):
    epci = epci_figures(commune_figures(communes, residences, sru), sru)
    assert epci["population"] == 100_500
    assert epci["n_dwellings"] == 490
    assert epci["qpv_share_pct"] == pytest.approx(100 * 350 / 490)
    assert epci["sru_rate_pct"] == pytest.approx(100 * (15_100 + 910) / (47_200 + 4_610 + 200))
