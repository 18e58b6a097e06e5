"""Exports in a real browser: a map snapshot and a fiche downloaded from the dashboard."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader

from tests.e2e.conftest import SCREENS, assert_no_exception, screenshot, wait_for_app

pytestmark = pytest.mark.e2e

MAP_FRAME = "iframe[title='streamlit_folium.st_folium']"


def test_download_a_snapshot_of_the_map_view(server_url, page):
    page.goto(f"{server_url}/?indicateur=sru_rate_pct")
    wait_for_app(page)
    frame = page.frame_locator(MAP_FRAME).first
    frame.locator("path.leaflet-interactive").nth(39).wait_for(state="attached", timeout=30_000)
    wait_for_app(page)
    page.get_by_role("button", name="Télécharger la carte").first.click()
    page.get_by_text("PNG 300 dpi (impression)").first.wait_for(timeout=30_000)
    screenshot(page, "carte-telecharger")
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="Télécharger (PNG)").first.click()
    download = info.value
    assert download.suggested_filename == "carte_commune_sru_rate_pct_2025.png"
    image = Image.open(download.path())
    assert image.size == (1285, 909)
    assert np.asarray(image.convert("L"), dtype=float).std() > 20
    SCREENS.mkdir(parents=True, exist_ok=True)
    image.save(SCREENS / "carte-telechargee.png")
    assert_no_exception(page)


def test_download_a_fiche_and_a_zip(server_url, page):
    page.goto(f"{server_url}/fiches?territoires=86194Q02")
    wait_for_app(page)
    page.get_by_role("heading", name="Commune : Buxerolles").or_(
        page.get_by_role("heading", name="Quartier : Les Couronneries (86194Q02)")
    ).first.wait_for(timeout=30_000)
    screenshot(page, "fiches")
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="Télécharger la fiche (PDF)").click()
    download = info.value
    assert download.suggested_filename == "fiche_86194Q02.pdf"
    pdf = PdfReader(download.path())
    assert "Les Couronneries" in pdf.pages[0].extract_text()
    page.goto(f"{server_url}/fiches?territoires=86041,86024")
    wait_for_app(page)
    page.get_by_role("button", name="Préparer le ZIP (2 fiches, 4 fichiers)").click()
    button = page.get_by_role("button", name="Télécharger le ZIP")
    button.wait_for(timeout=60_000)
    with page.expect_download(timeout=60_000) as info:
        button.click()
    with zipfile.ZipFile(io.BytesIO(open(info.value.path(), "rb").read())) as archive:
        assert archive.namelist() == [
            "fiche_86024.docx",
            "fiche_86024.pdf",
            "fiche_86041.docx",
            "fiche_86041.pdf",
        ]
    screenshot(page, "fiches-zip")
    assert_no_exception(page)
