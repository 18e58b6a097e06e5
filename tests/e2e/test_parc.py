"""The stock dashboard in a real browser: key figures, charts of every tab, offline."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import (
    assert_no_exception,
    expand_to_content,
    log_in,
    screenshot,
    wait_for_app,
    wait_for_charts,
)

pytestmark = pytest.mark.e2e


def open_tab(page, label: str, charts: int, text: str) -> None:
    """Click a tab and wait for its charts and for a text of its last section."""
    page.get_by_role("tab", name=label).click()
    page.get_by_text(text).first.wait_for(timeout=30_000)
    wait_for_app(page)
    wait_for_charts(page, charts)


def test_parc_dashboard_shows_who_comes_in_leaves_stays_empty_and_asks(server_url, page):
    page.goto(f"{server_url}/parc")
    wait_for_app(page)
    page.get_by_text("Objectifs d'attribution de la loi").first.wait_for(timeout=30_000)
    wait_for_charts(page, 4)
    assert_no_exception(page)
    text = page.locator("[data-testid='stMain']").inner_text()
    for label in ("Entrants en", "Sortants en", "Vacance au 1er janvier", "Demandes actives"):
        assert label in text
    assert page.get_by_text("Données de démonstration (fictives)").first.is_visible()
    expand_to_content(page)
    screenshot(page, "parc")
    for label, charts, text, name in (
        ("Vacance et rotation", 2, "Départs de l'année rapportés", "parc-vacance"),
        ("Offre et demande", 4, "Demande par commune demandée en premier", "parc-offre"),
    ):
        page.set_viewport_size({"width": 1440, "height": 1000})
        open_tab(page, label, charts, text)
        assert_no_exception(page)
        expand_to_content(page)
        screenshot(page, name)
    assert page.external_requests == []


def test_a_quartier_link_opens_the_intake_comparison_for_the_service_habitat(server_url, page):
    page.goto(f"{server_url}/parc?echelle=quartier&quartier=86194Q02")
    wait_for_app(page)
    log_in(page, "service_habitat")
    open_tab(page, "Accueil et occupation", 2, "Résidences où l'accueil renforce")
    assert_no_exception(page)
    page.get_by_text("Quartier de Poitiers : Les Couronneries").first.wait_for(timeout=30_000)
    fragile = page.get_by_text("Résidences où l'accueil renforce une occupation déjà fragile")
    fragile.first.wait_for(timeout=30_000)
    page.get_by_text("Télécharger le tableau (CSV)").first.wait_for(timeout=30_000)
    assert page.external_requests == []
    expand_to_content(page)
    screenshot(page, "parc-accueil")
