"""Benchmark of the secret statistique: what the disclosure pass adds to a page rerun.

Every function of :mod:`services.disclosure` that the pages call, and every cache of published
tables in ``ui/cache.py``, is wrapped by a timer (the outermost call only, so that nested calls
are not counted twice); each page is then rerun with
AppTest after a selector change, as the public, and the time spent inside the disclosure module
during the rerun is its cost. Budget: 30 ms per rerun on the demo parc. The decisions of a table
(primary and complementary suppression over the whole tree) are computed once per data set and
kept: their one-off cost is measured apart.
"""

from __future__ import annotations

import itertools
import statistics
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from bench.timing import fmt_ms, markdown_table, median_seconds, section

ROOT = Path(__file__).resolve().parent.parent
BUDGET_SECONDS = 0.03
REPEAT = 9
CALLERS = (
    "services.map_indicators",
    "services.residence_card",
    "ui.cache",
    "ui.commune_panel",
    "ui.cotation_view",
    "ui.flows_view",
    "ui.intake_view",
    "ui.pairs_view",
    "ui.stock_view",
    "ui.tables",
    "ui.territory_map",
    "ui.territory_view",
    "ui.weights",
)


class Clock:
    """Seconds spent inside the disclosure module (outermost calls only)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.depth = 0

    def wrap(self, fn: Callable) -> Callable:
        def timed(*args, **kwargs):
            if self.depth:
                return fn(*args, **kwargs)
            self.depth += 1
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - start
                self.depth -= 1

        timed.__wrapped__ = fn
        return timed


# The caches of ui/cache.py that hold published tables: a rerun's lookups count too.
CACHED = ("published_rows", "published_intake_table", "territory_values", "territory_history",
          "scores_for")  # fmt: skip


@contextmanager
def timed_disclosure(clock: Clock):
    """Wrap every disclosure function the pages call, in the modules that call them, and the
    caches of published tables."""
    import importlib

    from ui import cache

    patched = [(cache, name, getattr(cache, name)) for name in CACHED]
    for module, attribute, value in list(patched):
        setattr(module, attribute, clock.wrap(value))
    for name in CALLERS:
        module = importlib.import_module(name)
        for attribute, value in list(vars(module).items()):
            origin = getattr(value, "__module__", "") or ""
            if callable(value) and origin.startswith("services.disclosure"):
                if isinstance(value, type):
                    continue
                patched.append((module, attribute, value))
                setattr(module, attribute, clock.wrap(value))
    try:
        yield
    finally:
        for module, attribute, value in patched:
            setattr(module, attribute, value)


def _open(page: str | None, query: dict[str, str], state: dict | None = None) -> AppTest:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, value in query.items():
        app.query_params[key] = value
    app.run()
    if page:
        app.switch_page(f"pages/{page}.py")
    for key, value in (state or {}).items():
        app.session_state[key] = value
    app.run()
    if app.exception:
        raise RuntimeError(f"{page}: {app.exception[0].value}")
    return app


def _changes(
    app: AppTest, changes: list[dict], before: Callable[[], None] | None = None
) -> Callable[[], None]:
    cycle = itertools.cycle(changes)

    def change() -> None:
        if before is not None:
            before()
        for key, value in next(cycle).items():
            if key.startswith("?"):
                app.query_params[key[1:]] = value
            else:
                app.session_state[key] = value
        app.run()

    for _ in changes:  # warm-up: one visit of every value
        change()
    return change


def _cases() -> list[tuple[str, str, Callable[[], None]]]:
    carte = _open(None, {"indicateur": "res_below_40_pct", "commune": "86041"})
    parc = _open("parc", {}, {"parc_echelle": "commune", "parc_commune": "86194"})
    intake = _open(
        "parc",
        {},
        {"parc_echelle": "epci", "parc_onglet": "Accueil et occupation"},
    )
    cotation = _open("cotation", {})
    residence = _open("residence", {"residence": "GP-0044"})
    pairs = _open("pairs", {})
    return [
        ("Carte", "indicateur OPS et année", _changes(carte, [
            {"qp_indicateur": "res_below_40_pct", "qp_annee": "2024"},
            {"qp_indicateur": "single_parent_pct", "qp_annee": "2022"},
        ])),
        ("Parc social", "année (entrants et sortants, tableaux ouverts)", _changes(parc, [
            {"parc_annee": "2025", "parc_profiles_open": True, "parc_flows_open": True},
            {"parc_annee": "2022", "parc_profiles_open": True, "parc_flows_open": True},
        ])),
        ("Parc social", "année (accueil et occupation)", _changes(intake, [
            {"parc_annee": "2025"}, {"parc_annee": "2023"},
        ])),
        ("Cotation", "poids d'un pilier", _changes(cotation, [
            {"poids_pilier_occupation": 45}, {"poids_pilier_occupation": 20},
        ])),
        ("Fiche résidence", "résidence (fiche assemblée à chaque fois)", _changes(residence, [
            {"?residence": "GP-0001"}, {"?residence": "GP-0044"},
        ], before=_forget_cards)),
        ("Groupes de pairs", "groupe", _changes(pairs, [
            {"qp_groupe": "2"}, {"qp_groupe": "3"},
        ])),
    ]  # fmt: skip


def _forget_cards() -> None:
    """A residence never opened before: its fiche is assembled (and masked) again."""
    from ui import cache

    cache.residence_card.clear()


def _pass_times() -> list[tuple]:
    rows = []
    clock = Clock()
    with timed_disclosure(clock):
        for page, change, fn in _cases():
            inside, total = [], []
            for _ in range(REPEAT):
                clock.seconds = 0.0
                start = time.perf_counter()
                fn()
                total.append(time.perf_counter() - start)
                inside.append(clock.seconds)
            seconds = statistics.median(inside)
            verdict = "oui" if seconds <= BUDGET_SECONDS else "**non**"
            rows.append((page, change, fmt_ms(seconds), fmt_ms(statistics.median(total)), verdict))
    return rows


def _decisions() -> list[tuple]:
    from geodata import housing
    from services.disclosure import Disclosure

    tables = {
        "residences": housing.load_residences(),
        "occupancy": housing.load_occupancy(),
        "attributions": housing.load_attributions(),
        "departures": housing.load_departures(),
    }

    def fresh() -> Disclosure:
        return Disclosure(*tables.values())

    cases = [
        ("arbre des territoires", lambda: fresh()),
        ("une part OPS d'une enquête", lambda: fresh().ops(2024, "res_below_40_pct")),
        ("profil des entrants d'une année", lambda: fresh().flows("entrants", 2024)),
        ("objectifs d'attribution d'une année", lambda: fresh().equality(2024)),
        ("entrants face aux locataires (deux années)", lambda: fresh().intake(2024)),
    ]
    return [(name, fmt_ms(median_seconds(fn, repeat=5))) for name, fn in cases]


def run() -> str:
    """Time the disclosure pass of each page and the one-off decisions; Markdown section."""
    rows = _pass_times()
    decisions = _decisions()
    body = (
        "Temps passé dans `services.disclosure` pendant une réexécution de page (AppTest, "
        "profil public, données de démonstration) après un changement de sélecteur, caches "
        f"remplis ; médiane de {REPEAT} changements ; budget : "
        f"{BUDGET_SECONDS * 1000:.0f} ms.\n\n"
        + markdown_table(
            ("page", "sélecteur changé", "secret statistique", "réexécution entière", "≤ 30 ms"),
            rows,
        )
        + "\n\nDécisions (secret primaire et secondaire sur tout l'arbre), calculées une fois "
        "par jeu de données et par tableau, puis gardées (médiane de 5) :\n\n"
        + markdown_table(("décision", "médiane"), decisions)
    )
    return section("disclosure", "Secret statistique : coût par réexécution de page", body)


if __name__ == "__main__":
    pd.set_option("display.width", 120)
    print(run())
