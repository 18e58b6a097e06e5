"""Several people at once, as served in production: server processes behind nginx.

Sessions speak Streamlit's websocket protocol (``bench/load_client.py``, no browser per user),
load the page first and keep its cookie like a browser, through nginx configured from the
repository's template (sticky sessions, ``bench/proxy.py``) in front of 1 or 2 server processes
on one shared store (``bench/cluster.py``). Each action is a new choice of its own: new weights
on the cotation page, another indicator, year or scale on the map, another residence.

- a meeting (open loop): 20 sessions each acting every 5 s for 60 s; the goal is p95 ≤ 1 s and no
  error on this 2-core machine;
- closed loop (``think = 0``): 1, 5, 10 and 20 sessions rerunning back to back, the worst case.

Each process is warmed first (directly, with choices the measurement never makes), as a server
that has been up for a while. Times are as a user waits for them: request to last message.
"""

from __future__ import annotations

import os
import random
import statistics
import tempfile
from pathlib import Path

from bench.cluster import Cluster, served, sessions_by_server
from bench.load_client import Link, RunResult, percentile, run_load
from bench.proxy import upstreams_by_path
from bench.timing import markdown_table, section
from services.map_indicators import indicators_for

GOAL_P95 = 1.0
PROCESSES = (1, 2)
WEIGHT_KEYS = ("patrimoine", "occupation", "equipements", "environnement")
YEARS = (2023, 2024, 2025)
N_RESIDENCES = 541
# (label, sessions, think seconds, duration seconds)
MEETING = [("une action toutes les 5 s", 20, 5.0, 60.0)]
CLOSED_LOOP = [("boucle fermée", n, 0.0, 30.0) for n in (1, 5, 10, 20)]
WARM_SESSIONS, WARM_SECONDS = 2, 20.0


def session_links(index: int, actions: int = 30) -> list[Link]:
    """The links one session works with: a third new weights on the cotation page, a third a
    map (indicator, year, scale), a third a residence, each drawn for this session."""
    rng = random.Random(index)
    links = []
    for action in range(actions):
        kind = action % 3
        if kind == 0:
            weights = ",".join(f"{k}:{rng.randint(5, 60)}" for k in WEIGHT_KEYS)
            links.append(Link("cotation", f"poids={weights}"))
        elif kind == 1:
            level = rng.choice(("commune", "quartier"))
            indicator = rng.choice(indicators_for(level))
            query = f"echelle={level}&indicateur={indicator}&annee={rng.choice(YEARS)}"
            links.append(Link("", query))
        else:
            links.append(Link("residence", f"residence=GP-{rng.randint(1, N_RESIDENCES):04d}"))
    return links


def _row(
    label: str, processes: int, sessions: int, runs: list[RunResult], seconds: float, spread: str
) -> list[str]:
    times = [r.seconds for r in runs]
    errors = sum(not r.ok for r in runs)
    return [
        label,
        str(processes),
        str(sessions),
        str(len(runs)),
        f"{len(runs) / seconds:.1f}",
        f"{statistics.median(times):.2f} s",
        f"{percentile(times, 95):.2f} s",
        str(errors),
        spread,
    ]


def warm(cluster: Cluster) -> None:
    """Warm each process's caches directly, with choices the measurement never makes."""
    for url in cluster.server_urls:
        links = [session_links(10_000 + i) for i in range(WARM_SESSIONS)]
        run_load(url, links, duration=WARM_SECONDS, think_seconds=0.0, seed=10_000)


def measure(
    cluster: Cluster, processes: int, scenarios: list[tuple[str, int, float, float]]
) -> list[list[str]]:
    """Run each (label, sessions, think seconds, duration) scenario through the proxy."""
    rows = []
    for label, sessions, think, duration in scenarios:
        links = [session_links(sessions * 100 + i) for i in range(sessions)]
        before = upstreams_by_path(cluster.proxy.read_access_log())
        runs = run_load(
            cluster.url,
            links,
            duration=duration,
            think_seconds=think,
            seed=sessions,
            load_page=True,
        )
        served_by = sessions_by_server(cluster, before, sessions)
        spread = " / ".join(str(served_by[url]) for url in cluster.server_urls)
        rows.append(_row(label, processes, sessions, runs, duration, spread))
    return rows


def measure_all(processes_list=PROCESSES, scenarios=None) -> list[list[str]]:
    """Every scenario with each number of processes behind nginx, on the demo data."""
    scenarios = scenarios or MEETING + CLOSED_LOOP
    rows = []
    for processes in processes_list:
        with tempfile.TemporaryDirectory() as tmp, served(processes, Path(tmp)) as cluster:
            warm(cluster)
            rows += measure(cluster, processes, scenarios)
    return rows


def run() -> str:
    """Measure 1 and 2 processes behind nginx; return the Markdown section."""
    load = os.getloadavg()[0]
    rows = measure_all()
    header = [
        "charge",
        "processus",
        "sessions",
        "pages servies",
        "pages/s",
        "médiane",
        "p95",
        "erreurs",
        "sessions par processus",
    ]
    body = (
        "nginx (modèle `deploy/nginx.conf` : sessions collantes par cookie, websocket) devant 1 "
        "ou 2 processus serveur sur un même magasin, données de démonstration. Chaque session "
        "charge la page puis, à chaque action, de nouveaux choix : poids de la cotation, "
        "indicateur, année ou échelle de la carte, autre fiche résidence. Objectif : 20 "
        f"sessions, une action toutes les 5 s, p95 ≤ {GOAL_P95:g} s, aucune erreur. "
        f"Machine : {os.cpu_count()} cœurs, charge moyenne au départ {load:.1f}.\n\n"
        + markdown_table(header, rows)
    )
    return section("load", "Plusieurs personnes à la fois", body)
