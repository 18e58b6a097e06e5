"""The import entry point: validate and write the files, then record the dataset version and
raise the data version in the store, so that every server drops its caches at its next run.

``geodata.importer`` reads, checks and writes the tables (all or nothing) but knows nothing of
the store; every import goes through here — the « Import » screen as well as the command line::

    python -m services.data_import residences=residences.csv occupancy=ops_2024.csv
    python -m services.data_import --reset residences

An import of any real table disables the demonstration accounts (their passwords are public);
going back to the demo data for every table enables them again. A refused file is recorded as a
failed dataset version, with the French message, in the journal.
"""

from __future__ import annotations

import getpass
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from geodata import housing
from geodata.importer import import_tables, reset_table
from geodata.quartiers import import_quartiers
from geodata.schemas import DataValidationError
from services.access import Viewer, require
from services.accounts import actor_of, demo_data_in_use, sync_demo_accounts
from store import Actor, audit, write_session
from store import datasets as datasets_store
from store.datasets import DatasetRecord


@dataclass(frozen=True)
class ImportReport:
    """What an import did: the dataset version recorded and the new data version."""

    dataset: DatasetRecord
    data_version: int


def command_line_actor() -> Actor:
    """The actor of the command line: the system user who ran it."""
    user = getpass.getuser()
    return Actor(f"cli:{user}", f"ligne de commande ({user})", "cli")


def import_files(
    actor: Actor, files: Mapping[str, str | Path], comment: str | None = None
) -> ImportReport:
    """Import tables, record the dataset version, make it current and raise the data version.

    Raises
    ------
    DataValidationError
        When a file is refused: nothing is written, the attempt is recorded as failed.
    """
    names = {table: Path(path).name for table, path in files.items()}
    try:
        counts = import_tables(files)
    except DataValidationError as exc:
        with write_session() as session:
            failed = datasets_store.record_dataset(session, actor, names, {}, comment)
            datasets_store.mark_failed(session, actor, failed.id, str(exc))
        raise
    with write_session() as session:
        dataset = datasets_store.record_dataset(session, actor, names, counts, comment)
        version = datasets_store.switch_current(session, actor, dataset.id, comment)
        dataset = datasets_store.get_dataset(session, dataset.id)
    sync_demo_accounts(demo_data_in_use())
    return ImportReport(dataset, version)


def import_files_as(
    viewer: Viewer, files: Mapping[str, str | Path], comment: str | None = None
) -> ImportReport:
    """:func:`import_files` for a logged-in viewer (capability ``import_data``)."""
    require(viewer, "import_data")
    return import_files(actor_of(viewer), files, comment)


def import_quartier_file(
    actor: Actor,
    path: str | Path,
    code_column: str,
    name_column: str,
    comment: str | None = None,
    **kwargs,
) -> ImportReport:
    """Import the outlines of the quartiers (or IRIS), record them and raise the data version.

    ``kwargs`` go to :func:`geodata.quartiers.import_quartiers` (e.g. ``commune_column``).
    """
    count = import_quartiers(path, code_column, name_column, **kwargs)
    with write_session() as session:
        dataset = datasets_store.record_dataset(
            session, actor, {"quartiers": Path(path).name}, {"quartiers": count}, comment
        )
        version = datasets_store.switch_current(session, actor, dataset.id, comment)
        dataset = datasets_store.get_dataset(session, dataset.id)
    return ImportReport(dataset, version)


def reset_tables(actor: Actor, tables: Sequence[str], comment: str | None = None) -> int:
    """Go back to the demo data for ``tables``; raise the data version and return it."""
    for table in tables:
        reset_table(table)
    with write_session() as session:
        version = datasets_store.bump_data_version(session)
        audit.record(
            session,
            actor,
            "data_reset",
            "dataset",
            ", ".join(tables),
            after={"tables": list(tables), "version des données": version},
            reason=comment,
        )
    sync_demo_accounts(demo_data_in_use())
    return version


def main(argv: list[str]) -> int:
    """Command line: ``table=fichier`` pairs, or ``--reset table …``."""
    actor = command_line_actor()
    if len(argv) >= 2 and argv[0] == "--reset":
        try:
            reset_tables(actor, argv[1:], "retour aux données de démonstration")
        except DataValidationError as exc:
            print(f"Retour refusé : {exc}")
            return 1
        for table in argv[1:]:
            print(f"Table « {table} » : retour aux données de démonstration.")
        return 0
    pairs = [a.split("=", 1) for a in argv]
    if not pairs or any(len(p) != 2 for p in pairs):
        print(
            "Usage : python -m services.data_import table=fichier [table=fichier …]\n"
            "        python -m services.data_import --reset table [table …]\n"
            f"Tables : {', '.join(housing.HOUSING_TABLES)}."
        )
        return 2
    try:
        report = import_files(actor, dict(pairs))
    except DataValidationError as exc:
        print(f"Import refusé, aucune donnée modifiée : {exc}")
        return 1
    for name, count in report.dataset.row_counts.items():
        print(f"Table « {name} » : {count} lignes importées.")
    print(
        f"Version de données n° {report.dataset.id} en service (version {report.data_version}) : "
        "les serveurs en cours rechargent les données au prochain clic."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
