"""Tiny hand-built residences and scores shared by the tests of the cotation use cases."""

from __future__ import annotations

import pandas as pd

from services.cotation import residence_directory

CLASSES = pd.CategoricalDtype(["A", "B", "C", "D", "E", "NC"], ordered=True)


def directory() -> pd.DataFrame:
    """Four residences in two communes, one in a named quartier."""
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


def scores_table(scores, classes, ranks) -> pd.DataFrame:
    """Scores, classes and ranks of the four residences R1…R4."""
    return pd.DataFrame(
        {
            "score": scores,
            "score_class": pd.Categorical(classes, dtype=CLASSES),
            "rank": pd.array(ranks, dtype="Int64"),
        },
        index=pd.Index(["R1", "R2", "R3", "R4"], name="residence_id"),
    )
