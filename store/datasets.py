"""Dataset versions and the data version servers read to know the data changed.

The store is the single source of truth of the data in force. An import records a
:class:`DatasetRecord` (who, when, which files, how many rows per table, the directory of the data
folder holding its tables) as ``staged``; :func:`switch_current` makes it the data in force — the
previous one ``retired`` — and raises the data version, in one transaction holding the lock of
the single ``data_state`` row (``SELECT … FOR UPDATE`` on PostgreSQL, ``BEGIN IMMEDIATE`` on
SQLite), with its audit line. ``services.data_import`` records and switches in the same
transaction, under the data lock of :mod:`store.locks`. :func:`data_version` is one primary-key
read: every server reads it at each page run and drops its caches when it moved (a data import or
a rollback on any server, a new reference profile).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from store import audit
from store.audit import Actor
from store.clock import utcnow
from store.errors import ConflictError, NotFoundError, StoreError
from store.models import DatasetVersion, DataState

STATE_ID = 1
DATASET_STATUSES = ("staged", "current", "retired", "failed")
SWITCH_ACTIONS = ("dataset_switched", "dataset_rolled_back")
_ANY = object()  # switch_current without an expected current version


@dataclass(frozen=True)
class DatasetRecord:
    """A dataset version as read from the store."""

    id: int
    author: str
    author_name: str
    created_at: dt.datetime
    files: dict[str, str]
    row_counts: dict[str, int]
    status: str
    comment: str | None
    switched_at: dt.datetime | None
    directory: str | None = None

    def summary(self) -> dict:
        """What the audit trail keeps of it."""
        return {
            "version": self.id,
            "statut": self.status,
            "fichiers": self.files,
            "lignes": self.row_counts,
        }


def _record(row: DatasetVersion) -> DatasetRecord:
    return DatasetRecord(
        id=row.id,
        author=row.author,
        author_name=row.author_name,
        created_at=row.created_at,
        files=dict(row.files),
        row_counts={k: int(v) for k, v in row.row_counts.items()},
        status=row.status,
        comment=row.comment,
        switched_at=row.switched_at,
        directory=row.directory,
    )


def _state(session: Session, lock: bool = False) -> DataState:
    statement = select(DataState).where(DataState.id == STATE_ID)
    if lock:
        statement = statement.with_for_update()
    state = session.scalars(statement).one_or_none()
    if state is None:
        raise StoreError("base du magasin incomplète (ligne data_state absente) : migrez-la.")
    return state


def data_version(session: Session) -> int:
    """The data version: raised by every change of the data in force."""
    version = session.scalar(select(DataState.data_version).where(DataState.id == STATE_ID))
    if version is None:
        raise StoreError("base du magasin incomplète (ligne data_state absente) : migrez-la.")
    return int(version)


def bump_data_version(session: Session) -> int:
    """Raise the data version by one under the lock of the state row; return the new one."""
    _state(session, lock=True)
    session.execute(
        update(DataState)
        .where(DataState.id == STATE_ID)
        .values(data_version=DataState.data_version + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    session.expire_all()
    return data_version(session)


def record_dataset(
    session: Session,
    actor: Actor,
    files: Mapping[str, str],
    row_counts: Mapping[str, int],
    comment: str | None = None,
    directory: str | None = None,
) -> DatasetRecord:
    """Record a new dataset version as ``staged`` (audit ``dataset_recorded``).

    Parameters
    ----------
    files : mapping
        Kind of file or table name → the file it was read from (name only, no folder).
    row_counts : mapping
        Table name → number of rows, for every table the version holds.
    comment : str, optional
        Why (kept with the version and in the audit trail).
    directory : str, optional
        Name of the directory of the data folder holding the version's tables (unique).
    """
    if not files:
        raise StoreError("version de données vide : aucun fichier.")
    row = DatasetVersion(
        author=actor.username or actor.name,
        author_name=actor.name,
        created_at=utcnow(),
        files={str(k): str(v) for k, v in files.items()},
        row_counts={str(k): int(v) for k, v in row_counts.items()},
        status="staged",
        comment=comment.strip() if comment and comment.strip() else None,
        directory=directory,
    )
    session.add(row)
    session.flush()
    record = _record(row)
    audit.record(
        session, actor, "dataset_recorded", "dataset", str(row.id), None, record.summary(), comment
    )
    return record


def get_dataset(session: Session, dataset_id: int) -> DatasetRecord:
    """The dataset version ``dataset_id``.

    Raises
    ------
    NotFoundError
        When there is none (French message).
    """
    row = session.get(DatasetVersion, dataset_id)
    if row is None:
        raise NotFoundError(f"version de données n° {dataset_id} introuvable.")
    return _record(row)


def list_datasets(session: Session) -> list[DatasetRecord]:
    """Every dataset version, newest first."""
    rows = session.scalars(select(DatasetVersion).order_by(DatasetVersion.id.desc()))
    return [_record(r) for r in rows]


def recorded_directories(session: Session) -> set[str]:
    """The directories of every dataset version recorded (any status)."""
    rows = session.scalars(
        select(DatasetVersion.directory).where(DatasetVersion.directory.is_not(None))
    )
    return set(rows)


def current_dataset(session: Session) -> DatasetRecord | None:
    """The dataset version in force (None: the embedded demo data)."""
    current = session.scalar(select(DataState.current_dataset_id).where(DataState.id == STATE_ID))
    return None if current is None else get_dataset(session, current)


def switch_current(
    session: Session,
    actor: Actor,
    dataset_id: int | None,
    reason: str | None = None,
    *,
    expected_current: int | object | None = _ANY,
    action: str = "dataset_switched",
) -> int:
    """Make ``dataset_id`` the data in force (None: back to the demo data); the previous one is
    retired. Raises and returns the new data version (audit ``action``).

    Holds the lock of the state row for the whole switch: two switches never interleave.

    Parameters
    ----------
    expected_current : int or None, optional
        The version the caller built on (None: the demo data): the switch is refused when
        another one is in force now.
    action : str, default ``dataset_switched``
        Audit action: :data:`SWITCH_ACTIONS` (``dataset_rolled_back`` for a rollback).

    Raises
    ------
    NotFoundError
        When the dataset version does not exist.
    ConflictError
        When the version in force is not ``expected_current``.
    StoreError
        When it failed its import.
    """
    if action not in SWITCH_ACTIONS:
        raise ValueError(f"action inconnue : {action!r}")
    state = _state(session, lock=True)
    previous = state.current_dataset_id
    if expected_current is not _ANY and previous != expected_current:
        raise ConflictError(
            f"la version de données en service a changé pendant l'opération (n° {previous}, "
            f"attendu n° {expected_current}) : rien n'a été modifié, recommencez.",
            None if previous is None else get_dataset(session, previous),
        )
    if dataset_id is not None:
        target = get_dataset(session, dataset_id)
        if target.status == "failed":
            raise StoreError(
                f"version de données n° {dataset_id} en échec à l'import : elle ne peut pas "
                "être mise en service."
            )
    if previous is not None and previous != dataset_id:
        session.execute(
            update(DatasetVersion).where(DatasetVersion.id == previous).values(status="retired")
        )
    if dataset_id is not None:
        session.execute(
            update(DatasetVersion)
            .where(DatasetVersion.id == dataset_id)
            .values(status="current", switched_at=utcnow())
        )
    session.execute(
        update(DataState)
        .where(DataState.id == STATE_ID)
        .values(
            current_dataset_id=dataset_id,
            data_version=DataState.data_version + 1,
            updated_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    session.expire_all()
    version = data_version(session)
    audit.record(
        session,
        actor,
        action,
        "dataset",
        None if dataset_id is None else str(dataset_id),
        before={"version en service": previous},
        after={"version en service": dataset_id, "version des données": version},
        reason=reason,
    )
    return version


def mark_failed(
    session: Session, actor: Actor, dataset_id: int, reason: str | None = None
) -> DatasetRecord:
    """Mark a staged dataset version as failed (audit ``dataset_failed``)."""
    row = session.get(DatasetVersion, dataset_id)
    if row is None:
        raise NotFoundError(f"version de données n° {dataset_id} introuvable.")
    if row.status != "staged":
        raise StoreError(
            f"version de données n° {dataset_id} « {row.status} » : seule une version en attente "
            "peut être marquée en échec."
        )
    before = _record(row).summary()
    row.status = "failed"
    session.flush()
    record = _record(row)
    audit.record(
        session,
        actor,
        "dataset_failed",
        "dataset",
        str(dataset_id),
        before,
        record.summary(),
        reason,
    )
    return record
