"""The weights of a working session: shareable text, cache key, weight tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scoring import load_profile
from services.cotation_weights import (
    format_weight_overrides,
    parse_weight_overrides,
    pillar_weight_table,
    weight_key,
    weight_table,
    with_weight_key,
)


@pytest.fixture(scope="module")
def reference():
    return load_profile("reference")


# --- Weights ----------------------------------------------------------------------------------


def test_weight_overrides_round_trip(reference):
    moved = reference.with_weights(pillars={"occupation": 45}, indicators={"is_qpv": 0.5})
    text = format_weight_overrides(moved, reference)
    assert text == "occupation:45,is_qpv:0.5"
    parsed = parse_weight_overrides(text, reference)
    assert parsed.pillars == {"occupation": 45.0}
    assert parsed.indicators == {"is_qpv": 0.5}
    assert parsed.problems == []
    assert format_weight_overrides(reference, reference) == ""


def test_weight_overrides_report_what_they_ignore(reference):
    parsed = parse_weight_overrides("inconnu:2, occupation:500,is_qpv:abc,,dpe_rank:3", reference)
    assert parsed.indicators == {"dpe_rank": 3.0}
    assert parsed.pillars == {}
    assert len(parsed.problems) == 3
    assert any("« inconnu »" in p for p in parsed.problems)
    assert "pilier « Occupation » : poids 500 hors de l'intervalle 0 à 100." in parsed.problems
    assert parse_weight_overrides(None, reference).problems == []


def test_weight_key_round_trip(reference):
    moved = reference.with_weights(pillars={"equipements": 5}, indicators={"has_lift": 4})
    assert with_weight_key(reference, weight_key(moved)) == moved
    with pytest.raises(ValueError, match="attendu 25 valeurs"):
        with_weight_key(reference, (1.0, 2.0))


def test_weight_tables_add_up(reference):
    effective = pd.Series(
        np.full(len(reference.codes), 100 / len(reference.codes)), reference.codes
    )
    weights = weight_table(reference, effective)
    assert weights["nominal_pct"].sum() == pytest.approx(100)
    assert weights.loc["dpe_rank", "label"] == "Étiquette énergie (DPE)"
    pillars = pillar_weight_table(weights, reference)
    assert pillars.loc["occupation", "nominal_pct"] == pytest.approx(30)
    assert pillars["effective_pct"].sum() == pytest.approx(100)
