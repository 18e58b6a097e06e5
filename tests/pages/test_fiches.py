"""The Fiches territoriales page and the map download controls, run headless with AppTest."""

from __future__ import annotations

import pytest

from tests.pages.conftest import open_page


def _downloads(app) -> list[str]:
    return [b.label for b in app.get("download_button")]


def test_one_territory_offers_one_button_per_format():
    app = open_page("fiches")
    assert app.title[0].value == "Fiches territoriales"
    assert app.main.subheader[0].value == "Commune : Buxerolles (86041)"
    assert _downloads(app) == ["Télécharger la fiche (PDF)", "Télécharger la fiche (DOCX)"]
    assert any("règles de diffusion publique" in c.value for c in app.caption)


def test_the_chosen_territories_and_reference_live_in_the_url():
    app = open_page("fiches")
    app.multiselect(key="fiches_territoires").set_value(["86041", "86194Q02"]).run()
    app.selectbox(key="fiches_reference").select("86194").run()
    assert app.query_params["territoires"] == "86041,86194Q02"
    assert app.query_params["reference"] == "86194"
    # the page's own buttons (the sidebar holds the login form's)
    assert [b.label for b in app.main.button] == ["Préparer le ZIP (2 fiches, 4 fichiers)"]


def test_a_shared_link_reopens_the_choice():
    app = open_page("fiches", query={"territoires": "86194Q02,epci", "reference": "86041"})
    assert app.multiselect(key="fiches_territoires").value == ["86194Q02", "epci"]
    assert app.selectbox(key="fiches_reference").value == "86041"


def test_preparing_the_zip_offers_it():
    app = open_page("fiches", query={"territoires": "86024,86041"})
    app.pills(key="fiches_formats").set_value(["pdf"]).run()
    app.button[0].click().run()
    assert not app.exception
    assert "Télécharger le ZIP" in _downloads(app)


@pytest.mark.parametrize(
    ("page", "query"),
    [
        pytest.param(None, {}, id="carte"),
        pytest.param("sru", {}, id="sru"),
        pytest.param("cotation", {}, id="cotation"),
        pytest.param("pairs", {}, id="pairs"),
    ],
)
def test_every_map_has_its_download_control(page, query):
    app = open_page(page, query)
    assert "Télécharger (PNG)" in _downloads(app)
    formats = next(r for r in app.radio if r.label == "Format")
    assert formats.options == [
        "PNG écran",
        "PNG 300 dpi (impression)",
        "SVG (vectoriel)",
        "PDF (vectoriel)",
    ]


def test_the_residence_card_offers_its_pdf():
    app = open_page("residence", {"residence": "GP-0001"})
    assert "Version imprimable (PDF A4)" in _downloads(app)
