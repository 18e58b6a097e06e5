"""The Méthode et sources page in a real browser: every indicator listed, offline."""

from __future__ import annotations

import time

import pytest

from tests.e2e.conftest import assert_no_exception, screenshot, wait_for_app

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
    assert tables.count() == 4
    assert tables.locator("td.label").count() == 21
    assert page.get_by_text(
        "plus c'est élevé, moins la résidence est attractive"
    ).first.is_visible()
    assert page.get_by_text("Données de démonstration (fictives)").first.is_visible()
    assert page.external_requests == []
    page.set_viewport_size({"width": 1440, "height": 2400})
    screenshot(page, "methode")
    print(f"first paint {first_paint_s:.2f} s")
