"""Test helper: publish tables as the dataset version in force, as an import would leave them."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from geodata import versions
from services import data_state
from store import Actor, write_session
from store import datasets as datasets_store

TESTER = Actor("test", "Jeu d'essai", "cli")


def publish(**frames: pd.DataFrame) -> versions.VersionInfo:
    """Write a version holding ``frames`` (table name → rows, unchecked), record it in the store
    and put it in force.

    The other tables of the version are the demo ones. The loaders check the tables when they
    read them, as they do for any version.
    """
    info = versions.write_version(frames, origins={name: "imported" for name in frames})
    with write_session() as session:
        record = datasets_store.record_dataset(
            session,
            TESTER,
            {name: f"{name}.csv" for name in frames},
            {name: len(frame) for name, frame in frames.items()},
            directory=info.version_id,
        )
        datasets_store.switch_current(session, TESTER, record.id)
    versions.confirm_version(info.version_id)
    return info


def in_force() -> Path | None:
    """The directory of the version in force (None: the demo data)."""
    return data_state.current_version_dir()
