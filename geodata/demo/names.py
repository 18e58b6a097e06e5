"""Fictional names and addresses of the demo residences.

Names combine a prefix suited to the kind of residence (« Cité », « Le Hameau », « Les
Jardins »…) with a common French place word (« des Tilleuls », « du Moulin »…); every name is used
once in the whole data set. Addresses are a number, a street of the same kind and the commune's
name. None of them designates a real building.
"""

from __future__ import annotations

import pandas as pd

from geodata.demo.params import generator

PLACE_WORDS = (
    "des Acacias",
    "des Aubépines",
    "des Bleuets",
    "des Cèdres",
    "des Charmes",
    "des Chênes",
    "des Coquelicots",
    "des Cyprès",
    "des Églantines",
    "des Érables",
    "des Frênes",
    "des Genêts",
    "des Glycines",
    "des Hêtres",
    "des Hortensias",
    "des Iris",
    "des Jonquilles",
    "des Lauriers",
    "des Lilas",
    "des Marronniers",
    "des Mimosas",
    "des Mûriers",
    "des Noisetiers",
    "des Noyers",
    "des Ormeaux",
    "des Peupliers",
    "des Pins",
    "des Platanes",
    "des Pommiers",
    "des Primevères",
    "des Sorbiers",
    "des Sureaux",
    "des Tilleuls",
    "des Tourterelles",
    "des Hirondelles",
    "des Mésanges",
    "des Alouettes",
    "des Rossignols",
    "des Fauvettes",
    "des Bergeronnettes",
    "du Bocage",
    "du Coteau",
    "du Moulin",
    "du Lavoir",
    "du Verger",
    "du Puits",
    "de la Fontaine",
    "de la Garenne",
    "de la Source",
    "de la Prairie",
    "de la Colline",
    "des Vignes",
    "des Roches",
    "de la Tonnelle",
    "du Belvédère",
    "du Parc",
    "des Sablons",
    "de l'Étang",
    "du Prieuré",
    "de la Chapelle",
    "des Tanneurs",
    "des Meuniers",
    "des Tisserands",
    "des Vignerons",
    "du Pressoir",
    "de la Grange",
    "des Ajoncs",
    "des Saules",
    "des Bouleaux",
    "des Magnolias",
)
PREFIXES = {
    "grand_ensemble": ("Cité", "Ensemble", "Les Tours", "Résidence", "Les Terrasses"),
    "collectif": ("Résidence", "Le Clos", "Les Terrasses", "Le Square", "Les Balcons"),
    "petit": ("Le Hameau", "Les Pavillons", "Les Maisons", "Le Clos", "Les Logis"),
    "neuf": ("Les Jardins", "Le Domaine", "Les Allées", "Villa", "Les Rives"),
    "ancien": ("Maison", "Hôtel", "Le Logis", "Résidence", "La Cour"),
}
STREET_TYPES = {
    "poitiers": ("rue", "rue", "avenue", "allée", "boulevard", "place", "impasse"),
    "first_ring": ("rue", "rue", "allée", "avenue", "impasse", "chemin"),
    "town": ("rue", "rue", "allée", "place", "impasse", "chemin"),
    "rural": ("rue", "chemin", "impasse", "route", "place"),
}


def name_residences(stock: pd.DataFrame, commune_names: pd.Series) -> pd.DataFrame:
    """Draw a unique name and a plausible address for every residence.

    Parameters
    ----------
    stock : pandas.DataFrame
        Residences with ``kind``, ``klass`` and ``commune_code``, in their final order.
    commune_names : pandas.Series
        Commune name indexed by commune code.

    Returns
    -------
    pandas.DataFrame
        ``residence_name`` and ``address``, aligned on ``stock``.
    """
    rng = generator("names")
    used: set[str] = set()
    names = []
    addresses = []
    for kind, klass, code in zip(stock["kind"], stock["klass"], stock["commune_code"], strict=True):
        prefixes = PREFIXES[kind]
        name = ""
        for attempt in range(200):
            word = PLACE_WORDS[rng.integers(len(PLACE_WORDS))]
            candidate = f"{prefixes[rng.integers(len(prefixes))]} {word}"
            if attempt >= 100:
                candidate += f" {attempt - 98}"
            if candidate not in used:
                name = candidate
                break
        used.add(name)
        names.append(name)
        street_type = STREET_TYPES[klass][rng.integers(len(STREET_TYPES[klass]))]
        street = PLACE_WORDS[rng.integers(len(PLACE_WORDS))]
        number = 1 + int(rng.pareto(1.5) * 8) % 150 if street_type != "place" else 0
        head = f"{number} " if number else ""
        addresses.append(f"{head}{street_type} {street}, {commune_names[code]}")
    return pd.DataFrame({"residence_name": names, "address": addresses}, index=stock.index)
