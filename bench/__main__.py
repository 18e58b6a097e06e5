"""Run the benchmarks and write BENCHMARKS.md: ``python -m bench [topic ...]``."""

from __future__ import annotations

import datetime as dt
import importlib
import os
import pkgutil
import platform
import sys
from pathlib import Path

import bench
from tests.pages.conftest import navigation_mode

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "BENCHMARKS.md"


def _topics() -> list[str]:
    return sorted(
        m.name.removeprefix("bench_")
        for m in pkgutil.iter_modules(bench.__path__)
        if m.name.startswith("bench_")
    )


def main(argv: list[str]) -> int:
    """Run the requested benchmark topics (all by default) and rewrite BENCHMARKS.md."""
    topics = argv or _topics()
    unknown = sorted(set(topics) - set(_topics()))
    if unknown:
        print(f"Benchmarks inconnus : {', '.join(unknown)}. Disponibles : {', '.join(_topics())}")
        return 2
    sections = {}
    # AppTest measurements run as a started server does: frame and page in st.navigation mode.
    with navigation_mode():
        for topic in topics:
            print(f"== {topic}", flush=True)
            module = importlib.import_module(f"bench.bench_{topic}")
            sections[topic] = module.run()
            print(sections[topic], flush=True)
    previous = _read_sections()
    previous.update(sections)
    header = (
        "# Benchmarks\n\n"
        "Written by `make bench` (`python -m bench`). Medians of repeated runs; ratios against a "
        "straightforward baseline measured in the same run.\n\n"
        f"Last run: {dt.date.today().isoformat()}, Python {platform.python_version()}, "
        f"{platform.machine()}, {os.cpu_count()} CPU cores.\n"
    )
    body = "\n\n".join(previous[t].strip() for t in sorted(previous))
    OUTPUT.write_text(header + "\n" + body + "\n", encoding="utf-8")
    print(f"Écrit : {OUTPUT}")
    return 0


def _read_sections() -> dict[str, str]:
    """Keep the sections of topics not re-run this time (marked by HTML comments)."""
    if not OUTPUT.exists():
        return {}
    sections: dict[str, str] = {}
    current = None
    for line in OUTPUT.read_text(encoding="utf-8").splitlines():
        if line.startswith("<!-- bench:") and line.endswith("-->"):
            current = line.removeprefix("<!-- bench:").removesuffix("-->").strip()
            sections[current] = line + "\n"
        elif current is not None:
            sections[current] += line + "\n"
    return sections


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
