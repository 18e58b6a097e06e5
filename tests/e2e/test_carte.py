"""The territory map in a real browser: 40 communes drawn, offline, no exception."""

from __future__ import annotations

import time

import pytest

from tests.e2e.conftest import assert_no_exception, screenshot, wait_for_app

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
    page.locator(".js-plotly-plot").first.wait_for(timeout=30_000)
    assert_no_exception(page)
    screenshot(page, "carte-residences")
