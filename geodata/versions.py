"""Dataset versions on disk: each import is a new, complete, immutable directory.

Layout, under :func:`versions_root` (``<data dir>/versions``)::

    versions/
      20250301T101500123456Z-3fa9c1/     one version: a Parquet file per table it holds,
        manifest.json                    and its manifest (tables, origins, rows, sources)
        residences.parquet …
      CURRENT                            the id of the current version (absent: demo data)
      .import.lock                       held by the process that writes or switches

A version is written under a unique temporary name (``.tmp-<pid>-<random>``), every file and
the directory are synced to disk, then the directory is renamed to its id in one step: a
reader never sees half a version. Making a version current replaces ``CURRENT`` the same way
(temporary file, sync, rename). A process killed at any moment leaves the current version as
it was; the temporary files it may leave are removed by :func:`sweep_stale`, which every import
runs under the lock before it writes.

Tables a version does not hold are the demo tables (``origin = "demo"`` in the manifest). The
choice of the current version may also be kept elsewhere (the project's store): loaders take a
version directory explicitly and only fall back to ``CURRENT``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import secrets
import shutil
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from geodata.errors import DataValidationError
from geodata.paths import data_dir

MANIFEST = "manifest.json"
POINTER = "CURRENT"
LOCK_FILE = ".import.lock"
TMP_PREFIX = ".tmp-"
POINTER_TMP_PREFIX = ".CURRENT-"
MANIFEST_FORMAT = 1
ORIGINS = ("imported", "demo", "empty")


class ImportBusyError(DataValidationError):
    """Another import holds the lock for longer than the caller accepts to wait."""


@dataclass(frozen=True)
class VersionInfo:
    """What a version's manifest says.

    Attributes
    ----------
    version_id : str
        Directory name, sortable by creation time.
    created_at : str
        ISO 8601 time (UTC) of the import.
    author : str
        Who imported it (empty when unknown, e.g. the command line).
    tables : dict
        Per table name: ``origin`` (``imported``, ``demo`` or ``empty``), ``rows`` and ``sha256``
        of its file.
    sources : list of dict
        The files read: ``file``, ``kind``, ``format``, ``rows_read``, ``rows_kept``,
        ``rows_rejected``.
    notes : list of str
        French sentences about what the import did (tables emptied, quartiers recomputed…).
    path : Path
        The version's directory.
    """

    version_id: str
    created_at: str
    author: str
    tables: dict
    sources: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    path: Path = Path()

    def origin(self, table_name: str) -> str:
        """Origin of a table in this version (``demo`` when it does not hold it)."""
        return self.tables.get(table_name, {}).get("origin", "demo")

    def rows(self, table_name: str) -> int | None:
        """Rows of a table held by this version (None for demo tables)."""
        return self.tables.get(table_name, {}).get("rows")


def versions_root(root: Path | None = None) -> Path:
    """Directory of the versions (created on demand)."""
    path = Path(root) if root is not None else data_dir() / "versions"
    path.mkdir(parents=True, exist_ok=True)
    return path


def new_version_id() -> str:
    """A fresh, sortable, unique version id (UTC time to the microsecond and 6 random hex)."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    return f"{stamp}-{secrets.token_hex(3)}"


def _is_version_id(name: str) -> bool:
    head, _, tail = name.partition("-")
    return len(head) == 22 and head.endswith("Z") and len(tail) == 6 and tail.isalnum()


def _fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_version(
    frames: Mapping[str, pd.DataFrame],
    *,
    origins: Mapping[str, str],
    author: str = "",
    sources: list[dict] | None = None,
    notes: list[str] | None = None,
    root: Path | None = None,
) -> VersionInfo:
    """Write a complete version and return it; it is not made current.

    Parameters
    ----------
    frames : mapping of table name to DataFrame
        The tables the version holds (already validated together).
    origins : mapping of table name to str
        ``imported``, ``empty`` or ``demo`` for every table of the data set; tables with origin
        ``demo`` must not be in ``frames``.
    author : str, optional
        Who imports.
    sources, notes : list, optional
        Files read and French notes, kept in the manifest.
    root : Path, optional
        Versions directory (:func:`versions_root` by default).

    Returns
    -------
    VersionInfo

    Raises
    ------
    DataValidationError
        When the disk refuses the write (full, read-only…); nothing is left behind then.
    """
    root = versions_root(root)
    version_id = new_version_id()
    tmp = root / f"{TMP_PREFIX}{os.getpid()}-{secrets.token_hex(4)}"
    try:
        tmp.mkdir()
        tables = {}
        for name, origin in origins.items():
            if origin not in ORIGINS:
                raise ValueError(f"origine inconnue pour {name} : {origin!r}")
            if origin == "demo":
                tables[name] = {"origin": "demo"}
                continue
            path = tmp / f"{name}.parquet"
            frames[name].to_parquet(path, index=False)
            _fsync_path(path)
            tables[name] = {"origin": origin, "rows": len(frames[name]), "sha256": _sha256(path)}
        manifest = {
            "format": MANIFEST_FORMAT,
            "version_id": version_id,
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "author": author,
            "tables": tables,
            "sources": sources or [],
            "notes": notes or [],
        }
        manifest_path = tmp / MANIFEST
        manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), "utf-8")
        _fsync_path(manifest_path)
        _fsync_path(tmp)
        final = root / version_id
        os.rename(tmp, final)
        _fsync_path(root)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise DataValidationError(
            f"écriture impossible dans « {root} » ({exc.strerror or exc}) : rien n'a été "
            "écrit, la version courante des données est inchangée.",
            expected="un dossier de données accessible en écriture avec de la place libre",
        ) from exc
    return read_version(final)


