"""A separate process that imports the same pair of files again and again (concurrency tests).

Usage: ``python tests/geodata/import_worker.py LABEL ROUNDS residences.csv sru_production.csv``
with ``COTATION_DATA_DIR`` set. Prints one JSON line per import: ``{"label", "ok", "version"}``
(``version`` is the id the import made current, or the French message of a refusal).

With ``PAUSE_AT=files`` the worker stops, after printing ``PAUSE``, once every file of the new
version is written under its temporary name; with ``PAUSE_AT=switch``, once the version is
renamed and before it is made current: the test then kills it at that very moment.
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
from geodata.errors import DataValidationError  # noqa: E402
from geodata.importer import ImportFile, commit_import, prepare_import  # noqa: E402


def _pause() -> None:
    print("PAUSE", flush=True)
    time.sleep(600)


def _install_pause(stage: str) -> None:
    if stage == "files":
        original = versions._fsync_path

        def fsync_then_pause(path):
            original(path)
            if Path(path).name == versions.MANIFEST:
                _pause()

        versions._fsync_path = fsync_then_pause
    elif stage == "switch":
        original_switch = versions.set_current

        def pause_then_switch(version_id, root=None):
            _pause()
            original_switch(version_id, root)

        versions.set_current = pause_then_switch


def main(label: str, rounds: int, residences: str, sru: str) -> None:
    _install_pause(os.environ.get("PAUSE_AT", ""))
    files = [ImportFile("residences", Path(residences)), ImportFile("sru_production", Path(sru))]
    for _ in range(rounds):
        try:
            info = commit_import(prepare_import(files), author=label, timeout_s=60)
            print(json.dumps({"label": label, "ok": True, "version": info.version_id}), flush=True)
        except DataValidationError as error:
            print(json.dumps({"label": label, "ok": False, "version": str(error)}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4])
