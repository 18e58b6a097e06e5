"""Concurrent writers with real processes, on SQLite and PostgreSQL: nothing lost, nothing
corrupted, the stale save gets the conflict."""

from __future__ import annotations

import multiprocessing
import sys
import traceback
import types
from contextlib import contextmanager

import pytest

from store import Actor, ConflictError, profiles, read_session, write_session
from store import audit as audit_store
from store.engine import dispose_engines

SAVES = 15


def _save(url: str, name: str, who: str, expected: int | None, weight: float):
    with write_session(url) as session:
        return profiles.save_profile(
            session,
            Actor(who, who, "cil"),
            name=name,
            label=name,
            pillar_weights={"patrimoine": weight},
            indicator_weights={},
            method={},
            comment=f"{who} {weight}",
            expected_version=expected,
        )


def _reporting(work):
    """Run ``work(url, who, queue)``; put its traceback on the queue if it fails."""

    def run(url: str, who: str, queue) -> None:
        try:
            work(url, who, queue)
        except BaseException:
            queue.put((who, traceback.format_exc()))
            raise

    return run


def _own_profile(url: str, who: str, queue) -> None:
    """Save one's own profile SAVES times, each from the version just saved."""
    dispose_engines()
    version = None
    for i in range(SAVES):
        version = _save(url, f"profil-{who}", who, version, float(i)).version
    queue.put((who, version))


def _same_profile(url: str, who: str, queue) -> None:
    """Save the shared profile SAVES times, re-reading after each conflict."""
    dispose_engines()
    saved = conflicts = 0
    while saved < SAVES:
        with read_session(url) as session:
            version = profiles.get_profile(session, "commun").version
        try:
            _save(url, "commun", who, version, float(saved))
            saved += 1
        except ConflictError as exc:
            assert exc.current.version > version
            conflicts += 1
    queue.put((who, conflicts))


def _run(target, url: str, workers: int) -> list:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    processes = [
        context.Process(target=_worker, args=(target.__name__, url, f"p{i}", queue))
        for i in range(workers)
    ]
    with _plain_main():
        for process in processes:
            process.start()
    results = [queue.get(timeout=300) for _ in processes]
    for process in processes:
        process.join(timeout=60)
    assert [p.exitcode for p in processes] == [0] * workers, results
    return results


@contextmanager
def _plain_main():
    """Start children from a ``__main__`` without a file: a spawned child re-runs the parent's
    ``__main__``, which is the dashboard's ``app.py`` once an AppTest ran in this process."""
    saved = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = saved


def _worker(name: str, url: str, who: str, queue) -> None:
    """Entry point of a writer process: the work ``name`` of this module, reported."""
    _reporting(globals()[name])(url, who, queue)


@pytest.mark.parametrize("workers", [3])
def test_processes_saving_different_profiles_lose_nothing(store_url, workers):
    _save(store_url, "amorce", "setup", None, 1.0)  # migrate before the processes start
    results = _run(_own_profile, store_url, workers)
    assert sorted(results) == [(f"p{i}", SAVES) for i in range(workers)]
    with read_session(store_url) as session:
        saved = {p.name: p for p in profiles.list_profiles(session)}
        lines = audit_store.query(session, actions=["profile_saved"], limit=10_000)
    for i in range(workers):
        assert saved[f"profil-p{i}"].version == SAVES
        assert saved[f"profil-p{i}"].pillar_weights == {"patrimoine": float(SAVES - 1)}
    assert len(lines) == workers * SAVES + 1


@pytest.mark.parametrize("workers", [3])
def test_processes_saving_one_profile_lose_nothing_and_see_conflicts(store_url, workers):
    _save(store_url, "commun", "setup", None, 0.0)
    results = _run(_same_profile, store_url, workers)
    with read_session(store_url) as session:
        final = profiles.get_profile(session, "commun")
        lines = audit_store.query(session, actions=["profile_saved"], limit=10_000)
    # Every successful save is one version and one audit line: none overwritten silently.
    assert final.version == 1 + workers * SAVES
    assert len(lines) == 1 + workers * SAVES
    assert sorted(e.after["version"] for e in lines) == list(range(1, 2 + workers * SAVES))
    assert {who for who, _ in results} == {f"p{i}" for i in range(workers)}


def test_the_stale_save_gets_the_conflict(store_url):
    _save(store_url, "commun", "a", None, 0.0)
    _save(store_url, "commun", "b", 1, 5.0)
    with pytest.raises(ConflictError) as caught:
        _save(store_url, "commun", "a", 1, 7.0)
    assert caught.value.current.author == "b"
