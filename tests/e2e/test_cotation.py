"""The cotation page in a real browser: residences drawn by class, a weight change re-colours
them without redrawing the commune outlines, the projector mode, offline."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.e2e.conftest import SCREENS, assert_no_exception, screenshot, wait_for_app

pytestmark = pytest.mark.e2e

MAP_FRAME = "iframe[title='streamlit_folium.st_folium']"
N_RESIDENCES = 541
CLASS_FILLS = {"#2c7bb6", "#abd9e9", "#ffffbf", "#fdae61", "#d7191c", "#bdbdbd"}


def _points(page):
    return page.frame_locator(MAP_FRAME).first.locator("path.leaflet-interactive")


def _wait_for_points(page, timeout: float = 30_000) -> None:
    _points(page).nth(N_RESIDENCES - 1).wait_for(state="attached", timeout=timeout)


def _fills(page) -> list[str]:
    return _points(page).evaluate_all("paths => paths.map(p => p.getAttribute('fill'))")


def _wait_for_recolouring(page, before: list[str]) -> None:
    """Wait until the same residence points are drawn with at least one other colour."""
    page.wait_for_function(
        """([selector, before]) => {
            const frame = document.querySelector(selector);
            const paths = frame.contentDocument.querySelectorAll('path.leaflet-interactive');
            const fills = Array.from(paths, p => p.getAttribute('fill'));
            return fills.length === before.length && fills.some((f, i) => f !== before[i]);
        }""",
        arg=[MAP_FRAME, before],
        timeout=30_000,
    )


def _record_websocket(page) -> list[int]:
    """Sizes of the messages the server sends, as they arrive."""
    sizes: list[int] = []

    def on_socket(socket):
        socket.on("framereceived", lambda payload: sizes.append(len(payload)))

    page.on("websocket", on_socket)
    return sizes


def test_a_weight_change_recolours_the_residences_without_redrawing_the_communes(server_url, page):
    page.goto(f"{server_url}/cotation")  # warm the server's caches
    wait_for_app(page)
    _wait_for_points(page)
    received = _record_websocket(page)
    start = time.perf_counter()
    page.goto(f"{server_url}/cotation")
    wait_for_app(page)
    _wait_for_points(page)
    first_paint_s = time.perf_counter() - start
    assert_no_exception(page)
    assert _points(page).count() == N_RESIDENCES
    before = _fills(page)
    assert set(before) <= CLASS_FILLS and len(set(before)) >= 3

    # Tag a commune outline: if the base map were sent again, the tag would disappear.
    frame = page.frame_locator(MAP_FRAME).first
    outlines = frame.locator("path:not(.leaflet-interactive)")
    n_outlines = outlines.count()
    assert n_outlines >= 40
    outlines.first.evaluate("path => path.setAttribute('data-repere', 'commune')")
    frame.locator("body").evaluate("body => body.setAttribute('data-repere', 'carte')")

    sent_before = len(received)
    slider = page.locator("[data-testid='stSlider']").filter(has_text="Occupation ·").first
    slider.get_by_role("slider").focus()
    change = time.perf_counter()
    page.keyboard.press("End")  # occupation weight 30 → 100
    page.wait_for_function(
        "() => new URLSearchParams(location.search).get('poids') === 'occupation:100'",
        timeout=30_000,
    )
    wait_for_app(page)
    _wait_for_recolouring(page, before)
    update_s = time.perf_counter() - change
    after = _fills(page)
    changed = sum(a != b for a, b in zip(before, after, strict=True))
    assert changed > 0
    # Same map document, same commune outlines: only the residence layer was replaced.
    assert frame.locator("body[data-repere='carte']").count() == 1
    assert frame.locator("path[data-repere='commune']").count() == 1
    assert outlines.count() == n_outlines
    assert page.get_by_text("Poids modifiés pendant la séance").is_visible()
    assert_no_exception(page)
    assert page.external_requests == []
    page.set_viewport_size({"width": 1440, "height": 1500})
    screenshot(page, "cotation")
    rerun_bytes = sum(received[sent_before:])
    print(
        f"first paint {first_paint_s:.2f} s; weight change → new colours in {update_s:.2f} s; "
        f"{changed} residences re-coloured; {rerun_bytes / 1024:.0f} kB received for the rerun"
    )


def test_projector_mode_shows_the_map_and_the_top_changes_in_large_type(server_url, page):
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"{server_url}/cotation?projecteur=1&poids=occupation:60,is_qpv:4")
    wait_for_app(page)
    _wait_for_points(page)
    assert_no_exception(page)
    page.get_by_role("heading", name="Principaux changements").wait_for(timeout=30_000)
    table = page.locator("table.top-changes")
    assert table.locator("tr").count() == 11
    font_size = table.evaluate("t => parseFloat(getComputedStyle(t).fontSize)")
    assert font_size >= 20
    assert page.locator("[data-testid='stTabs']").count() == 0
    assert page.locator("[data-testid='stDataFrame']").count() == 0
    assert page.external_requests == []
    screenshot(page, "cotation-projecteur")


def test_a_shared_link_reopens_the_same_residence(server_url, page):
    page.goto(f"{server_url}/cotation?profil=cadre_de_vie&commune=86041&residence=GP-0040")
    wait_for_app(page)
    _wait_for_points(page)
    page.get_by_role("heading", name="Le Domaine des Bergeronnettes").wait_for(timeout=30_000)
    assert page.get_by_text("Priorité au bâti et au cadre de vie").first.is_visible()
    assert_no_exception(page)


def test_clicking_a_residence_on_the_map_opens_its_card(server_url, page):
    page.goto(f"{server_url}/cotation?commune=86041")
    wait_for_app(page)
    _wait_for_points(page)
    points = _points(page)
    # Wait for the map to settle (no zoom animation) with a residence drawn in view.
    page.wait_for_function(
        """selector => {
            const doc = document.querySelector(selector).contentDocument;
            if (doc.querySelector('.leaflet-zoom-anim')) return false;
            return Array.from(doc.querySelectorAll('path.leaflet-interactive')).some(p => {
                const box = p.getBoundingClientRect();
                return box.width > 4 && box.width < 30 && box.top > 60 && box.left > 60;
            });
        }""",
        arg=MAP_FRAME,
        timeout=30_000,
    )
    index = points.evaluate_all(
        """paths => paths.findIndex(p => {
            const box = p.getBoundingClientRect();
            return box.width > 4 && box.width < 30 && box.top > 60 && box.left > 60;
        })"""
    )
    # The map reports its first view once drawn (one run of its fragment): a click while that
    # run redraws the map can be lost, so the page must be idle, and a lost click is repeated.
    wait_for_app(page)
    has_residence = "() => new URLSearchParams(location.search).has('residence')"
    for attempt in range(3):
        points.nth(index).click(force=True)
        try:
            page.wait_for_function(has_residence, timeout=10_000)
            break
        except PlaywrightTimeoutError:
            if attempt == 2:
                raise
    page.locator("table.key-figures").first.wait_for(timeout=30_000)
    assert_no_exception(page)


def test_switching_to_quintiles_recolours_the_residences_and_keeps_it_in_the_link(server_url, page):
    page.goto(f"{server_url}/cotation")
    wait_for_app(page)
    _wait_for_points(page)
    before = _fills(page)
    # A sidebar tall enough for the open panel: a scroll during the click closes the list.
    page.set_viewport_size({"width": 1440, "height": 2400})
    page.get_by_text("Méthode de calcul").click()
    page.wait_for_timeout(500)  # the expander's animation
    page.get_by_label("Classes", exact=True).click()
    page.get_by_role("option", name="Quintiles").click()
    page.wait_for_function(
        "() => new URLSearchParams(location.search).get('methode') === 'classes:quantiles'",
        timeout=30_000,
    )
    wait_for_app(page)
    _wait_for_recolouring(page, before)
    # Five classes of about a fifth of the parc each (109, then 108 four times).
    after = _fills(page)
    assert sorted(after.count(f) for f in set(after)) == [108, 108, 108, 108, 109]
    assert page.get_by_text("Méthode modifiée pendant la séance").is_visible()
    assert_no_exception(page)
    screenshot(page, "cotation-methode")


def test_the_legend_says_where_the_breaks_fall_and_the_card_how_sure_the_class_is(server_url, page):
    page.set_viewport_size({"width": 1440, "height": 1600})
    page.goto(f"{server_url}/cotation?residence=GP-0001")
    wait_for_app(page)
    _wait_for_points(page)
    page.locator("table.key-figures").first.wait_for(timeout=30_000)
    assert_no_exception(page)
    main = page.locator("[data-testid='stMain']")
    text = main.inner_text()
    # the public cotation (the Occupation pillar as one published value): its own breaks
    assert "Seuils naturels (Jenks–Fisher) des notes du territoire : A dès 74" in text
    assert "A — très attractive (note ≥ 74) : 141" in text
    card = page.locator("table.key-figures").first.inner_text()
    assert "Certitude de la classe" in card and "sûre à 76" in card
    assert "C à D selon les tirages" in card
    # The ranking's columns, at the right of the class.
    grid = page.locator("table.plain-table").filter(has_text="Identifiant").first
    grid.wait_for(timeout=30_000)
    grid.get_by_text("Sûre à").first.wait_for(state="attached", timeout=30_000)
    assert grid.locator("tbody tr").count() == 25  # one page of the ranking
    assert page.locator("[data-testid='stDataFrame']").count() == 0  # no grid to load
    assert page.external_requests == []
    screenshot(page, "cotation-certitude")
    grid.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    grid.screenshot(path=str(SCREENS / "cotation-classement.png"))


def test_switching_off_the_treatment_recolours_and_keeps_it_in_the_link(server_url, page):
    page.goto(f"{server_url}/cotation")
    wait_for_app(page)
    _wait_for_points(page)
    before = _fills(page)
    page.set_viewport_size({"width": 1440, "height": 2400})
    page.get_by_text("Méthode de calcul").click()
    page.wait_for_timeout(500)  # the expander's animation
    page.get_by_label("Valeurs extrêmes", exact=True).click()
    page.get_by_role("option", name="Aucun traitement").click()
    page.wait_for_function(
        "() => new URLSearchParams(location.search).get('methode') === 'extremes:none'",
        timeout=30_000,
    )
    wait_for_app(page)
    _wait_for_recolouring(page, before)
    assert page.get_by_text("Méthode modifiée pendant la séance").is_visible()
    assert page.get_by_text("Certitude des classes pour ces poids").is_visible()
    assert_no_exception(page)


def test_the_sensitivity_switch_is_kept_in_the_link_and_restored_from_it(server_url, browser):
    page = browser.new_page(viewport={"width": 1440, "height": 1600}, locale="fr-FR")
    page.goto(f"{server_url}/cotation?vue=Sensibilit%C3%A9")
    wait_for_app(page)
    page.get_by_text("Calculer la sensibilité").click()
    page.wait_for_function(
        "() => new URLSearchParams(location.search).get('sensibilite') === 'true'",
        timeout=30_000,
    )
    page.get_by_text("Classe stable").first.wait_for(timeout=60_000)
    link = page.url
    page.close()
    # The link opened afresh (another session) shows the draws without a click.
    reopened = browser.new_page(viewport={"width": 1440, "height": 1600}, locale="fr-FR")
    reopened.goto(link)
    wait_for_app(reopened)
    reopened.get_by_text("Classe stable").first.wait_for(timeout=60_000)
    switch = reopened.get_by_role("switch", name="Calculer la sensibilité")
    assert switch.is_checked()
    assert reopened.get_by_text("Activez le calcul").count() == 0
    assert_no_exception(reopened)
    screenshot(reopened, "cotation-sensibilite-lien")
    # Switched off, the link forgets it.
    reopened.get_by_text("Calculer la sensibilité").click()
    reopened.wait_for_function(
        "() => !new URLSearchParams(location.search).has('sensibilite')", timeout=30_000
    )
    reopened.get_by_text("Activez le calcul").first.wait_for(timeout=30_000)
    reopened.close()


TOOLTIP = re.compile(
    r"^<b>[^<]+</b><br>[^<]+<br>Classe : (?:[A-E]|non cotée)"
    r"<br>Note : (?:\d{1,3},\d\u00a0/ 100|—)<br>Rang : (?:\d{1,3}(?:\u202f\d{3})*|—)$"
)


def test_the_compact_layer_gives_every_residence_its_tooltip_in_french(server_url, page):
    page.goto(f"{server_url}/cotation?commune=86041")
    wait_for_app(page)
    _wait_for_points(page)
    tips = (
        page.frame_locator(MAP_FRAME)
        .first.locator("body")
        .evaluate(
            """() => {
            const out = {};
            window.feature_group[0].eachLayer(layer => {
                if (layer.feature) {
                    out[layer.feature.properties.residence_id] = layer.getTooltip().getContent();
                }
            });
            return out;
        }"""
        )
    )
    assert len(tips) == N_RESIDENCES
    assert all(TOOLTIP.match(tip) for tip in tips.values()), [
        tip for tip in tips.values() if not TOOLTIP.match(tip)
    ][:3]
    assert tips["GP-0040"].startswith("<b>Le Domaine des Bergeronnettes</b><br>Buxerolles<br>")
    # open a residence's tooltip as a hover does (a mouse hover misses a point that the zoom
    # animation is still moving on a busy machine) and look at it
    page.frame_locator(MAP_FRAME).first.locator("body").evaluate(
        """() => window.feature_group[0].eachLayer(layer => {
            if (layer.feature && layer.feature.properties.residence_id === 'GP-0040') {
                layer.openTooltip();
            }
        })"""
    )
    tooltip = page.frame_locator(MAP_FRAME).first.locator(".leaflet-tooltip")
    tooltip.wait_for(timeout=30_000)
    assert "Le Domaine des Bergeronnettes" in tooltip.inner_text()
    screenshot(page, "cotation-infobulle")
