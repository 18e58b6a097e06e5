"""Timing helpers shared by the benchmarks: medians over repeated runs, Markdown tables."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence


def median_seconds(fn: Callable[[], object], repeat: int = 7, warmup: int = 1) -> float:
    """Return the median wall time of ``fn()`` in seconds over ``repeat`` runs.

    Parameters
    ----------
    fn : callable
        The work to time, called without arguments.
    repeat : int, default 7
        Number of timed runs.
    warmup : int, default 1
        Untimed runs first (imports, caches, JIT-like warm-up of NumPy).
    """
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def fmt_ms(seconds: float) -> str:
    """Format seconds as milliseconds with a precision suited to the magnitude."""
    ms = seconds * 1000
    if ms < 1:
        return f"{ms:.3f} ms"
    if ms < 100:
        return f"{ms:.1f} ms"
    return f"{ms:.0f} ms"


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Render a Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def section(topic: str, title: str, body: str) -> str:
    """Wrap a benchmark's Markdown under its marker so ``python -m bench`` can update it alone."""
    return f"<!-- bench:{topic} -->\n## {title}\n\n{body.strip()}\n"
