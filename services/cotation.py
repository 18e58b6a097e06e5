"""Use cases of the cotation des résidences, without Streamlit: the residences and their scores.

The residences' names and places joined to their scores, the French names of the classes and
their ranges, and an accent-insensitive text search. The weights of a working session are in
:mod:`services.cotation_weights`, the comparison with the reference profile and the sensitivity
summary in :mod:`services.cotation_review`, the catalogue table of the Méthode page in
:mod:`services.method_catalogue`. Scoring, comparison and sensitivity themselves are the
engine's (:mod:`scoring`).
"""

from __future__ import annotations

import unicodedata

import numpy as np
import pandas as pd

from scoring import (
    CLASSES,
    NOT_RATED,
    NOT_RATED_LABEL,
    IndexSpec,
    ProfileComparison,
)
from scoring.classify import class_thresholds

REFERENCE_PROFILE = "reference"
CLASS_NAMES = {
    "A": "très attractive",
    "B": "attractive",
    "C": "intermédiaire",
    "D": "peu attractive",
    "E": "très peu attractive",
    NOT_RATED: NOT_RATED_LABEL,
}
SEARCH_COLUMNS = ("residence_name", "commune_name", "quartier_name", "address", "bailleur")


# --- Residences and their scores ---------------------------------------------------------------


def residence_labels(directory: pd.DataFrame) -> dict[str, str]:
    """The label of each residence in a picker: « name — commune (identifier) ».

    Parameters
    ----------
    directory : pandas.DataFrame
        :func:`residence_directory` (``residence_name``, ``commune_name``, by ``residence_id``).

    Returns
    -------
    dict
        ``residence_id`` → label, in the directory's order.
    """
    names = directory["residence_name"].astype(str)
    communes = directory["commune_name"].astype(str)
    ids = directory.index.astype(str)
    return {
        rid: f"{name} — {commune} ({rid})"
        for rid, name, commune in zip(ids, names, communes, strict=True)
    }


def residence_directory(
    residences: pd.DataFrame, communes: pd.DataFrame, quartiers: pd.DataFrame
) -> pd.DataFrame:
    """Who and where each residence is, indexed by ``residence_id``.

    Parameters
    ----------
    residences : pandas.DataFrame
        The residences table (``residence_id``, ``residence_name``, ``address``, ``bailleur``,
        ``commune_code``, ``quartier_code``, ``is_qpv``, ``n_dwellings``).
    communes : pandas.DataFrame
        ``commune_code`` and ``commune_name`` of the territory.
    quartiers : pandas.DataFrame
        ``quartier_code`` and ``quartier_name`` of Poitiers' quartiers.

    Returns
    -------
    pandas.DataFrame
        ``residence_name``, ``address``, ``bailleur``, ``commune_code``, ``commune_name``,
        ``quartier_name`` (empty outside Poitiers), ``is_qpv`` and ``n_dwellings``.
    """
    missing = [
        c
        for c in ("residence_id", "residence_name", "commune_code", "n_dwellings")
        if c not in residences.columns
    ]
    if missing:
        raise ValueError(
            "résidences : colonne(s) absente(s) : " + ", ".join(f"« {c} »" for c in missing) + "."
        )
    commune_names = pd.Series(
        communes["commune_name"].to_numpy(), index=communes["commune_code"].to_numpy()
    )
    quartier_names = pd.Series(
        quartiers["quartier_name"].to_numpy(), index=quartiers["quartier_code"].to_numpy()
    )
    frame = pd.DataFrame(
        {
            "residence_name": residences["residence_name"].to_numpy(),
            "address": _column(residences, "address", ""),
            "bailleur": _column(residences, "bailleur", ""),
            "commune_code": residences["commune_code"].to_numpy(),
            "commune_name": residences["commune_code"].map(commune_names).to_numpy(),
            "quartier_name": _column(residences, "quartier_code", None),
            "is_qpv": _column(residences, "is_qpv", False),
            "n_dwellings": residences["n_dwellings"].to_numpy(),
        },
        index=pd.Index(residences["residence_id"].to_numpy(), name="residence_id"),
    )
    frame["quartier_name"] = frame["quartier_name"].map(quartier_names).fillna("")
    frame["commune_name"] = frame["commune_name"].fillna(frame["commune_code"])
    return frame


