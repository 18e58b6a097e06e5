"""Benchmarks, run by ``make bench``; never part of ``make test``.

Each ``bench/bench_<topic>.py`` module exposes ``run() -> str`` returning a Markdown section
(a heading, a table of medians and ratios, a few lines of context). ``python -m bench`` runs
them all (or the topics named on the command line) and writes ``BENCHMARKS.md``.
"""
