"""The territory map in a real browser: 40 communes drawn, offline, no exception."""

from __future__ import annotations

import time

import pytest

from tests.e2e.conftest import assert_no_exception, screenshot, wait_for_app, wait_for_charts

pytestmark = pytest.mark.e2e

MAP_FRAME = "iframe[title='streamlit_folium.st_folium']"


def test_territory_map_draws_the_40_communes_offline(server_url, page):
    start = time.perf_counter()
    page.goto(f"{server_url}/")
    wait_for_app(page)
    frame = page.frame_locator(MAP_FRAME).first
    paths = frame.locator("path.leaflet-interactive")
    paths.nth(39).wait_for(state="attached", timeout=30_000)
    first_map_s = time.perf_counter() - start
    # 40 communes + the 12 schematic quartier outlines drawn over them.
    assert paths.count() == 40 + 12
    assert_no_exception(page)
    assert page.get_by_text("Données de démonstration (fictives)").first.is_visible()
    assert page.external_requests == []  # Leaflet and everything else served locally
    screenshot(page, "carte")
    print(f"first map in {first_map_s:.2f} s")


def test_clicking_a_commune_shows_its_key_figures(server_url, page):
    page.goto(f"{server_url}/?indicateur=sru_rate_pct")
    wait_for_app(page)
    frame = page.frame_locator(MAP_FRAME).first
    frame.locator("path.leaflet-interactive").nth(39).wait_for(state="attached", timeout=30_000)
    page.get_by_label("Commune (ou cliquez sur la carte)").click()
    page.get_by_role("option", name="Buxerolles").click()
    wait_for_app(page)
    page.get_by_role("heading", name="Buxerolles").wait_for(timeout=30_000)
    page.wait_for_url(lambda url: "commune=86041" in url, timeout=30_000)
    assert page.get_by_text("Taux SRU").first.is_visible()
    assert_no_exception(page)
    screenshot(page, "carte-commune")


def test_residences_by_class_and_a_commune_profile(server_url, page):
    page.goto(f"{server_url}/?residences=class&commune=86194&indicateur=mean_score")
    wait_for_app(page)
    frame = page.frame_locator(MAP_FRAME).first
    # 40 communes, 12 quartier outlines, the selection outline and one circle per residence.
    frame.locator("path.leaflet-interactive").nth(40 + 12 + 500).wait_for(
        state="attached", timeout=30_000
    )
    wait_for_charts(page, 1)
    assert_no_exception(page)
    screenshot(page, "carte-residences")


def _view(page) -> list:
    frame = next(f for f in page.frames if "streamlit_folium" in (f.url or ""))
    return frame.evaluate("() => [window.map.getZoom(), window.map.getCenter()]")


def test_an_indicator_or_scale_change_keeps_the_zoom_and_centre(server_url, page):
    page.goto(f"{server_url}/")
    wait_for_app(page)
    frame = page.frame_locator(MAP_FRAME).first
    frame.locator("path.leaflet-interactive").nth(39).wait_for(state="attached", timeout=30_000)
    page.wait_for_timeout(1000)
    for _ in range(3):  # zoom in as a person does, with the « + » button
        frame.locator(".leaflet-control-zoom-in").click()
        page.wait_for_timeout(400)
    zoomed = _view(page)
    assert zoomed[0] >= 12
    page.get_by_label("Indicateur", exact=True).click()
    page.get_by_role("option", name="Taux SRU").click()
    page.wait_for_url(lambda url: "indicateur=sru_rate_pct" in url, timeout=30_000)
    wait_for_app(page)
    page.get_by_text("Taux SRU (%)").first.wait_for(timeout=30_000)
    assert _view(page) == zoomed
    page.get_by_label("Échelle", exact=True).click()
    page.get_by_role("option", name="Quartiers de Poitiers").click()
    page.wait_for_url(lambda url: "echelle=quartier" in url, timeout=30_000)
    wait_for_app(page)
    frame.locator("path.leaflet-interactive").nth(11).wait_for(state="attached", timeout=30_000)
    assert _view(page) == zoomed
    assert "annee=" not in page.url  # the quartier indicator has no year
    main = page.locator("[data-testid='stMain']").inner_text()
    assert "L'indicateur « Taux SRU » n'existe pas pour les quartiers de Poitiers" in main
    screenshot(page, "carte-zoom-garde")
