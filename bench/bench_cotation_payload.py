"""Benchmark of what a weight change on the cotation page sends to the browser.

A real ``streamlit run serve.py`` on the demo data and one session of the load client
(:mod:`bench.load_client`), which keeps what a browser tab keeps between runs (the large
elements it already holds, so the server sends a reference for an unchanged one). The session
opens ``/cotation`` (the ranking tab, as a first visit does), then moves the occupation pillar's
slider step by step; each move is one run, whose bytes received are recorded with the largest
messages by element. Target: at most 100 kB per weight change.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
from collections import defaultdict
from pathlib import Path

from bench.timing import markdown_table, section

SLIDER = "poids_pilier_occupation"
VALUES = [40, 20, 35, 25, 45, 15, 50, 30, 38, 22, 42]
WARMUP = 2
TARGET_BYTES = 100_000


def measure(base_url: str) -> tuple[int, list[int], dict[str, list[int]]]:
    """Bytes of the first opening of ``/cotation`` and of each weight change after it.

    Returns
    -------
    tuple
        First run's bytes, bytes of every timed weight change, and by element name the bytes
        it sent in each timed change.
    """
    from bench.load_client import Link, Session

    async def main():
        async with Session(base_url, timeout=120) as session:
            first = await session.open(Link("cotation"))
            if first.errors:
                raise RuntimeError("; ".join(first.errors))
            changes = []
            for value in VALUES:
                run = await session.set_slider(SLIDER, value)
                if run.errors:
                    raise RuntimeError("; ".join(run.errors))
                changes.append(run)
            return first, changes[WARMUP:]

    first, changes = asyncio.run(main())
    by_element: dict[str, list[int]] = defaultdict(list)
    for run in changes:
        totals: dict[str, int] = defaultdict(int)
        for name, size in run.messages:
            totals[name] += size
        for name, size in totals.items():
            by_element[name].append(size)
    return first.received_bytes, [r.received_bytes for r in changes], dict(by_element)


def run() -> str:
    """Start a server on the demo data, measure; return the Markdown section."""
    from tests.e2e.conftest import streamlit_server

    with tempfile.TemporaryDirectory() as tmp, streamlit_server(Path(tmp)) as url:
        first, changes, by_element = measure(url)
    median = statistics.median(changes)
    largest = sorted(by_element.items(), key=lambda item: -statistics.median(item[1]))[:6]
    rows = [
        [
            "changement de poids (total)",
            f"{median / 1000:.1f} kB",
            "oui" if median <= TARGET_BYTES else "non",
        ]
    ]
    rows += [[f"· {name}", f"{statistics.median(v) / 1000:.1f} kB", ""] for name, v in largest]
    rows.append(["première ouverture de `/cotation`", f"{first / 1000:.1f} kB", ""])
    body = (
        "Serveur `streamlit run serve.py` sur les données de démonstration, une session du "
        "client de charge qui garde ce que garde un onglet (les gros éléments déjà reçus : le "
        "serveur n'envoie qu'une référence pour un élément inchangé). Le curseur du pilier "
        f"occupation est déplacé {len(VALUES)} fois ; médiane des octets reçus des "
        f"{len(changes)} derniers déplacements, et des plus gros éléments de chacun. Objectif : "
        f"≤ {TARGET_BYTES / 1000:.0f} kB par changement de poids.\n\n"
        + markdown_table(["message", "médiane", "≤ 100 kB"], rows)
    )
    return section("cotation_payload", "Octets envoyés par un changement de poids", body)
