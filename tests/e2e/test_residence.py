"""The fiche résidence in a real browser: search, charts, simulator, print layout, offline."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import (
    CHART,
    assert_no_exception,
    expand_to_content,
    log_in,
    screenshot,
    wait_for_app,
    wait_for_charts,
)

pytestmark = pytest.mark.e2e

CARD = "residence?residence=GP-0001"


def test_the_card_draws_its_charts_and_simulates_an_attribution(server_url, page):
    page.goto(f"{server_url}/{CARD}")
    wait_for_app(page)
    log_in(page, "bailleur")
    wait_for_charts(page, 5)
    assert_no_exception(page)
    assert page.locator(CHART).count() == 5
    main = page.locator("[data-testid='stMain']")
    assert "La Cour de la Fontaine" in main.inner_text()
    # its own residence, scored on the bounds of the published residences, among public scores
    assert "394e sur 541" in main.inner_text()
    assert "sûre à" in main.inner_text()
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
    log_in(page, "service_habitat")  # every chart of any residence
    search = page.get_by_label("Rechercher une résidence")
    search.fill("square lavoir")
    search.press("Enter")
    wait_for_charts(page, 5)
    assert_no_exception(page)
    expect(page.locator("[data-testid='stHeading'] h2").first).to_contain_text(
        "Lavoir", timeout=30_000
    )
    page.wait_for_url(lambda url: "residence=GP-" in url, timeout=30_000)


def test_the_print_layout_is_one_column_without_sidebar_nor_inputs(server_url, page):
    page.goto(f"{server_url}/{CARD}")
    wait_for_app(page)
    log_in(page, "bailleur")
    page.get_by_text("Version imprimable", exact=True).click()
    page.wait_for_url(lambda url: "impression=1" in url, timeout=30_000)
    wait_for_app(page)
    wait_for_charts(page, 5)
    assert_no_exception(page)
    assert not page.locator("[data-testid='stSidebar']").is_visible()
    assert page.locator("[data-testid='stTextInput']").count() == 0
    assert page.locator("[data-testid='stForm']").count() == 0
    widths = page.evaluate(
        f'() => [...document.querySelectorAll("{CHART}")].map(e => e.getBoundingClientRect().width)'
    )
    assert min(widths) > 0.9 * max(widths)  # one column: every chart spans the page
    page.emulate_media(media="print")
    assert not page.locator("[data-testid='stCheckbox']").first.is_visible()
    page.emulate_media(media="screen")
    assert page.external_requests == []
    expand_to_content(page)
    screenshot(page, "residence-impression")


def test_resources_out_of_range_clear_the_result_and_say_why_in_french(server_url, page):
    page.goto(f"{server_url}/{CARD}")
    wait_for_app(page)
    log_in(page, "bailleur")
    wait_for_charts(page, 5)
    simulate = page.get_by_role("button", name="Simuler l'entrée")
    simulate.click()
    after = page.get_by_text("Indice de fragilité après")
    after.wait_for(state="visible", timeout=30_000)
    form = page.locator("[data-testid='stForm']")
    form.get_by_label("Ressources", exact=True).first.click()
    page.get_by_role("option", name="Saisir en % des plafonds PLUS").click()
    amount = form.get_by_role(
        "spinbutton", name="Ressources en % des plafonds PLUS (si « Saisir en % » ci-dessus)"
    )
    amount.first.fill("9999")
    simulate.click()
    error = page.locator("[data-testid='stAlert']").filter(has_text="Simulation impossible")
    error.wait_for(timeout=30_000)
    wait_for_app(page)
    assert "9\u202f999 reçu, attendu un nombre de 0 à 400" in error.inner_text()
    assert after.count() == 0  # the previous result is gone
    assert "outside the allowed range" not in page.locator("body").inner_text()
    screenshot(page, "simulateur-valeur-refusee")
