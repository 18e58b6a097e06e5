"""Shared test settings and fixtures: property-test profile, reference files, data directory,
store backends (SQLite and a throwaway PostgreSQL)."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from store.engine import dispose_engines, write_session
from store.settings import load_account_settings
from store.users import load_demo_accounts, sync_demo_accounts
from tests.postgres import PostgresServer, postgres_bindir
from ui import cache

# Property tests must not fail because a loaded machine ran one example slowly: no per-example
# deadline and no "too slow" health check (the properties themselves are still all checked).
settings.register_profile("project", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("project")

ROOT = Path(__file__).resolve().parent.parent
REFERENCE_DIR = Path(os.environ.get("COTATION_REFERENCE_DIR", ROOT.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    """Directory of independent reference files (IGN cut of the communes, INSEE list).

    They are never part of the project; tests that compare against them are skipped when the
    directory is absent.
    """
    if not REFERENCE_DIR.is_dir():
        pytest.skip(
            f"fichiers de référence indépendants absents ({REFERENCE_DIR}) : comparaison ignorée"
        )
    return REFERENCE_DIR


@pytest.fixture(scope="session")
def _store_template(tmp_path_factory) -> Path:
    """An embedded store migrated to head with its demo accounts, built once per session.

    Each test starts from a copy (hashing the demo passwords again for every test would cost
    about half a second each); the migrations and the demo accounts are tested on their own in
    ``tests/store`` and ``tests/services``.
    """
    path = tmp_path_factory.mktemp("store-template") / "store.sqlite3"
    url = f"sqlite:///{path}"
    with write_session(url) as session:
        sync_demo_accounts(session, load_demo_accounts(), True, load_account_settings())
    dispose_engines()
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path_factory, monkeypatch, _store_template):
    """Every test imports into its own data directory and keeps its own store (the SQLite file
    beside it, a copy of the template), never the user's."""
    var = tmp_path_factory.mktemp("var")
    monkeypatch.setenv("COTATION_DATA_DIR", str(var / "data"))
    monkeypatch.delenv("COTATION_DATABASE_URL", raising=False)
    shutil.copyfile(_store_template, var / "store.sqlite3")
    # The data in force is read from the store at the start of each page run; a test that calls
    # the caches without a page run must not see the version of the previous test's store.
    monkeypatch.setattr(cache, "_loaded", None)


@pytest.fixture(scope="session")
def postgres_server():
    """A throwaway PostgreSQL server for the whole session (Debian's postgresql package).

    Fails, never skips, when PostgreSQL is not installed: ``make test`` installs it.
    """
    bindir = postgres_bindir()
    if bindir is None:
        pytest.fail(
            "PostgreSQL introuvable (initdb) : lancez « make setup », qui installe le paquet "
            "Debian postgresql (les tests du magasin tournent sur SQLite et PostgreSQL)."
        )
    server = PostgresServer(bindir).start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path, monkeypatch):
    """An empty store on each backend, set as ``COTATION_DATABASE_URL`` for the test."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    else:
        url = request.getfixturevalue("postgres_server").new_database()
    monkeypatch.setenv("COTATION_DATABASE_URL", url)
    yield url
    dispose_engines()
