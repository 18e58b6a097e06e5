"""Imports in real processes, on SQLite and on PostgreSQL: two at once never mix, a killed one
leaves the version in force whole, the store unchanged, and nothing the next import cannot sweep.

Each import brings two tables, residences and SRU production, from one of two data sets: A (3
residences, 111 dwellings agreed) and B (4 residences, 222 agreed). A version mixing them, a
version half written, a store record without its files, or a reported success without its
version would show here.
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
from services import data_import
from store import StoreError, read_session
from store import datasets as datasets_store
from store.locks import data_lock
from tests.geodata.test_table_reader import _french_csv, _residences

WORKER = Path(__file__).resolve().parent / "import_worker.py"
ROUNDS = 20
MARKERS = {3: 111, 4: 222}  # residences in the set → dwellings agreed in its SRU table
ACTOR = data_import.command_line_actor()


def _data_set(folder: Path, n: int) -> dict[str, str]:
    residences = folder / f"residences_{n}.csv"
    _french_csv(_residences(n), residences)
    sru = folder / f"sru_{n}.csv"
    pd.DataFrame(
        {"commune_code": ["86194"], "year": [2025], "n_agreed": [MARKERS[n]], "n_delivered": [1]}
    ).to_csv(sru, sep=";", index=False)
    return {"residences": str(residences), "sru_production": str(sru)}


def _worker(label: str, rounds: int, files: dict, pause_at: str = "") -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(WORKER), label, str(rounds), *files.values()],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PAUSE_AT": pause_at},
    )


def _consistent(directory: str) -> int:
    """The data set a version holds, after checking it does not mix both."""
    path = versions.version_dir(directory)
    residences = housing.load_table("residences", path)
    sru = housing.load_table("sru_production", path)
    assert sru["n_agreed"].tolist() == [MARKERS[len(residences)]], directory
    return len(residences)


def _state() -> tuple[int, datasets_store.DatasetRecord | None, list]:
    with read_session() as session:
        return (
            datasets_store.data_version(session),
            datasets_store.current_dataset(session),
            datasets_store.list_datasets(session),
        )


def _leftovers() -> list[str]:
    root = versions.versions_root()
    return [p.name for p in root.iterdir() if p.name.startswith((".tmp-", ".pending-"))]


def _sweep() -> None:
    """What the next import does first, under the data lock."""
    with data_lock(timeout_s=30):
        data_import._sweep(os.environ["COTATION_DATABASE_URL"])


def _check_store_and_disk() -> datasets_store.DatasetRecord:
    """Every recorded version is whole and unmixed; after a sweep, nothing else is on disk."""
    _, current, listed = _state()
    assert current is not None
    _consistent(current.directory)
    for record in listed:
        _consistent(record.directory)
    _sweep()
    assert _leftovers() == []
    on_disk = {p.name for p in versions.versions_root().iterdir()}
    assert on_disk == {r.directory for r in listed}
    return current


def test_twenty_rounds_of_two_imports_at_once_never_mix(store_url, tmp_path):
    a, b = _data_set(tmp_path, 3), _data_set(tmp_path, 4)
    workers = [_worker("A", ROUNDS, a), _worker("B", ROUNDS, b)]
    results = []
    for worker in workers:
        out, err = worker.communicate(timeout=900)
        assert worker.returncode == 0, err  # no traceback, ever
        assert "Traceback" not in err
        results += [json.loads(line) for line in out.splitlines()]
    assert len(results) == 2 * ROUNDS
    assert [r for r in results if not r["ok"]] == []  # one waited for the other
    version, current, listed = _state()
    assert version == 1 + 2 * ROUNDS  # each import raised the data version once
    assert sorted(r.id for r in listed) == sorted(r["dataset"] for r in results)
    for result in results:
        assert _consistent(result["directory"]) == (3 if result["label"] == "A" else 4)
    assert current.id == max(r.id for r in listed)  # the last import to switch is in force
    assert [r.status for r in listed].count("current") == 1
    assert _leftovers() == []


def test_a_process_killed_at_any_moment_leaves_the_version_in_force_whole(store_url, tmp_path):
    a, b = _data_set(tmp_path, 3), _data_set(tmp_path, 4)
    data_import.import_files(ACTOR, a)
    rng = random.Random(20250301)
    kills = 0
    for round_ in range(6):
        _, before, _ = _state()
        worker = _worker("K", 50, b if round_ % 2 else a)
        time.sleep(rng.uniform(1.5, 3.5))  # the worker starts (~1.5 s), then imports in a loop
        worker.send_signal(signal.SIGKILL)
        worker.communicate(timeout=60)
        kills += worker.returncode == -signal.SIGKILL
        current = _check_store_and_disk()
        assert current.id >= before.id
    assert kills == 6


@pytest.mark.parametrize("stage", ["files", "switch", "recorded"])
def test_a_process_killed_while_writing_recording_or_confirming(store_url, tmp_path, stage):
    a, b = _data_set(tmp_path, 3), _data_set(tmp_path, 4)
    first = data_import.import_files(ACTOR, a).dataset
    version_before, _, _ = _state()
    worker = _worker("P", 1, b, pause_at=stage)
    assert worker.stdout.readline().strip() == "PAUSE"
    worker.send_signal(signal.SIGKILL)
    worker.communicate(timeout=60)
    version, current, listed = _state()
    if stage == "recorded":  # the store committed: the new version is in force, whole
        assert current.id != first.id and _consistent(current.directory) == 4
        assert version == version_before + 1
    else:  # the store never heard of it: nothing changed
        assert current.id == first.id and version == version_before
        assert [r.id for r in listed] == [first.id]
        assert len(_leftovers()) == (2 if stage == "files" else 1)  # .tmp-/.pending-
    assert _check_store_and_disk().id == current.id
    # The lock died with the process: the next import goes through.
    assert data_import.import_files(ACTOR, a).data_version == version + 1


@pytest.mark.parametrize("stage", ["write", "record"])
def test_a_failure_while_writing_or_recording_changes_nothing(
    store_url, tmp_path, monkeypatch, stage
):
    a, b = _data_set(tmp_path, 3), _data_set(tmp_path, 4)
    first = data_import.import_files(ACTOR, a).dataset
    before = _state()

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    def store_refuses(*args, **kwargs):
        raise StoreError("base indisponible")

    if stage == "write":
        monkeypatch.setattr("geodata.versions.os.rename", disk_full)
        expected = pytest.raises(DataValidationError, match="inchangée")
    else:
        monkeypatch.setattr(data_import.datasets_store, "record_dataset", store_refuses)
        expected = pytest.raises(StoreError, match="base indisponible")
    with expected:
        data_import.import_files(ACTOR, b)
    assert _state() == before
    assert before[1].id == first.id
    assert _leftovers() == []
    assert sorted(p.name for p in versions.versions_root().iterdir()) == [first.directory]
