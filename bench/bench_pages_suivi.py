"""Benchmark of the pages « SRU et mixité sociale » and « Parc social »: the rerun after a
selector change, measured with Streamlit's AppTest on the demo data.

Each case alternates a picker between values (so every timed run is a real change), after one
warm-up round that fills the caches a user's first visit fills. The budget is 300 ms per rerun.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

from streamlit.testing.v1 import AppTest

from bench.timing import fmt_ms, markdown_table, median_seconds, section
from ui.sru_view import SRU_TABS

ROOT = Path(__file__).resolve().parent.parent
BUDGET_SECONDS = 0.3
REPEAT = 9


def _open(page: str, state: dict[str, str] | None = None, tab: str | None = None) -> AppTest:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    app.run()
    app.switch_page(f"pages/{page}.py")
    for key, value in (state or {}).items():
        app.session_state[key] = value
    if tab is not None:
        app.session_state["parc_onglet"] = tab
    app.run()
    if app.exception:
        raise RuntimeError(f"pages/{page}.py : {app.exception[0].value}")
    return app


def _alternate(app: AppTest, key: str, values: list[str]) -> Callable[[], None]:
    cycle = itertools.cycle(values)

    def change() -> None:
        app.selectbox(key=key).select(next(cycle)).run()

    for _ in values:  # warm-up: one visit of every value
        change()
    return change


def _cases() -> list[tuple[str, str, Callable[[], None]]]:
    sru = _open("sru")
    trajectory = _open("sru", {"vue": SRU_TABS[1]})
    parc = _open("parc", {"parc_echelle": "epci"})
    commune = _open("parc", {"parc_echelle": "commune"})
    offer = _open("parc", {"parc_echelle": "epci"}, tab="Offre et demande")
    intake = _open(
        "parc", {"parc_echelle": "quartier", "parc_quartier": "86194Q02"}, "Accueil et occupation"
    )
    years = ["2024", "2025"]
    return [
        ("SRU", "année de l'inventaire", _alternate(sru, "sru_annee", ["2025", "2022"])),
        (
            "SRU",
            "commune de la trajectoire",
            _alternate(trajectory, "sru_commune", ["86163", "86041"]),
        ),
        ("Parc social", "année (entrants et sortants)", _alternate(parc, "parc_annee", years)),
        ("Parc social", "commune", _alternate(commune, "parc_commune", ["86041", "86194"])),
        ("Parc social", "année (offre et demande)", _alternate(offer, "parc_annee", years)),
        (
            "Parc social",
            "quartier (accueil et occupation)",
            _alternate(intake, "parc_quartier", ["86194Q07", "86194Q02"]),
        ),
    ]


def run() -> str:
    """Time each rerun and return the Markdown section."""
    rows = []
    for page, change, fn in _cases():
        seconds = median_seconds(fn, repeat=REPEAT, warmup=0)
        verdict = "oui" if seconds < BUDGET_SECONDS else "**non**"
        rows.append((page, change, fmt_ms(seconds), f"{REPEAT} reruns", verdict))
    body = (
        "Réexécution complète de la page (AppTest, données de démonstration) après un changement "
        "de sélecteur, caches remplis par un premier passage sur chaque valeur ; médiane de "
        f"{REPEAT} changements ; budget : {BUDGET_SECONDS * 1000:.0f} ms.\n\n"
        + markdown_table(("page", "sélecteur changé", "médiane", "échantillon", "< 300 ms"), rows)
    )
    return section("pages_suivi", "Pages SRU et parc social : temps de réexécution", body)


if __name__ == "__main__":
    print(run())
