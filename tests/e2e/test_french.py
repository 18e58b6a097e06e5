"""No English where a person looks, no lost request, in a real browser.

Streamlit's own English strings cannot be translated: each case is caught before it shows (a
metric scale bar, a French « page introuvable », a French empty picker, no English toolbar,
a number input checked in French — see test_residence) and checked here as a person meets it.
"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import assert_no_exception, screenshot, wait_for_app

pytestmark = pytest.mark.e2e

MAP_FRAME = "iframe[title='streamlit_folium.st_folium']"
PAGES = ["", "sru", "parc", "cotation", "residence?residence=GP-0001", "pairs", "methode"]
ENGLISH = ("Page not found", "No results", "outside the allowed range", "Download as CSV")


def _english_seen(page) -> list[str]:
    text = page.locator("body").inner_text()
    return [phrase for phrase in ENGLISH if phrase in text]


@pytest.mark.parametrize("path", ["", "sru", "cotation", "pairs"])
def test_every_map_has_a_metric_scale_only(server_url, page, path):
    page.goto(f"{server_url}/{path}")
    wait_for_app(page)
    frame = page.frame_locator(MAP_FRAME).first
    scale = frame.locator(".leaflet-control-scale-line")
    scale.first.wait_for(timeout=30_000)
    assert scale.count() == 1  # no second bar in miles
    assert scale.first.inner_text().strip().endswith(("km", "m"))


def test_every_page_loads_without_a_lost_request(server_url, page):
    failed = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else 0)
    for path in PAGES:
        page.goto(f"{server_url}/{path}")
        wait_for_app(page)
        assert_no_exception(page)
        assert _english_seen(page) == []
    # Before serve.py, each page asked /<page>/_stcore/health and /<page>/_stcore/host-config.
    assert failed == []


@pytest.mark.parametrize("path", ["carte", "sru/ancienne-adresse"])
def test_an_unknown_address_opens_a_french_page_introuvable(server_url, page, path):
    page.goto(f"{server_url}/{path}")
    wait_for_app(page)
    page.wait_for_url(lambda url: "/introuvable?adresse=" in url, timeout=30_000)
    assert page.locator("h1").first.inner_text() == "Page introuvable"
    main = page.locator("[data-testid='stMain']").inner_text()
    assert f"L'adresse « /{path} » ne correspond à aucune page" in main
    assert page.get_by_role("link", name="Cotation des résidences").first.is_visible()
    assert page.locator("[role='dialog']").count() == 0
    assert _english_seen(page) == []
    screenshot(page, f"introuvable-{path.replace('/', '-')}")


def test_a_picker_without_match_says_aucun_resultat(server_url, page):
    page.goto(f"{server_url}/")
    wait_for_app(page)
    page.get_by_label("Commune (ou cliquez sur la carte)").click()
    page.keyboard.type("zzzz")
    empty = page.locator("[role='listbox'][data-empty] [role='option'] > span")
    empty.wait_for(state="attached", timeout=30_000)
    shown = empty.evaluate("e => getComputedStyle(e, '::after').content")
    assert shown == '"Aucun résultat"'
    assert empty.evaluate("e => getComputedStyle(e).visibility") == "hidden"
    screenshot(page, "liste-sans-resultat")


def test_tables_show_no_english_toolbar_nor_column_menu(server_url, page):
    page.goto(f"{server_url}/?commune=86041")
    wait_for_app(page)
    table = page.locator("[data-testid='stDataFrame']").first
    table.wait_for(timeout=30_000)
    table.hover()
    page.wait_for_timeout(500)
    toolbars = page.locator("[data-testid='stElementToolbar']")
    assert all(not toolbars.nth(i).is_visible() for i in range(toolbars.count()))
    box = table.bounding_box()
    page.mouse.move(box["x"] + 100, box["y"] + 17)
    page.mouse.click(box["x"] + 277, box["y"] + 17)  # where the column menu button is drawn
    page.wait_for_timeout(500)
    menus = page.locator("[data-testid='stDataFrameColumnMenu']")
    assert all(not menus.nth(i).is_visible() for i in range(menus.count()))
    assert "Sort ascending" not in page.locator("body").inner_text()


def test_a_clicked_commune_has_no_focus_box(server_url, page):
    page.goto(f"{server_url}/")
    wait_for_app(page)
    frame = page.frame_locator(MAP_FRAME).first
    paths = frame.locator("path.leaflet-interactive")
    paths.nth(39).wait_for(state="attached", timeout=30_000)
    paths.nth(20).click(force=True)
    page.wait_for_url(lambda url: "commune=" in url, timeout=30_000)
    wait_for_app(page)
    focused = frame.locator("path.leaflet-interactive").first
    styles = focused.evaluate(
        """p => {
            p.focus();
            return [document.activeElement === p, getComputedStyle(p).outlineStyle];
        }"""
    )
    assert styles == [True, "none"]  # the browser would draw a black box around it
    screenshot(page, "carte-commune-cliquee")
