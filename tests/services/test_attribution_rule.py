"""Tests of the 25 % rule per level and of the contribution of the capacity residences."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from services.attribution_rule import attribution_targets, capacity_contribution
from services.peers import peer_analysis
from services.stock import epci_code, load_stock_rules
from tests.services.test_peers import tiny_parc, tiny_settings


def _attributions(rows: list[tuple[str, int, int, int]]) -> pd.DataFrame:
    """(residence, year, attributions, of which first quartile) → one row per attribution."""
    records = []
    for residence_id, year, n, q1 in rows:
        records += [(residence_id, year, i < q1) for i in range(n)]
    return pd.DataFrame(records, columns=["residence_id", "year", "is_q1"])


# R1 is the only capacity residence of the tiny parc (R4 is in QPV, the others outside).
ATTRIBUTIONS = _attributions(
    [
        ("R1", 2023, 4, 1),
        ("R1", 2024, 4, 0),
        ("R2", 2023, 6, 1),
        ("R2", 2024, 6, 1),
        ("R4", 2024, 5, 1),
        ("R3", 2022, 10, 0),
    ]
)


def _parc(qpv: tuple[str, ...]):
    residences, occupancy, classes = tiny_parc()
    residences["is_qpv"] = residences["residence_id"].isin(qpv)
    return residences, peer_analysis(residences, occupancy, classes, tiny_settings())


def test_capacity_contribution_outside_qpv_with_exact_values():
    residences, analysis = _parc(qpv=("R4",))
    out = capacity_contribution(ATTRIBUTIONS, residences, analysis, 2024)
    assert out.years == (2023, 2024)
    assert out.target_pct == 25.0
    # outside QPV over 2023-2024: R1 8 (1 in Q1) + R2 12 (2 in Q1) = 20, 10 per year
    assert out.epci_outside_qpv_per_year == 10.0
    assert out.epci_share_pct == pytest.approx(15.0)
    row = out.residences.loc["R1"]
    assert list(out.residences.index) == ["R1"]
    assert (row["n_attributions"], row["n_q1"]) == (8, 1)
    assert row["lettings_per_year"] == 4.0 and row["q1_per_year"] == 0.5
    assert row["q1_pct"] == 12.5
    # 25 % of 4 lettings a year = 1 first-quartile household, 0.5 received: 0.5 more a year,
    # 0.5 / 10 outside-QPV attributions a year = 5 points for the EPCI
    assert row["extra_q1_per_year"] == pytest.approx(0.5)
    assert row["epci_gain_points"] == pytest.approx(5.0)
    assert out.extra_q1_per_year == pytest.approx(0.5)
    assert out.epci_share_after_pct == pytest.approx(20.0)
    assert "0,5 attribution(s) de plus par an" in row["text"]
    assert "+5,00 point" in row["text"]
    assert "passerait de 15,0 % à 20,0 %" in out.text


def test_a_capacity_residence_in_qpv_does_not_count_for_the_25_percent_rule():
    residences, analysis = _parc(qpv=("R1", "R4"))
    out = capacity_contribution(ATTRIBUTIONS, residences, analysis, 2024)
    row = out.residences.loc["R1"]
    assert np.isnan(row["extra_q1_per_year"]) and np.isnan(row["epci_gain_points"])
    assert row["text"].startswith("Résidence en QPV")
    assert out.epci_share_pct == pytest.approx(100 * 2 / 12)
    assert out.epci_share_after_pct == pytest.approx(out.epci_share_pct)
    assert "1 autre(s) résidence(s) « Capacité d'accueil » en QPV" in out.text


def test_a_residence_already_at_the_target_needs_nothing_more():
    residences, analysis = _parc(qpv=())
    attributions = _attributions([("R1", 2024, 4, 2), ("R2", 2024, 4, 0)])
    out = capacity_contribution(attributions, residences, analysis, 2024)
    assert out.years == (2024,)  # 2023 is absent from the data
    assert out.residences.loc["R1", "extra_q1_per_year"] == 0.0
    assert "déjà au niveau de l'objectif" in out.residences.loc["R1", "text"]


def test_a_window_without_attributions_is_refused():
    residences, analysis = _parc(qpv=())
    with pytest.raises(ValueError, match="aucune attribution de 2029 à 2030"):
        capacity_contribution(ATTRIBUTIONS, residences, analysis, 2030)


def test_targets_per_level_use_the_configured_thresholds():
    residences, _ = _parc(qpv=("R4",))
    rules = dataclasses.replace(load_stock_rules(), outside_qpv_q1_min_pct=30.0)
    out = attribution_targets(ATTRIBUTIONS, residences, rules=rules)
    assert list(out["level"].unique()) == ["epci", "commune", "bailleur"]
    epci = out[(out["level"] == "epci") & (out["year"] == 2024)].iloc[0]
    assert epci["group_code"] == epci_code()
    assert (epci["n_outside_qpv"], epci["n_outside_qpv_q1"]) == (10, 1)
    assert epci["outside_qpv_q1_pct"] == pytest.approx(10.0)
    assert epci["outside_qpv_target_pct"] == 30.0
    assert (epci["n_in_qpv"], epci["n_in_qpv_q2_q4"]) == (5, 4)
    bailleur = out[out["level"] == "bailleur"]
    assert set(bailleur["group_code"]) == {"Bailleur A"}
