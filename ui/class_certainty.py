"""How sure a residence's class is, in French, for the ranking, the cards and their captions.

The probabilities come from :func:`ui.cache.class_certainty` (1,000 draws of weights,
normalisation and treatment around the weighting in force, see :mod:`scoring.certainty`); this
module words them: « classe B, sûre à 83 % », the range of classes the draws give (« A à C »),
and what was drawn.

The draws cost from 0.2 s (fixed thresholds) to 1.5 s (natural breaks, recomputed on every
draw): the saved profile's certainty is computed once per server and always shown; once a
working group moves a weight or the method, a toggle beside the legend recomputes it for the
weighting in force, so that moving a slider stays instant when nobody asks for it.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from scoring import NORMALISATIONS, NOT_RATED, ClassCertainty, IndexSpec, SensitivityResult
from services.cotation_method import SHORT_LABELS, method_key
from services.cotation_weights import weight_key
from ui import cache
from ui.fmt import fmt_int, fmt_number, fmt_pct
from ui.weights import Weighting

PROBABILITY_COLUMN = "class_probability_pct"
RANGE_COLUMN = "class_range"
TOGGLE_KEY = "cotation_certitude"
NOT_COMPUTED = "non calculée pour ces poids"


def session_certainty(spec: IndexSpec) -> ClassCertainty:
    """The class certainty of the weighting and method ``spec`` (cached per weighting)."""
    return cache.class_certainty(spec.name, weight_key(spec), method_key(spec))


def _is_saved_profile(weighting: Weighting) -> bool:
    return not weighting.is_modified and not weighting.is_method_modified


def certainty_in_force(weighting: Weighting) -> ClassCertainty | None:
    """The certainty to show for a :class:`ui.weights.Weighting`: the saved profile's, or that
    of moved weights or method when the toggle asks for it; None otherwise."""
    if _is_saved_profile(weighting) or st.session_state.get(TOGGLE_KEY, False):
        return session_certainty(weighting.spec)
    return None


def certainty_toggle(weighting: Weighting) -> None:
    """Beside the legend, once the weights or the method moved: recompute the certainty."""
    if _is_saved_profile(weighting):
        return
    st.toggle(
        "Certitude des classes pour ces poids",
        key=TOGGLE_KEY,
        help="Rejoue la cotation 1 000 fois autour des poids et de la méthode en cours pour dire "
        "à quel point chaque classe est sûre (de 0,2 à 1,5 seconde à chaque changement). Sans "
        "lui, la certitude n'est donnée que pour le profil enregistré.",
    )


def range_text(best: str, worst: str) -> str:
    """The classes a residence takes over the central draws: ``B`` or ``A à C``."""
    if best == NOT_RATED or worst == NOT_RATED:
        return "non cotée"
    return best if best == worst else f"{best} à {worst}"


def certainty_phrase(score_class: str, probability_pct: float) -> str:
    """« classe B, sûre à 83 % »; « non cotée » for a residence that is not rated."""
    if score_class == NOT_RATED:
        return "non cotée"
    return f"classe {score_class}, sûre à {fmt_pct(probability_pct, 0)}"


def with_certainty(table: pd.DataFrame, certainty: ClassCertainty) -> pd.DataFrame:
    """``table`` (indexed by residence) with the probability and the range of each class."""
    rows = certainty.residences.reindex(table.index)
    ranges = [
        range_text(b, w) if isinstance(b, str) else ""
        for b, w in zip(rows["class_best"], rows["class_worst"], strict=True)
    ]
    return table.assign(
        **{PROBABILITY_COLUMN: rows["class_probability_pct"].to_numpy(), RANGE_COLUMN: ranges}
    )


def residence_certainty_line(certainty: ClassCertainty | None, residence: str) -> tuple[str, str]:
    """The certainty of one residence for a card: the phrase and the range as a note."""
    if certainty is None:
        return NOT_COMPUTED, "activez « Certitude des classes » sous la légende"
    if residence not in certainty.residences.index:
        return "non évaluée", ""
    row = certainty.residences.loc[residence]
    phrase = certainty_phrase(row["score_class"], row["class_probability_pct"])
    if row["score_class"] == NOT_RATED:
        return phrase, ""
    return phrase, f"classes possibles : {range_text(row['class_best'], row['class_worst'])}"


def card_row(certainty: ClassCertainty | None, residence: str) -> tuple[str, str, str]:
    """The certainty as a row of a residence's key figures: label, value, note.

    E.g. ``("Certitude de la classe", "sûre à 49 %", "C à D selon les tirages")``.
    """
    label = "Certitude de la classe"
    if certainty is None:
        return label, NOT_COMPUTED, "voir sous la légende"
    if residence not in certainty.residences.index:
        return label, "non évaluée", ""
    row = certainty.residences.loc[residence]
    if row["score_class"] == NOT_RATED:
        return label, "non cotée", ""
    value = f"sûre à {fmt_pct(row['class_probability_pct'], 0)}"
    return label, value, f"{range_text(row['class_best'], row['class_worst'])} selon les tirages"


def draws_text(
    certainty: ClassCertainty | SensitivityResult, around: str = "des poids en cours"
) -> str:
    """What the draws varied, in one French sentence (for captions and help texts); ``around``
    names the weights the draws are centred on."""
    drawn = (
        certainty.methods if isinstance(certainty, SensitivityResult) else certainty.normalisations
    )
    normalisations = ", ".join(
        SHORT_LABELS["normalisation"].get(m, NORMALISATIONS.get(m, m)).lower() for m in drawn
    )
    treatments = (
        "avec et sans traitement des valeurs extrêmes"
        if len(certainty.treatments) > 1
        else (
            "valeurs extrêmes traitées"
            if certainty.treatments == ("winsorise",)
            else "valeurs brutes"
        )
    )
    which = (
        f"normalisation tirée parmi : {normalisations}"
        if len(drawn) > 1
        else f"normalisation {normalisations} (les seuils fixes sont posés sur son échelle)"
    )
    return (
        f"{fmt_int(certainty.n_draws)} tirages de poids autour {around} "
        f"(concentration {fmt_number(certainty.concentration)}), {treatments}, {which} ; à "
        "chaque tirage, les classes sont recoupées selon la méthode des classes en cours."
    )


def reference_certainty_caption(residence: str) -> str:
    """The certainty of a residence's class under the reference profile, for its fiche.

    E.g. « **Classe B, sûre à 83 %** (classes possibles : A à C) — 1 000 tirages de poids… ».
    """
    certainty = cache.reference_certainty()
    phrase, note = residence_certainty_line(certainty, residence)
    if not note:
        return f"Certitude de la classe : {phrase}."
    head = phrase[:1].upper() + phrase[1:]
    return f"**{head}** ({note}) — {draws_text(certainty, 'des poids du profil de référence')}"
