"""The PDF and Word fiches read back: the services' figures in French, « s » with its footnote,
nothing under the thresholds (reports/fiche_pdf.py, reports/fiche_docx.py)."""

from __future__ import annotations

import io
import zipfile

import pytest
from docx import Document
from pypdf import PdfReader

from reports.fiche_docx import fiche_docx
from reports.fiche_images import fiche_images
from reports.fiche_pdf import fiche_pdf
from services.fiche import build_fiche
from services.fiche_model import Fiche
from services.fmt import fmt_number
from services.occupancy import sitting_profile
from tests.reports.text import plain

CODES = ("86041", "86194Q02", "86024")


@pytest.fixture(scope="module")
def rendered(data) -> dict[str, tuple[Fiche, str, bytes]]:
    out = {}
    for code in CODES:
        fiche = build_fiche(data, code)
        images = fiche_images(fiche)
        pdf = PdfReader(io.BytesIO(fiche_pdf(fiche, images)))
        text = "\n".join(page.extract_text() for page in pdf.pages)
        out[code] = (fiche, text, fiche_docx(fiche, images))
    return out


def _docx_tables(content: bytes) -> dict[tuple[str, ...], list[list[str]]]:
    document = Document(io.BytesIO(content))
    return {
        tuple(c.text for c in table.rows[0].cells): [
            [c.text for c in row.cells] for row in table.rows[1:]
        ]
        for table in document.tables
        if len(table.rows) > 1
    }


@pytest.mark.parametrize("code", ["86041", "86194Q02"])
def test_key_figures_read_back_from_the_pdf(rendered, code):
    fiche, text, _ = rendered[code]
    lines = {plain(line) for line in text.splitlines()}
    for label, mine, reference in fiche.key_figures.rows:
        assert plain(f"{label.text} {mine.text} {reference.text}") in lines, label.text
    assert plain(fiche.name) in plain(text)
    assert "DONNÉES DE DÉMONSTRATION (FICTIVES)" in text


@pytest.mark.parametrize("code", ["86041", "86194Q02"])
def test_key_figures_read_back_from_the_docx_with_french_spaces(rendered, code):
    fiche, _, content = rendered[code]
    tables = _docx_tables(content)
    key = tables[fiche.key_figures.columns]
    expected = [[c.text for c in row] for row in fiche.key_figures.rows]
    assert key == expected  # narrow no-break spaces and units kept exactly
    if code == "86041":
        assert ["Logements sociaux", "858", "19\u202f833"] in key
        assert ["Taux SRU (dernier inventaire)", "19,9\u00a0%", "22,5\u00a0%"] in key


def test_masked_cells_print_s_with_the_rule_in_a_footnote(rendered, data):
    _, text, content = rendered["86024"]
    row = next(plain(line) for line in text.splitlines() if line.startswith("Sans emploi"))
    assert row == "Sans emploi s1 s1 s1 s1 s1"
    assert "1Secret statistique : moins de 11 ménages" in text
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        notes = archive.read("word/footnotes.xml").decode("utf-8")
        body = archive.read("word/document.xml").decode("utf-8")
    assert "Secret statistique : moins de 11 ménages" in notes
    assert body.count("<w:footnoteReference ") == 1  # one footnote per rule
    occupancy = next(v for k, v in _docx_tables(content).items() if k[0] == "Part des ménages"
                     and "2024" in k)  # fmt: skip
    assert all(cell == "s1" for row in occupancy[:-1] for cell in row[1:])
    # the shares computed on fewer than 11 households never reach the files
    profile = sitting_profile(data.occupancy, data.residences, "commune")
    raw = profile[profile["territory_code"] == "86024"]
    docx_rows = {row[0]: row[1:] for row in occupancy}
    pdf_row = row
    for column, label in (("no_employment_pct", "Sans emploi"),):
        for value in raw[column].dropna():
            printed = fmt_number(value, 1, "%")
            assert printed not in docx_rows[label] and plain(printed) not in pdf_row


def test_the_word_file_is_editable_and_styled_by_the_template(rendered):
    _, _, content = rendered["86041"]
    document = Document(io.BytesIO(content))
    styles = {p.style.name for p in document.paragraphs}
    assert {"Title", "Heading 1", "Heading 2"} <= styles
    assert "Buxerolles" in document.sections[0].header.paragraphs[0].text
    assert len(document.inline_shapes) == 2  # locator map and residences map
