"""The data lock: one import or rollback of the data at a time, across processes and servers.

An import reads the version in force, builds the next one from it, writes its files and makes it
current; nothing else may change the data in force in between. :func:`data_lock` serialises
those operations for every process using the same store:

- PostgreSQL: a session-level advisory lock (``pg_try_advisory_lock``) held on a connection of
  its own; every server on the database sees it, and the database releases it when the holder's
  connection ends (a process killed at any moment never leaves it taken).
- SQLite (one machine by nature): an exclusive ``flock`` on a file beside the database,
  released by the kernel when the holder ends. The store's write transactions are not held
  meanwhile: logins and profile saves go on during an import.

The switch itself is still one store transaction holding the ``data_state`` row
(:func:`store.datasets.switch_current`), which also checks that the version in force is the one
the import built on.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, text

from store.engine import get_engine
from store.errors import LockBusyError

PG_DATA_LOCK_KEY = 86_194_2025  # any constant, distinct from the migrations' lock
POLL_S = 0.05
_memory_lock = threading.Lock()


def _busy(timeout_s: float) -> LockBusyError:
    return LockBusyError(
        f"un autre import ou retour en arrière des données est en cours depuis plus de "
        f"{timeout_s:g} s : rien n'a été modifié, réessayez quand il sera fini."
    )


def _wait(try_lock, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not try_lock():
        if time.monotonic() >= deadline:
            raise _busy(timeout_s)
        time.sleep(POLL_S)


@contextmanager
def _postgres_lock(connection: Connection, timeout_s: float) -> Iterator[None]:
    def try_lock() -> bool:
        taken = connection.execute(
            text("SELECT pg_try_advisory_lock(:key)"), {"key": PG_DATA_LOCK_KEY}
        ).scalar()
        connection.commit()
        return bool(taken)

    _wait(try_lock, timeout_s)
    try:
        yield
    finally:
        connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": PG_DATA_LOCK_KEY})
        connection.commit()


@contextmanager
def _file_lock(path: str, timeout_s: float) -> Iterator[None]:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:

        def try_lock() -> bool:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            return True

        _wait(try_lock, timeout_s)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def lock_file(engine: Engine) -> str | None:
    """The file locked beside an SQLite store (None for PostgreSQL or an in-memory database)."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return None
    return f"{database}.data-lock"


@contextmanager
def data_lock(url: str | None = None, timeout_s: float = 120.0) -> Iterator[None]:
    """Hold the data lock of the store at ``url`` (default: the configured store).

    Waits up to ``timeout_s`` seconds for another holder, polling, then raises.

    Raises
    ------
    LockBusyError
        When another import or rollback keeps it longer (French message: nothing was changed).
    """
    engine = get_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection, _postgres_lock(connection, timeout_s):
            yield
        return
    path = lock_file(engine)
    if path is None:  # an in-memory database lives in one process: a lock of the process
        if not _memory_lock.acquire(timeout=timeout_s):
            raise _busy(timeout_s)
        try:
            yield
        finally:
            _memory_lock.release()
        return
    with _file_lock(path, timeout_s):
        yield
