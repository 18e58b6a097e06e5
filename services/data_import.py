"""Import the service habitat's data, and go back to any earlier version: the one use case of
the « Import des données » page and of the command line (``python -m services.data_import``).

An import runs in two steps:

1. :func:`prepare` reads, converts and checks every file (:func:`geodata.importer.prepare_import`):
   the long part, with a progress callback; nothing is written. Its reports say, file by file,
   the format, rows read, kept and rejected with their reasons.
2. :func:`commit`, under the data lock of the store (:func:`store.locks.data_lock`: one import or
   rollback at a time across processes and servers), sweeps what interrupted imports left,
   asks the store which version is in force, assembles the new version on it and checks all
   tables together, writes its directory (temporary name, synced, renamed:
   :mod:`geodata.versions`), then records it and makes it current in ONE store transaction that
   raises the data version and writes the audit trail (who, when, files, rows, before, after,
   why). A failure anywhere — a table that does not hold with the others, a full disk, the lock
   kept by another import, the process killed — leaves the version in force and the store as
   they were, and no stale file once the next import swept.

:func:`rollback` makes any listed version current again (or the demo data) in one store
transaction under the same lock, with its comment in the audit trail. The demonstration accounts
follow the data in force: disabled as soon as a real housing table is in force, enabled again
when the demo data is back (:func:`services.accounts.sync_demo_accounts`).

Functions taking an :class:`~store.Actor` serve the command line (run on the server by whoever
may run it); the ``*_as`` functions take the logged-in viewer and check its ``import_data``
capability first.
"""

from __future__ import annotations

import getpass
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from config import ConfigError, load_toml
from geodata import versions
from geodata.errors import DataValidationError
from geodata.import_report import SourceReport
from geodata.importer import (
    ImportFile,
    PreparedImport,
    Progress,
    prepare_import,
    prepare_quartiers,
    stage_version,
)
from services import accounts
from services.access import Viewer, require
from store import Actor, StoreError, database_url, read_session, write_session
from store import datasets as datasets_store
from store.datasets import DatasetRecord
from store.locks import data_lock

# What refuses an import or a rollback with a French message (never a traceback).
REFUSALS = (DataValidationError, StoreError, ConfigError)
RESET_FILE = "données de démonstration"


@dataclass(frozen=True)
class ImportReport:
    """What an import did.

    Attributes
    ----------
    dataset : DatasetRecord
        The dataset version recorded and now in force.
    data_version : int
        The store's new data version.
    version : VersionInfo
        The version's manifest (tables, origins, French notes of the assembly).
    reports : tuple of SourceReport
        The report of each file read.
    """

    dataset: DatasetRecord
    data_version: int
    version: versions.VersionInfo
    reports: tuple[SourceReport, ...]


@dataclass(frozen=True)
class RollbackReport:
    """What a rollback did: the version in force before and after (None: the demo data)."""

    before: DatasetRecord | None
    after: DatasetRecord | None
    data_version: int


@dataclass(frozen=True)
class VersionRow:
    """A dataset version as listed: its record, whether it is in force, whether its files are
    on this machine (a version whose files are missing cannot be made current)."""

    dataset: DatasetRecord
    is_current: bool
    is_available: bool


def command_line_actor() -> Actor:
    """The actor of the command line: the system user who ran it."""
    user = getpass.getuser()
    return Actor(f"cli:{user}", f"ligne de commande ({user})", "cli")


def lock_timeout_s() -> float:
    """How long an import or a rollback waits for another one (``config/import.toml``)."""
    return float(load_toml("import.toml")["versions"]["lock_timeout_s"])


def import_items(files: Mapping[str, str | Path] | Sequence[ImportFile]) -> list[ImportFile]:
    """Files to import as :class:`ImportFile` (a mapping is kind → path)."""
    if isinstance(files, Mapping):
        return [ImportFile(kind, Path(path)) for kind, path in files.items()]
    return list(files)


def prepare(
    files: Mapping[str, str | Path] | Sequence[ImportFile],
    *,
    survey_year: int | None = None,
    reset: Sequence[str] = (),
    progress: Progress | None = None,
) -> PreparedImport:
    """Read, convert and check every file; nothing is written (see
    :func:`geodata.importer.prepare_import`).

    Raises
    ------
    DataValidationError
        At the first file that cannot be read, with its French message.
    """
    return prepare_import(
        import_items(files), survey_year=survey_year, reset=reset, progress=progress
    )


