"""Primary and complementary suppression on tiny hand-made hierarchies, with exact masks."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.disclosure.hierarchy import build_hierarchy
from services.disclosure.rules import load_rules
from services.disclosure.sensitivity import set_reason
from services.disclosure.suppression import Family, derivable_subsets, suppress

RULES = load_rules()


def residences(rows: list[tuple[str, str, str, str | None, int]]) -> pd.DataFrame:
    """(residence, bailleur, commune, quartier, dwellings) rows."""
    return pd.DataFrame(
        rows, columns=["residence_id", "bailleur", "commune_code", "quartier_code", "n_dwellings"]
    )


def statuses(frame: pd.DataFrame, households: list[float], rules=RULES) -> dict[str, str]:
    """Status of every territory (residences left out: always masked for the public)."""
    tree = build_hierarchy(frame, "E")
    base = np.asarray(households, dtype=float)[:, None, None]
    found = suppress(tree, Family(base), rules).frame(tree)
    found = found[found["level"] != "residence"]
    return dict(zip(found["code"], found["status"] + ":" + found["reason"], strict=True))


# --- One set ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bases", "bailleurs", "expected"),
    [
        pytest.param([6, 4], [0, 1], "small_base", id="10 households"),
        pytest.param([6, 5], [0, 1], "insider", id="11 households, each bailleur sees the other"),
        pytest.param([11, 11, 11], [0, 1, 2], None, id="three bailleurs, 22 left to each"),
        pytest.param([90, 10, 5], [0, 1, 2], "dominance", id="one bailleur holds 86 %"),
        pytest.param([20, 20, 20], [0, 0, 1], "insider", id="the other bailleur is one residence"),
        pytest.param([20, 20, 6, 6], [0, 1, 2, 2], None, id="no residue is one residence"),
        pytest.param([40, 5, 6], [0, 1, 2], "insider", id="residue of 11 is over 85 % one res."),
        pytest.param([30, 8, 8], [0, 1, 2], None, id="residue of 16 split 8 and 8"),
        pytest.param([30, 10], [0, 1], "insider", id="residue of 10 households"),
        pytest.param([0, 0], [0, 1], None, id="nothing known"),
    ],
)
def test_set_reason(bases, bailleurs, expected):
    assert set_reason(np.array(bases, float), np.array(bailleurs), RULES) == expected


def test_set_reason_checks_every_measure():
    bases = np.array([[20.0, 6.0], [20.0, 4.0]])  # 40 households for one, 10 for the other
    assert set_reason(bases, np.array([0, 1]), RULES) == "small_base"


def test_the_insider_rule_can_be_switched_off():
    rules = dataclasses.replace(RULES, insider=False)
    assert set_reason(np.array([20.0, 20.0, 20.0]), np.array([0, 0, 1]), rules) is None


# --- Derivable sets --------------------------------------------------------------------------


def _as_sets(found) -> set[tuple[int, ...]]:
    return {tuple(np.flatnonzero(s)) for s in found}


def test_two_years_published_make_their_sum_derivable():
    slices = (np.array([True, False]), np.array([False, True]))
    assert _as_sets(derivable_subsets(slices, 2)) == {(0,), (1,), (0, 1)}


def test_a_pooled_slice_makes_its_complement_derivable():
    # types: 0 = year 1 surveyed, 1 = year 1 not, 2 = year 2 surveyed, 3 = year 2 not
    slices = (
        np.array([True, True, False, False]),
        np.array([False, False, True, True]),
        np.array([True, False, True, False]),
    )
    found = _as_sets(derivable_subsets(slices, 4))
    assert (1, 3) in found  # not surveyed, both years
    assert (0,) not in found  # one year of the surveyed residences is not


# --- Whole trees ------------------------------------------------------------------------------

THREE_COMMUNES = residences(
    [
        ("r1", "A", "c1", None, 50),
        ("r2", "B", "c1", None, 50),
        ("r3", "C", "c1", None, 50),
        ("r4", "A", "c2", None, 50),
        ("r5", "B", "c2", None, 50),
        ("r6", "C", "c2", None, 50),
        ("r7", "A", "c3", None, 50),
        ("r8", "B", "c3", None, 50),
        ("r9", "C", "c3", None, 50),
    ]
)


def test_nothing_masked_when_every_cell_passes():
    found = statuses(THREE_COMMUNES, [20] * 9)
    assert found == {"E": "shown:", "c1": "shown:", "c2": "shown:", "c3": "shown:"}


def test_one_small_commune_takes_the_smallest_sibling_with_it():
    # c3 has 9 households: masked; E − c1 − c2 would give it back, so the cheaper of c1 (60) and
    # c2 (45) is masked too, and c3 + c2 (54 households, three bailleurs) passes.
    households = [20, 20, 20, 15, 15, 15, 3, 3, 3]
    assert statuses(THREE_COMMUNES, households) == {
        "E": "shown:",
        "c1": "shown:",
        "c2": "secondary:complementary",
        "c3": "primary:small_base",
    }


def test_two_masked_siblings_protect_each_other_when_pooled_they_pass():
    # c2 has 9 households (masked); c3 passes (24) but E − c1 − c3 would give c2 back: c3, the
    # cheaper sibling, is masked with it, and c2 + c3 (33 households, three bailleurs) passes.
    households = [20, 20, 20, 3, 3, 3, 8, 8, 8]
    assert statuses(THREE_COMMUNES, households) == {
        "E": "shown:",
        "c1": "shown:",
        "c2": "primary:small_base",
        "c3": "secondary:complementary",
    }


def test_masked_siblings_that_pass_together_need_no_complement():
    households = [20, 20, 20, 3, 3, 3, 4, 4, 4]  # c2: 9 households, c3: 8 left to a bailleur
    assert statuses(THREE_COMMUNES, households) == {
        "E": "shown:",
        "c1": "shown:",
        "c2": "primary:small_base",
        "c3": "primary:insider",
    }


QUARTIERS = residences(
    [
        ("p1", "A", "P", "q1", 100),
        ("p2", "B", "P", "q1", 100),
        ("p3", "C", "P", "q1", 100),
        ("p4", "A", "P", "q2", 100),
        ("p5", "B", "P", "q2", 100),
        ("p6", "A", "P", "q3", 100),
        ("p7", "A", "P", "q4", 100),
        ("p8", "C", "P", "q4", 100),
        ("p9", "B", "P", "q4", 100),
    ]
)


def test_masked_quartiers_dominated_together_take_a_sibling():
    # q3 is one bailleur (masked), q2 is 95 % A (masked): together 100 % A, derivable as
    # P − q1 − q4: the cheaper of q1 and q4 is masked too (q4, 45 households).
    households = [20, 20, 20, 38, 2, 30, 15, 15, 15]
    found = statuses(QUARTIERS, households)
    assert found == {
        "E": "shown:",
        "P": "shown:",
        "q1": "shown:",
        "q2": "primary:dominance",
        "q3": "primary:dominance",
        "q4": "secondary:complementary",
    }


def test_a_masked_commune_is_not_rebuilt_from_its_visible_parts():
    # P: 89 % of its dwellings are A's (masked); q2 (95 % A) and q3 (A only) too. E − X − q1 − q4
    # would give q2 + q3 (A's alone): q4, the cheaper of E's visible parts, is masked with them.
    frame = pd.concat(
        [
            QUARTIERS.assign(n_dwellings=[100, 100, 100, 2000, 100, 2000, 100, 100, 100]),
            residences(
                [
                    ("x1", "A", "X", None, 50),
                    ("x2", "B", "X", None, 500),
                    ("x3", "C", "X", None, 500),
                ]
            ),
        ],
        ignore_index=True,
    )
    households = [20, 20, 20, 30, 3, 30, 15, 15, 15, 20, 20, 20]
    assert statuses(frame, households) == {
        "E": "shown:",
        "P": "primary:dominance",
        "X": "shown:",
        "q1": "shown:",
        "q2": "primary:dominance",
        "q3": "primary:dominance",
        "q4": "secondary:complementary",
    }


def test_empty_territories_are_not_masked():
    households = [20, 20, 20, 0, 0, 0, 20, 20, 20]
    assert statuses(THREE_COMMUNES, households)["c2"] == "empty:"


def test_a_linked_table_is_masked_where_its_source_is():
    # Two years published together: c2's second year (6 households) is masked in its own table,
    # so c2 is not allowed here; E − c1 − c3 would give that year back: c3 goes with it.
    tree = build_hierarchy(THREE_COMMUNES, "E")
    allowed = np.ones(len(tree), dtype=bool)
    allowed[tree.node("commune", "c2")] = False
    base = np.zeros((9, 2, 1))
    base[:, 0, 0] = 20.0
    base[:, 1, 0] = [20, 20, 20, 2, 2, 2, 10, 10, 10]
    slices = (np.array([True, False]), np.array([False, True]))
    found = suppress(tree, Family(base, slices, allowed), RULES).frame(tree).set_index("code")
    assert found.loc["c2", ["status", "reason"]].tolist() == ["primary", "linked"]
    assert found.loc["c3", ["status", "reason"]].tolist() == ["secondary", "complementary"]
    assert found.loc["c1", "status"] == "shown"


# --- Invariant: no published remainder is sensitive ---------------------------------------------


@given(
    st.lists(st.integers(min_value=0, max_value=40), min_size=9, max_size=9),
    st.lists(st.integers(min_value=1, max_value=300), min_size=9, max_size=9),
)
def test_no_published_cell_lets_a_sensitive_set_be_derived(households, dwellings):
    frame = QUARTIERS.assign(n_dwellings=dwellings)
    tree = build_hierarchy(frame, "E")
    base = np.asarray(households, float)[:, None, None]
    found = suppress(tree, Family(base), RULES)
    published = found.status == "shown"
    for node in np.flatnonzero(published):
        covered = np.zeros(9, dtype=bool)
        for other in np.flatnonzero(published):
            if other != node and tree.depth[other] > tree.depth[node]:
                members = tree.members[other]
                if np.isin(members, tree.members[node]).all():
                    covered[members] = True
        remainder = np.setdiff1d(tree.members[node], np.flatnonzero(covered))
        assert set_reason(base[remainder, 0, :], tree.bailleur[remainder], RULES) is None
