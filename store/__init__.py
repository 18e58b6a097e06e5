"""The store: what users decide and who decided it, kept in a database.

Accounts and roles (:mod:`store.users`), the audit trail (:mod:`store.audit`), saved weight
profiles (:mod:`store.profiles`), the texts of the fiches territoriales (:mod:`store.fiches`),
the dataset versions and the « data version » that servers read to know the data changed
(:mod:`store.datasets`). SQLAlchemy 2 models (:mod:`store.models`) and Alembic migrations
shipped in ``store/migrations``; the database is SQLite in WAL mode beside the data folder by
default, PostgreSQL with ``COTATION_DATABASE_URL`` (:mod:`store.engine`), migrated to the latest
revision at first use.

Functions take an open :class:`sqlalchemy.orm.Session` (see :func:`store.engine.read_session`
and :func:`store.engine.write_session`) so that a use case composes several of them in one
transaction; they return frozen records, never ORM objects. The store decides nothing about
rights: ``services/`` checks the capabilities before calling it.
"""

from store.audit import Actor, AuditRecord
from store.engine import database_url, get_engine, read_session, write_session
from store.errors import ConflictError, NotFoundError, StoreError

__all__ = [
    "Actor",
    "AuditRecord",
    "ConflictError",
    "NotFoundError",
    "StoreError",
    "database_url",
    "get_engine",
    "read_session",
    "write_session",
]
