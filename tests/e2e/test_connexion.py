"""A newcomer logs in with a demonstration account and logs out, in a real browser."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import (
    DEMO_LOGINS,
    assert_no_exception,
    expand_to_content,
    log_in,
    screenshot,
    wait_for_app,
)

pytestmark = pytest.mark.e2e


def test_log_in_with_a_demo_account_and_log_out(server_url, page):
    page.goto(f"{server_url}/connexion")
    wait_for_app(page)
    main = page.locator("[data-testid='stMain']")
    main.get_by_text("Comptes de démonstration").wait_for(timeout=30_000)
    main.get_by_text("demo-cil-86").wait_for(timeout=30_000)
    screenshot(page, "connexion")
    username, password = DEMO_LOGINS["cil"]
    form = main.locator("[data-testid='stForm']")
    form.get_by_label("Identifiant").fill(username)
    form.get_by_label("Mot de passe").fill(password)
    form.get_by_role("button", name="Se connecter").click()
    page.get_by_role("heading", name="Mon compte").wait_for(timeout=30_000)
    wait_for_app(page)
    assert_no_exception(page)
    sidebar = page.locator("[data-testid='stSidebar']").inner_text()
    assert "Membre de la CIL (démonstration)" in sidebar
    assert "Groupe de travail de la CIL" in sidebar
    assert "Comptes de démonstration" not in main.inner_text()
    expand_to_content(page)
    screenshot(page, "connexion-mon-compte")
    page.locator("[data-testid='stSidebar']").get_by_role("button", name="Se déconnecter").click()
    page.get_by_role("heading", name="Connexion").wait_for(timeout=30_000)
    wait_for_app(page)
    assert "Vous êtes déconnecté" in main.inner_text()
    assert "Vue publique" in page.locator("[data-testid='stSidebar']").inner_text()
    assert page.external_requests == []


def test_a_shared_link_shows_more_once_logged_in(server_url, page):
    page.goto(f"{server_url}/journal?profil_acces=service_habitat")
    wait_for_app(page)
    main = page.locator("[data-testid='stMain']")
    main.get_by_text("Accès refusé").wait_for(timeout=30_000)
    assert "un lien ne donne aucun droit" in main.inner_text()
    log_in(page, "service_habitat")
    main.locator("[data-testid='stDataFrame']").first.wait_for(timeout=30_000)
    assert "Accès refusé" not in main.inner_text()
    assert_no_exception(page)
    expand_to_content(page)
    screenshot(page, "journal")
