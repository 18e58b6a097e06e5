"""The fiche résidence in a real browser: search, charts, simulator, print layout, offline."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import (
    assert_no_exception,
    expand_to_content,
    log_in,
    screenshot,
    wait_for_app,
)

pytestmark = pytest.mark.e2e

PLOT = ".js-plotly-plot"
CARD = "residence?residence=GP-0001"


def test_the_card_draws_its_charts_and_simulates_an_attribution(server_url, page):
    page.goto(f"{server_url}/{CARD}")
    wait_for_app(page)
    log_in(page, "bailleur")
    page.locator(PLOT).nth(4).wait_for(state="attached", timeout=30_000)
    assert_no_exception(page)
    assert page.locator(PLOT).count() == 5
    main = page.locator("[data-testid='stMain']")
    assert "La Cour de la Fontaine" in main.inner_text()
    assert "401e sur 541" in main.inner_text()
    assert "sûre à" in main.inner_text()
    # Each waterfall draws its bars.
    assert page.locator(f"{PLOT} .waterfalllayer .point").count() >= 10
    page.get_by_role("button", name="Simuler l'entrée").click()
    page.get_by_text("passerait de").first.wait_for(timeout=30_000)
    wait_for_app(page)
    assert_no_exception(page)
    page.get_by_text("Indice de fragilité après").wait_for(state="visible", timeout=30_000)
    assert page.external_requests == []
    expand_to_content(page)
    screenshot(page, "residence")


def test_typing_a_search_opens_the_best_match(server_url, page):
    page.goto(f"{server_url}/residence")
    wait_for_app(page)
    log_in(page, "bailleur")
    search = page.get_by_label("Rechercher une résidence")
    search.fill("square lavoir")
    search.press("Enter")
    page.locator(PLOT).nth(4).wait_for(state="attached", timeout=30_000)
    assert_no_exception(page)
    expect(page.locator("[data-testid='stHeading'] h2").first).to_contain_text(
        "Lavoir", timeout=30_000
    )
    page.wait_for_url(lambda url: "residence=GP-" in url, timeout=30_000)


def test_the_print_layout_is_one_column_without_sidebar_nor_inputs(server_url, page):
    page.goto(f"{server_url}/{CARD}")
    wait_for_app(page)
    log_in(page, "bailleur")
    page.get_by_text("Version imprimable").click()
    page.wait_for_url(lambda url: "impression=1" in url, timeout=30_000)
    wait_for_app(page)
    page.locator(PLOT).nth(4).wait_for(state="attached", timeout=30_000)
    assert_no_exception(page)
    assert not page.locator("[data-testid='stSidebar']").is_visible()
    assert page.locator("[data-testid='stTextInput']").count() == 0
    assert page.locator("[data-testid='stForm']").count() == 0
    widths = page.evaluate(
        "() => [...document.querySelectorAll('.js-plotly-plot')]"
        ".map(e => e.getBoundingClientRect().width)"
    )
    assert min(widths) > 0.9 * max(widths)  # one column: every chart spans the page
    page.emulate_media(media="print")
    assert not page.locator("[data-testid='stCheckbox']").first.is_visible()
    page.emulate_media(media="screen")
    assert page.external_requests == []
    expand_to_content(page)
    screenshot(page, "residence-impression")
