"""Tests of the entrants' and leavers' profiles and of the CCH L441-1 objectives."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from services import flows

RESIDENCES = pd.DataFrame(
    {
        "residence_id": ["R1", "R2", "R4"],
        "bailleur": ["B1", "B2", "B1"],
        "commune_code": ["86194", "86194", "86041"],
        "quartier_code": ["86194Q02", "86194Q01", None],
        "is_qpv": [True, False, False],
        "n_dwellings": [100, 50, 10],
    }
)


def _households(rows: list[tuple]) -> pd.DataFrame:
    columns = [
        "residence_id",
        "year",
        "is_q1",
        "resources_pct_ceiling",
        "composition",
        "is_employed",
        "holder_age",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    frame["household_size"] = np.where(frame["composition"] == "personne_seule", 1, 3)
    frame["is_large_family"] = False
    frame["is_mutation"] = frame["holder_age"] > 60
    frame["typology"] = "T3"
    return frame


ENTRANTS = _households(
    [
        ("R1", 2022, True, 15.0, "famille_monoparentale", False, 24),
        ("R1", 2022, True, 35.0, "personne_seule", False, 70),
        ("R2", 2022, False, None, "couple_avec_enfants", True, 40),
        ("R2", 2022, False, 80.0, "personne_seule", True, 25),
        ("R4", 2024, True, 10.0, "personne_seule", False, 39),
    ]
)


def test_age_bands_from_edges():
    assert flows.age_bands([25, 40, 65]) == {
        "age_under_25": "Moins de 25 ans",
        "age_25_39": "25 à 39 ans",
        "age_40_64": "40 à 64 ans",
        "age_65_plus": "65 ans et plus",
    }


def test_entrants_profile_per_commune_and_year():
    out = flows.flow_profile(ENTRANTS, RESIDENCES, "commune").set_index(["territory_code", "year"])
    poitiers = out.loc[("86194", 2022)]
    assert poitiers["n_households"] == 4
    assert poitiers["q1_pct"] == 50.0
    # resources known for 3 of 4 households: 15 and 35 are under 40 %, 80 is not
    assert poitiers["resources_below_40_pct"] == pytest.approx(200 / 3)
    assert poitiers["resources_below_20_pct"] == pytest.approx(100 / 3)
    assert poitiers["no_employment_pct"] == 50.0
    assert poitiers["famille_monoparentale_pct"] == 25.0
    assert poitiers["personne_seule_pct"] == 50.0
    assert poitiers[
        ["age_under_25_pct", "age_25_39_pct", "age_40_64_pct", "age_65_plus_pct"]
    ].tolist() == [
        25.0,
        25.0,
        25.0,
        25.0,
    ]
    assert poitiers["mutation_pct"] == 25.0
    assert poitiers["mean_household_size"] == 2.0
    # 2023 has no attribution at all in the table: missing, not zero
    assert np.isnan(out.loc[("86194", 2023), "n_households"])
    assert np.isnan(out.loc[("86194", 2023), "q1_pct"])
    # 2024 has data: Poitiers had no entrant (0 households, no share)
    assert out.loc[("86194", 2024), "n_households"] == 0
    assert np.isnan(out.loc[("86194", 2024), "q1_pct"])
    assert out.loc[("86041", 2024), "q1_pct"] == 100.0


def test_leavers_profile_has_the_mean_tenure():
    leavers = ENTRANTS.drop(columns="is_mutation").assign(tenure_years=[2.0, 4.0, 6.0, 8.0, 1.0])
    out = flows.flow_profile(leavers, RESIDENCES, "quartier").set_index(["territory_code", "year"])
    assert out.loc[("86194Q02", 2022), "mean_tenure_years"] == 3.0
    assert out.loc[("86194Q01", 2022), "mean_tenure_years"] == 7.0
    assert "mutation_pct" not in out
    assert "86041" not in out.index.get_level_values(0)  # no quartier outside Poitiers


RULE_ATTRIBUTIONS = pd.DataFrame(
    {
        "residence_id": ["R1"] * 4 + ["R2"] * 4 + ["R4"] * 2 + ["R4"],
        "year": [2023] * 10 + [2024],
        "is_q1": [True, True, False, False, True, False, False, False, False, False, True],
    }
)


def test_equality_rule_for_the_epci():
    out = flows.equality_rule(RULE_ATTRIBUTIONS, RESIDENCES, "epci").set_index("year")
    y2023 = out.loc[2023]
    assert y2023["group_code"] == "200069854"
    assert (y2023["n_outside_qpv"], y2023["n_outside_qpv_q1"]) == (6, 1)
    assert y2023["outside_qpv_q1_pct"] == pytest.approx(100 / 6)
    assert not y2023["is_outside_qpv_target_met"]
    assert (y2023["n_in_qpv"], y2023["n_in_qpv_q2_q4"]) == (4, 2)
    assert y2023["in_qpv_q2_q4_pct"] == 50.0
    assert y2023["is_in_qpv_target_met"]  # 50 % is enough
    assert y2023["outside_qpv_target_pct"] == 25.0


def test_equality_rule_per_commune_and_bailleur():
    communes = flows.equality_rule(RULE_ATTRIBUTIONS, RESIDENCES, "commune")
    communes = communes.set_index(["group_code", "year"])
    assert communes.loc[("86194", 2023), "outside_qpv_q1_pct"] == 25.0
    assert communes.loc[("86194", 2023), "is_outside_qpv_target_met"]  # exactly 25 %
    assert communes.loc[("86041", 2023), "outside_qpv_q1_pct"] == 0.0
    assert np.isnan(communes.loc[("86041", 2023), "in_qpv_q2_q4_pct"])  # no QPV there
    assert pd.isna(communes.loc[("86041", 2023), "is_in_qpv_target_met"])
    assert communes.loc[("86041", 2024), "is_outside_qpv_target_met"]
    bailleurs = flows.equality_rule(RULE_ATTRIBUTIONS, RESIDENCES, "bailleur")
    bailleurs = bailleurs.set_index(["group_code", "year"])
    assert bailleurs.loc[("B1", 2023), ["n_outside_qpv", "n_in_qpv"]].tolist() == [2, 4]
    assert bailleurs.loc[("B1", 2023), "outside_qpv_q1_pct"] == 0.0
    assert bailleurs.loc[("B2", 2023), "outside_qpv_q1_pct"] == 25.0
