"""Tests of the fiche résidence's content: search, cotation, peers, occupancy, flows, masking."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

import geodata
from geodata.housing import load_attributions, load_departures, load_occupancy, load_residences
from geodata.schemas import OPS_SURVEY_YEARS
from scoring import CompositeIndex, load_profile
from services.access import Viewer
from services.cotation import residence_directory
from services.disclosure import cotation as public_cotation
from services.disclosure import load_rules
from services.indicators import build_indicator_table
from services.peers import peer_analysis
from services.residence_card import MASKED_REASON, CardInputs, residence_card, search_matches
from services.simulation import Household
from services.simulation_score import simulate_cotation

HABITAT = Viewer("service_habitat", "habitat", "Service habitat")
PUBLIC = Viewer()

DIRECTORY = pd.DataFrame(
    {
        "residence_name": ["Les Genêts", "Le Clos du Moulin", "Résidence Poitiers-Gare"],
        "address": ["2 rue de Poitiers", "1 rue des Genêts", "5 boulevard du Grand Cerf"],
        "bailleur": ["Habitat A", "Habitat B", "Habitat A"],
        "commune_name": ["Buxerolles", "Poitiers", "Poitiers"],
        "quartier_name": ["", "Bel-Air", "Gare"],
    },
    index=pd.Index(["GP-0003", "GP-0001", "GP-0002"], name="residence_id"),
)


# --- Search -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("genets", ["GP-0003", "GP-0001"], id="accents-name-first"),
        pytest.param("POITIERS", ["GP-0002", "GP-0001", "GP-0003"], id="name-then-others"),
        pytest.param("gp-0001", ["GP-0001"], id="identifier"),
        pytest.param("bel tramway", [], id="every-word"),
        pytest.param("bel-air moulin", ["GP-0001"], id="quartier-and-name"),
        pytest.param("", ["GP-0001", "GP-0003", "GP-0002"], id="empty-alphabetical"),
    ],
)
def test_search_ranks_matches_name_first_ignoring_case_and_accents(text, expected):
    assert list(search_matches(DIRECTORY, text).index) == expected


def test_search_puts_the_exact_identifier_first_and_honours_the_limit():
    directory = pd.concat(
        [DIRECTORY, DIRECTORY.rename(index={"GP-0001": "GP-00011"}).loc[["GP-00011"]]]
    )
    found = search_matches(directory, "GP-0001")
    assert list(found.index) == ["GP-0001", "GP-00011"]
    assert list(found["match_rank"]) == [0, 2]
    assert len(search_matches(directory, "", limit=2)) == 2


# --- The card on the demo parc ------------------------------------------------------------------


@pytest.fixture(scope="module")
def inputs() -> CardInputs:
    residences = load_residences()
    occupancy = load_occupancy()
    table = build_indicator_table(residences)
    index = CompositeIndex(load_profile("reference")).fit(table)
    scores = index.transform()
    rules = load_rules()
    shown = public_cotation.publishable_pillar(residences, table, index.spec, rules)
    pillar = public_cotation.public_pillar(index, table, shown, rules)
    public_table = public_cotation.public_indicator_table(table, index.spec, pillar, rules)
    public_index = CompositeIndex(public_cotation.public_spec(index.spec, rules)).fit(public_table)
    own_index = public_cotation.own_index(index, table, shown, rules)
    return CardInputs(
        directory=residence_directory(
            residences, geodata.load_communes(), geodata.load_quartiers()
        ),
        residences=residences,
        indicator_table=table,
        index=index,
        scores=scores,
        analysis=peer_analysis(residences, occupancy, scores["score_class"]),
        occupancy=occupancy,
        attributions=load_attributions(),
        departures=load_departures(),
        public_index=public_index,
        public_table=public_table,
        public_scores=public_index.transform(),
        own_index=own_index,
    )


def _evaluated(inputs: CardInputs, flag: str) -> str:
    table = inputs.analysis.residences
    return str(table.index[(table["flag"] == flag).to_numpy()][0])


def test_the_service_habitat_sees_the_whole_card(inputs):
    residence = _evaluated(inputs, "balanced")
    card = residence_card(inputs, residence, HABITAT)
    assert card.can_see_figures
    assert card.mask_reasons == ()
    assert card.identity["residence_name"] == inputs.directory.at[residence, "residence_name"]
    assert sum(card.identity["typologies"].values()) == card.identity["n_dwellings"]
    cotation = card.cotation
    assert cotation["score"] == pytest.approx(inputs.scores.at[residence, "score"], abs=0.05)
    assert 1 <= cotation["rank"] <= cotation["n_rated"] == 541
    assert not cotation["is_public"]
    # Contributions add up, to the published precision: pillars to the score, impacts to
    # score − 50.
    assert card.pillars["contribution_pts"].sum() == pytest.approx(cotation["score"], abs=0.3)
    assert card.indicators["impact_pts"].sum() == pytest.approx(cotation["score"] - 50, abs=1.2)
    impacts = card.indicators["impact_pts"].abs()
    assert impacts.is_monotonic_decreasing
    peer = card.peer
    expected = inputs.analysis.residences.loc[residence]
    assert peer["flag"] == "balanced" and peer["flag_label"] == "Équilibrée"
    assert peer["fragility"] == pytest.approx(expected["fragility"], abs=0.005)
    assert peer["robust_z"] == pytest.approx(expected["robust_z"], abs=0.005)
    assert peer["group_name"] == expected["group_name"] and peer["group_size"] > 5
    assert card.comparison.loc[card.comparison["is_selected"], "value"].notna().all()


def test_the_occupancy_history_covers_every_survey_and_the_flows_the_last_two_years(inputs):
    residence = _evaluated(inputs, "rebalance")
    card = residence_card(inputs, residence, HABITAT)
    history = card.occupancy
    assert set(history["survey_year"]) >= set(OPS_SURVEY_YEARS)
    surveys = load_occupancy().query("residence_id == @residence")
    latest = surveys.sort_values("survey_year").iloc[-1]
    value = history.query(
        "survey_year == @latest.survey_year and indicator == 'single_parent_pct'"
    )["value"]
    assert value.iloc[0] == pytest.approx(latest["single_parent_pct"], abs=0.05)
    assert card.flow_counts["period"] == "2024-2025"
    entrants = load_attributions().query("residence_id == @residence and year >= 2024")
    assert card.flow_counts["entrants"] == len(entrants)
    if len(entrants):
        single = (entrants["composition"] == "famille_monoparentale").mean() * 100
        row = card.flows.set_index("measure").loc["single_parent_pct"]
        assert row["entrants_pct"] == pytest.approx(single, abs=0.05)
    assert card.flows["sitting_pct"].notna().any()


def test_the_public_sees_no_residence_occupancy_figure(inputs):
    residence = _evaluated(inputs, "rebalance")
    card = residence_card(inputs, residence, PUBLIC)
    assert not card.can_see_figures
    assert card.occupancy["value"].isna().all()
    assert card.flows[["entrants_pct", "sitting_pct", "leavers_pct"]].isna().all().all()
    assert np.isnan(card.peer["fragility"]) and np.isnan(card.peer["robust_z"])
    assert card.peer["reason"] == MASKED_REASON
    assert "%" not in card.peer["recommendation"]
    assert any("dominance" in reason for reason in card.mask_reasons)
    # Of the peers, only quartiles; of the residence, nothing.
    assert card.comparison["value"].isna().all()
    assert card.quartiles["median"].notna().any()
    # The public cotation: no OPS indicator one by one, the pillar as one published value.
    assert card.cotation["is_public"]
    codes = set(card.indicators["code"])
    assert public_cotation.PILLAR_CODE in codes
    assert not codes & {"res_below_40_pct", "single_parent_pct", "employed_adults_pct"}
    expected = inputs.public_scores.at[residence, "score"]
    assert card.cotation["score"] == pytest.approx(expected, abs=0.05)
    assert card.peer["flag"] == "rebalance"


def test_a_bailleur_sees_its_own_residence_and_ranks_it_among_public_scores(inputs):
    residence = _evaluated(inputs, "balanced")
    owner = inputs.directory.at[residence, "bailleur"]
    card = residence_card(inputs, residence, Viewer("bailleur", "b", "B", frozenset({owner})))
    assert card.can_see_figures and card.mask_reasons == ()
    assert card.occupancy["value"].notna().any()
    assert not card.cotation["is_public"]  # its own score, with its own shares…
    own = inputs.own_index.transform(inputs.indicator_table.loc[[residence]]).iloc[0]
    assert card.cotation["score"] == pytest.approx(own["score"], abs=0.05)
    others = inputs.public_scores["score"].drop(residence)
    above = int((others > own["score"]).sum())
    assert card.cotation["rank"] == above + 1  # …ranked among the others' public scores
    other = Viewer("bailleur", "b", "B", frozenset({"un autre bailleur"}))
    assert not residence_card(inputs, residence, other).can_see_figures


def test_a_bailleur_reads_nothing_of_another_bailleurs_unpublished_share(inputs):
    """Secret statistique: fitted on every residence, the min–max bound of an OPS share is
    often a one-household residence's share, read back from two explanations of one's own
    residences. A bailleur's own card (score, class, rank, points) never moves with another
    bailleur's share when that residence's pillar is not published."""
    residence = _evaluated(inputs, "balanced")
    owner = inputs.directory.at[residence, "bailleur"]
    viewer = Viewer("bailleur", "b", "B", frozenset({owner}))
    rules = load_rules()
    reference = inputs.index.spec
    shown = public_cotation.publishable_pillar(
        inputs.residences, inputs.indicator_table, reference, rules
    )
    others = inputs.directory.index[(inputs.directory["bailleur"] != owner).to_numpy()]
    target = next(r for r in others if not shown[r])
    table = inputs.indicator_table.copy()
    table.loc[target, "single_parent_pct"] = 100.0
    moved = replace(
        inputs,
        indicator_table=table,
        index=CompositeIndex(reference).fit(table),
        own_index=public_cotation.own_index(reference, table, shown, rules),
    )
    # Fitted on every residence, the bound moves (what the test guards against)…
    full_before = inputs.index.explain(inputs.indicator_table.loc[[residence]]).indicators
    full_after = moved.index.explain(table.loc[[residence]]).indicators
    assert not np.allclose(full_before["contribution_pts"], full_after["contribution_pts"])
    # …the bailleur's card does not.
    before, after = (
        residence_card(inputs, residence, viewer),
        residence_card(moved, residence, viewer),
    )
    assert before.cotation == after.cotation
    pd.testing.assert_frame_equal(before.indicators, after.indicators)
    pd.testing.assert_frame_equal(before.pillars, after.pillars)


def test_a_bailleurs_simulation_starts_from_the_score_of_its_card(inputs):
    """The simulator scores a bailleur's own residence as its card does (own index, classed and
    ranked among the public scores)."""
    residence = _evaluated(inputs, "balanced")
    owner = inputs.directory.at[residence, "bailleur"]
    card = residence_card(inputs, residence, Viewer("bailleur", "b", "B", frozenset({owner})))
    change = simulate_cotation(
        inputs.own_index,
        inputs.indicator_table,
        inputs.residences,
        residence,
        Household(15.0, "famille_monoparentale", is_employed=False),
        others=inputs.public_scores["score"],
    )
    assert change.score_before == pytest.approx(card.cotation["score"], abs=0.05)
    assert change.class_before == card.cotation["score_class"]
    assert change.rank_before == card.cotation["rank"]


def test_unknown_residences_and_roles_are_refused(inputs):
    with pytest.raises(KeyError, match="inconnue"):
        residence_card(inputs, "GP-9999", HABITAT)
    with pytest.raises(ValueError, match="rôle inconnu"):
        residence_card(inputs, "GP-0001", Viewer("élu"))
