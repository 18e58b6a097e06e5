"""The published tables on a tiny parc: masks, reasons, « s », rounding, who sees what."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from services.access import Viewer
from services.disclosure import (
    Access,
    Disclosure,
    footnote,
    load_rules,
    public_version,
    published_flows,
    published_sitting,
    with_markers,
)
from services.flows import flow_profile
from services.occupancy import sitting_profile
from services.stock import epci_code

RULES = load_rules()
RESIDENCES = pd.DataFrame(
    {
        "residence_id": [f"r{i}" for i in range(1, 10)],
        "residence_name": [f"Résidence {i}" for i in range(1, 10)],
        "bailleur": ["A", "B", "C"] * 3,
        "commune_code": ["c1"] * 3 + ["c2"] * 3 + ["c3"] * 3,
        "quartier_code": [None] * 9,
        "is_qpv": [False] * 9,
        "n_dwellings": [50] * 9,
    }
)
# c1: 60 households; c2: 9 (small); c3: 24 (passes alone, but E − c1 − c3 would give c2)
OCCUPANCY = pd.DataFrame(
    {
        "residence_id": RESIDENCES["residence_id"],
        "survey_year": 2024,
        "n_households": [20, 20, 20, 3, 3, 3, 8, 8, 8],
        "res_below_40_pct": [10.0, 20.0, 30.0, 100.0, 0.0, 100.0, 12.5, 25.0, 37.5],
    }
)


@pytest.fixture(scope="module")
def decisions() -> Disclosure:
    return Disclosure(RESIDENCES, OCCUPANCY, None, None)


def _commune_rows(decisions, access):
    profile = sitting_profile(OCCUPANCY, RESIDENCES, "commune", [2024])
    return published_sitting(decisions, profile, "commune", access).set_index("territory_code")


def test_small_cells_and_their_complement_are_masked_with_their_reason(decisions):
    rows = _commune_rows(decisions, Access())
    assert np.isnan(rows.at["c2", "res_below_40_pct"])
    assert np.isnan(rows.at["c3", "res_below_40_pct"])  # else E − c1 − c3 = c2
    assert rows.at["c1", "res_below_40_pct"] == 20.0
    reasons = rows["res_below_40_pct__secret"]
    assert reasons["c2"] == RULES.small_base_reason
    assert reasons["c3"] == RULES.complementary_reason
    assert reasons["c1"] == ""
    assert rows["is_masked"].to_dict() == {"c1": False, "c2": True, "c3": True}


def test_the_service_habitat_sees_every_figure_rounded(decisions):
    rows = _commune_rows(decisions, Access("all"))
    assert rows["res_below_40_pct"].to_dict() == {"c1": 20.0, "c2": 66.7, "c3": 25.0}
    assert not rows["is_masked"].any()


def test_a_bailleur_sees_its_own_residences_and_the_public_rules_elsewhere(decisions):
    access = Access.of(Viewer("bailleur", "b", "B", frozenset({"B"})))
    profile = sitting_profile(OCCUPANCY, RESIDENCES, "residence", [2024])
    rows = published_sitting(decisions, profile, "residence", access).set_index("territory_code")
    shown = rows["res_below_40_pct"].notna()
    assert list(shown.index[shown]) == ["r2", "r5", "r8"]  # B's residences
    assert rows.at["r1", "res_below_40_pct__secret"] == RULES.residence_reason
    assert _commune_rows(decisions, access)["is_masked"].to_dict() == {
        "c1": False,
        "c2": True,
        "c3": True,
    }


def test_an_export_always_follows_the_public_rules():
    habitat = Viewer("service_habitat", "h", "H")
    assert Access.of(habitat).kind == "all"
    assert Access.of(habitat, export=True).is_public


def test_masked_cells_read_s_and_the_footnote_names_the_rules(decisions):
    rows = _commune_rows(decisions, Access()).reset_index()
    table = pd.DataFrame({"Commune": rows["territory_code"], "Part": rows["res_below_40_pct"]})
    reasons = pd.DataFrame({"Part": rows["res_below_40_pct__secret"]})
    marked = with_markers(table, reasons, RULES.marker)
    assert marked["Part"].tolist() == [20.0, "s", "s"]
    note = footnote(reasons["Part"], RULES.marker)
    assert note.startswith("« s » : ")
    assert RULES.small_base_reason in note and RULES.complementary_reason in note


def test_flow_profiles_are_masked_together_and_counts_stay():
    attributions = pd.DataFrame(
        {
            "residence_id": ["r1"] * 12 + ["r2"] * 12 + ["r3"] * 12 + ["r4"] * 2,
            "year": 2024,
            "resources_pct_ceiling": 30.0,
            "is_q1": True,
            "composition": "personne_seule",
            "household_size": 1,
            "is_large_family": False,
            "is_employed": True,
            "holder_age": 40,
            "is_mutation": False,
        }
    )
    decisions = Disclosure(RESIDENCES, OCCUPANCY, attributions, attributions.iloc[0:0])
    profile = flow_profile(attributions, RESIDENCES, "commune", [2024])
    rows = published_flows(decisions, profile, "entrants", "commune", Access())
    rows = rows.set_index("territory_code")
    assert rows.loc["c2", ["q1_pct", "personne_seule_pct", "mean_household_size"]].isna().all()
    assert rows.at["c2", "n_households"] == 2  # a count of attributions is public
    # E − c1 would give c2 (2 households): c1 is masked with it, the EPCI stays
    assert rows.at["c1", "q1_pct__secret"] == RULES.complementary_reason
    epci = published_flows(
        decisions, flow_profile(attributions, RESIDENCES, "epci", [2024]), "entrants", "epci",
        Access(),
    )  # fmt: skip
    assert epci["territory_code"].iloc[0] == epci_code()
    assert epci["q1_pct"].iloc[0] == 100.0


def test_the_public_version_of_a_table_by_name(decisions):
    profile = sitting_profile(OCCUPANCY, RESIDENCES, "commune", [2024])
    public = public_version(decisions, "sitting", profile, "commune").set_index("territory_code")
    assert public["is_masked"].to_dict() == {"c1": False, "c2": True, "c3": True}
    marked = with_markers(
        public[["res_below_40_pct"]],
        public[["res_below_40_pct__secret"]].rename(columns=lambda c: c.removesuffix("__secret")),
        RULES.marker,
        explain="Secret statistique",
    )
    assert marked["res_below_40_pct"].tolist() == [20.0, "s", "s"]
    assert marked["Secret statistique"].tolist() == [
        "",
        RULES.small_base_reason,
        RULES.complementary_reason,
    ]
    with pytest.raises(ValueError, match="table inconnue"):
        public_version(decisions, "loyers", profile, "commune")