def _column(frame: pd.DataFrame, name: str, default: object) -> np.ndarray:
    if name in frame.columns:
        return frame[name].to_numpy()
    return np.full(len(frame), default, dtype=object)


def scored_residences(
    directory: pd.DataFrame,
    scores: pd.DataFrame,
    comparison: ProfileComparison | None = None,
) -> pd.DataFrame:
    """The residences with their score, class and rank, best first.

    Parameters
    ----------
    directory : pandas.DataFrame
        Output of :func:`residence_directory`.
    scores : pandas.DataFrame
        Output of :meth:`scoring.CompositeIndex.transform` (same residences).
    comparison : ProfileComparison, optional
        Reference (a) against current (b): adds ``rank_reference``, ``rank_shift`` (positive
        when the residence moves up) and ``class_reference``.

    Returns
    -------
    pandas.DataFrame
        The directory's columns plus ``rank``, ``score``, ``score_class`` (``A``…``E``, ``NC``),
        ``class_label`` (French), the ``score_<pillar>`` columns and ``coverage_pct``; sorted by
        rank, residences not rated last.
    """
    table = directory.join(scores, how="inner")
    table["score_class"] = table["score_class"].astype(str)
    table["class_label"] = table["score_class"].map(class_label)
    if comparison is not None:
        shifts = comparison.residences
        table["rank_reference"] = shifts["rank_a"].reindex(table.index)
        table["rank_shift"] = shifts["rank_shift"].reindex(table.index)
        table["class_reference"] = shifts["class_a"].reindex(table.index).astype(str)
    return table.sort_values(["rank", "residence_name"], na_position="last", kind="stable")


def class_label(code: str) -> str:
    """French label of a class: ``A — très attractive`` … ``non cotée — données insuffisantes``."""
    if code == NOT_RATED:
        return NOT_RATED_LABEL
    return f"{code} — {CLASS_NAMES.get(code, '')}".rstrip(" —")


