"""Tests of the secret statistique: small counts, dominance, roles (services/masking.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from services import masking

SMALL = "secret statistique : moins de 11 ménages"
DOMINANCE = "règle de dominance : un bailleur détient plus de 85 % des logements"

FIGURES = pd.DataFrame(
    {
        "territory_code": ["86194", "86041", "86100"],
        "n_households": [10.0, 11.0, np.nan],
        "res_below_40_pct": [50.0, 60.0, np.nan],
        "no_employment_pct": [20.0, 30.0, np.nan],
    }
)
VALUES = ["res_below_40_pct", "no_employment_pct"]

# 86194: B1 holds 90 of 100 dwellings (90 %); 86041: B1 holds 85 of 100 (exactly 85 %).
RESIDENCES = pd.DataFrame(
    {
        "residence_id": ["R1", "R2", "R3", "R4"],
        "bailleur": ["B1", "B2", "B1", "B2"],
        "commune_code": ["86194", "86194", "86041", "86041"],
        "quartier_code": [None, None, None, None],
        "n_dwellings": [90, 10, 85, 15],
    }
)


def test_shipped_thresholds_and_reasons():
    rules = masking.load_masking_rules()
    assert (rules.min_households, rules.dominance_pct) == (11, 85.0)
    assert rules.small_count_reason == SMALL
    assert rules.dominance_reason == DOMINANCE


def test_small_counts_are_hidden_from_the_public():
    out = masking.mask_small_counts(FIGURES, VALUES, role="public").set_index("territory_code")
    assert out.loc["86194", VALUES].isna().all()
    assert out.loc["86194", "n_households"] == 10  # the count itself stays
    assert out.loc["86194", "is_masked"]
    assert out.loc["86194", "mask_reason"] == SMALL
    assert out.loc["86041", VALUES].tolist() == [60.0, 30.0]  # 11 households: shown
    assert not out.loc["86041", "is_masked"]
    assert pd.isna(out.loc["86041", "mask_reason"])
    assert not out.loc["86100", "is_masked"]  # no survey: nothing to hide
    assert FIGURES.loc[0, "res_below_40_pct"] == 50.0  # the input is untouched


@pytest.mark.parametrize(
    ("role", "export", "hidden"),
    [
        pytest.param("public", False, True, id="public"),
        pytest.param("bailleur", False, False, id="bailleur-residence-access"),
        pytest.param("service_habitat", False, False, id="service-habitat"),
        pytest.param("service_habitat", True, True, id="export-follows-public-rules"),
    ],
)
def test_roles_and_exports(role, export, hidden):
    out = masking.mask_small_counts(FIGURES, VALUES, role=role, export=export)
    assert bool(out.loc[0, "is_masked"]) is hidden
    assert bool(np.isnan(out.loc[0, "res_below_40_pct"])) is hidden


def test_unknown_role_is_refused():
    with pytest.raises(ValueError, match="rôle inconnu : « élu »"):
        masking.mask_small_counts(FIGURES, VALUES, role="élu")


def test_bailleur_dominance_per_territory():
    out = masking.bailleur_dominance(RESIDENCES, "commune")
    assert out.loc["86194", "top_bailleur"] == "B1"
    assert out.loc["86194", "top_bailleur_share_pct"] == 90.0
    assert out.loc["86041", "top_bailleur_share_pct"] == 85.0
    assert out.loc["86194", "n_dwellings"] == 100


def test_dominance_rule_masks_above_85_percent_only():
    dominance = masking.bailleur_dominance(RESIDENCES, "commune")
    out = masking.mask_dominance(FIGURES, VALUES, dominance, role="public")
    out = out.set_index("territory_code")
    assert out.loc["86194", "mask_reason"] == DOMINANCE
    assert out.loc["86041", VALUES].tolist() == [60.0, 30.0]  # 85 % is not more than 85 %
    shown = masking.mask_dominance(FIGURES, VALUES, dominance, role="bailleur")
    assert not shown["is_masked"].any()


def test_both_rules_give_both_reasons():
    out = masking.apply_secrecy(FIGURES, VALUES, RESIDENCES, "commune", role="public")
    out = out.set_index("territory_code")
    assert out.loc["86194", "mask_reason"] == f"{SMALL} ; {DOMINANCE}"
    assert out["is_masked"].tolist() == [True, False, False]
