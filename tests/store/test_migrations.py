"""Migrations up and down on both backends, and the models they build match the code's models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from store import migrate
from store.datasets import data_version
from store.engine import create_store_engine, get_engine, read_session
from store.models import Base

TABLES = {
    "users",
    "audit_trail",
    "weight_profiles",
    "fiche_texts",
    "dataset_versions",
    "data_state",
}


def test_first_use_migrates_to_head_and_the_schema_matches_the_models(store_url):
    engine = get_engine(store_url)
    assert migrate.current_revision(engine) == migrate.head_revision()
    assert set(inspect(engine).get_table_names()) >= TABLES
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []
    with read_session(store_url) as session:
        assert data_version(session) == 1


def test_down_to_base_and_up_again(store_url):
    engine = create_store_engine(store_url)
    migrate.upgrade(engine)
    migrate.downgrade(engine, "base")
    assert migrate.current_revision(engine) is None
    assert not TABLES & set(inspect(engine).get_table_names())
    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == migrate.head_revision()
    assert set(inspect(engine).get_table_names()) >= TABLES
    engine.dispose()


def test_a_second_upgrade_does_nothing(store_url):
    engine = create_store_engine(store_url)
    migrate.upgrade_to_head(engine)
    migrate.upgrade_to_head(engine)
    assert migrate.current_revision(engine) == migrate.head_revision()
    engine.dispose()
