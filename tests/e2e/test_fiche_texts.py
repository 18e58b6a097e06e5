"""Orientations and actions in a real browser: the demo CIL account writes a text and downloads
the fiche that prints it; a second person saving meanwhile gets the conflict, never an
overwrite; the public reads the text without an editor."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from pypdf import PdfReader

from tests.e2e.conftest import (
    assert_no_exception,
    expand_to_content,
    log_in,
    screenshot,
    wait_for_app,
)

pytestmark = pytest.mark.e2e

URL = "/fiches?territoires=86062"
LABEL = "Orientations d'attribution — Chasseneuil-du-Poitou"
TEXT = (
    "Rééquilibrer les attributions des résidences signalées 🏠.\n"
    "Priorité aux mutations internes.\n\n"
    "Suivi annuel en CIL ![suivi](https://evil.example/x.png) <b>fin</b>"
)


def _flat(text: str) -> str:
    """Text with every kind of space as one space, without invisible break opportunities."""
    return re.sub(r"[\s\u00a0\u202f]+", " ", text.replace("\u200b", "")).strip()


def _squash(text: str) -> str:
    """Text without any space: the PDF's line breaks fall anywhere."""
    return re.sub(r"[\s\u00a0\u202f\u200b]+", "", text)


def _open_as(page, server_url: str, role: str):
    page.goto(f"{server_url}{URL}")
    wait_for_app(page)
    log_in(page, role)
    editor = page.get_by_role("textbox", name=LABEL)
    editor.wait_for(timeout=30_000)
    return editor


def _save(page, editor, text: str, comment: str) -> None:
    editor.fill(text)
    form = page.locator("[data-testid='stForm']").filter(has=editor)
    form.get_by_label("Commentaire (obligatoire)").fill(comment)
    form.get_by_role("button", name=re.compile("^Enregistrer la version")).click()
    wait_for_app(page)


def test_the_cil_writes_a_text_and_downloads_the_fiche_that_prints_it(server_url, page):
    editor = _open_as(page, server_url, "cil")
    _save(page, editor, TEXT, "séance du groupe de travail")
    main = page.locator("[data-testid='stMain']")
    main.get_by_text("« Orientations d'attribution » enregistré").wait_for(timeout=30_000)
    byline = re.search(
        r"Texte rédigé par Membre de la CIL \(démonstration\) le \d\d/\d\d/\d{4} \(version 1\)\.",
        main.inner_text(),
    ).group(0)
    assert "Suivi annuel en CIL ![suivi](https://evil.example/x.png) <b>fin</b>" in (
        main.inner_text()
    )
    assert page.external_requests == []  # the text drew no image from another site
    assert_no_exception(page)
    expand_to_content(page)
    screenshot(page, "fiches-textes-cil")
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="Télécharger la fiche (PDF)").click()
    assert info.value.suggested_filename == "fiche_86062.pdf"
    pdf = "\n".join(p.extract_text() for p in PdfReader(info.value.path()).pages)
    assert _squash(TEXT) in _squash(pdf)
    assert _flat(byline) in _flat(pdf)
    assert "Actions complémentaires Aucun texte rédigé pour ce territoire" in _flat(pdf)
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="Télécharger la fiche (DOCX)").click()
    with zipfile.ZipFile(io.BytesIO(open(info.value.path(), "rb").read())) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    assert "Suivi annuel en CIL ![suivi](https://evil.example/x.png) &lt;b&gt;fin&lt;/b&gt;" in xml
    assert byline in xml


def test_a_concurrent_save_is_shown_to_the_second_writer(server_url, browser, page):
    mine = _open_as(page, server_url, "cil")
    context = browser.new_context(viewport={"width": 1440, "height": 1400}, locale="fr-FR")
    try:
        other = context.new_page()
        theirs = _open_as(other, server_url, "service_habitat")
        start = mine.input_value()
        _save(other, theirs, start + "\n\nAjout du service habitat.", "ajout du service")
        other.get_by_text("« Orientations d'attribution » enregistré").wait_for(timeout=30_000)
    finally:
        context.close()
    _save(page, mine, start + "\n\nAjout de la CIL.", "ajout de la CIL")
    main = page.locator("[data-testid='stMain']")
    main.get_by_text("Rien n'a été écrasé").wait_for(timeout=30_000)
    text = main.inner_text()
    assert "mais Service habitat (démonstration) a enregistré la version" in text
    assert "Ajout du service habitat." in text and "Ajout de la CIL." in text
    assert_no_exception(page)
    expand_to_content(page)
    screenshot(page, "fiches-textes-conflit")


def test_the_public_reads_the_texts_without_an_editor(server_url, page):
    page.goto(f"{server_url}{URL}")
    wait_for_app(page)
    main = page.locator("[data-testid='stMain']")
    main.get_by_text("Orientations et actions — Chasseneuil-du-Poitou").wait_for(timeout=30_000)
    assert page.get_by_role("textbox", name=LABEL).count() == 0
    assert "rédigés par le groupe de travail de la CIL" in main.inner_text()
    assert_no_exception(page)
    expand_to_content(page)
    screenshot(page, "fiches-textes-public")
