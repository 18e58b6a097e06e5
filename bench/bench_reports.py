"""Exports: one map snapshot per format, one fiche (PDF + Word), every fiche on both cores.

Targets (issue « Exports »): one snapshot ≤ 0.5 s; one fiche PDF + DOCX ≤ 1.5 s; all fiches
(EPCI, 40 communes, every Poitiers quartier, PDF + DOCX) ≤ 60 s on a 2-core machine. Medians.
The batch is timed as the command line runs it, in a fresh process, so that the time includes
starting the workers and loading the data in each of them. The CPU time of this process is given
beside the wall time of a snapshot or a fiche, and the machine's load average beside the batch:
on a machine shared with other work the wall time grows, the CPU time hardly does.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.timing import fmt_ms, markdown_table, median_seconds, section
from reports.batch import fiche_files
from reports.map_snapshot import FORMATS, render_map
from services import map_views
from services.export_data import load_export_data
from services.fiche import build_fiche
from services.fiche_figures import level_figures

ROOT = Path(__file__).resolve().parent.parent
TARGET_SNAPSHOT_S = 0.5
TARGET_FICHE_S = 1.5
TARGET_BATCH_S = 60.0


def _verdict(seconds: float, target: float) -> str:
    return "oui" if seconds <= target else "**non**"


def _cpu(fn, repeat: int = 5) -> float:
    """Median CPU time of ``fn()`` in this process."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return statistics.median(times)


def _snapshots(data) -> list[list[str]]:
    rows = []
    views = (
        ("communes, taux SRU", lambda: map_views.territory_map(data, "commune", "sru_rate_pct")),
        (
            "communes, occupation (secret statistique) + résidences par classe",
            lambda: map_views.territory_map(
                data, "commune", "res_below_40_pct", residence_mode="class"
            ),
        ),
        ("quartiers, logements sociaux", lambda: map_views.territory_map(
            data, "quartier", "n_dwellings")),
    )  # fmt: skip
    for label, build in views:
        for fmt in FORMATS:
            work = lambda b=build, f=fmt: render_map(b(), f)  # noqa: E731
            seconds = median_seconds(work, repeat=5)
            rows.append([label, FORMATS[fmt].label, fmt_ms(seconds), fmt_ms(_cpu(work)),
                         _verdict(seconds, TARGET_SNAPSHOT_S)])  # fmt: skip
    return rows


def _fiches(data) -> list[list[str]]:
    for level in ("epci", "commune", "quartier"):
        level_figures(data, level)  # computed once per batch, not per fiche
    rows = []
    for code, label in (("86041", "Buxerolles"), ("86194Q02", "Les Couronneries"),
                        ("epci", "Grand Poitiers (EPCI)")):  # fmt: skip
        build = median_seconds(lambda c=code: build_fiche(data, c), repeat=5)
        work = lambda c=code: fiche_files(data, c, ["pdf", "docx"])  # noqa: E731
        both = median_seconds(work, repeat=5)
        rows.append([label, fmt_ms(build), fmt_ms(both), fmt_ms(_cpu(work)),
                     _verdict(both, TARGET_FICHE_S)])  # fmt: skip
    return rows


def _batch() -> tuple[float, float, int]:
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "reports", "fiches", "--formats", "pdf,docx", "--out", folder],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        seconds = time.perf_counter() - start
        return seconds, os.getloadavg()[0], len(list(Path(folder).iterdir()))


def run() -> str:
    """Measure and return the Markdown section."""
    data = load_export_data()
    snapshots = _snapshots(data)
    fiches = _fiches(data)
    runs = [_batch() for _ in range(3)]
    batch = statistics.median(r[0] for r in runs)
    load = statistics.median(r[1] for r in runs)
    n_files = runs[0][2]
    body = (
        "Une carte (page A4 paysage complète, légende, échelle, noms), médiane de 5 exports :\n\n"
        + markdown_table(["vue", "format", "médiane", "CPU", "≤ 0,5 s"], snapshots)
        + "\n\nUne fiche : contenu seul, puis contenu + deux cartes + PDF + Word (médianes de "
        "5) :\n\n"
        + markdown_table(["territoire", "contenu", "PDF + Word", "CPU", "≤ 1,5 s"], fiches)
        + f"\n\nToutes les fiches (`python -m reports fiches`, {n_files} fichiers, deux "
        f"processus, démarrage et lecture des données compris), médiane de 3 : "
        f"**{batch:.1f} s** (objectif ≤ {TARGET_BATCH_S:.0f} s : "
        f"{_verdict(batch, TARGET_BATCH_S)}) ; charge moyenne de la machine pendant le lot : "
        f"{load:.1f} pour {os.cpu_count()} cœurs.\n"
    )
    return section("reports", "Exports : cartes et fiches territoriales", body)
