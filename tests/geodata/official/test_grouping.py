"""Normalised addresses and readable names of the grouping of dwellings into residences."""

from __future__ import annotations

import pandas as pd
import pytest

from geodata.official.grouping import (
    dwelling_keys,
    french_title,
    load_grouping,
    normalise,
    residence_id,
)


@pytest.mark.parametrize(
    ("written", "normal"),
    [
        pytest.param("Av. de la Libération", "AVENUE DE LA LIBERATION", id="abbreviation"),
        pytest.param("AVENUE DE LA LIBERATION", "AVENUE DE LA LIBERATION", id="upper"),
        pytest.param("r  du  Cœur", "RUE DU COEUR", id="ligature-and-spaces"),
        pytest.param("Bd Pont-Achard", "BOULEVARD PONT ACHARD", id="hyphen"),
        pytest.param("007", "7", id="leading-zeros"),
    ],
)
def test_normalise(written, normal):
    settings = load_grouping()
    assert normalise(pd.Series([written]), settings.street_types).iloc[0] == normal


@pytest.mark.parametrize(
    ("text", "title"),
    [
        pytest.param("RUE DES ÉCOLES", "Rue des Écoles", id="small-words"),
        pytest.param("L’ÉGLISE", "L’Église", id="apostrophe"),
        pytest.param("PLACE DE L'HÔTEL DE VILLE", "Place de l'Hôtel de Ville", id="elision"),
        pytest.param("12 BIS AVENUE PONT-ACHARD", "12 bis Avenue Pont-Achard", id="hyphen"),
    ],
)
def test_french_title(text, title):
    assert french_title(text) == title


def test_keys_and_kinds_of_dwellings():
    settings = load_grouping()
    n = 4
    parts = {
        "commune_code": pd.Series(["86194"] * n),
        "bailleur": pd.Series(["B"] * n),
        "street_number": pd.Series(["12", "", "", ""]),
        "repetition": pd.Series(["B", "", "", ""]),
        "street_type": pd.Series(["AV", "RUE", "", ""]),
        "street_name": pd.Series(["DE PARIS", "DU MOULIN", "", ""]),
        "place_name": pd.Series(["", "", "LA CROIX", ""]),
    }
    points = pd.Series(["1,2"] * n)
    keys = dwelling_keys(parts, points, settings)
    assert keys["group_key"].tolist() == [
        "86194|B|12 BIS AVENUE DE PARIS",
        "86194|B|RUE DU MOULIN",
        "86194|B|LIEU DIT LA CROIX",
        "86194|B|POSITION 1,2",
    ]
    assert keys["kind"].tolist() == ["adresse", "sans numéro", "lieu-dit", "position"]
    assert keys["label"].tolist()[:3] == ["12 bis Avenue de Paris", "Rue du Moulin", "La Croix"]


def test_residence_ids_are_stable_and_short():
    first = residence_id("86194", "86194|B|12 RUE X")
    assert first == residence_id("86194", "86194|B|12 RUE X")
    assert first.startswith("RPLS-86194-") and len(first) == len("RPLS-86194-") + 10
    assert first != residence_id("86194", "86194|B|14 RUE X")
