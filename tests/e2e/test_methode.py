"""The Méthode et sources page in a real browser: every indicator listed, offline."""

from __future__ import annotations

import time

import pytest

from tests.e2e.conftest import SCREENS, assert_no_exception, screenshot, wait_for_app

pytestmark = pytest.mark.e2e


def test_methode_lists_every_indicator_and_the_rules(server_url, page):
    page.goto(f"{server_url}/methode")  # warm the server's caches
    wait_for_app(page)
    page.get_by_role("heading", name="Secret statistique").wait_for(timeout=30_000)
    start = time.perf_counter()
    page.goto(f"{server_url}/methode")
    wait_for_app(page)
    page.get_by_role("heading", name="Secret statistique").wait_for(timeout=30_000)
    first_paint_s = time.perf_counter() - start
    assert_no_exception(page)
    tables = page.locator("table.method-table")
    assert tables.count() == 5  # four pillars, then the treatment of extreme values
    assert tables.locator("td.label").count() == 21
    assert tables.nth(4).locator("td.indicator").count() == 21
    assert tables.nth(4).get_by_text("winsorisation", exact=True).count() == 1
    # the public reads the treatment fitted on the residences whose Occupation pillar is published
    assert tables.nth(4).get_by_text("logarithme", exact=True).count() == 3
    alerts = page.get_by_text("hors des bornes plausibles du catalogue")
    assert alerts.count() == 6
    assert page.get_by_text(
        "plus c'est élevé, moins la résidence est attractive"
    ).first.is_visible()
    assert page.get_by_text("Données de démonstration (fictives)").first.is_visible()
    assert page.external_requests == []
    page.set_viewport_size({"width": 1440, "height": 2400})
    screenshot(page, "methode")
    # The treatment of extreme values and the warnings on the catalogue's bounds, up close.
    heading = page.get_by_role("heading", name="Valeurs extrêmes et bornes du catalogue")
    heading.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    SCREENS.mkdir(parents=True, exist_ok=True)
    alerts.first.locator("xpath=ancestor::*[@data-testid='stAlert']").screenshot(
        path=str(SCREENS / "methode-alerte-bornes.png")
    )
    tables.nth(4).screenshot(path=str(SCREENS / "methode-valeurs-extremes.png"))
    print(f"first paint {first_paint_s:.2f} s")
