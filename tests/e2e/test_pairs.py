"""The peer groups page in a real browser: map of the groups, scatter, members, offline."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tests.e2e.conftest import (
    assert_no_exception,
    expand_to_content,
    log_in,
    screenshot,
    wait_for_app,
    wait_for_charts,
)

pytestmark = pytest.mark.e2e

MAP_FRAME = "iframe[title='streamlit_folium.st_folium']"


def test_the_groups_are_drawn_on_the_map_and_in_the_scatter(server_url, page):
    page.goto(f"{server_url}/pairs?groupe=2")
    wait_for_app(page)
    log_in(page, "bailleur")
    points = page.frame_locator(MAP_FRAME).first.locator("path.leaflet-interactive")
    points.nth(500).wait_for(state="attached", timeout=30_000)
    wait_for_charts(page, 1)
    assert_no_exception(page)
    assert points.count() == 541  # one marker per residence, outlines are not interactive
    main = page.locator("[data-testid='stMain']").inner_text()
    assert "Groupe 2 · Grands ensembles" in main
    assert "Silhouette moyenne" in main
    assert page.external_requests == []
    expand_to_content(page)
    screenshot(page, "pairs")
    # The members' table is built when its tab is opened.
    assert page.locator("[data-testid='stDataFrame']").count() == 0
    page.get_by_role("tab", name="Résidences du groupe").click()
    page.locator("[data-testid='stDataFrame'] canvas").first.wait_for(timeout=30_000)
    assert page.locator("[data-testid='stVegaLiteChart']").count() == 0
    assert_no_exception(page)
    screenshot(page, "pairs-membres")


def test_the_public_profile_sees_one_disc_per_group(server_url, page):
    page.goto(f"{server_url}/pairs")
    wait_for_app(page)
    wait_for_charts(page, 1)
    assert_no_exception(page)
    page.wait_for_url(lambda url: "groupe=1" in url, timeout=30_000)


def test_a_click_on_a_residence_selects_its_group(server_url, page):
    page.goto(f"{server_url}/pairs?groupe=2")
    wait_for_app(page)
    points = page.frame_locator(MAP_FRAME).first.locator("path.leaflet-interactive")
    points.nth(500).wait_for(state="attached", timeout=30_000)
    for _ in range(3):  # the map component may still be binding its events: click again
        page.wait_for_timeout(1000)
        points.first.click(force=True)  # drawn first: a residence of another group
        try:
            page.wait_for_url(lambda url: "groupe=2" not in url, timeout=30_000)
            break
        except PlaywrightTimeout:
            continue
    assert "groupe=2" not in page.url
    number = page.url.split("groupe=")[1].split("&")[0]
    # The URL changes before the rerun that draws the new group: wait for the heading to follow.
    heading = page.locator("[data-testid='stHeading'] h3").first
    expect(heading).to_have_text(re.compile(rf"^Groupe {number} · "), timeout=30_000)
    wait_for_app(page)
    assert_no_exception(page)
