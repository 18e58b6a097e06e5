"""Orientations and actions in the PDF and Word fiches, read back: the saved text with its byline,
a section never written said plainly, and texts that try to break the layout (markup of Typst,
Word and Markdown, a very long text and word, line breaks, emoji, control characters)."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest
from docx import Document
from PIL import Image
from pypdf import PdfReader

from reports.batch import fiche_files, run_batch
from reports.cli import main
from reports.fiche_docx import fiche_docx
from reports.fiche_images import fiche_images
from reports.fiche_pdf import NO_TEXT, fiche_pages_png, fiche_pdf
from services.access import Viewer
from services.fiche import build_fiche
from services.fiche_model import FicheText
from services.fiche_texts import save_fiche_text
from tests.reports.text import plain

CIL = Viewer("cil", "demo.cil", "Marie Dupont")
ORIENTATIONS = (
    "Rééquilibrer les attributions des résidences signalées au profit des ménages du premier "
    "quartile.\nPriorité aux mutations internes.\n\nSuivi annuel en CIL."
)
MARKUP = (
    '#set page(width: 2cm) #pagebreak() *gras* _penché_ $x^2$ <label> @ref \\ ] [ // "q" = T\n'
    "- puce\n+ numéro\n```code``` {{ territoire }} {%p for x in y %} </w:t><w:p/> &amp; <b>"
)
LONG_URL = "https://www.grandpoitiers.fr/" + "dossier/" * 40 + "fin"
LONG_WORD = "Rééquilibrage" * 25  # no break opportunity in 325 letters
EMOJI = "Emoji : 🏠 👨‍👩‍👧 ✅ 🇫🇷 ➡️ fin"
CONTROLS = "Caractères\x00 de\x07 contrôle\x1b\u202e"  # XML cannot hold them
NASTY = "\n\n".join(
    [MARKUP, LONG_URL, LONG_WORD, EMOJI, "🏠" * 80, CONTROLS, "Un paragraphe très long. " * 500]
)


def _pdf_text(content: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)


def _docx_xml(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read("word/document.xml").decode("utf-8")


def _flat(text: str) -> str:
    """PDF text without line breaks, invisible break opportunities or space variants."""
    return plain(text.replace("\u200b", ""))


def test_saved_texts_and_their_byline_reach_both_files(data):
    saved = save_fiche_text(CIL, "86041", "orientations", ORIENTATIONS, 0, "séance")
    byline = f"Texte rédigé par Marie Dupont le {saved.created_at:%d/%m/%Y} (version 1)."
    pdf, docx = fiche_files(data, "86041")  # texts read from the store
    text = _flat(_pdf_text(pdf.content))
    assert _flat(ORIENTATIONS) in text
    assert plain(byline) in text
    assert plain(f"Actions complémentaires {NO_TEXT}") in text
    document = Document(io.BytesIO(docx.content))
    paragraphs = [p.text for p in document.paragraphs]
    at = paragraphs.index("Orientations d'attribution")
    assert paragraphs[at : at + 6] == [
        "Orientations d'attribution",
        "Rééquilibrer les attributions des résidences signalées au profit des ménages du "
        "premier quartile.\nPriorité aux mutations internes.",
        "Suivi annuel en CIL.",
        byline,
        "Actions complémentaires",
        NO_TEXT,
    ]
    assert "<w:br/>" in _docx_xml(docx.content)  # the line break is a Word line break


def test_a_fiche_without_texts_says_so_in_both_sections(data):
    fiche = build_fiche(data, "86194Q02")
    assert [(t.title, t.body, t.byline) for t in fiche.texts] == [
        ("Orientations d'attribution", "", ""),
        ("Actions complémentaires", "", ""),
    ]
    images = fiche_images(fiche)
    assert _flat(_pdf_text(fiche_pdf(fiche, images))).count(plain(NO_TEXT)) == 2
    paragraphs = [p.text for p in Document(io.BytesIO(fiche_docx(fiche, images))).paragraphs]
    assert paragraphs.count(NO_TEXT) == 2


def test_a_batch_and_the_command_line_print_the_saved_texts(data, tmp_path):
    save_fiche_text(CIL, "86194Q02", "actions", "Action du quartier", 0, "c")
    save_fiche_text(CIL, "epci", "orientations", "Orientation commune", 0, "c")
    batch = dict(run_batch(data, ["86041", "86194Q02", "epci"], ["docx"], workers=2))
    assert "Action du quartier" in _docx_xml(batch["86194Q02"][0].content)
    assert "Orientation commune" in _docx_xml(batch["epci"][0].content)
    assert "Action du quartier" not in _docx_xml(batch["86041"][0].content)
    assert main(["fiches", "86194Q02", "--formats", "pdf", "--out", str(tmp_path)]) == 0
    assert "Action du quartier" in _pdf_text((tmp_path / "fiche_86194Q02.pdf").read_bytes())


@pytest.fixture(scope="module")
def nasty(data):
    fiche = build_fiche(
        data,
        "86041",
        texts=[FicheText("Orientations d'attribution", NASTY, "Texte rédigé par <X>\x00 *Y*.")],
    )
    images = fiche_images(fiche)
    return fiche, images, fiche_pdf(fiche, images), fiche_docx(fiche, images)


def test_markup_and_long_texts_are_printed_as_typed_in_the_pdf(nasty):
    _, _, pdf, _ = nasty
    text = _flat(_pdf_text(pdf))
    for line in MARKUP.splitlines():
        assert plain(line) in text, line
    assert LONG_URL in text.replace(" ", "") and LONG_WORD in text.replace(" ", "")
    assert plain(EMOJI) in text
    assert "🏠" * 80 in text.replace(" ", "")
    assert "Caractères de contrôle" in text
    assert text.count("paragraphe") == 500  # a sentence may straddle two pages
    assert "Texte rédigé par <X> *Y*." in text
    assert plain(NO_TEXT) in text  # the actions, never written, still said so


def test_nothing_runs_past_the_margins_of_the_pdf(nasty):
    fiche, images, _, _ = nasty
    pages = fiche_pages_png(fiche, images, ppi=30)
    assert len(pages) >= 7  # 500 sentences take pages, and the fiche goes on after them
    strip = round(1.2 / 2.54 * 30)  # the outer 1.2 cm of the 1.7 cm margins stay blank
    for number, png in enumerate(pages, 1):
        pixels = np.asarray(Image.open(io.BytesIO(png)).convert("L"))
        assert pixels[:, :strip].min() == 255, f"page {number}, marge gauche"
        assert pixels[:, -strip:].min() == 255, f"page {number}, marge droite"


def test_the_word_file_holds_the_text_escaped_and_opens(nasty):
    _, _, _, content = nasty
    document = Document(io.BytesIO(content))
    paragraphs = [p.text for p in document.paragraphs]
    at = paragraphs.index("Orientations d'attribution")
    assert paragraphs[at + 1] == MARKUP
    assert paragraphs[at + 2 : at + 7] == [
        LONG_URL,
        LONG_WORD,
        EMOJI,
        "🏠" * 80,
        "Caractères de contrôle",
    ]
    assert paragraphs[at + 8] == "Texte rédigé par <X> *Y*."
    xml = _docx_xml(content)
    assert "&lt;/w:t&gt;&lt;w:p/&gt; &amp;amp; &lt;b&gt;" in xml
    assert "{{ territoire }} {%p for x in y %}" in xml
