"""The printable fiche résidence as an A4 PDF (services/residence_print, reports/residence_pdf)."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from reports.residence_pdf import residence_pdf
from scoring import CompositeIndex, load_profile
from services.cotation import residence_directory
from services.fmt import fmt_number
from services.indicators import build_indicator_table
from services.residence_card import CardInputs
from services.residence_print import residence_print
from tests.reports.text import plain

A4_POINTS = (595.0, 842.0)


@pytest.fixture(scope="module")
def inputs(data):
    table = build_indicator_table(data.residences)
    return CardInputs(
        directory=residence_directory(data.residences, data.communes, data.quartiers),
        residences=data.residences,
        indicator_table=table,
        index=CompositeIndex(load_profile("reference")).fit(table),
        scores=data.scores,
        analysis=data.analysis,
        occupancy=data.occupancy,
        attributions=data.attributions,
        departures=data.departures,
        masking=data.masking_rules,
        stock_rules=data.stock_rules,
    )


def test_the_printed_card_is_one_a4_page_with_score_and_charts(data, inputs):
    card = residence_print(inputs, "GP-0001", data.is_demo)
    pdf = PdfReader(io.BytesIO(residence_pdf(card)))
    assert len(pdf.pages) == 1
    box = pdf.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    text = plain(pdf.pages[0].extract_text())
    score = data.scores.at["GP-0001", "score"]
    assert plain(f"{fmt_number(score, 1)} / 100") in text
    assert plain(card.name) in text and "Patrimoine (30 %)" in text
    assert "DONNÉES DE DÉMONSTRATION (FICTIVES)" in text


def test_a_printed_card_never_carries_the_residence_occupancy(data, inputs):
    card = residence_print(inputs, "GP-0001", data.is_demo)
    assert card.occupancy is None and card.flows is None
    assert card.hidden_note.startswith("Occupation et profils des ménages non diffusés")
    text = plain(PdfReader(io.BytesIO(residence_pdf(card))).pages[0].extract_text())
    surveyed = data.occupancy[data.occupancy["residence_id"] == "GP-0001"]
    for value in surveyed["res_below_40_pct"].dropna():
        assert plain(fmt_number(value, 1, "%")) not in text


def test_an_unknown_residence_is_refused(data, inputs):
    with pytest.raises(KeyError, match="résidence inconnue"):
        residence_print(inputs, "GP-9999", data.is_demo)
