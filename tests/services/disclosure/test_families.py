"""Linked tables on a tiny parc: QPV parts of the attribution objectives, years pooled."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from services.disclosure import Access, Disclosure, load_rules, published_equality
from services.disclosure.groups import group_medians, group_quartiles, group_reason
from services.disclosure.hierarchy import build_hierarchy
from services.flows import equality_rule

RULES = load_rules()
RESIDENCES = pd.DataFrame(
    {
        "residence_id": [f"r{i}" for i in range(1, 7)],
        "bailleur": ["A", "B", "C", "A", "B", "C"],
        "commune_code": ["c1"] * 3 + ["c2"] * 3,
        "quartier_code": [None] * 6,
        "is_qpv": [True, False, False, False, False, False],
        "n_dwellings": [50] * 6,
    }
)
OCCUPANCY = pd.DataFrame(
    {"residence_id": ["r1"], "survey_year": [2024], "n_households": [20], "res_below_40_pct": 50.0}
)


def _attributions(counts: dict[tuple[str, int], int]) -> pd.DataFrame:
    rows = [(rid, year) for (rid, year), n in counts.items() for _ in range(n)]
    frame = pd.DataFrame(rows, columns=["residence_id", "year"])
    return frame.assign(
        resources_pct_ceiling=30.0, is_q1=True, composition="personne_seule", household_size=1,
        is_large_family=False, is_employed=True, holder_age=40, is_mutation=False,
    )  # fmt: skip


def test_the_tree_links_residences_to_their_territories():
    tree = build_hierarchy(RESIDENCES, "E")
    assert tree.level[tree.parent[tree.node("residence", "r4")]] == "commune"
    assert list(tree.members[tree.node("commune", "c2")]) == [3, 4, 5]
    assert tree.top_dwellings_pct[tree.node("commune", "c1")] == pytest.approx(100 / 3)
    assert tree.node("quartier", "q9") == -1


def test_a_small_qpv_part_masks_the_objectives_not_the_profile():
    # c1: 5 attributions in QPV (r1) and 30 outside; the profile (35) passes, the QPV part not.
    counts = {("r1", 2024): 5, ("r2", 2024): 15, ("r3", 2024): 15}
    counts |= {(r, 2024): 15 for r in ("r4", "r5", "r6")}
    attributions = _attributions(counts)
    decisions = Disclosure(RESIDENCES, OCCUPANCY, attributions, attributions.iloc[0:0])
    tree = decisions.tree
    assert decisions.flows("entrants", 2024).status[tree.node("commune", "c1")] == "shown"
    equality = decisions.equality(2024)
    assert equality.status[tree.node("commune", "c1")] == "primary"
    assert equality.reason[tree.node("commune", "c1")] == "small_base"
    table = equality_rule(attributions, RESIDENCES, "commune")
    shown = published_equality(decisions, table, "commune", Access()).set_index("group_code")
    assert np.isnan(shown.at["c1", "in_qpv_q2_q4_pct"])
    assert pd.isna(shown.at["c1", "is_in_qpv_target_met"])
    assert shown.at["c1", "n_in_qpv"] == 5  # the number of attributions stays


def test_years_pooled_are_published_only_where_both_years_are():
    counts = {(r, 2024): 15 for r in ("r1", "r2", "r3", "r4", "r5", "r6")}
    counts |= {("r1", 2025): 2, ("r2", 2025): 2, ("r3", 2025): 2}  # c1 in 2025: 6
    counts |= {(r, 2025): 15 for r in ("r4", "r5", "r6")}
    attributions = _attributions(counts)
    decisions = Disclosure(RESIDENCES, OCCUPANCY, attributions, attributions.iloc[0:0])
    tree = decisions.tree
    intake = decisions.intake(2024)
    assert intake.status[tree.node("commune", "c1")] == "primary"
    assert intake.reason[tree.node("commune", "c1")] == "linked"
    # c2's 2025 profile is masked (E − c2 would give c1's), so is its pooled comparison
    assert decisions.flows("entrants", 2025).status[tree.node("commune", "c2")] == "secondary"
    assert (
        intake.status[tree.node("commune", "c2")],
        intake.reason[tree.node("commune", "c2")],
    ) == (
        "primary",
        "linked",
    )


@pytest.mark.parametrize(
    ("bailleurs", "expected"),
    [
        pytest.param(list("ABCABCAB"), None, id="five left to each bailleur"),
        pytest.param(list("ABCA"), "group_size", id="four"),
        pytest.param(list("ABCAB"), "insider", id="three left to A"),
        pytest.param(list("AAAAAAB"), "dominance", id="one bailleur over 85 %"),
        pytest.param(list("AAAAABBC"), "insider", id="three left to A of eight"),
    ],
)
def test_a_group_median_needs_enough_residences_of_several_bailleurs(bailleurs, expected):
    assert group_reason(pd.Series(bailleurs), RULES) == expected


def test_quartiles_and_medians_of_groups():
    values = pd.DataFrame(
        {
            "indicator": "fragility",
            "label": "Indice",
            "unit": "points",
            "value": [10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0],
            "bailleur": list("ABCABCABC"),
        }
    )
    quartiles = group_quartiles(values, RULES).iloc[0]
    assert (quartiles["q1"], quartiles["median"], quartiles["q3"]) == (30.0, 50.0, 70.0)
    members = values.assign(group=1).rename(columns={"value": "fragility"})
    medians = group_medians(members, "fragility", "group", RULES)
    assert medians.at[1, "median"] == 50.0 and medians.at[1, "reason"] == ""
    few = group_medians(members.iloc[:3], "fragility", "group", RULES)
    assert np.isnan(few.at[1, "median"]) and few.at[1, "reason"] == "group_size"