def fold_text(text: object) -> str:
    """Lower case without accents, for searching and sorting French names."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def search_residences(table: pd.DataFrame, text: str) -> pd.DataFrame:
    """Rows of ``table`` whose name, commune, quartier, address, bailleur or identifier contain
    every word of ``text`` (case and accents ignored).

    Parameters
    ----------
    table : pandas.DataFrame
        Indexed by ``residence_id``, with some of the :data:`SEARCH_COLUMNS`.
    text : str
        The search; empty returns ``table`` unchanged.
    """
    words = fold_text(text or "").split()
    if not words:
        return table
    columns = [c for c in SEARCH_COLUMNS if c in table.columns]
    haystack = pd.Series(table.index.astype(str), index=table.index)
    for column in columns:
        haystack = haystack + " " + table[column].fillna("").astype(str)
    haystack = haystack.map(fold_text)
    keep = np.ones(len(table), dtype=bool)
    for word in words:
        keep &= haystack.str.contains(word, regex=False).to_numpy()
    return table[keep]


def class_counts(scores: pd.DataFrame) -> pd.Series:
    """Number of residences in each class, ``A``…``E`` then ``NC`` (zeros included)."""
    codes = [*CLASSES, NOT_RATED]
    counts = scores["score_class"].astype(str).value_counts()
    return counts.reindex(codes, fill_value=0).astype(int)


def class_ranges(
    spec: IndexSpec, reference_scores: pd.Series | np.ndarray | None = None
) -> dict[str, str]:
    """What each class means under ``spec``, in French (score bounds, quintiles or breaks).

    Parameters
    ----------
    spec : IndexSpec
        Gives the class method, the fixed thresholds and the minimum coverage.
    reference_scores : pandas.Series or numpy.ndarray, optional
        Scores of the reference population under ``spec`` (NaN when not rated): with classes by
        quintiles or natural breaks, the score bounds of each class are added, rounded to 0.1
        point (``note ≥ 71,3``).

    Returns
    -------
    dict of str to str
        By class code (``A``…``E``, ``NC``).
    """
    method = spec.method.class_method
    if method == "thresholds":
        ranges = _score_ranges(spec.method.thresholds)
    else:
        ranges = dict(RELATIVE_CLASS_TEXT[method])
        bounds = class_bounds(spec, reference_scores)
        if bounds is not None and method == "natural_breaks":
            # The groups are said by the legend's title; their bounds are what a reader needs.
            ranges = _score_ranges(bounds, decimals=1)
        elif bounds is not None:
            scores = _score_ranges(bounds, decimals=1)
            ranges = {c: f"{ranges[c]}, {scores[c]}" for c in CLASSES}
    ranges[NOT_RATED] = (
        f"moins de {_num(spec.method.min_coverage * 100)} % des indicateurs renseignés"
    )
    return ranges


RELATIVE_CLASS_TEXT: dict[str, dict[str, str]] = {
    "quantiles": {
        "A": "les 20 % les mieux notées",
        "B": "entre les 20 % et les 40 % les mieux notées",
        "C": "entre les 40 % et les 60 % les mieux notées",
        "D": "entre les 60 % et les 80 % les mieux notées",
        "E": "les 20 % les moins bien notées",
    },
    "natural_breaks": {
        "A": "le groupe de notes le plus haut",
        "B": "le deuxième groupe de notes",
        "C": "le groupe de notes du milieu",
        "D": "le quatrième groupe de notes",
        "E": "le groupe de notes le plus bas",
    },
}


def class_bounds(
    spec: IndexSpec, reference_scores: pd.Series | np.ndarray | None = None
) -> tuple[float, ...] | None:
    """Lower bounds of classes A, B, C and D under ``spec``.

    The fixed thresholds, or those of the quintiles or natural breaks of ``reference_scores``;
    None when they are relative and no reference score is given or rated.
    """
    method = spec.method
    if method.class_method == "thresholds":
        return tuple(method.thresholds)
    if reference_scores is None:
        return None
    bounds = class_thresholds(
        np.asarray(reference_scores, dtype=float), method.class_method, method.thresholds
    )
    return None if np.isnan(bounds).any() else bounds


def class_method_text(spec: IndexSpec, reference_scores: pd.Series | np.ndarray | None) -> str:
    """Which class method is in force and where its breaks fall, in one French sentence.

    E.g. ``"Seuils naturels (Jenks–Fisher) des notes du territoire : A dès 76,2 ; B dès 70,5 ;
    C dès 63,9 ; D dès 56,2 ; E en dessous."``.
    """
    method = spec.method.class_method
    name = {
        "thresholds": "Seuils fixes du profil",
        "quantiles": "Quintiles des notes du territoire",
        "natural_breaks": "Seuils naturels (Jenks–Fisher) des notes du territoire",
    }[method]
    bounds = class_bounds(spec, reference_scores)
    if bounds is None:
        return f"{name}."
    decimals = None if method == "thresholds" else 1
    parts = [
        f"{code} dès {_num(round(b, decimals) if decimals is not None else b)}"
        for code, b in zip(CLASSES, bounds, strict=False)
        if np.isfinite(b)
    ]
    return f"{name} : " + " ; ".join(parts) + f" ; {CLASSES[len(parts)]} en dessous."


def _score_ranges(thresholds: tuple[float, ...], decimals: int | None = None) -> dict[str, str]:
    """``note ≥ 80``, ``note de 65 à 80``… for the lower bounds of classes A to D."""
    bounds = [
        _num(round(b, decimals) if decimals is not None else b) for b in (100.0, *thresholds, 0.0)
    ]
    ranges = {}
    for i, code in enumerate(CLASSES):
        high, low = bounds[i], bounds[i + 1]
        if i == 0:
            ranges[code] = f"note ≥ {low}"
        elif i == len(CLASSES) - 1:
            ranges[code] = f"note < {high}"
        else:
            ranges[code] = f"note de {low} à {high}"
    return ranges


def _num(value: float) -> str:
    return f"{value:g}".replace(".", ",")
