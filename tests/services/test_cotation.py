"""Use cases of the cotation pages, on tiny hand-built tables."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from scoring import SensitivityResult, compare_results, load_catalogue, load_profile
from services.cotation import (
    class_counts,
    class_label,
    class_ranges,
    comparison_summary,
    format_weight_overrides,
    indicator_catalogue,
    indicators_by_source,
    is_same_ranking,
    least_stable,
    parse_weight_overrides,
    pillar_weight_table,
    rank_intervals,
    rating_changes,
    residence_directory,
    scored_residences,
    search_residences,
    stability_summary,
    survey_years,
    top_changes,
    weight_key,
    weight_table,
    with_weight_key,
)

CLASSES = pd.CategoricalDtype(["A", "B", "C", "D", "E", "NC"], ordered=True)


@pytest.fixture(scope="module")
def reference():
    return load_profile("reference")


def _directory() -> pd.DataFrame:
    residences = pd.DataFrame(
        {
            "residence_id": ["R1", "R2", "R3", "R4"],
            "residence_name": ["Les Tilleuls", "Le Clos Fleuri", "La Tour", "Les Érables"],
            "address": ["1 rue A, Poitiers", "2 rue B, Poitiers", "3 rue C", "4 allée D"],
            "bailleur": ["Ekidom", "Ekidom", "Logiparc", "Logiparc"],
            "commune_code": ["86194", "86194", "86041", "86041"],
            "quartier_code": ["Q1", None, None, None],
            "is_qpv": [True, False, False, False],
            "n_dwellings": [120, 40, 12, 30],
        }
    )
    communes = pd.DataFrame(
        {"commune_code": ["86194", "86041"], "commune_name": ["Poitiers", "Buxerolles"]}
    )
    quartiers = pd.DataFrame({"quartier_code": ["Q1"], "quartier_name": ["Les Couronneries"]})
    return residence_directory(residences, communes, quartiers)


def _scores(scores, classes, ranks) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "score": scores,
            "score_class": pd.Categorical(classes, dtype=CLASSES),
            "rank": pd.array(ranks, dtype="Int64"),
        },
        index=pd.Index(["R1", "R2", "R3", "R4"], name="residence_id"),
    )


# --- Residences -------------------------------------------------------------------------------


def test_directory_joins_commune_and_quartier_names():
    directory = _directory()
    assert directory.loc["R1", "commune_name"] == "Poitiers"
    assert directory.loc["R1", "quartier_name"] == "Les Couronneries"
    assert directory.loc["R3", "quartier_name"] == ""
    assert directory.index.name == "residence_id"


def test_directory_names_the_missing_columns():
    with pytest.raises(ValueError, match="« residence_name »"):
        residence_directory(
            pd.DataFrame({"residence_id": ["R1"], "commune_code": ["1"], "n_dwellings": [1]}),
            pd.DataFrame({"commune_code": [], "commune_name": []}),
            pd.DataFrame({"quartier_code": [], "quartier_name": []}),
        )


def test_scored_residences_are_ranked_best_first_and_not_rated_last():
    scores = _scores([60.0, np.nan, 82.0, 70.0], ["C", "NC", "A", "B"], [3, None, 1, 2])
    table = scored_residences(_directory(), scores)
    assert list(table.index) == ["R3", "R4", "R1", "R2"]
    assert table.loc["R2", "class_label"] == "non cotée — données insuffisantes"
    assert table.loc["R3", "class_label"] == "A — très attractive"


def test_scored_residences_carry_the_shift_against_the_reference():
    before = _scores([60.0, 50.0, 82.0, 70.0], ["C", "C", "A", "B"], [3, 4, 1, 2])
    after = _scores([75.0, 50.0, 82.0, 70.0], ["B", "C", "A", "B"], [2, 4, 1, 3])
    table = scored_residences(_directory(), after, compare_results(before, after))
    assert table.loc["R1", "rank_shift"] == 1
    assert table.loc["R4", "rank_shift"] == -1
    assert table.loc["R1", "class_reference"] == "C"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("", ["R1", "R2", "R3", "R4"], id="empty"),
        pytest.param("erables", ["R4"], id="accents-ignored"),
        pytest.param("BUXEROLLES", ["R3", "R4"], id="case-ignored"),
        pytest.param("couronneries", ["R1"], id="quartier"),
        pytest.param("logiparc tour", ["R3"], id="every-word"),
        pytest.param("r2", ["R2"], id="identifier"),
        pytest.param("nulle part", [], id="nothing"),
    ],
)
def test_search_matches_names_places_bailleurs_and_ids(text, expected):
    assert list(search_residences(_directory(), text).index) == expected


def test_class_counts_include_empty_classes():
    counts = class_counts(
        _scores([60.0, np.nan, 82.0, 70.0], ["C", "NC", "A", "B"], [3, None, 1, 2])
    )
    assert counts.to_dict() == {"A": 1, "B": 1, "C": 1, "D": 0, "E": 0, "NC": 1}


def test_class_ranges_follow_the_method(reference):
    ranges = class_ranges(reference)
    assert ranges["A"] == "note ≥ 80"
    assert ranges["B"] == "note de 65 à 80"
    assert ranges["E"] == "note < 35"
    assert ranges["NC"] == "moins de 70 % des indicateurs renseignés"
    quintiles = class_ranges(load_profile("occupation_sociale"))
    assert quintiles["A"] == "les 20 % les mieux notées"


def test_class_label_of_an_unknown_code_is_the_code():
    assert class_label("Z") == "Z"


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
    assert any("500" in p and "0 à 100" in p for p in parsed.problems)
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


# --- Against the reference --------------------------------------------------------------------


def _comparison():
    before = _scores([60.0, 50.0, 82.0, 70.0], ["C", "C", "A", "B"], [3, 4, 1, 2])
    after = _scores([85.0, np.nan, 82.0, 70.0], ["A", "NC", "B", "B"], [1, None, 2, 3])
    return compare_results(before, after)


def test_top_changes_lists_movers_largest_first():
    changes = top_changes(_comparison(), _directory(), n=10)
    assert list(changes.index) == ["R1", "R3", "R4"]
    assert changes.loc["R1", "rank_shift"] == 2
    assert changes.loc["R1", "class_a"] == "C" and changes.loc["R1", "class_b"] == "A"
    assert changes.loc["R1", "residence_name"] == "Les Tilleuls"
    # Among equal shifts, class changes first.
    assert bool(changes.loc["R3", "is_class_changed"])
    assert list(top_changes(_comparison(), _directory(), n=1).index) == ["R1"]


def test_rating_changes_count_residences_that_lose_or_gain_their_rating():
    assert rating_changes(_comparison()) == {"n_unrated": 1, "n_rated": 0}


def test_comparison_summary_and_identity():
    summary = comparison_summary(_comparison())
    assert summary["n_class_changed"] == 3
    assert summary["n_up"] == 1 and summary["n_down"] == 2
    assert summary["max_abs_shift"] == 2
    assert not is_same_ranking(_comparison())
    same = _scores([60.0, 50.0, 82.0, 70.0], ["C", "C", "A", "B"], [3, 4, 1, 2])
    assert is_same_ranking(compare_results(same, same))
    empty = comparison_summary(compare_results(same.iloc[:0], same.iloc[:0]))
    assert math.isnan(empty["median_abs_shift"])


# --- Sensitivity ------------------------------------------------------------------------------


def _sensitivity() -> SensitivityResult:
    residences = _scores([60.0, np.nan, 82.0, 70.0], ["C", "NC", "A", "B"], [3, None, 1, 2])
    residences["rank_median"] = [3.0, np.nan, 1.0, 2.0]
    residences["rank_p05"] = [2.0, np.nan, 1.0, 1.0]
    residences["rank_p95"] = [3.0, np.nan, 2.0, 3.0]
    residences["class_kept_pct"] = [40.0, 100.0, 95.0, 60.0]
    residences["rated_pct"] = [100.0, 0.0, 100.0, 100.0]
    return SensitivityResult(residences, pd.DataFrame(), 100, 50.0, ("minmax",))


def test_rank_intervals_of_the_best_and_of_the_selected():
    intervals = rank_intervals(_sensitivity(), _directory(), n_top=1, include=["R1", "R2"])
    assert list(intervals.index) == ["R3", "R1"]  # R2 is not rated
    assert intervals.loc["R1", "rank_p95"] == 3.0
    assert intervals.loc["R3", "residence_name"] == "La Tour"


def test_stability_bands_count_rated_residences():
    bands = stability_summary(_sensitivity())
    assert bands["n_residences"].to_dict() == {"stable": 1, "fragile": 1, "instable": 1}
    assert bands["share_pct"].sum() == pytest.approx(100)
    assert list(least_stable(_sensitivity(), _directory(), n=2).index) == ["R1", "R4"]


# --- Catalogue --------------------------------------------------------------------------------


def test_indicator_catalogue_is_generated_from_the_catalogue_and_the_profile():
    profile = load_profile("cadre_de_vie")
    table = indicator_catalogue(profile, load_catalogue())
    assert len(table) == 21
    row = table.loc["dpe_rank"]
    assert row["default_weight"] == 2 and row["profile_weight"] == 3
    assert row["direction"] == "plus c'est élevé, moins la résidence est attractive"
    assert table.loc["employed_adults_pct", "direction"].startswith("plus c'est élevé, plus")
    assert table.loc["dist_school_m", "normalisation"].startswith("Bornes fixes")
    assert table["nominal_pct"].sum() == pytest.approx(100)


def test_sources_are_split_and_survey_years_counted(reference):
    sources = indicators_by_source(reference)
    assert "Étiquette énergie (DPE)" in sources["RPLS"]
    assert "Étiquette énergie (DPE)" in sources["PSP"]
    years = survey_years(pd.DataFrame({"ops_survey_year": pd.array([2022, 2024, 2024, None])}))
    assert years.to_dict() == {2022: 1, 2024: 2}
    assert survey_years(pd.DataFrame({"x": [1]})).empty
