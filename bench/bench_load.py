"""Several people at once: page runs per second and waiting times under load.

Sessions speak Streamlit's websocket protocol (``bench/load_client.py``, no browser per user).
Each session picks, among the cotation, map and residence pages, links with its own choices
(weights, indicator, year, residence) and reruns them:

- closed loop (``think = 0``): sessions rerun back to back, the worst case for the server;
- a meeting: each session acts every 5 s, the goal being p95 ≤ 1 s for 20 sessions with no error.

Medians and 95th percentiles of the run times as a user waits for them (request to last message).
"""

from __future__ import annotations

import random
import statistics
import tempfile
from pathlib import Path

from bench.load_client import Link, RunResult, percentile, run_load
from bench.timing import markdown_table, section
from tests.e2e.conftest import streamlit_server

GOAL_P95 = 1.0
WEIGHT_KEYS = ("patrimoine", "occupation", "equipements", "environnement")
INDICATORS = ("sru_rate_pct", "n_dwellings", "mean_score", "vacancy_rate_pct", "rotation_rate_pct")


def session_links(index: int, n_residences: int = 541) -> list[Link]:
    """The links one session works with: its own weights, indicators, years and residences."""
    rng = random.Random(index)
    links = []
    for _ in range(4):
        weights = ",".join(f"{k}:{rng.randint(5, 60)}" for k in WEIGHT_KEYS)
        links.append(Link("cotation", f"poids={weights}"))
    for _ in range(3):
        indicator = rng.choice(INDICATORS)
        links.append(Link("", f"indicateur={indicator}&annee={rng.choice((2023, 2024, 2025))}"))
    for _ in range(3):
        links.append(Link("residence", f"residence=GP-{rng.randint(1, n_residences):04d}"))
    return links


def _row(label: str, sessions: int, runs: list[RunResult], seconds: float) -> list[str]:
    times = [r.seconds for r in runs]
    errors = sum(not r.ok for r in runs)
    return [
        label,
        str(sessions),
        str(len(runs)),
        f"{len(runs) / seconds:.1f}",
        f"{statistics.median(times):.2f} s",
        f"{percentile(times, 95):.2f} s",
        str(errors),
    ]


def measure(base_url: str, scenarios: list[tuple[str, int, float, float]]) -> list[list[str]]:
    """Run each (label, sessions, think seconds, duration) scenario against ``base_url``."""
    rows = []
    for label, sessions, think, duration in scenarios:
        links = [session_links(i) for i in range(sessions)]
        runs = run_load(base_url, links, duration=duration, think_seconds=think, seed=sessions)
        rows.append(_row(label, sessions, runs, duration))
    return rows


SCENARIOS = [
    ("boucle fermée", 1, 0.0, 30.0),
    ("boucle fermée", 5, 0.0, 30.0),
    ("boucle fermée", 20, 0.0, 45.0),
    ("une action toutes les 5 s", 20, 5.0, 60.0),
]


def run() -> str:
    """Measure one server process on the demo data; return the Markdown section."""
    with tempfile.TemporaryDirectory() as tmp, streamlit_server(Path(tmp)) as url:
        measure(url, [("chauffe", 2, 0.0, 20.0)])  # warm every cache the links touch
        rows = measure(url, SCENARIOS)
    header = ["charge", "sessions", "pages servies", "pages/s", "médiane", "p95", "erreurs"]
    body = (
        "Un processus serveur, données de démonstration ; chaque session ouvre les pages "
        "cotation, carte et fiche résidence avec ses propres choix (poids, indicateur, année, "
        f"résidence). Objectif : 20 sessions, une action toutes les 5 s, p95 ≤ {GOAL_P95:g} s, "
        "aucune erreur.\n\n" + markdown_table(header, rows)
    )
    return section("load", "Plusieurs personnes à la fois", body)
