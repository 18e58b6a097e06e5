"""Dataset versions on disk: each import is a new, complete, immutable directory.

Layout, under :func:`versions_root` (``<data dir>/versions``)::

    versions/
      20250301T101500123456Z-3fa9c1/     one version: a Parquet file per table it holds,
        manifest.json                    and its manifest (tables, origins, rows, sources)
        residences.parquet …
      .pending-<id>                      a version written but not yet recorded by the store
      .tmp-<id>/                         a version being written

Which version is in force is not kept here: the project's store says it (``store.datasets``),
and loaders read the directory they are given (:func:`version_dir`). A version is written under
a temporary name, every file and the directory are synced to disk, then the directory is renamed
to its id in one step: a reader never sees half a version. A ``.pending-<id>`` marker is written
first and removed by :func:`confirm_version` once the store recorded the version. A process
killed at any moment therefore leaves at most a temporary directory, or a pending version the
store never recorded; :func:`sweep_stale`, which every import runs under the data lock before it
writes, removes both — and only those: a directory this data folder's imports did not mark as
pending is never removed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import secrets
import shutil
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from geodata.errors import DataValidationError
from geodata.paths import data_dir

MANIFEST = "manifest.json"
TMP_PREFIX = ".tmp-"
PENDING_PREFIX = ".pending-"
MANIFEST_FORMAT = 1
ORIGINS = ("imported", "demo", "empty")


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


def is_version_id(name: str) -> bool:
    """Whether ``name`` has the form of a version id (never a path)."""
    return _is_version_id(name)


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


def _write_synced(path: Path, text: str) -> None:
    with path.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


def write_version(
    frames: Mapping[str, pd.DataFrame],
    *,
    origins: Mapping[str, str],
    author: str = "",
    sources: list[dict] | None = None,
    notes: list[str] | None = None,
    root: Path | None = None,
) -> VersionInfo:
    """Write a complete version, marked pending, and return it; it is not in force.

    Call it under the data lock; once the store recorded the version, call
    :func:`confirm_version` (or :func:`discard_version` when the store refused it).

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
    pending = root / f"{PENDING_PREFIX}{version_id}"
    tmp = root / f"{TMP_PREFIX}{version_id}"
    try:
        _write_synced(pending, version_id)
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
        _write_synced(tmp / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
        _fsync_path(tmp)
        final = root / version_id
        os.rename(tmp, final)
        _fsync_path(root)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        pending.unlink(missing_ok=True)
        raise DataValidationError(
            f"écriture impossible dans « {root} » ({exc.strerror or exc}) : rien n'a été "
            "écrit, la version des données en service est inchangée.",
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


def version_dir(version_id: str, root: Path | None = None) -> Path:
    """The directory of version ``version_id`` (which may be missing on this machine).

    Raises
    ------
    DataValidationError
        When ``version_id`` is not a version id (a path, a name with a slash…).
    """
    if not _is_version_id(version_id):
        raise DataValidationError(
            f"nom de version « {version_id} » invalide, attendu un identifiant de version "
            "(AAAAMMJJTHHMMSSffffffZ-xxxxxx).",
            value=version_id,
            expected="un identifiant de version",
        )
    return versions_root(root) / version_id


def version_info(version_id: str, root: Path | None = None) -> VersionInfo | None:
    """The version ``version_id`` (None when there is no complete version of that id)."""
    if not _is_version_id(version_id):
        return None
    return read_version(versions_root(root) / version_id)


def list_versions(root: Path | None = None) -> list[VersionInfo]:
    """Every complete version on disk, newest first (pending ones included)."""
    root = versions_root(root)
    found = [read_version(p) for p in root.iterdir() if p.is_dir() and _is_version_id(p.name)]
    return sorted((v for v in found if v is not None), key=lambda v: v.version_id, reverse=True)


def pending_versions(root: Path | None = None) -> list[str]:
    """Ids of the versions written but not confirmed (their store record may be missing)."""
    root = versions_root(root)
    names = [
        p.name[len(PENDING_PREFIX) :] for p in root.iterdir() if p.name.startswith(PENDING_PREFIX)
    ]
    return sorted(n for n in names if _is_version_id(n))


def confirm_version(version_id: str, root: Path | None = None) -> None:
    """Drop the pending mark of a version the store recorded."""
    (versions_root(root) / f"{PENDING_PREFIX}{version_id}").unlink(missing_ok=True)


def discard_version(version_id: str, root: Path | None = None) -> None:
    """Remove a version written but never recorded by the store, with its pending mark."""
    root = versions_root(root)
    if _is_version_id(version_id):
        shutil.rmtree(root / version_id, ignore_errors=True)
        (root / f"{PENDING_PREFIX}{version_id}").unlink(missing_ok=True)


def sweep_stale(recorded: Collection[str], root: Path | None = None) -> list[str]:
    """Remove what interrupted imports left: temporary directories, and the pending versions
    the store never recorded.

    Call it under the data lock only: then no other import is at work.

    Parameters
    ----------
    recorded : collection of str
        Directories of every version the store recorded (any status): a pending version among
        them was recorded by a process killed before it confirmed it, and is only confirmed.

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
    for version_id in pending_versions(root):
        if version_id in recorded:
            confirm_version(version_id, root)
            continue
        if (root / version_id).exists():
            removed.append(version_id)
        discard_version(version_id, root)
        removed.append(f"{PENDING_PREFIX}{version_id}")
    return removed