@lru_cache(maxsize=256)
def _readread_version(path: Path, mtime_ns: int) -> VersionInfo | None:
    try:
        raw = json.loads(path.read_text("utf-8"))
        return VersionInfo(
            version_id=str(raw["version_id"]),
            created_at=str(raw["created_at"]),
            author=str(raw.get("author", "")),
            tables=dict(raw["tables"]),
            sources=list(raw.get("sources", [])),
            notes=list(raw.get("notes", [])),
            path=path.parent,
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def read_version(directory: Path) -> VersionInfo | None:
    """The version of ``directory`` (None when it has no valid manifest of its own name)."""
    path = directory / MANIFEST
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        return None
    info = _readread_version(path, mtime)
    return info if info is not None and info.version_id == directory.name else None


def version_info(version_id: str, root: Path | None = None) -> VersionInfo | None:
    """The version ``version_id`` (None when there is no complete version of that id)."""
    if not _is_version_id(version_id):
        return None
    return read_version(versions_root(root) / version_id)


def list_versions(root: Path | None = None) -> list[VersionInfo]:
    """Every complete version, newest first."""
    root = versions_root(root)
    found = [read_version(p) for p in root.iterdir() if p.is_dir() and _is_version_id(p.name)]
    return sorted((v for v in found if v is not None), key=lambda v: v.version_id, reverse=True)


def current_version_id(root: Path | None = None) -> str | None:
    """Id of the current version, None when the demo data is current."""
    pointer = versions_root(root) / POINTER
    try:
        version_id = pointer.read_text("utf-8").strip()
    except OSError:
        return None
    return version_id if version_info(version_id, root) is not None else None


def current_version(root: Path | None = None) -> VersionInfo | None:
    """The current version, None when the demo data is current."""
    version_id = current_version_id(root)
    return version_info(version_id, root) if version_id else None


def set_current(version_id: str | None, root: Path | None = None) -> None:
    """Make ``version_id`` current (None: the demo data) in one atomic step.

    Call it under :func:`import_lock`. The pointer is written to a temporary file, synced, then
    renamed over ``CURRENT``.

    Raises
    ------
    DataValidationError
        When the version does not exist or the disk refuses the write.
    """
    root = versions_root(root)
    if version_id is not None and version_info(version_id, root) is None:
        raise DataValidationError(
            f"version « {version_id} » introuvable, attendu l'une des versions listées.",
            value=version_id,
            expected="une version listée",
        )
    tmp = root / f"{POINTER_TMP_PREFIX}{os.getpid()}-{secrets.token_hex(4)}.tmp"
    try:
        with tmp.open("w", encoding="utf-8") as fh:
            fh.write(version_id or "demo")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, root / POINTER)
        _fsync_path(root)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise DataValidationError(
            f"bascule impossible vers la version « {version_id} » ({exc.strerror or exc}) : la "
            "version courante est inchangée.",
            expected="un dossier de données accessible en écriture",
        ) from exc


@contextlib.contextmanager
def import_lock(root: Path | None = None, timeout_s: float = 120.0) -> Iterator[None]:
    """Hold the versions' lock: one import or rollback at a time, across processes.

    Waits up to ``timeout_s`` seconds for another import to finish, then raises
    :class:`ImportBusyError`. The lock is released when the holder ends, even when killed.
    """
    root = versions_root(root)
    fd = os.open(root / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise ImportBusyError(
                        "un autre import des données est en cours depuis plus de "
                        f"{timeout_s:g} s : rien n'a été modifié, réessayez quand il sera fini.",
                        expected="aucun autre import en cours",
                    ) from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def discard_version(version_id: str, root: Path | None = None) -> None:
    """Remove a version that was written but could not be made current (under the lock)."""
    if version_info(version_id, root) is not None and version_id != current_version_id(root):
        shutil.rmtree(versions_root(root) / version_id, ignore_errors=True)


def sweep_stale(root: Path | None = None) -> list[str]:
    """Remove what interrupted imports left (temporary directories and pointer files).

    Call it under :func:`import_lock` only: then no other writer is at work.

    Returns
    -------
    list of str
        Names removed.
    """
    root = versions_root(root)
    removed = []
    for path in root.iterdir():
        if path.name.startswith(TMP_PREFIX) and path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path.name)
        elif path.name.startswith(POINTER_TMP_PREFIX):
            path.unlink(missing_ok=True)
            removed.append(path.name)
    return removed
