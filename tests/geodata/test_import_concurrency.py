"""Imports in real processes: two at once never mix, a killed one leaves the current version whole.

Each import brings two tables, residences and SRU production, from one of two data sets: A (3
residences, 111 dwellings agreed) and B (4 residences, 222 agreed). A version mixing them, a
version half written, or a reported success without its version would show here.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from geodata import housing, versions
from geodata.errors import DataValidationError
from geodata.importer import ImportFile, commit_import, prepare_import
from tests.geodata.test_table_reader import _french_csv, _residences

WORKER = Path(__file__).resolve().parent / "import_worker.py"
ROUNDS = 20
MARKERS = {3: 111, 4: 222}  # residences in the set → dwellings agreed in its SRU table


def _data_set(folder: Path, n: int) -> list[str]:
    residences = folder / f"residences_{n}.csv"
    _french_csv(_residences(n), residences)
    sru = folder / f"sru_{n}.csv"
    pd.DataFrame(
        {"commune_code": ["86194"], "year": [2025], "n_agreed": [MARKERS[n]], "n_delivered": [1]}
    ).to_csv(sru, sep=";", index=False)
    return [str(residences), str(sru)]


def _worker(label: str, rounds: int, files: list[str], pause_at: str = "") -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(WORKER), label, str(rounds), *files],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PAUSE_AT": pause_at},
    )


def _consistent(info: versions.VersionInfo) -> int:
    """The data set a version holds, after checking it does not mix both."""
    residences = housing.load_table("residences", info.path)
    sru = housing.load_table("sru_production", info.path)
    assert sru["n_agreed"].tolist() == [MARKERS[len(residences)]], info.version_id
    return len(residences)


def _stale(root: Path) -> list[str]:
    return [p.name for p in root.iterdir() if p.name.startswith((".tmp-", ".CURRENT-"))]


def test_twenty_rounds_of_two_imports_at_once_never_mix(tmp_path):
    a, b = _data_set(tmp_path, 3), _data_set(tmp_path, 4)
    workers = [_worker("A", ROUNDS, a), _worker("B", ROUNDS, b)]
    results = []
    for worker in workers:
        out, err = worker.communicate(timeout=600)
        assert worker.returncode == 0, err  # no traceback, ever
        assert "Traceback" not in err
        results += [json.loads(line) for line in out.splitlines()]
    assert len(results) == 2 * ROUNDS
    succeeded = [r for r in results if r["ok"]]
    assert len(succeeded) == 2 * ROUNDS, [r for r in results if not r["ok"]]  # one waited
    listed = {v.version_id: v for v in versions.list_versions()}
    assert set(listed) == {r["version"] for r in succeeded}
    for result in succeeded:
        expected = 3 if result["label"] == "A" else 4
        assert _consistent(listed[result["version"]]) == expected
    current = versions.current_version()
    assert current.version_id == max(listed)  # the last import to finish is the current one
    _consistent(current)
    assert _stale(versions.versions_root()) == []


def test_a_process_killed_at_any_moment_leaves_the_current_version_whole(tmp_path):
    a, b = _data_set(tmp_path, 3), _data_set(tmp_path, 4)
    commit_import(
        prepare_import(
            [ImportFile("residences", Path(a[0])), ImportFile("sru_production", Path(a[1]))]
        )
    )
    root = versions.versions_root()
    rng = random.Random(20250301)
    kills = 0
    for round_ in range(6):
        before = versions.current_version_id()
        worker = _worker("K", 50, b if round_ % 2 else a)
        time.sleep(rng.uniform(1.2, 3.0))  # the worker starts (~1.5 s), then imports in a loop
        worker.send_signal(signal.SIGKILL)
        worker.communicate(timeout=60)
        kills += worker.returncode == -signal.SIGKILL
        current = versions.current_version()
        assert current is not None
        _consistent(current)  # complete and unmixed, whatever the moment of the kill
        for info in versions.list_versions():
            _consistent(info)
        assert current.version_id >= before
        # The next import sweeps what the killed one left, under the lock.
        with versions.import_lock():
            versions.sweep_stale()
        assert _stale(root) == []
    assert kills == 6


@pytest.mark.parametrize("stage", ["files", "switch"])
def test_a_process_killed_while_writing_or_switching(tmp_path, stage):
    a, b = _data_set(tmp_path, 3), _data_set(tmp_path, 4)
    first = commit_import(
        prepare_import(
            [ImportFile("residences", Path(a[0])), ImportFile("sru_production", Path(a[1]))]
        )
    )
    worker = _worker("P", 1, b, pause_at=stage)
    assert worker.stdout.readline().strip() == "PAUSE"
    worker.send_signal(signal.SIGKILL)
    worker.communicate(timeout=60)
    assert versions.current_version_id() == first.version_id
    _consistent(versions.current_version())
    root = versions.versions_root()
    if stage == "files":
        assert len(_stale(root)) == 1  # the half-made version, under its temporary name only
        assert [v.version_id for v in versions.list_versions()] == [first.version_id]
    with versions.import_lock():
        versions.sweep_stale()
    assert _stale(root) == []
    for info in versions.list_versions():
        _consistent(info)


@pytest.mark.parametrize("stage", ["write", "switch"])
def test_a_crash_while_writing_or_switching_keeps_the_current_version(tmp_path, monkeypatch, stage):
    a, b = _data_set(tmp_path, 3), _data_set(tmp_path, 4)
    first = commit_import(
        prepare_import(
            [ImportFile("residences", Path(a[0])), ImportFile("sru_production", Path(a[1]))]
        )
    )

    def crash(*args, **kwargs):
        raise OSError(28, "No space left on device")

    target = "geodata.versions.os.rename" if stage == "write" else "geodata.versions.os.replace"
    monkeypatch.setattr(target, crash)
    prepared = prepare_import(
        [ImportFile("residences", Path(b[0])), ImportFile("sru_production", Path(b[1]))]
    )
    with pytest.raises(DataValidationError, match="inchangée"):
        commit_import(prepared)
    assert versions.current_version_id() == first.version_id
    assert [v.version_id for v in versions.list_versions()] == [first.version_id]
    assert _stale(versions.versions_root()) == []
