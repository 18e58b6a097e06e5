"""The SRU page in a real browser: key figures, map of the communes, charts, offline."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import (
    assert_no_exception,
    expand_to_content,
    screenshot,
    wait_for_app,
    wait_for_charts,
)

pytestmark = pytest.mark.e2e

MAP_FRAME = "iframe[title='streamlit_folium.st_folium']"


def test_sru_page_shows_the_cms_figures_the_map_and_the_charts(server_url, page):
    page.goto(f"{server_url}/sru")
    wait_for_app(page)
    page.get_by_text("Toutes les tables (Excel)").wait_for(timeout=30_000)
    frame = page.frame_locator(MAP_FRAME).first
    paths = frame.locator("path.leaflet-interactive")
    paths.nth(39).wait_for(state="attached", timeout=30_000)
    assert paths.count() == 40
    wait_for_charts(page, 1)  # the rates; the other charts are in their tabs
    assert page.locator(".plain-table tr").count() == 14  # header, 12 communes, total
    assert_no_exception(page)
    metrics = page.locator("[data-testid='stMetric']")
    assert "471" in metrics.nth(0).inner_text()
    assert "542" in metrics.nth(1).inner_text()
    assert "+15" in metrics.nth(2).inner_text()
    assert page.get_by_text("Données de démonstration (fictives)").first.is_visible()
    assert page.external_requests == []
    expand_to_content(page)
    screenshot(page, "sru")
    page.get_by_role("tab", name="Avancement du CMS").click()
    wait_for_charts(page, 2)
    assert page.get_by_text("Avancement du CMS 2023–2025 par commune").is_visible()
    assert_no_exception(page)
    screenshot(page, "sru-avancement-cms")


def test_a_shared_link_opens_the_trajectory_of_a_commune(server_url, page):
    """A link keeps the tab (``vue``) and the commune; opened, it shows the same view."""
    page.goto(f"{server_url}/sru?commune=86297&annee=2025&vue=Trajectoire+d%27une+commune")
    wait_for_app(page)
    page.get_by_text("Toutes les tables (Excel)").wait_for(timeout=30_000)
    wait_for_charts(page, 4)
    assert page.get_by_text("Vouneuil-sous-Biard : trajectoire vers le taux cible").count() >= 1
    assert page.get_by_text("Situation des communes au 1er janvier 2025").is_visible()
    assert_no_exception(page)
    assert page.external_requests == []
