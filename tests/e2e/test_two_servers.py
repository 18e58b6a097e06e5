"""Two ``streamlit run`` servers on one PostgreSQL store and one data folder, as behind a
reverse proxy: a profile saved on one is listed on the other, and a data import refreshes the
caches of both."""

from __future__ import annotations

import os
import subprocess
import sys
from contextlib import ExitStack

import pandas as pd
import pytest

from geodata import housing
from tests.e2e.conftest import ROOT, log_in, screenshot, streamlit_server, wait_for_app

pytestmark = pytest.mark.e2e
DEMO = "Données de démonstration (fictives)"


@pytest.fixture()
def two_servers(postgres_server, tmp_path):
    shared = {
        "COTATION_DATABASE_URL": postgres_server.new_database(),
        "COTATION_DATA_DIR": str(tmp_path / "data"),
    }
    with ExitStack() as stack:
        urls = [
            stack.enter_context(streamlit_server(tmp_path, shared, log_name=f"serveur-{i}"))
            for i in (1, 2)
        ]
        yield urls, shared


def _main_text(page) -> str:
    return page.locator("[data-testid='stMain']").inner_text()


def test_two_servers_share_profiles_and_data(two_servers, browser, tmp_path):
    (first, second), shared = two_servers
    context = browser.new_context(viewport={"width": 1440, "height": 1400}, locale="fr-FR")
    page_a, page_b = context.new_page(), context.new_page()

    page_a.goto(f"{first}/cotation")
    wait_for_app(page_a)
    log_in(page_a, "cil")
    sidebar = page_a.locator("[data-testid='stSidebar']")
    sidebar.locator("[data-testid='stExpander'] summary").filter(
        has_text="Enregistrer ces poids"
    ).click()
    sidebar.get_by_role("textbox", name="Nom (nouveau profil)").fill("partage-2025")
    sidebar.get_by_label("Libellé").fill("Partagé entre serveurs")
    sidebar.get_by_label("Commentaire (obligatoire)").fill("Groupe de travail du 3 juin")
    sidebar.get_by_text("Proposer à la CIL").click()
    sidebar.get_by_role("button", name="Enregistrer").click()
    sidebar.get_by_text("Profil « Partagé entre serveurs » enregistré").wait_for(timeout=30_000)

    page_b.goto(f"{second}/cotation")
    wait_for_app(page_b)
    page_b.locator("[data-testid='stSidebar']").get_by_role(
        "combobox", name="Profil de pondération"
    ).click()
    page_b.get_by_role("option", name="Partagé entre serveurs (proposé)").wait_for(timeout=30_000)
    screenshot(page_b, "deux-serveurs-profil")
    page_b.keyboard.press("Escape")
    assert DEMO in _main_text(page_b)

    residences = housing.load_table("residences")
    frame = pd.DataFrame(residences.drop(columns="geometry"))
    frame["longitude"], frame["latitude"] = residences.geometry.x, residences.geometry.y
    frame.to_csv(tmp_path / "residences.csv", index=False)
    result = subprocess.run(
        [sys.executable, "-m", "services.data_import", f"residences={tmp_path / 'residences.csv'}"],
        cwd=ROOT,
        env=dict(os.environ) | shared,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "en service (version" in result.stdout

    for page, url in ((page_a, first), (page_b, second)):
        page.goto(f"{url}/cotation")
        wait_for_app(page)
        page.get_by_role("heading", name="Cotation des résidences").wait_for(timeout=30_000)
        assert DEMO not in _main_text(page), url
        assert DEMO not in page.locator("[data-testid='stSidebar']").inner_text(), url
    screenshot(page_a, "deux-serveurs-donnees")
    context.close()
