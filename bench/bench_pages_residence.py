"""Fiche résidence and Groupes de pairs: rerun times after a change, first paint in a browser.

- Server side: ``AppTest`` reruns (demo parc, demo bailleur account) after choosing another
  residence (card not yet computed, then already computed), after a simulation, and after
  choosing another peer group. Budget: 300 ms.
- Browser: time from navigation to the card's first chart (resp. the group map's points and the
  scatter) on a warm server, in headless Chromium, as the public (a new address starts a new
  session). Budget: 3 s.
"""

from __future__ import annotations

import statistics
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from streamlit.testing.v1 import AppTest

from bench.timing import fmt_ms, markdown_table, section
from tests.pages.conftest import log_in_as

ROOT = Path(__file__).resolve().parent.parent
ROLE = "bailleur"
OWN_RESIDENCE = "GP-0140"  # a residence of the demo bailleur account
MAP_FRAME = "iframe[title='streamlit_folium.st_folium']"
CHART = "[data-testid='stVegaLiteChart'] :is(svg.marks, canvas)"
BUDGET_RERUN = 0.3
BUDGET_PAINT = 3.0


def _app(page: str, query: dict[str, str]) -> AppTest:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, value in query.items():
        app.query_params[key] = value
    app.run()
    app.switch_page(f"pages/{page}.py")
    _run(app)
    return app


def _run(app: AppTest) -> float:
    """Rerun logged in with the demo bailleur account; return seconds."""
    log_in_as(app, ROLE)
    start = time.perf_counter()
    app.run()
    elapsed = time.perf_counter() - start
    assert not app.exception, [e.value for e in app.exception]
    return elapsed


def _timed(app: AppTest, steps: list[Callable[[AppTest], None]]) -> list[float]:
    times = []
    for step in steps:
        step(app)
        times.append(_run(app))
    return times


def _rerun_times() -> dict[str, list[float]]:
    app = _app("residence", {"residence": "GP-0001"})
    residences = [f"GP-{i:04d}" for i in range(3, 58, 6)]

    def pick(residence: str) -> Callable[[AppTest], None]:
        return lambda a: a.selectbox(key="fiche_residence").select(residence)

    new = _timed(app, [pick(r) for r in residences])
    cached = _timed(app, [pick(r) for r in residences])

    def simulate(quartile: str) -> Callable[[AppTest], None]:
        def step(a: AppTest) -> None:
            a.selectbox(key="entrant_ressources").select(quartile)
            next(b for b in a.button if b.label == "Simuler l'entrée").click()

        return step

    # The simulator is offered to a bailleur on its own residences only (Les Toits du Clain).
    pick(OWN_RESIDENCE)(app)
    _run(app)
    simulations = _timed(app, [simulate(q) for q in "123412341"])
    pairs = _app("pairs", {"groupe": "1"})
    groups = _timed(
        pairs,
        [lambda a, g=g: a.selectbox(key="qp_groupe").select(g) for g in "234123412"],
    )
    return {
        "fiche : autre résidence (fiche calculée)": new,
        "fiche : autre résidence (fiche déjà calculée)": cached,
        "fiche : simulation d'une attribution": simulations,
        "groupes de pairs : autre groupe": groups,
    }


PAGES = (
    ("fiche résidence", "residence?residence=GP-0001"),
    ("groupes de pairs", "pairs?groupe=2"),
)


def _load(context, url: str, label: str, path: str) -> float:
    """Seconds from navigation to the page's charts (and map points) in ``context``."""
    page = context.new_page()
    start = time.perf_counter()
    page.goto(f"{url}/{path}")
    if label == "fiche résidence":
        page.locator(CHART).first.wait_for(state="attached", timeout=60_000)
    else:
        frame = page.frame_locator(MAP_FRAME).first
        frame.locator("path.leaflet-interactive").nth(500).wait_for(
            state="attached", timeout=60_000
        )
        page.locator(CHART).first.wait_for(state="attached", timeout=60_000)
    elapsed = time.perf_counter() - start
    page.close()
    return elapsed


def _first_paint(runs: int = 3) -> dict[str, list[float]]:
    """First paint on a warm server: with an empty browser cache, and on a later visit."""
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import (
        CHROMIUM,
        CHROMIUM_ARGS,
        _free_port,
        _wait_healthy,
        server_command,
    )

    out: dict[str, list[float]] = {}
    port = _free_port()
    server = subprocess.Popen(
        server_command(port), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    viewport = {"width": 1440, "height": 1000}
    try:
        _wait_healthy(url, server)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for label, path in PAGES:  # warm the server's caches
                context = browser.new_context(viewport=viewport)
                _load(context, url, label, path)
                context.close()
            for label, path in PAGES:
                empty = f"{label}, navigateur sans cache"
                later = f"{label}, visite suivante (cache du navigateur)"
                out[empty], out[later] = [], []
                for _ in range(runs):
                    context = browser.new_context(viewport=viewport)
                    out[empty].append(_load(context, url, label, path))
                    context.close()
                context = browser.new_context(viewport=viewport)
                _load(context, url, label, path)
                for _ in range(runs):
                    out[later].append(_load(context, url, label, path))
                context.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    return out


def _held(value: float, budget: float) -> str:
    return "oui" if value < budget else "non"


def run() -> str:
    """Measure both pages and return their Markdown section."""
    rows = []
    for label, times in _rerun_times().items():
        median = statistics.median(times)
        rows.append(
            [label, fmt_ms(median), f"{fmt_ms(min(times))} à {fmt_ms(max(times))}",
             f"{len(times)} reruns", "< 300 ms", _held(median, BUDGET_RERUN)]
        )  # fmt: skip
    for label, times in _first_paint().items():
        median = statistics.median(times)
        rows.append(
            [f"premier affichage, serveur chaud : {label}", fmt_ms(median),
             f"{fmt_ms(min(times))} à {fmt_ms(max(times))}", f"{len(times)} chargements",
             "< 3 s", _held(median, BUDGET_PAINT)]
        )  # fmt: skip
    body = markdown_table(["mesure", "médiane", "étendue", "échantillon", "objectif", "tenu"], rows)
    body += (
        "\n\nReruns : AppTest sur le parc de démonstration, compte bailleur de démonstration ; "
        "« fiche calculée » : "
        "résidences ouvertes pour la première fois (assemblage de la fiche compris), « déjà "
        "calculée » : les mêmes une seconde fois (cache). La simulation est mesurée en rerun "
        "complet ; dans le navigateur, le bouton ne réexécute que le fragment du simulateur. "
        "Premier affichage (vue publique) : de la navigation au premier graphique de la fiche, ou "
        "aux points de "
        "la carte et au nuage des groupes, dans Chromium headless, serveur chaud ; « sans "
        "cache » : nouveau profil de navigateur à chaque chargement, « visite suivante » : même "
        "profil, scripts de Streamlit déjà en cache. Les graphiques sont dessinés par Vega-Lite "
        "(voir aussi « Premier affichage de chaque page »)."
    )
    return section(
        "pages_residence", "Fiche résidence et groupes de pairs : temps de réexécution", body
    )
