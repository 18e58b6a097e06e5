"""The secret statistique in a real browser, as the public: « s » and the rule, never a blank."""

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


def test_a_small_commune_s_profiles_read_s_with_their_rule(server_url, page):
    page.goto(f"{server_url}/parc?echelle=commune&commune=86027&annee=2025")
    wait_for_app(page)
    page.get_by_text("Objectifs d'attribution de la loi").first.wait_for(timeout=30_000)
    page.get_by_text("Voir le tableau").first.click()
    page.get_by_text("Télécharger le tableau (CSV)").first.wait_for(timeout=30_000)
    wait_for_app(page)
    assert_no_exception(page)
    main = page.locator("[data-testid='stMain']").inner_text()
    assert "Profils masqués « s » :" in main
    assert "secret statistique" in main
    grid = page.locator("[data-testid='stDataFrame']").first
    grid.wait_for(timeout=30_000)
    expand_to_content(page)
    screenshot(page, "secret-parc")


def test_the_map_names_the_rule_behind_each_masked_commune(server_url, page):
    page.goto(f"{server_url}/?indicateur=res_below_40_pct&annee=2024&commune=86244")
    wait_for_app(page)
    page.get_by_text("Occupation non diffusée").first.wait_for(timeout=30_000)
    assert_no_exception(page)
    main = page.locator("[data-testid='stMain']").inner_text()
    assert "territoire(s) « s » :" in main and "secret statistique" in main
    expand_to_content(page)
    screenshot(page, "secret-carte")


def test_the_public_cotation_says_which_pillars_are_withheld(server_url, page):
    page.goto(f"{server_url}/cotation?residence=GP-0044")
    wait_for_app(page)
    page.get_by_text("occupation : secret statistique").first.wait_for(timeout=30_000)
    assert_no_exception(page)
    expand_to_content(page)
    screenshot(page, "secret-cotation")
    page.goto(f"{server_url}/residence?residence=GP-0044")
    wait_for_app(page)
    wait_for_charts(page, 2)
    main = page.locator("[data-testid='stMain']").inner_text()
    assert "Occupation : secret statistique" in main
    assert "Occupation non diffusée" in main
    expand_to_content(page)
    screenshot(page, "secret-fiche")
