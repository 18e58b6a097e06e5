"""Territory map page: rerun time after a picker change, map payload, first map in the browser.

- Server side: ``AppTest`` reruns of the page after the indicator picker changes (median).
- Payload: size of the map that ``st_folium`` sends (Leaflet script of the whole map), per level
  and with the residence layer.
- Browser: time from navigation to the 40 commune paths drawn, on a freshly started server
  (cold: imports, data loading, caches) and on a warm one, in headless Chromium.
"""

from __future__ import annotations

import statistics
import subprocess
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from bench.timing import fmt_ms, markdown_table, section

ROOT = Path(__file__).resolve().parent.parent
MAP_FRAME = "iframe[title='streamlit_folium.st_folium']"


def _rerun_times(repeat: int = 9) -> list[float]:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    app.run()
    indicators = ["sru_rate_pct", "qpv_share_pct", "n_dwellings", "population"]
    times = []
    for i in range(repeat):
        start = time.perf_counter()
        app.selectbox(key="qp_indicateur").select(indicators[i % len(indicators)]).run()
        times.append(time.perf_counter() - start)
        assert not app.exception
    return times


def _payloads() -> list[tuple[str, int]]:
    """Bytes of what the map component receives: the base map (sent once, kept mounted) and
    each feature group (sent again on a change of indicator, scale or layer)."""
    from streamlit_folium import _get_feature_group_string, _get_map_string

    from services.access import PUBLIC
    from ui.territory_map import base_map, choropleth_layer, quartier_outlines, residence_layer

    fmap = base_map("commune")
    fmap.render()
    rows = [("carte de base (gardée à l'écran)", len(_get_map_string(fmap).encode("utf-8")))]
    groups = [
        ("couche des communes", choropleth_layer("commune", "n_dwellings", None, "quantiles",
                                                  PUBLIC).group),
        ("couche des quartiers", choropleth_layer("quartier", "qpv_share_pct", None, "quantiles",
                                                   PUBLIC).group),
        ("contours des quartiers", quartier_outlines()),
        ("couche des 541 résidences par classe", residence_layer("class", PUBLIC)[0]),
    ]  # fmt: skip
    for idx, (label, group) in enumerate(groups):
        layer = _get_feature_group_string(group, map=fmap, idx=idx)
        rows.append((label, len(layer.encode("utf-8"))))
    return rows


def _browser_first_map(runs: int = 3) -> tuple[list[float], list[float]]:
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import (
        CHROMIUM,
        CHROMIUM_ARGS,
        _free_port,
        _wait_healthy,
        server_command,
    )

    cold, warm = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for _ in range(runs):
            port = _free_port()
            server = subprocess.Popen(
                server_command(port),
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            try:
                url = f"http://127.0.0.1:{port}"
                _wait_healthy(url, server)
                for bucket in (cold, warm):
                    page = browser.new_page(viewport={"width": 1440, "height": 1000})
                    start = time.perf_counter()
                    page.goto(url)
                    frame = page.frame_locator(MAP_FRAME).first
                    frame.locator("path.leaflet-interactive").nth(39).wait_for(
                        state="attached", timeout=60_000
                    )
                    bucket.append(time.perf_counter() - start)
                    page.close()
            finally:
                server.terminate()
                server.wait(timeout=10)
        browser.close()
    return cold, warm


def run() -> str:
    """Measure the map page and return its Markdown section."""
    reruns = _rerun_times()
    payloads = _payloads()
    cold, warm = _browser_first_map()
    rows = [
        [
            "rerun après changement d'indicateur (AppTest)",
            fmt_ms(statistics.median(reruns)),
            f"{len(reruns)} reruns",
            "< 300 ms",
        ],
        [
            "première carte, serveur fraîchement démarré",
            fmt_ms(statistics.median(cold)),
            f"{len(cold)} démarrages",
            "< 5 s",
        ],
        [
            "première carte, serveur chaud",
            fmt_ms(statistics.median(warm)),
            f"{len(warm)} chargements",
            "< 3 s",
        ],
    ]
    rows += [
        [f"charge utile de la carte : {label}", f"{size / 1024:.0f} kio", "", "< 1,5 Mio"]
        for label, size in payloads
    ]
    body = markdown_table(["mesure", "médiane", "échantillon", "objectif"], rows)
    body += (
        "\n\nPremière carte : de la navigation au tracé des 40 communes dans Chromium headless "
        "(Leaflet servi localement, sans tuiles). Charge utile : script Leaflet envoyé au "
        "composant (géométries simplifiées à ~40 m, coordonnées à 5 décimales) ; la carte de "
        "base ne change pas, le navigateur la garde (zoom et centre compris) et ne remplace que "
        "les couches ; les résidences voyagent en un tableau compact."
    )
    return section("carte", "Carte du territoire", body)
