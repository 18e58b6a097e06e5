"""The store's database: where it is, one engine per database and process, sessions.

- ``COTATION_DATABASE_URL`` (e.g. ``postgresql://cotation@db.example/cotation``) selects a
  shared PostgreSQL database for several servers; ``postgresql://`` URLs use psycopg 3.
- Without it, an SQLite file ``store.sqlite3`` beside the data folder: ``var/store.sqlite3``, or
  the parent of ``COTATION_DATA_DIR`` when that is set (one deployment, one folder holding its
  imported data and its store). Nothing to configure for ``make run``.

SQLite runs in WAL mode (readers never wait for a writer) with a busy timeout; every write
transaction starts with ``BEGIN IMMEDIATE`` so that two writer processes queue instead of failing
on a lock upgrade. The first use of a database in a process migrates it to the latest revision
(:func:`store.migrate.upgrade_to_head`).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

from store.errors import StoreError

DATABASE_URL_ENV = "COTATION_DATABASE_URL"
DATA_DIR_ENV = "COTATION_DATA_DIR"
SQLITE_FILE = "store.sqlite3"
ROOT = Path(__file__).resolve().parent.parent
BUSY_TIMEOUT_S = 30
_WRITE = "store_write"

_engines: dict[str, Engine] = {}
_makers: dict[tuple[str, bool], sessionmaker] = {}
_lock = threading.Lock()


def default_sqlite_path() -> Path:
    """The embedded SQLite file: beside the data folder (``var/store.sqlite3`` by default)."""
    data_dir = os.environ.get(DATA_DIR_ENV)
    folder = Path(data_dir).parent if data_dir else ROOT / "var"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / SQLITE_FILE


def database_url() -> str:
    """The URL of the store: ``COTATION_DATABASE_URL``, else the embedded SQLite file."""
    return os.environ.get(DATABASE_URL_ENV) or f"sqlite:///{default_sqlite_path()}"


def parse_url(url: str) -> URL:
    """Check a database URL; ``postgresql://`` selects the psycopg 3 driver.

    Raises
    ------
    StoreError
        When the URL is not an SQLite or PostgreSQL URL (French message naming the variable).
    """
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreError(
            f"{DATABASE_URL_ENV} : adresse de base de données illisible « {url} », attendu "
            "sqlite:///chemin/store.sqlite3 ou postgresql://utilisateur@hôte/base."
        ) from exc
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise StoreError(
            f"{DATABASE_URL_ENV} : base « {parsed.get_backend_name()} » non prise en charge, "
            "attendu sqlite ou postgresql."
        )
    return parsed


def _sqlite_events(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # transactions are begun below
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:
        write = connection.get_execution_options().get(_WRITE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def create_store_engine(url: str) -> Engine:
    """A new engine on ``url`` (SQLite set up for WAL and queued writers), not migrated."""
    parsed = parse_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_S})
        _sqlite_events(engine)
        return engine
    return create_engine(parsed, pool_pre_ping=True, pool_size=5, max_overflow=10)


def get_engine(url: str | None = None) -> Engine:
    """The engine of the store at ``url`` (default :func:`database_url`), migrated to head.

    One engine per database and process; the first call migrates the database (under a lock
    shared by every process, see :func:`store.migrate.upgrade_to_head`).
    """
    url = url or database_url()
    engine = _engines.get(url)
    if engine is not None:
        return engine
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            from store.migrate import upgrade_to_head  # migrations import the models

            engine = create_store_engine(url)
            upgrade_to_head(engine)
            _engines[url] = engine
    return engine


def dispose_engines() -> None:
    """Close every engine of this process (tests, and a child process after a fork)."""
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()
        _makers.clear()


def _maker(url: str | None, write: bool) -> sessionmaker:
    engine = get_engine(url)
    key = (engine.url.render_as_string(hide_password=False), write)
    maker = _makers.get(key)
    if maker is None:
        bind = engine.execution_options(**{_WRITE: True}) if write else engine
        maker = sessionmaker(bind=bind, expire_on_commit=False)
        _makers[key] = maker
    return maker


@contextmanager
def read_session(url: str | None = None) -> Iterator[Session]:
    """A session for reading (its transaction is rolled back at the end)."""
    with _maker(url, write=False)() as session:
        try:
            yield session
        finally:
            session.rollback()


@contextmanager
def write_session(url: str | None = None) -> Iterator[Session]:
    """A session whose work is committed at the end, or rolled back on any error.

    On SQLite the transaction starts with ``BEGIN IMMEDIATE``: writers queue (busy timeout of
    :data:`BUSY_TIMEOUT_S` seconds) and a read-then-write never fails on a lock upgrade.
    """
    with _maker(url, write=True)() as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
