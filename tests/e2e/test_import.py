"""The « Import des données » page in a real browser: the demo service habitat drops the official
sample files into the uploader, reads the report and the map, confirms; the dashboard then runs
on them (a residence of the samples opens on /residence); a named service habitat account lists
the versions and rolls back to the demo data. A long file shows the progress bar while it is
read."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench.bench_import import write_rpls
from geodata import housing
from services.data_state import current_version_dir
from store import Actor, users, write_session
from store.settings import AccountSettings
from tests.e2e.conftest import (
    SCREENS,
    assert_no_exception,
    expand_to_content,
    log_in,
    screenshot,
    streamlit_server,
    wait_for_app,
)

pytestmark = pytest.mark.e2e

SAMPLES = Path(__file__).resolve().parents[1] / "geodata" / "samples"
FILES = [
    "rpls_ancien_cp1252.csv",
    "bpe_86_extrait.csv",
    "gtfs_stops.txt",
    "contours_iris.geojson",
    "qp2024_extrait.geojson",
    "ops_communes_cp1252.txt",
]
HABITAT = ("marie.habitat", "un-secret-assez-long")
DEMO = "Données de démonstration (fictives)"


@pytest.fixture()
def import_server():
    """A server on this test's own data folder and store (set by the autouse fixture), with a
    named service habitat account besides the demo ones."""
    with write_session() as session:
        users.create_user(
            session,
            Actor("admin.test", "Admin", "admin"),
            username=HABITAT[0],
            display_name="Marie Dupont",
            role_code="service_habitat",
            password=HABITAT[1],
            settings=AccountSettings(scrypt_n=2**14),
        )
    data_dir = Path(os.environ["COTATION_DATA_DIR"])
    with streamlit_server(data_dir.parent, {"COTATION_DATA_DIR": str(data_dir)}) as url:
        yield url


def _main(page):
    return page.locator("[data-testid='stMain']")


def _log_in_named(page) -> None:
    sidebar = page.locator("[data-testid='stSidebar']")
    sidebar.locator("[data-testid='stExpander'] summary").filter(has_text="Se connecter").click()
    sidebar.get_by_label("Identifiant").fill(HABITAT[0])
    sidebar.get_by_label("Mot de passe").fill(HABITAT[1])
    sidebar.get_by_role("button", name="Se connecter").click()
    sidebar.get_by_role("button", name="Se déconnecter").wait_for(timeout=30_000)
    wait_for_app(page)


def _drop_and_check(page, paths: list[Path]) -> None:
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(
        [str(p) for p in paths]
    )
    button = page.get_by_role("button", name="Contrôler les fichiers")
    button.wait_for(timeout=60_000)
    wait_for_app(page)
    button.click()


def test_the_service_habitat_imports_the_samples_and_rolls_back(import_server, page):
    page.goto(f"{import_server}/import")
    wait_for_app(page)
    log_in(page, "service_habitat")
    _drop_and_check(page, [SAMPLES / name for name in FILES])
    main = _main(page)
    main.get_by_text("Rapport de contrôle").wait_for(timeout=120_000)
    wait_for_app(page)
    page.locator("iframe").first.wait_for(timeout=30_000)
    assert_no_exception(page)
    text = main.inner_text()
    for name in FILES:
        assert name in text
    assert "Format détecté : CSV (séparateur « ; », encodage Windows-1252)" in text
    assert "résidence (6)" in text and "arrêt de transport en commun (3)" in text
    frame = page.frame_locator("iframe").first
    # a shape in view (outlines outside the fitted view are drawn as hidden empty paths)
    frame.locator(".leaflet-interactive >> visible=true").first.wait_for(timeout=30_000)
    expand_to_content(page)
    screenshot(page, "import-rapport")
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.locator("iframe").first.screenshot(path=str(SCREENS / "import-carte.png"))

    page.get_by_label("Commentaire (gardé au journal)").fill("fichiers d'essai")
    page.get_by_role("button", name="Confirmer l'import").click()
    main.get_by_text("Version n° 1 en service").wait_for(timeout=120_000)
    wait_for_app(page)
    text = main.inner_text()
    assert "les comptes de démonstration sont désactivés" in text and "Accès refusé" in text
    screenshot(page, "import-confirme-session-demo-finie")

    residences = housing.load_residences(current_version_dir())
    residence = residences.set_index("residence_name").loc["12 Rue des Écoles"]
    other = page.context.new_page()
    other.goto(f"{import_server}/residence?residence={residence['residence_id']}")
    wait_for_app(other)
    _main(other).get_by_text("12 Rue des Écoles").first.wait_for(timeout=60_000)
    assert_no_exception(other)
    assert DEMO not in _main(other).inner_text()
    screenshot(other, "import-residence-importee")
    other.close()

    _log_in_named(page)
    page.get_by_role("tab", name="Versions des données").click()
    main.get_by_text("Revenir à une version").wait_for(timeout=30_000)
    text = main.inner_text()
    assert "En service" in text and "N° 1" in text and "Service habitat (démonstration)" in text
    expand_to_content(page)
    screenshot(page, "import-versions")
    page.get_by_label("Motif du retour (obligatoire, gardé au journal)").fill("fichiers d'essai")
    page.get_by_role("button", name="Revenir à cette version").last.click()
    main.get_by_text("Retour aux données de démonstration").wait_for(timeout=60_000)
    wait_for_app(page)
    assert_no_exception(page)
    screenshot(page, "import-retour")
    page.goto(f"{import_server}/")
    wait_for_app(page)
    assert DEMO in _main(page).inner_text()


def test_a_long_file_shows_the_progress_bar(import_server, page, tmp_path):
    path = tmp_path / "rpls_long.csv"
    write_rpls(path, rows=150_000)
    page.goto(f"{import_server}/import")
    wait_for_app(page)
    log_in(page, "service_habitat")
    _drop_and_check(page, [path])
    bar = page.locator("[data-testid='stProgress']")
    bar.wait_for(timeout=60_000)
    page.get_by_text("Lecture de « rpls_long.csv »").first.wait_for(timeout=60_000)
    screenshot(page, "import-progression")
    _main(page).get_by_text("Rapport de contrôle").wait_for(timeout=300_000)
    wait_for_app(page)
    assert bar.count() == 0
    assert_no_exception(page)
