"""The words of the class certainty: « classe B, sûre à 83 % », ranges and what was drawn."""

from __future__ import annotations

import pandas as pd

from scoring import ClassCertainty
from ui.class_certainty import (
    NOT_COMPUTED,
    card_row,
    certainty_phrase,
    draws_text,
    range_text,
    residence_certainty_line,
    with_certainty,
)

CERTAINTY = ClassCertainty(
    residences=pd.DataFrame(
        {
            "score_class": ["B", "NC"],
            "class_probability_pct": [83.04, 100.0],
            "class_best": ["A", "NC"],
            "class_worst": ["C", "NC"],
        },
        index=pd.Index(["GP-0001", "GP-0002"], name="residence_id"),
    ),
    n_draws=1000,
    concentration=50.0,
    normalisations=("minmax", "rank"),
    treatments=("winsorise", "none"),
)


def test_phrases_and_ranges():
    assert certainty_phrase("B", 83.04) == "classe B, sûre à 83\u00a0%"
    assert certainty_phrase("NC", 100.0) == "non cotée"
    assert range_text("A", "C") == "A à C"
    assert range_text("B", "B") == "B"
    assert range_text("NC", "NC") == "non cotée"


def test_a_card_line_and_the_ranking_columns():
    assert residence_certainty_line(CERTAINTY, "GP-0001") == (
        "classe B, sûre à 83\u00a0%",
        "classes possibles : A à C",
    )
    assert residence_certainty_line(CERTAINTY, "GP-0002") == ("non cotée", "")
    assert residence_certainty_line(CERTAINTY, "GP-9999") == ("non évaluée", "")
    assert residence_certainty_line(None, "GP-0001")[0] == NOT_COMPUTED
    assert card_row(CERTAINTY, "GP-0001") == (
        "Certitude de la classe",
        "sûre à 83\u00a0%",
        "A à C selon les tirages",
    )
    assert card_row(CERTAINTY, "GP-0002")[1] == "non cotée"
    assert card_row(None, "GP-0001")[1] == NOT_COMPUTED
    table = pd.DataFrame({"score": [70.0, None]}, index=["GP-0002", "GP-0001"])
    shown = with_certainty(table, CERTAINTY)
    assert shown["class_probability_pct"].tolist() == [100.0, 83.04]
    assert shown["class_range"].tolist() == ["non cotée", "A à C"]


def test_what_was_drawn_is_said():
    assert draws_text(CERTAINTY) == (
        "1\u202f000 tirages de poids autour des poids en cours (concentration 50), avec et sans "
        "traitement des valeurs extrêmes, normalisation tirée parmi : min–max, rang centile ; à "
        "chaque tirage, les classes sont recoupées selon la méthode des classes en cours."
    )
    fixed = ClassCertainty(CERTAINTY.residences, 200, 50.0, ("minmax",), ("winsorise",))
    assert "valeurs extrêmes traitées, normalisation min–max (les seuils fixes" in draws_text(fixed)
