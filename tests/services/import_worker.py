"""A separate process that imports the same pair of files again and again (concurrency tests).

Usage: ``python tests/services/import_worker.py LABEL ROUNDS residences.csv sru_production.csv``
with ``COTATION_DATA_DIR`` and ``COTATION_DATABASE_URL`` set. Prints one JSON line per import:
``{"label", "ok", "dataset", "directory"}`` (or ``"message"``, the French refusal).

With ``PAUSE_AT`` the worker prints ``PAUSE`` and sleeps at one step of its first import, for
the test to kill it at that very moment: ``files`` once every file of the new version is written
under its temporary name; ``switch`` once the version is renamed, before the store records it;
``recorded`` once the store made it current, before its pending mark is dropped.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from geodata import versions  # noqa: E402
from services import data_import  # noqa: E402
from store import Actor  # noqa: E402

ACTOR = Actor("worker", "Processus d'essai", "cli")


def _pause() -> None:
    print("PAUSE", flush=True)
    time.sleep(600)


def _install_pause(stage: str) -> None:
    if stage == "files":
        original = versions._fsync_path

        def fsync_then_pause(path):
            original(path)
            if Path(path).name.startswith(versions.TMP_PREFIX):  # the directory, last
                _pause()

        versions._fsync_path = fsync_then_pause
    elif stage == "switch":
        original_record = data_import.datasets_store.record_dataset

        def pause_then_record(*args, **kwargs):
            _pause()
            return original_record(*args, **kwargs)

        data_import.datasets_store.record_dataset = pause_then_record
    elif stage == "recorded":

        def pause_instead_of_confirm(version_id, root=None):
            _pause()

        data_import.versions.confirm_version = pause_instead_of_confirm


def main(label: str, rounds: int, residences: str, sru: str) -> None:
    _install_pause(os.environ.get("PAUSE_AT", ""))
    files = {"residences": residences, "sru_production": sru}
    for _ in range(rounds):
        try:
            report = data_import.import_files(ACTOR, files, label, timeout_s=120)
        except data_import.REFUSALS as error:
            print(json.dumps({"label": label, "ok": False, "message": str(error)}), flush=True)
            continue
        record = report.dataset
        line = {"label": label, "ok": True, "dataset": record.id, "directory": record.directory}
        print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4])
