"""Tests of the immutable spec: derived weights, new specs from weight changes, validation."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from scoring.spec import IndexSpec, Indicator, Method, Pillar, SpecError


def _spec(**method) -> IndexSpec:
    return IndexSpec(
        name="essai",
        pillars=(Pillar("bati", "Bâti", weight=60), Pillar("cadre", "Cadre", weight=40)),
        indicators=(
            Indicator("x1", "X1", "bati", 1, 1.0),
            Indicator("x2", "X2", "bati", -1, 1.0),
            Indicator("x3", "X3", "cadre", 1, 3.0, bounds=(0.0, 10.0)),
            Indicator("x4", "X4", "cadre", 1, 1.0, normalisation="rank"),
        ),
        method=Method(**method),
    )


def test_derived_weight_arrays():
    spec = _spec()
    np.testing.assert_allclose(spec.pillar_weights, [0.6, 0.4])
    np.testing.assert_array_equal(spec.pillar_of, [0, 0, 1, 1])
    np.testing.assert_allclose(spec.nominal_weights, [0.3, 0.3, 0.3, 0.1])
    np.testing.assert_allclose(spec.block_weights, [[1, 0], [1, 0], [0, 3], [0, 1]])
    np.testing.assert_array_equal(spec.directions, [1, -1, 1, 1])


def test_arrays_are_read_only():
    with pytest.raises(ValueError):
        _spec().indicator_weights[0] = 5.0


def test_spec_is_frozen_and_hashable():
    spec = _spec()
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.name = "autre"  # type: ignore[misc]
    assert hash(spec) == hash(_spec())
    assert spec == _spec()


def test_with_weights_returns_a_new_spec():
    spec = _spec()
    moved = spec.with_weights(pillars={"cadre": 60}, indicators={"x4": 3})
    assert spec.pillar("cadre").weight == 40
    assert moved.pillar("cadre").weight == 60
    assert moved.indicator("x4").weight == 3.0
    assert moved.indicator("x3").weight == 3.0
    np.testing.assert_allclose(moved.pillar_weights, [0.5, 0.5])
    assert moved.normalisation_key == spec.normalisation_key


def test_with_weights_unknown_code():
    with pytest.raises(SpecError, match="indicateur « x9 » inconnu"):
        _spec().with_weights(indicators={"x9": 1})
    with pytest.raises(SpecError, match="pilier « bruit » inconnu"):
        _spec().with_weights(pillars={"bruit": 1})


def test_with_weights_validates():
    with pytest.raises(SpecError, match="pilier « cadre » : tous les poids de ses indicateurs"):
        _spec().with_weights(indicators={"x3": 0, "x4": 0})
    with pytest.raises(SpecError, match="indicateur « x1 » : poids négatif"):
        _spec().with_weights(indicators={"x1": -0.5})


def test_with_method_changes_the_normalisation_key():
    spec = _spec()
    other = spec.with_method(normalisation="zscore")
    assert other.method.normalisation == "zscore"
    assert other.normalisation_key != spec.normalisation_key
    assert spec.with_method(aggregation="geometric").normalisation_key == spec.normalisation_key


def test_normalisation_override_wins():
    spec = _spec(normalisation="zscore")
    assert spec.normalisation_of("x1") == "zscore"
    assert spec.normalisation_of("x4") == "rank"


def test_goalposts_needs_bounds_for_every_indicator():
    with pytest.raises(SpecError) as err:
        _spec(normalisation="goalposts")
    message = str(err.value)
    assert "indicateur « x1 » : normalisation par bornes fixes sans bornes" in message
    assert "indicateur « x2 »" in message
    assert "« x3 »" not in message and "« x4 »" not in message


def test_with_method_returns_a_new_validated_spec():
    spec = _spec()
    moved = spec.with_method(normalisation="zscore", class_method="quantiles")
    assert (moved.method.normalisation, moved.method.class_method) == ("zscore", "quantiles")
    assert moved.method.aggregation == spec.method.aggregation
    assert moved.method.thresholds == spec.method.thresholds
    assert (moved.pillars, moved.indicators, moved.name) == (spec.pillars, spec.indicators, "essai")
    assert spec.method == Method()  # the original is untouched
    assert spec.with_method(class_method="quantiles") == _spec(class_method="quantiles")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        pytest.param(
            {"normalisation": "percentile"}, "normalisation « percentile » inconnue", id="norm"
        ),
        pytest.param({"aggregation": "median"}, "agrégation « median » inconnue", id="aggregation"),
        pytest.param({"class_method": "deciles"}, "classement « deciles » inconnu", id="classes"),
        pytest.param(
            {"normalisation": "goalposts"}, "« x1 » : normalisation par bornes", id="bounds"
        ),
    ],
)
def test_with_method_validates(changes, message):
    with pytest.raises(SpecError, match=message):
        _spec().with_method(**changes)


def test_with_method_unknown_setting():
    with pytest.raises(SpecError, match="réglage de méthode inconnu"):
        _spec().with_method(speed=3)


def test_code_shared_by_pillar_and_indicator():
    with pytest.raises(SpecError, match="code « bati » utilisé à la fois"):
        IndexSpec(
            name="essai",
            pillars=(Pillar("bati", "Bâti"),),
            indicators=(Indicator("bati", "B", "bati", 1, 1.0),),
        )


def test_reserved_pillar_code():
    with pytest.raises(SpecError, match="pilier « class » : code réservé"):
        IndexSpec(
            name="essai",
            pillars=(Pillar("class", "Classe"),),
            indicators=(Indicator("x", "X", "class", 1, 1.0),),
        )


def test_with_metadata():
    spec = _spec().with_metadata(author="CIL", date="2025-01-31", comment="Accord")
    assert (spec.author, spec.date, spec.comment) == ("CIL", "2025-01-31", "Accord")
    with pytest.raises(SpecError, match="date « 31/01/2025 » invalide"):
        _spec().with_metadata(date="31/01/2025")
