"""The data in force, as the store says it: the data version, the dataset version and the
directory of its tables.

The store is the single source of truth of which dataset version is in force (``store.datasets``);
the tables themselves are files of the data folder (:mod:`geodata.versions`), read by the loaders
from the directory they are given. Every caller — the caches of the dashboard, the exports, the
accounts — asks here, so that two servers on one database never disagree on what is current.

The « data version » is read at every page run (one primary-key read): a data import or a
rollback on any server, or a new reference profile of the CIL, raises it, and each server drops
its caches at its next run — with several servers behind a proxy, file modification times on one
machine could not tell the others.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from geodata import versions
from geodata.housing import HOUSING_TABLES
from store import database_url, read_session
from store.datasets import DatasetRecord, current_dataset, data_version


@dataclass(frozen=True)
class DataSource:
    """The data in force.

    Attributes
    ----------
    url : str
        The store's address.
    data_version : int
        The store's data version.
    dataset : DatasetRecord or None
        The dataset version in force (None: the embedded demo data).
    """

    url: str
    data_version: int
    dataset: DatasetRecord | None

    @property
    def token(self) -> tuple[str, int]:
        """What changes whenever cached figures are stale."""
        return self.url, self.data_version

    @property
    def directory(self) -> Path | None:
        """The directory of the tables in force (None: the demo data)."""
        if self.dataset is None or not self.dataset.directory:
            return None
        return versions.version_dir(self.dataset.directory)

    def holds(self, table_name: str) -> bool:
        """Whether the version in force holds ``table_name`` (else it is the demo table)."""
        return self.dataset is not None and table_name in self.dataset.row_counts

    @property
    def uses_demo_data(self) -> bool:
        """Whether every housing table is the embedded demo data (no real table in force)."""
        return not any(self.holds(name) for name in HOUSING_TABLES)

    def missing_files(self) -> str | None:
        """A French message when the files of the version in force are not on this machine.

        With several servers on several machines, the data folder must be shared storage: a
        server that cannot read the version another one imported says so instead of showing
        stale or partial data.
        """
        directory = self.directory
        if directory is None or versions.read_version(directory) is not None:
            return None
        record = self.dataset
        return (
            f"Les données en service (version n° {record.id}, importée le "
            f"{record.created_at:%d/%m/%Y à %H:%M} UTC par {record.author_name}) sont "
            f"introuvables dans le dossier de données de ce serveur (« {directory} ») : avec "
            "plusieurs serveurs, le dossier de données (COTATION_DATA_DIR) doit être un stockage "
            "partagé. Un compte autorisé à importer peut revenir à une version présente (page "
            "« Import des données »)."
        )


def data_token() -> tuple[str, int]:
    """The store's address and its data version: changes whenever cached figures are stale."""
    url = database_url()
    with read_session(url) as session:
        return url, data_version(session)


def current_source() -> DataSource:
    """The data in force, read from the store in one transaction."""
    url = database_url()
    with read_session(url) as session:
        return DataSource(url, data_version(session), current_dataset(session))


def current_version_dir() -> Path | None:
    """The directory of the tables in force (None: the demo data)."""
    return current_source().directory


def demo_data_in_use() -> bool:
    """Whether every housing table in force is the embedded demo data."""
    return current_source().uses_demo_data
