"""The public cotation: the Occupation pillar as one published value, never a share one by one."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geodata.housing import load_residences
from scoring import CompositeIndex, class_certainty, load_profile
from services.disclosure import load_rules
from services.disclosure.cotation import (
    PILLAR_CODE,
    public_indicator_table,
    public_pillar,
    public_spec,
    publishable_pillar,
    survey_codes,
)
from services.indicators import build_indicator_table

RULES = load_rules()
SPEC = load_profile("reference")
OPS = ["res_below_40_pct", "single_parent_pct", "employed_adults_pct", "housing_benefit_pct",
       "recent_movers_pct"]  # fmt: skip


@pytest.fixture(scope="module")
def demo():
    residences = load_residences()
    return residences, build_indicator_table(residences)


def test_the_pillar_s_survey_indicators_are_the_ops_shares():
    assert survey_codes(SPEC, RULES) == OPS


def test_a_pillar_is_published_with_enough_households_and_known_shares():
    table = pd.DataFrame(
        {code: [10.0, 10.0, 10.0, np.nan] for code in SPEC.codes},
        index=pd.Index(["r1", "r2", "r3", "r4"], name="residence_id"),
    )
    table.loc["r3", OPS[1:]] = np.nan  # one share known
    residences = pd.DataFrame(
        {"residence_id": ["r1", "r2", "r3", "r4"], "n_households": [11, 10, 40, 40]}
    )
    shown = publishable_pillar(residences, table, SPEC, RULES)
    assert shown.to_dict() == {"r1": True, "r2": False, "r3": False, "r4": False}


def test_the_public_spec_keeps_the_pillars_and_replaces_the_occupation_indicators():
    spec = public_spec(
        SPEC.with_weights(pillars={"occupation": 45}, indicators={"is_qpv": 5}), RULES
    )
    assert spec.pillar_codes == SPEC.pillar_codes
    assert spec.pillar("occupation").weight == 45
    assert spec.indicator("is_qpv").weight == 5
    occupation = [i for i in spec.indicators if i.pillar == "occupation"]
    assert [i.code for i in occupation] == [PILLAR_CODE]
    pseudo = occupation[0]
    assert (pseudo.normalisation, pseudo.bounds, pseudo.withheld_when_missing) == (
        "goalposts",
        (0.0, 100.0),
        True,
    )
    # moving an OPS weight changes nothing the public spec scores with
    moved = public_spec(SPEC.with_weights(indicators={"res_below_40_pct": 10}), RULES)
    assert moved == public_spec(SPEC, RULES)


def test_a_withheld_pillar_leaves_the_score_on_the_other_pillars(demo):
    residences, table = demo
    shown = publishable_pillar(residences, table, SPEC, RULES)
    pillar = public_pillar(SPEC, table, shown, RULES)
    assert pillar[shown].notna().all() and pillar[~shown].isna().all()
    public = public_indicator_table(table, SPEC, pillar, RULES)
    scores = CompositeIndex(public_spec(SPEC, RULES)).fit(public).transform()
    hidden = scores[~shown.to_numpy()]
    assert hidden["score_occupation"].isna().all()
    assert hidden["score"].notna().all()  # still rated: the withheld weight leaves the coverage
    row = hidden.iloc[0]
    others = [p for p in SPEC.pillar_codes if p != "occupation"]
    weights = {p.code: p.weight for p in SPEC.pillars}
    expected = sum(weights[p] * row[f"score_{p}"] for p in others) / sum(weights[p] for p in others)
    assert row["score"] == pytest.approx(expected)


def _public_scores(residences, table) -> pd.DataFrame:
    shown = publishable_pillar(residences, table, SPEC, RULES)
    pillar = public_pillar(SPEC, table, shown, RULES)
    public = public_indicator_table(table, SPEC, pillar, RULES)
    index = CompositeIndex(public_spec(SPEC, RULES)).fit(public)
    return index.transform().join(index.explain().indicators.pivot(
        index="residence_id", columns="code", values="impact_pts"
    ))  # fmt: skip


@settings(max_examples=12)
@given(
    st.lists(st.one_of(st.none(), st.floats(min_value=0, max_value=100)), min_size=5, max_size=5),
    st.integers(min_value=0, max_value=10_000),
)
def test_nothing_public_depends_on_an_unpublishable_share(demo, shares, pick):
    """Whatever the OPS shares of a residence under the threshold, every public score,
    pillar and explanation of every residence stays the same."""
    residences, table = demo
    households = pd.to_numeric(residences["n_households"], errors="coerce").to_numpy()
    small = residences["residence_id"].to_numpy()[households < RULES.min_households]
    target = str(small[pick % len(small)])
    before = _public_scores(residences, table)
    moved = table.copy()
    moved.loc[target, OPS] = [np.nan if v is None else v for v in shares]
    after = _public_scores(residences, moved)
    pd.testing.assert_frame_equal(before, after)


def test_the_public_score_moves_with_a_published_pillar_only_as_one_value(demo):
    residences, table = demo
    shown = publishable_pillar(residences, table, SPEC, RULES)
    target = shown.index[shown.to_numpy()][0]
    before = public_pillar(SPEC, table, shown, RULES)
    moved = table.copy()
    moved.loc[target, "res_below_40_pct"] = 100 - float(moved.at[target, "res_below_40_pct"])
    after = public_pillar(SPEC, moved, shown, RULES)
    assert not math.isclose(before[target], after[target])
    public = public_indicator_table(moved, SPEC, after, RULES)
    assert set(public.columns) & set(OPS) == set()


def _certainty(residences, table, public: bool) -> pd.DataFrame:
    """The class certainty the public reads (``public``) or the full one, on 200 draws."""
    if not public:
        return class_certainty(table, SPEC, n_draws=200).residences
    shown = publishable_pillar(residences, table, SPEC, RULES)
    pillar = public_pillar(SPEC, table, shown, RULES)
    public_table = public_indicator_table(table, SPEC, pillar, RULES)
    return class_certainty(public_table, public_spec(SPEC, RULES), n_draws=200).residences


def test_the_public_class_certainty_does_not_depend_on_withheld_shares(demo):
    """The draws of the class certainty (weights, normalisation, treatment of extreme values)
    refit their bounds on the public table: the withheld residences' shares never enter them.
    Setting every withheld residence's shares to 100 % moves the full certainty, not the
    public one."""
    residences, table = demo
    withheld = ~publishable_pillar(residences, table, SPEC, RULES)
    moved = table.copy()
    moved.loc[withheld[withheld].index, OPS] = 100.0
    pd.testing.assert_frame_equal(
        _certainty(residences, table, True), _certainty(residences, moved, True)
    )
    full_before, full_after = (
        _certainty(residences, table, False),
        _certainty(residences, moved, False),
    )
    assert not full_before.equals(full_after)  # the same attack on the full certainty shows
