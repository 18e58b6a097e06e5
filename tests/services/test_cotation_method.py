"""The method choices of a working session: options, shareable text, cache key, French texts."""

from __future__ import annotations

import dataclasses

import pytest

from scoring import AGGREGATIONS, CLASS_METHODS, NORMALISATIONS, TREATMENTS, load_profile
from services.cotation_method import (
    METHOD_CHOICES,
    SHORT_LABELS,
    format_method_overrides,
    method_changes,
    method_key,
    method_label,
    method_options,
    parse_method_overrides,
    with_method_key,
)


@pytest.fixture(scope="module")
def reference():
    return load_profile("reference")


def test_every_choice_of_the_engine_is_offered_when_the_catalogue_allows_it(reference):
    options = method_options(reference)
    assert options == {
        "treatment": list(TREATMENTS),
        "normalisation": list(NORMALISATIONS),
        "aggregation": list(AGGREGATIONS),
        "class_method": list(CLASS_METHODS),
    }


def test_goalposts_is_not_offered_without_bounds(reference):
    # Building age: bounds that only the goalposts normalisation uses.
    first, age, *others = reference.indicators
    assert age.code == "building_age_years" and age.treatment is None
    unbounded = dataclasses.replace(
        reference, indicators=(first, dataclasses.replace(age, bounds=None), *others)
    )
    assert "goalposts" not in method_options(unbounded)["normalisation"]
    parsed = parse_method_overrides("normalisation:goalposts", unbounded)
    assert parsed.changes == {}
    assert "« goalposts »" in parsed.problems[0]


def test_short_labels_are_the_start_of_the_engine_labels(reference):
    engine = {"normalisation": NORMALISATIONS, "aggregation": AGGREGATIONS}
    engine |= {"class_method": CLASS_METHODS, "treatment": TREATMENTS}
    for field, labels in SHORT_LABELS.items():
        assert set(labels) == set(engine[field])
        for code, label in labels.items():
            assert engine[field][code].startswith(label), (field, code)
    assert method_label("class_method", "thresholds", reference) == "Seuils fixes 80 / 65 / 50 / 35"
    assert method_label("class_method", "natural_breaks", reference) == "Seuils naturels"
    assert method_label("normalisation", "rank", reference) == "Rang centile"
    assert method_label("treatment", "none", reference) == "Aucun traitement"


def test_method_overrides_round_trip(reference):
    moved = reference.with_method(normalisation="rank", class_method="quantiles")
    text = format_method_overrides(moved, reference)
    assert text == "normalisation:rank,classes:quantiles"
    parsed = parse_method_overrides(text, reference)
    assert parsed.changes == {"normalisation": "rank", "class_method": "quantiles"}
    assert parsed.problems == []
    assert reference.with_method(**parsed.changes) == moved
    assert format_method_overrides(reference, reference) == ""
    geometric = reference.with_method(aggregation="geometric")
    assert format_method_overrides(geometric, reference) == "agregation:geometric"
    raw = reference.with_method(treatment="none", class_method="thresholds")
    text = format_method_overrides(raw, reference)
    assert text == "extremes:none,classes:thresholds"
    assert reference.with_method(**parse_method_overrides(text, reference).changes) == raw


def test_only_what_differs_from_the_profile_is_written():
    quintiles = load_profile("occupation_sociale")
    assert (quintiles.method.normalisation, quintiles.method.class_method) == ("rank", "quantiles")
    moved = quintiles.with_method(class_method="thresholds")
    assert format_method_overrides(moved, quintiles) == "classes:thresholds"


def test_method_overrides_report_what_they_ignore_in_french(reference):
    parsed = parse_method_overrides(
        "normalisation:percentile, vitesse:3,,classes:quantiles,agregation", reference
    )
    assert parsed.changes == {"class_method": "quantiles"}
    assert len(parsed.problems) == 3
    unknown_value, unknown_name, empty_value = parsed.problems
    assert unknown_value.startswith("normalisation : valeur « percentile » inconnue")
    assert (
        "choix possibles : « Min–max », « Rang centile », « Score z », « Bornes fixes » ; "
        "celle du profil est gardée (« Min–max »)."
    ) in unknown_value
    assert unknown_name == (
        "« vitesse » : réglage de méthode inconnu ; le lien peut régler extremes (valeurs "
        "extrêmes), normalisation, agregation (agrégation dans un pilier), classes."
    )
    assert empty_value.startswith("« agregation » : valeur manquante")
    classes = parse_method_overrides("classes:zz", reference).problems[0]
    assert "« Seuils fixes 80 / 65 / 50 / 35 », « Quintiles », « Seuils naturels »" in classes
    for code in ("thresholds", "quantiles", "natural_breaks", "minmax", "goalposts"):
        assert code not in unknown_value + classes
    assert parse_method_overrides(None, reference) == parse_method_overrides("", reference)
    assert parse_method_overrides(None, reference).problems == []


def test_method_changes_name_the_choices_in_french(reference):
    moved = reference.with_method(
        treatment="none", aggregation="geometric", class_method="thresholds"
    )
    assert method_changes(moved, reference) == [
        "valeurs extrêmes : aucun traitement au lieu de valeurs extrêmes traitées",
        "agrégation dans un pilier : moyenne géométrique au lieu de moyenne arithmétique",
        "classes : seuils fixes 80 / 65 / 50 / 35 au lieu de seuils naturels",
    ]
    assert method_changes(reference, reference) == []


def test_method_key_round_trip(reference):
    moved = reference.with_method(normalisation="zscore", aggregation="geometric")
    key = method_key(moved)
    assert key == ("winsorise", "zscore", "geometric", "natural_breaks")
    assert len(key) == len(METHOD_CHOICES)
    assert hash(key) != hash(method_key(reference))
    assert with_method_key(reference, key) == moved
    with pytest.raises(ValueError, match="attendu 4 valeurs"):
        with_method_key(reference, ("rank",))
