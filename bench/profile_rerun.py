"""Where a rerun spends its time: cProfile of page runs driven by the load client.

``python -m bench.profile_rerun [cotation|carte|residence] [--runs N] [--top N]`` starts the server
of ``make run`` in this process (demo data, a temporary data folder), warms it, then profiles
``N`` runs of the page, each with a new choice as in the load benchmark (new weights, another
indicator / year / scale, another residence), and prints the functions with the most
cumulative time. Every script run of the server is profiled in its own thread and the profiles
are merged. A tool for developers, not part of ``make bench``.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import os
import pstats
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from bench.load_client import Link, Session, run_coroutine
from bench.proxy import free_port

ROOT = Path(__file__).resolve().parent.parent
KINDS = {"cotation": 0, "carte": 1, "residence": 2}


class _Profiles:
    """One cProfile per script run, merged at the end; pauses of the garbage collector."""

    def __init__(self) -> None:
        self.enabled = False
        self.stats: pstats.Stats | None = None
        self._lock = threading.Lock()
        self.gc_pauses: dict[int, list[float]] = {0: [], 1: [], 2: []}
        self._gc_start = 0.0
        gc.callbacks.append(self._on_gc)

    def _on_gc(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._gc_start = time.perf_counter()
        elif self.enabled:
            self.gc_pauses[info["generation"]].append(time.perf_counter() - self._gc_start)

    def wrap(self, run_script):
        def profiled(runner, rerun_data):
            if not self.enabled:
                return run_script(runner, rerun_data)
            profile = cProfile.Profile()
            profile.enable()
            try:
                return run_script(runner, rerun_data)
            finally:
                profile.disable()
                with self._lock:
                    if self.stats is None:
                        self.stats = pstats.Stats(profile, stream=io.StringIO())
                    else:
                        self.stats.add(profile)

        return profiled


def links_of(kind: str, count: int, seed: int) -> list[Link]:
    """``count`` links of one page with new choices, as the load benchmark draws them."""
    from bench.bench_load import session_links

    offset = KINDS[kind]
    return session_links(seed, 3 * count)[offset::3][:count]


def _wait_healthy(url: str, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"le serveur ne répond pas sur {url}")


def _drive(url: str, kind: str, runs: int, top: int, profiles: _Profiles) -> None:
    _wait_healthy(url)

    async def session(links: list[Link]) -> list[float]:
        async with Session(url) as client:
            return [(await client.open(link)).seconds for link in links]

    run_coroutine(
        session(links_of(kind, 6, seed=1) + links_of("carte", 2, 2) + links_of("residence", 2, 3))
    )
    profiles.enabled = True
    times = run_coroutine(session(links_of(kind, runs, seed=7)))
    profiles.enabled = False
    print(f"{runs} runs of {kind}: " + ", ".join(f"{t:.2f}" for t in times) + " s")
    for generation, pauses in profiles.gc_pauses.items():
        print(f"gc generation {generation}: {len(pauses)} collections, {sum(pauses):.3f} s")
    out = io.StringIO()
    profiles.stats.stream = out
    profiles.stats.sort_stats("cumulative").print_stats(top)
    print(out.getvalue())
    sys.stdout.flush()
    os._exit(0)


def main(argv: list[str]) -> None:
    """Start the server in this process, drive it, print the profile and exit."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=sorted(KINDS))
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--top", type=int, default=45)
    options = parser.parse_args(argv)

    from streamlit.runtime.scriptrunner import script_runner
    from streamlit.web import cli

    profiles = _Profiles()
    runner = script_runner.ScriptRunner
    runner._run_script = profiles.wrap(runner._run_script)
    os.environ.setdefault("COTATION_DATA_DIR", str(Path(tempfile.mkdtemp()) / "data"))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    driver = threading.Thread(
        target=_drive, args=(url, options.kind, options.runs, options.top, profiles), daemon=True
    )
    driver.start()
    os.chdir(ROOT)
    # as ``streamlit run serve.py`` does (serve.py is an ASGI app serving app.py)
    cli.main(
        ["run", str(ROOT / "serve.py"), "--server.port", str(port), "--server.address", "127.0.0.1"]
    )


if __name__ == "__main__":
    main(sys.argv[1:])
