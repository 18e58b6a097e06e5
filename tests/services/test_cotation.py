"""The residences and their scores: directory, ranking, search, classes (services/cotation.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scoring import compare_results, load_profile
from services.cotation import (
    class_bounds,
    class_counts,
    class_label,
    class_method_text,
    class_ranges,
    residence_directory,
    residence_labels,
    scored_residences,
    search_residences,
)
from tests.services.cotation_cases import directory, scores_table


@pytest.fixture(scope="module")
def reference():
    return load_profile("reference")


# --- Residences -------------------------------------------------------------------------------


def test_directory_joins_commune_and_quartier_names():
    table = directory()
    assert table.loc["R1", "commune_name"] == "Poitiers"
    assert table.loc["R1", "quartier_name"] == "Les Couronneries"
    assert table.loc["R3", "quartier_name"] == ""
    assert table.index.name == "residence_id"


def test_labels_name_the_residence_its_commune_and_its_identifier():
    labels = residence_labels(directory())
    assert list(labels) == ["R1", "R2", "R3", "R4"]
    assert labels["R1"] == "Les Tilleuls — Poitiers (R1)"
    assert labels["R3"] == "La Tour — Buxerolles (R3)"


def test_directory_names_the_missing_columns():
    with pytest.raises(ValueError, match="« residence_name »"):
        residence_directory(
            pd.DataFrame({"residence_id": ["R1"], "commune_code": ["1"], "n_dwellings": [1]}),
            pd.DataFrame({"commune_code": [], "commune_name": []}),
            pd.DataFrame({"quartier_code": [], "quartier_name": []}),
        )


def test_scored_residences_are_ranked_best_first_and_not_rated_last():
    scores = scores_table([60.0, np.nan, 82.0, 70.0], ["C", "NC", "A", "B"], [3, None, 1, 2])
    table = scored_residences(directory(), scores)
    assert list(table.index) == ["R3", "R4", "R1", "R2"]
    assert table.loc["R2", "class_label"] == "non cotée — données insuffisantes"
    assert table.loc["R3", "class_label"] == "A — très attractive"


def test_scored_residences_carry_the_shift_against_the_reference():
    before = scores_table([60.0, 50.0, 82.0, 70.0], ["C", "C", "A", "B"], [3, 4, 1, 2])
    after = scores_table([75.0, 50.0, 82.0, 70.0], ["B", "C", "A", "B"], [2, 4, 1, 3])
    table = scored_residences(directory(), after, compare_results(before, after))
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
    assert list(search_residences(directory(), text).index) == expected


def test_class_counts_include_empty_classes():
    counts = class_counts(
        scores_table([60.0, np.nan, 82.0, 70.0], ["C", "NC", "A", "B"], [3, None, 1, 2])
    )
    assert counts.to_dict() == {"A": 1, "B": 1, "C": 1, "D": 0, "E": 0, "NC": 1}


def test_class_ranges_follow_the_method(reference):
    ranges = class_ranges(reference.with_method(class_method="thresholds"))
    assert ranges["A"] == "note ≥ 80"
    assert ranges["B"] == "note de 65 à 80"
    assert ranges["E"] == "note < 35"
    assert ranges["NC"] == "moins de 70 % des indicateurs renseignés"
    quintiles = class_ranges(load_profile("occupation_sociale"))
    assert quintiles["A"] == "les 20 % les mieux notées"
    assert quintiles["B"] == "entre les 20 % et les 40 % les mieux notées"
    assert quintiles["E"] == "les 20 % les moins bien notées"


def test_quintile_ranges_give_the_score_bounds_of_the_reference_population(reference):
    spec = reference.with_method(class_method="quantiles")
    # Quintiles of 10, 20, …, 100 (NaN ignored): 82, 64, 46, 28.
    scores = pd.Series([*np.arange(10.0, 101.0, 10.0), np.nan])
    ranges = class_ranges(spec, scores)
    assert ranges["A"] == "les 20 % les mieux notées, note ≥ 82"
    assert ranges["C"] == "entre les 40 % et les 60 % les mieux notées, note de 46 à 64"
    assert ranges["E"] == "les 20 % les moins bien notées, note < 28"
    # Fixed thresholds do not depend on the scores; no rated residence gives no bounds.
    fixed = reference.with_method(class_method="thresholds")
    assert class_ranges(fixed, scores) == class_ranges(fixed)
    assert class_ranges(spec, pd.Series([np.nan]))["A"] == "les 20 % les mieux notées"


def test_natural_break_ranges_give_the_lowest_score_of_each_group(reference):
    assert reference.method.class_method == "natural_breaks"
    # Ten evenly spaced scores: the five tightest groups are the pairs (10, 20) … (90, 100).
    scores = pd.Series([*np.arange(10.0, 101.0, 10.0), np.nan])
    ranges = class_ranges(reference, scores)
    assert ranges["A"] == "note ≥ 90"
    assert ranges["B"] == "note de 70 à 90"
    assert ranges["E"] == "note < 30"
    assert class_ranges(reference)["A"] == "le groupe de notes le plus haut"
    assert class_bounds(reference, scores) == (90.0, 70.0, 50.0, 30.0)
    assert class_bounds(reference) is None


def test_class_method_text_says_which_method_and_where_the_breaks_fall(reference):
    scores = pd.Series([*np.arange(10.0, 101.0, 10.0), np.nan])
    assert class_method_text(reference, scores) == (
        "Seuils naturels (Jenks–Fisher) des notes du territoire : A dès 90 ; B dès 70 ; "
        "C dès 50 ; D dès 30 ; E en dessous."
    )
    assert class_method_text(reference.with_method(class_method="thresholds"), None) == (
        "Seuils fixes du profil : A dès 80 ; B dès 65 ; C dès 50 ; D dès 35 ; E en dessous."
    )
    assert class_method_text(reference, None) == (
        "Seuils naturels (Jenks–Fisher) des notes du territoire."
    )


def test_class_label_of_an_unknown_code_is_the_code():
    assert class_label("Z") == "Z"
