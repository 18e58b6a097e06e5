"""First paint of every page, as a person opening a link sees it, in headless Chromium.

A warm server (every page opened once before), a new browser profile for each load (empty cache:
the first visit of a person who received a link, not logged in), a 1600 × 1000 window. The first
paint of a page is the time from the navigation to the moment its first screen is complete and
stays so:

- Streamlit is connected and the script is not running;
- the page title is drawn, no skeleton or spinner is left in the window;
- every chart in the window is drawn (Plotly's SVG, Vega-Lite's canvas or SVG), every map in the
  window has drawn its outlines (Leaflet paths in the component's frame), every table in the
  window has drawn its grid;
- all of that holds for 500 ms (a rerun asked by the script does not count as painted).

The time is read in the page (``performance.now()``, zero at the navigation), so the browser's
own start-up is not counted. Goal: 2 s for every page. Beside it, two measures that the load
of the machine does not change: the JavaScript the browser loaded for the first screen, and the
bytes the server sent for the page's first run (websocket, ``bench/load_client.py``).
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
from pathlib import Path

from bench.timing import fmt_ms, markdown_table, section

GOAL_SECONDS = 2.0
VIEWPORT = {"width": 1600, "height": 1000}
PAGES = (
    ("Carte du territoire", ""),
    ("SRU et mixité sociale", "sru"),
    ("Parc social", "parc"),
    ("Cotation des résidences", "cotation"),
    ("Fiche résidence", "residence?residence=GP-0001"),
    ("Groupes de pairs", "pairs?groupe=2"),
    ("Méthode et sources", "methode"),
)

# Resolves with performance.now() at the first moment the first screen was complete, once it
# has stayed complete for `hold` ms.
PAINTED_JS = """
async (hold) => {
  const inView = (el) => {
    const r = el.getBoundingClientRect();
    return r.bottom > 0 && r.top < window.innerHeight && r.width > 0;
  };
  const drawn = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app || app.getAttribute('data-test-connection-state') !== 'CONNECTED') return false;
    if (app.getAttribute('data-test-script-state') === 'running') return false;
    if (!document.querySelector('h1')) return false;
    const busy = '[data-testid="stSkeleton"], [data-testid="stSpinner"]';
    if ([...document.querySelectorAll(busy)].some(inView)) return false;
    for (const el of document.querySelectorAll('[data-testid="stPlotlyChart"]')) {
      if (inView(el) && !el.querySelector('.main-svg')) return false;
    }
    for (const el of document.querySelectorAll('[data-testid="stVegaLiteChart"]')) {
      if (inView(el) && !el.querySelector('canvas, svg.marks')) return false;
    }
    for (const el of document.querySelectorAll('[data-testid="stDataFrame"]')) {
      if (inView(el) && !el.querySelector('canvas')) return false;
    }
    for (const frame of document.querySelectorAll('iframe')) {
      if (!inView(frame) || !(frame.title || '').includes('folium')) continue;
      const doc = frame.contentDocument;
      if (!doc || !doc.querySelector('.leaflet-container path, .leaflet-container img')) {
        return false;
      }
    }
    return true;
  };
  let since = null;
  return await new Promise((resolve) => {
    const tick = () => {
      const now = performance.now();
      if (drawn()) {
        if (since === null) since = now;
        if (now - since >= hold) return resolve(since);
      } else {
        since = null;
      }
      setTimeout(tick, 20);
    };
    tick();
  });
}
"""


SCRIPT_BYTES_JS = """() => performance.getEntriesByType('resource')
  .filter(e => e.name.split('?')[0].endsWith('.js'))
  .reduce((total, e) => total + (e.decodedBodySize || 0), 0)"""


def first_paint(browser, url: str, hold_ms: int = 500, scripts: list | None = None) -> float:
    """Seconds from the navigation to ``url`` to its complete first screen, in a new profile.

    When ``scripts`` is given, the bytes of JavaScript loaded by then are appended to it.
    """
    context = browser.new_context(viewport=VIEWPORT, locale="fr-FR")
    page = context.new_page()
    try:
        page.goto(url, wait_until="commit")
        page.wait_for_selector("[data-testid='stApp']", timeout=60_000)
        seconds = page.evaluate(PAINTED_JS, hold_ms) / 1000.0
        if scripts is not None:
            scripts.append(page.evaluate(SCRIPT_BYTES_JS))
        return seconds
    finally:
        context.close()


def server_bytes(base_url: str) -> dict[str, int]:
    """Bytes the server sends for the first run of each page of :data:`PAGES` (new session)."""
    from bench.load_client import Link, Session

    async def one(path: str) -> int:
        page, _, query = path.partition("?")
        async with Session(base_url) as session:
            return (await session.open(Link(page, query))).received_bytes

    async def main() -> dict[str, int]:
        return {label: await one(path) for label, path in PAGES}

    return asyncio.run(main())


def measure(base_url: str, runs: int = 5) -> tuple[dict[str, list[float]], dict[str, int]]:
    """First paints of every page of :data:`PAGES` on the server at ``base_url``, and the bytes
    of JavaScript each page loaded."""
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

    times: dict[str, list[float]] = {}
    scripts: dict[str, int] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for _, path in PAGES:  # warm the server: imports, caches, the first-visit switch
            first_paint(browser, f"{base_url}/{path}")
        for label, path in PAGES:
            loaded: list[int] = []
            times[label] = [
                first_paint(browser, f"{base_url}/{path}", scripts=loaded) for _ in range(runs)
            ]
            scripts[label] = max(loaded)
        browser.close()
    return times, scripts


def run() -> str:
    """Start a server on the demo data, measure every page; return the Markdown section."""
    from tests.e2e.conftest import streamlit_server

    with tempfile.TemporaryDirectory() as tmp, streamlit_server(Path(tmp)) as url:
        times, scripts = measure(url)
        sent = server_bytes(url)
    rows = []
    for label, path in PAGES:
        values = times[label]
        median = statistics.median(values)
        rows.append(
            [
                label,
                f"`/{path}`",
                fmt_ms(median),
                f"{fmt_ms(min(values))} à {fmt_ms(max(values))}",
                "oui" if median <= GOAL_SECONDS else "non",
                f"{scripts[label] / 1024:.0f} kio",
                f"{sent[label] / 1024:.0f} kio",
            ]
        )
    header = ["page", "adresse", "médiane", "étendue", "≤ 2 s", "JavaScript", "envoyé"]
    body = (
        "Chromium headless, fenêtre 1600 × 1000, serveur chaud, nouveau profil de navigateur à "
        "chaque chargement (premier passage d'une personne qui ouvre un lien) ; médiane de 5 "
        "chargements. Premier affichage : de la navigation au premier écran complet (titre, "
        "graphiques, cartes et tableaux visibles dessinés, script terminé) resté tel 500 ms. "
        "JavaScript : scripts chargés par le navigateur (décompressés) ; envoyé : messages du "
        "serveur pour la première exécution de la page.\n\n" + markdown_table(header, rows)
    )
    return section("first_paint", "Premier affichage de chaque page", body)
