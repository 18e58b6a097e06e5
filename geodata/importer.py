"""Import the service habitat's files as a new dataset version: all or nothing, never a traceback.

Two kinds of files are read:

- the project's own tables (``residences``, ``occupancy``, ``vacancies``, ``attributions``,
  ``departures``, ``demands``, ``sru_inventory``, ``sru_production``), one file per table with
  the columns of the data dictionary (:mod:`geodata.table_reader`);
- the official files as published (:mod:`geodata.official`): ``rpls`` (dwellings, grouped into
  residences), ``bpe`` (equipment) and ``arrets`` (GTFS stops), ``iris`` (quartiers), ``qpv``
  (QPV 2024 outlines), ``ops`` (occupancy surveys by residence or commune).

:func:`prepare_import` reads and converts every file (the long part; nothing is written) and
returns the reports: rows read, kept, rejected with their reasons. :func:`commit_import` then,
under the versions' lock, assembles the new version from those tables and the current version
(:func:`geodata.dataset.assemble`), checks all tables together, writes it beside the current one
and makes it current in one step (:mod:`geodata.versions`). Two imports at once: the second waits
for the first, then builds on the version the first made current. Any problem stops everything
with a French message naming the file, the line, the column, the value and what was expected;
the current version is then untouched.

Command line (the same reports)::

    python -m geodata.importer rpls=rpls_2024.csv bpe=bpe_86.csv iris=contours_iris.zip
    python -m geodata.importer residences=residences.csv occupancy=ops_2024.csv
    python -m geodata.importer ops=ops_2024.csv --annee-ops 2024
    python -m geodata.importer --versions
    python -m geodata.importer --revenir 20250301T101500123456Z-3fa9c1
    python -m geodata.importer --reset residences        # or --reset tout
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from config import ConfigError, load_toml
from geodata import versions
from geodata.dataset import DATASET_TABLES, Assembly, Supplied, assemble
from geodata.errors import DataValidationError
from geodata.housing import HOUSING_TABLES
from geodata.import_report import SourceReport, text_report
from geodata.official.bpe import convert_bpe
from geodata.official.gtfs import convert_stops
from geodata.official.iris import convert_iris
from geodata.official.ops import convert_ops
from geodata.official.qpv import convert_qpv
from geodata.official.rpls import convert_rpls
from geodata.quartiers import read_quartier_file
from geodata.schemas import TABLES
from geodata.table_reader import read_table

OFFICIAL_KINDS = {
    "rpls": "RPLS au logement (SDES)",
    "bpe": "base permanente des équipements (INSEE)",
    "arrets": "arrêts de transport en commun (GTFS, stops.txt)",
    "iris": "contours IRIS (IGN / INSEE)",
    "qpv": "contours des quartiers prioritaires 2024 (ANCT)",
    "ops": "enquête d'occupation du parc social (OPS)",
}
KINDS = {**{name: TABLES[name].label for name in HOUSING_TABLES}, **OFFICIAL_KINDS}
RESET_ALL = "tout"
Progress = Callable[[str, float], None]


@dataclass(frozen=True)
class ImportFile:
    """A file to import.

    Attributes
    ----------
    kind : str
        One of :data:`KINDS`.
    path : Path
        Where the file is on disk.
    name : str
        Name shown in messages (the uploaded file's name); ``path``'s name when empty.
    """

    kind: str
    path: Path
    name: str = ""

    @property
    def shown_name(self) -> str:
        """Name quoted in messages."""
        return self.name or Path(self.path).name


@dataclass
class PreparedImport:
    """Files read and converted, not written yet: the tables and the reports."""

    supplied: Supplied
    reports: list[SourceReport] = field(default_factory=list)


def lock_timeout_s() -> float:
    """How long an import waits for another one (``config/import.toml``)."""
    return float(load_toml("import.toml")["versions"]["lock_timeout_s"])


def _check_kinds(files: Sequence[ImportFile]) -> None:
    if "residences" in {i.kind for i in files} and "rpls" in {i.kind for i in files}:
        raise DataValidationError(
            "un fichier RPLS et un fichier de résidences ensemble : les résidences viennent de "
            "l'un ou de l'autre, attendu un seul des deux.",
            expected="un seul fichier de résidences",
        )
    seen: dict[str, str] = {}
    for item in files:
        if item.kind not in KINDS:
            raise DataValidationError(
                f"type de fichier inconnu : « {item.kind} » (fichier « {item.shown_name} »), "
                f"attendu l'un de : {', '.join(KINDS)}.",
                file=item.shown_name,
                value=item.kind,
                expected="un type de fichier connu",
            )
        target = {"rpls": "residences", "ops": "ops"}.get(item.kind, item.kind)
        if target in seen:
            raise DataValidationError(
                f"deux fichiers pour « {KINDS[item.kind]} » : « {seen[target]} » et "
                f"« {item.shown_name} », attendu un seul fichier par table.",
                file=item.shown_name,
                expected="un seul fichier par table",
            )
        seen[target] = item.shown_name


def _keep_other_source(supplying_stops: bool) -> Callable[[pd.DataFrame], object]:
    """Rows of the current equipment layer kept beside a BPE file (the stops) or a GTFS
    file (the BPE equipment)."""

    def keep(base: pd.DataFrame):
        is_stop = (base["type_code"] == "arret").to_numpy()
        return ~is_stop if supplying_stops else is_stop

    return keep


def _read_one(
    item: ImportFile, prepared: PreparedImport, survey_year: int | None, progress: Progress | None
) -> None:
    supplied, name, path = prepared.supplied, item.shown_name, Path(item.path)

    def step(fraction: float) -> None:
        if progress is not None:
            progress(name, fraction)

    if item.kind in HOUSING_TABLES:
        table = read_table(item.kind, path, name)
        report = table.report
        supplied.frames[item.kind] = table.frame
        supplied.lines[item.kind] = table.lines
        supplied.files[item.kind] = name
    elif item.kind == "rpls":
        frame, report = convert_rpls(path, name, progress=step)
        supplied.frames["residences"] = frame
        supplied.files["residences"] = name
        supplied.derived_residences = True
    elif item.kind in ("bpe", "arrets"):
        convert = convert_bpe if item.kind == "bpe" else convert_stops
        frame, report = convert(path, name)
        if "equipment" in supplied.frames:
            frame = pd.concat([supplied.frames["equipment"], frame], ignore_index=True)
            supplied.keep_from_base.pop("equipment", None)
        else:
            supplied.keep_from_base["equipment"] = _keep_other_source(item.kind == "arrets")
        supplied.frames["equipment"] = frame
        supplied.files["equipment"] = name
    elif item.kind in ("iris", "qpv"):
        frame, report = (convert_iris if item.kind == "iris" else convert_qpv)(path, name)
        layer = "quartiers" if item.kind == "iris" else "qpv"
        supplied.frames[layer] = frame
        supplied.files[layer] = name
    else:
        level, frame, lines, report = convert_ops(path, name, survey_year=survey_year)
        years = set(frame["survey_year"].astype(int))
        supplied.frames[level] = frame
        supplied.lines[level] = lines
        supplied.files[level] = name
        supplied.keep_from_base[level] = lambda base, y=years: ~base["survey_year"].isin(y)
    step(1.0)
    prepared.reports.append(report)


def prepare_import(
    files: Sequence[ImportFile],
    *,
    survey_year: int | None = None,
    reset: Sequence[str] = (),
    progress: Progress | None = None,
) -> PreparedImport:
    """Read and convert every file; nothing is written.

    Parameters
    ----------
    files : sequence of ImportFile
        The files, one per table or layer (``bpe`` and ``arrets`` may come together).
    survey_year : int, optional
        Year of an OPS file without a year column.
    reset : sequence of str
        Tables to give back to the demo data in the new version (``tout`` for all).
    progress : callable, optional
        Called with (file name, fraction of that file read).

    Returns
    -------
    PreparedImport

    Raises
    ------
    DataValidationError
        At the first file that cannot be read, with its French message.
    """
    _check_kinds(files)
    unknown = [r for r in reset if r not in (*DATASET_TABLES, RESET_ALL)]
    if unknown:
        raise DataValidationError(
            f"table inconnue : « {unknown[0]} », attendu l'une de : "
            f"{', '.join(DATASET_TABLES)} ou « {RESET_ALL} ».",
            value=unknown[0],
            expected="une table du jeu de données",
        )
    names = DATASET_TABLES if RESET_ALL in reset else tuple(reset)
    prepared = PreparedImport(Supplied(reset=names))
    for item in files:
        _read_one(item, prepared, survey_year, progress)
    return prepared


def build_version(
    prepared: PreparedImport, base: versions.VersionInfo | None, *, drop_orphans: bool = False
) -> Assembly:
    """The tables of the new version (checked together), from ``base`` and the import."""
    return assemble(prepared.supplied, base, drop_orphans=drop_orphans)


def commit_import(
    prepared: PreparedImport,
    *,
    author: str = "",
    drop_orphans: bool = False,
    root: Path | None = None,
    timeout_s: float | None = None,
) -> versions.VersionInfo:
    """Write the new version and make it current, under the versions' lock.

    Parameters
    ----------
    prepared : PreparedImport
        What :func:`prepare_import` read.
    author : str, optional
        Who imports (kept in the manifest).
    drop_orphans : bool, default False
        Drop, rather than refuse, the rows of the current version that name residences or
        vacancies the new version no longer has (reported in the notes).
    root : Path, optional
        Versions directory (:func:`geodata.versions.versions_root` by default).
    timeout_s : float, optional
        How long to wait for another import (``config/import.toml`` by default).

    Returns
    -------
    VersionInfo
        The new current version.

    Raises
    ------
    DataValidationError
        When the tables do not hold together, the disk refuses the write, or another import
        keeps the lock too long (:class:`geodata.versions.ImportBusyError`); the current version
        is then unchanged.
    """
    timeout = lock_timeout_s() if timeout_s is None else timeout_s
    with versions.import_lock(root, timeout):
        versions.sweep_stale(root)
        base = versions.current_version(root)
        assembly = build_version(prepared, base, drop_orphans=drop_orphans)
        info = versions.write_version(
            assembly.frames,
            origins=assembly.origins,
            author=author,
            sources=[r.as_dict() for r in prepared.reports],
            notes=assembly.notes,
            root=root,
        )
        try:
            versions.set_current(info.version_id, root)
        except DataValidationError:
            versions.discard_version(info.version_id, root)  # never listed if never current
            raise
    return info


def import_files(
    files: Sequence[ImportFile], *, author: str = "", drop_orphans: bool = False, **kwargs
) -> tuple[versions.VersionInfo, list[SourceReport]]:
    """:func:`prepare_import` then :func:`commit_import`; returns the version and the reports."""
    prepared = prepare_import(files, **kwargs)
    info = commit_import(prepared, author=author, drop_orphans=drop_orphans)
    return info, prepared.reports


def import_tables(files: Mapping[str, str | Path]) -> dict[str, int]:
    """Import files by kind (``{"residences": "residences.csv", "rpls": "rpls.csv"}``).

    Returns
    -------
    dict
        Rows kept per file kind.
    """
    items = [ImportFile(kind, Path(path)) for kind, path in files.items()]
    _info, reports = import_files(items)
    return {r.kind: r.rows_kept for r in reports}


def reset_table(table_name: str) -> versions.VersionInfo:
    """A new version where ``table_name`` (or ``tout``) is the demo data again."""
    prepared = prepare_import([], reset=[table_name])
    return commit_import(prepared)


def rollback(version_id: str | None, root: Path | None = None) -> None:
    """Make a listed version current again (None: the demo data), under the lock."""
    with versions.import_lock(root, lock_timeout_s()):
        versions.sweep_stale(root)
        versions.set_current(version_id, root)


def import_quartiers(path: str | Path, code_column: str, name_column: str, **kwargs) -> int:
    """Import a quartier or IRIS file (any columns) as the quartiers of a new version.

    Parameters
    ----------
    path : str or Path
        GeoJSON, GeoPackage or Shapefile, any CRS.
    code_column, name_column : str
        Columns holding the quartier code and name.
    **kwargs
        ``commune_code``, ``commune_column`` (see :func:`geodata.quartiers.read_quartier_file`).

    Returns
    -------
    int
        Number of quartiers imported.
    """
    frame = read_quartier_file(path, code_column, name_column, **kwargs)
    report = SourceReport(Path(path).name, "quartiers", "contours des quartiers", "contours")
    report.rows_read = report.rows_kept = len(frame)
    supplied = Supplied(frames={"quartiers": frame}, files={"quartiers": Path(path).name})
    commit_import(PreparedImport(supplied, [report]))
    return len(frame)


def version_lines(root: Path | None = None) -> list[str]:
    """The versions, newest first, as French lines (current one marked)."""
    current = versions.current_version_id(root)
    lines = [f"{'*' if current is None else ' '} démonstration (données fictives embarquées)"]
    for info in versions.list_versions(root):
        files = ", ".join(s.get("file", "") for s in info.sources) or "retour à la démonstration"
        rows = ", ".join(
            f"{name} {entry['rows']}"
            for name, entry in info.tables.items()
            if entry.get("origin") != "demo"
        )
        mark = "*" if info.version_id == current else " "
        author = f" par {info.author}" if info.author else ""
        lines.append(f"{mark} {info.version_id} ({info.created_at}{author}) : {files} — {rows}")
    return lines


USAGE = (
    "Usage : python -m geodata.importer type=fichier [type=fichier …] [--annee-ops ANNÉE]\n"
    "                                  [--ecarter-orphelins] [--auteur NOM]\n"
    "        python -m geodata.importer --reset TABLE   (ou --reset tout)\n"
    "        python -m geodata.importer --versions\n"
    "        python -m geodata.importer --revenir VERSION   (ou --revenir demo)\n"
    f"Types : {', '.join(KINDS)}."
)


def _parse(argv: list[str]) -> dict:
    options = {"files": [], "reset": [], "year": None, "drop": False, "author": ""}
    args = list(argv)
    while args:
        arg = args.pop(0)
        if arg in ("--reset", "--revenir", "--annee-ops", "--auteur"):
            if not args:
                raise ValueError(f"{arg} attend une valeur")
            value = args.pop(0)
            if arg == "--reset":
                options["reset"].append(value)
            elif arg == "--revenir":
                options["rollback"] = value
            elif arg == "--auteur":
                options["author"] = value
            elif not value.isdigit() or not 2000 <= int(value) <= 2100:
                raise ValueError(f"--annee-ops attend une année, reçu « {value} »")
            else:
                options["year"] = int(value)
        elif arg == "--versions":
            options["list"] = True
        elif arg == "--ecarter-orphelins":
            options["drop"] = True
        elif "=" in arg and not arg.startswith("-"):
            kind, path = arg.split("=", 1)
            options["files"].append(ImportFile(kind.strip(), Path(path)))
        else:
            raise ValueError(f"argument non reconnu « {arg} »")
    return options


def main(argv: list[str]) -> int:
    """Command line; returns 0 on success, 1 when the import is refused, 2 on bad usage."""
    try:
        options = _parse(argv)
    except ValueError as exc:
        print(f"{exc}.\n{USAGE}")
        return 2
    if options.get("list"):
        print("\n".join(version_lines()))
        return 0
    try:
        if "rollback" in options:
            target = options["rollback"]
            rollback(None if target == "demo" else target)
            print(f"Version courante : {target}.")
            return 0
        if not options["files"] and not options["reset"]:
            print(USAGE)
            return 2
        prepared = prepare_import(
            options["files"], survey_year=options["year"], reset=options["reset"]
        )
        if prepared.reports:
            print(text_report(prepared.reports))
        info = commit_import(prepared, author=options["author"], drop_orphans=options["drop"])
    except (DataValidationError, ConfigError) as exc:
        print(f"Import refusé, aucune donnée modifiée : {exc}")
        return 1
    except Exception as exc:  # a defect of the importer itself: said plainly, never a traceback
        print(
            "Import interrompu par une erreur inattendue, aucune donnée modifiée "
            f"({type(exc).__name__} : {exc}). Signalez-la au service informatique avec le "
            "fichier en cause."
        )
        return 3
    for note in info.notes:
        print(note)
    print(f"Version {info.version_id} créée et rendue courante.")
    return 0


if __name__ == "__main__":
    print(
        "Importez avec « python -m services.data_import table=fichier … » : il enregistre la "
        "version des données et prévient les serveurs en cours."
    )
    sys.exit(2)