def prepare_as(
    viewer: Viewer, files: Mapping[str, str | Path] | Sequence[ImportFile], **kwargs
) -> PreparedImport:
    """:func:`prepare` for a logged-in viewer (capability ``import_data``)."""
    require(viewer, "import_data")
    return prepare(files, **kwargs)


def _files_of(prepared: PreparedImport) -> dict[str, str]:
    files = {report.kind: report.file for report in prepared.reports}
    for table in prepared.supplied.reset:
        files.setdefault(table, RESET_FILE)
    return files


def _row_counts(info: versions.VersionInfo) -> dict[str, int]:
    return {
        name: int(entry["rows"])
        for name, entry in info.tables.items()
        if entry.get("origin") != "demo" and entry.get("rows") is not None
    }


def _base_version(dataset: DatasetRecord | None) -> versions.VersionInfo | None:
    """The files of the version in force (None: the demo data)."""
    if dataset is None or not dataset.directory:
        return None
    info = versions.read_version(versions.version_dir(dataset.directory))
    if info is None:
        raise DataValidationError(
            f"les fichiers de la version en service (n° {dataset.id}, dossier "
            f"« {dataset.directory} ») sont introuvables dans le dossier de données de ce "
            "serveur : rien n'a été modifié. Avec plusieurs serveurs, le dossier de données doit "
            "être partagé ; sinon revenez d'abord à une version présente.",
            value=dataset.directory,
            expected="les fichiers de la version en service",
        )
    return info


def _sweep(url: str) -> list[str]:
    """Remove what interrupted imports left (under the data lock only)."""
    with read_session(url) as session:
        recorded = datasets_store.recorded_directories(session)
    return versions.sweep_stale(recorded)


def _is_recorded(url: str, directory: str) -> bool:
    try:
        with read_session(url) as session:
            return directory in datasets_store.recorded_directories(session)
    except Exception:  # the store is unreachable: keep the files, the next sweep decides
        return True


def _sync_demo_accounts() -> None:
    accounts.sync_demo_accounts(accounts.demo_data_in_use())


def commit(
    actor: Actor,
    prepared: PreparedImport,
    comment: str | None = None,
    *,
    drop_orphans: bool = False,
    timeout_s: float | None = None,
) -> ImportReport:
    """Write the prepared import as a new version and make it current, all or nothing.

    Parameters
    ----------
    actor : Actor
        Who imports (the audit trail's « who »).
    prepared : PreparedImport
        What :func:`prepare` read.
    comment : str, optional
        Why (kept with the version and in the audit trail).
    drop_orphans : bool, default False
        Drop, rather than refuse, the rows of the version in force that name residences or
        vacancies the new version no longer has (said in the notes).
    timeout_s : float, optional
        How long to wait for another import (``config/import.toml`` by default).

    Returns
    -------
    ImportReport

    Raises
    ------
    DataValidationError
        When the tables do not hold together or the disk refuses the write.
    StoreError
        When another import keeps the lock too long (:class:`store.errors.LockBusyError`) or
        the store refuses the switch. In every case nothing was changed.
    """
    url = database_url()
    timeout = lock_timeout_s() if timeout_s is None else timeout_s
    files = _files_of(prepared)
    with data_lock(url, timeout):
        _sweep(url)
        with read_session(url) as session:
            base = datasets_store.current_dataset(session)
        info = stage_version(
            prepared, _base_version(base), author=actor.name, drop_orphans=drop_orphans
        )
        reason = comment or f"import de {', '.join(files.values())}"
        try:
            with write_session(url) as session:
                record = datasets_store.record_dataset(
                    session, actor, files, _row_counts(info), comment, directory=info.version_id
                )
                version = datasets_store.switch_current(
                    session,
                    actor,
                    record.id,
                    reason,
                    expected_current=None if base is None else base.id,
                )
                record = datasets_store.get_dataset(session, record.id)
        except BaseException:
            if not _is_recorded(url, info.version_id):
                versions.discard_version(info.version_id)
            raise
        versions.confirm_version(info.version_id)
        _sync_demo_accounts()
    return ImportReport(record, version, info, tuple(prepared.reports))


def commit_as(viewer: Viewer, prepared: PreparedImport, comment: str | None = None, **kwargs):
    """:func:`commit` for a logged-in viewer (capability ``import_data``)."""
    require(viewer, "import_data")
    return commit(accounts.actor_of(viewer), prepared, comment, **kwargs)


def import_files(
    actor: Actor,
    files: Mapping[str, str | Path] | Sequence[ImportFile],
    comment: str | None = None,
    *,
    survey_year: int | None = None,
    drop_orphans: bool = False,
    timeout_s: float | None = None,
) -> ImportReport:
    """:func:`prepare` then :func:`commit` (``files``: kind → path, or :class:`ImportFile`)."""
    prepared = prepare(files, survey_year=survey_year)
    return commit(actor, prepared, comment, drop_orphans=drop_orphans, timeout_s=timeout_s)


def import_files_as(
    viewer: Viewer,
    files: Mapping[str, str | Path] | Sequence[ImportFile],
    comment: str | None = None,
    **kwargs,
) -> ImportReport:
    """:func:`import_files` for a logged-in viewer (capability ``import_data``)."""
    require(viewer, "import_data")
    return import_files(accounts.actor_of(viewer), files, comment, **kwargs)


def import_quartier_file(
    actor: Actor,
    path: str | Path,
    code_column: str,
    name_column: str,
    comment: str | None = None,
    **kwargs,
) -> ImportReport:
    """Import the outlines of the quartiers from any outline file as a new version.

    ``kwargs`` go to :func:`geodata.quartiers.read_quartier_file` (e.g. ``commune_column``).
    """
    prepared = prepare_quartiers(path, code_column, name_column, **kwargs)
    return commit(actor, prepared, comment)


def reset_tables(actor: Actor, tables: Sequence[str], comment: str | None = None) -> ImportReport:
    """A new version where ``tables`` (or ``tout``) are the demo data again."""
    prepared = prepare([], reset=tables)
    return commit(actor, prepared, comment or "retour aux données de démonstration")


def _check_comment(comment: str | None) -> str:
    text = (comment or "").strip()
    if not text:
        raise DataValidationError(
            "commentaire absent : dites pourquoi vous revenez à cette version (il est gardé au "
            "journal).",
            expected="un commentaire",
        )
    return text


def rollback(
    actor: Actor, dataset_id: int | None, comment: str, *, timeout_s: float | None = None
) -> RollbackReport:
    """Make the listed version ``dataset_id`` current again (None: the demo data).

    One store transaction under the data lock: the version in force is retired, the data version
    raised, the audit trail written (``dataset_rolled_back``, with ``comment`` as the why).

    Raises
    ------
    DataValidationError
        Without a comment, or when the version's files are not in the data folder.
    StoreError
        Unknown or failed version, version already in force, lock kept too long.
    """
    reason = _check_comment(comment)
    url = database_url()
    timeout = lock_timeout_s() if timeout_s is None else timeout_s
    with data_lock(url, timeout):
        _sweep(url)
        with write_session(url) as session:
            before = datasets_store.current_dataset(session)
            after = None
            if dataset_id is not None:
                after = datasets_store.get_dataset(session, dataset_id)
                _base_version(after)  # its files must be there
            if (None if before is None else before.id) == dataset_id:
                raise StoreError(
                    "cette version est déjà en service : rien n'a été modifié."
                    if dataset_id is not None
                    else "les données de démonstration sont déjà en service."
                )
            version = datasets_store.switch_current(
                session,
                actor,
                dataset_id,
                reason,
                expected_current=None if before is None else before.id,
                action="dataset_rolled_back",
            )
            if after is not None:
                after = datasets_store.get_dataset(session, dataset_id)
        _sync_demo_accounts()
    return RollbackReport(before, after, version)


def rollback_as(viewer: Viewer, dataset_id: int | None, comment: str, **kwargs):
    """:func:`rollback` for a logged-in viewer (capability ``import_data``)."""
    require(viewer, "import_data")
    return rollback(accounts.actor_of(viewer), dataset_id, comment, **kwargs)


def list_versions() -> list[VersionRow]:
    """Every recorded dataset version, newest first, with the one in force marked."""
    with read_session() as session:
        records = datasets_store.list_datasets(session)
        current = datasets_store.current_dataset(session)
    rows = []
    for record in records:
        available = bool(record.directory) and (versions.version_info(record.directory) is not None)
        rows.append(VersionRow(record, current is not None and record.id == current.id, available))
    return rows


def list_versions_as(viewer: Viewer) -> list[VersionRow]:
    """:func:`list_versions` for a logged-in viewer (capability ``import_data``)."""
    require(viewer, "import_data")
    return list_versions()


if __name__ == "__main__":
    import sys

    from services.data_import_cli import main

    sys.exit(main(sys.argv[1:]))
