"""Read the service habitat's files and write them as a new dataset version: never a traceback.

Two kinds of files are read:

- the project's own tables (``residences``, ``occupancy``, ``vacancies``, ``attributions``,
  ``departures``, ``demands``, ``sru_inventory``, ``sru_production``), one file per table with
  the columns of the data dictionary (:mod:`geodata.table_reader`);
- the official files as published (:mod:`geodata.official`): ``rpls`` (dwellings, grouped into
  residences), ``bpe`` (equipment) and ``arrets`` (GTFS stops), ``iris`` (quartiers), ``qpv``
  (QPV 2024 outlines), ``ops`` (occupancy surveys by residence or commune).

:func:`prepare_import` reads and converts every file (the long part; nothing is written) and
returns the reports: rows read, kept, rejected with their reasons. :func:`stage_version` then
assembles the new version from those tables and the version in force
(:func:`geodata.dataset.assemble`), checks all tables together and writes it beside the others
(:mod:`geodata.versions`), not yet in force. Any problem stops everything with a French message
naming the file, the line, the column, the value and what was expected.

Which version is in force, the lock that serialises imports, and making a version current are
the store's: the use case is :mod:`services.data_import`, also the command line
(``python -m services.data_import``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from geodata import versions
from geodata.dataset import DATASET_TABLES, Assembly, Supplied, assemble
from geodata.errors import DataValidationError
from geodata.housing import HOUSING_TABLES
from geodata.import_report import SourceReport
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


def stage_version(
    prepared: PreparedImport,
    base: versions.VersionInfo | None,
    *,
    author: str = "",
    drop_orphans: bool = False,
    root: Path | None = None,
) -> versions.VersionInfo:
    """Assemble the new version on ``base`` and write it, marked pending, not in force.

    Call it under the data lock (``store.locks.data_lock``), with ``base`` the version in force.

    Parameters
    ----------
    prepared : PreparedImport
        What :func:`prepare_import` read.
    base : VersionInfo or None
        The version in force (None: the demo data).
    author : str, optional
        Who imports (kept in the manifest).
    drop_orphans : bool, default False
        Drop, rather than refuse, the rows of ``base`` that name residences or vacancies the
        new version no longer has (reported in the notes).
    root : Path, optional
        Versions directory (:func:`geodata.versions.versions_root` by default).

    Returns
    -------
    VersionInfo
        The new version (its directory is pending until the store records it).

    Raises
    ------
    DataValidationError
        When the tables do not hold together or the disk refuses the write; nothing is left
        on disk then.
    """
    assembly = build_version(prepared, base, drop_orphans=drop_orphans)
    return versions.write_version(
        assembly.frames,
        origins=assembly.origins,
        author=author,
        sources=[r.as_dict() for r in prepared.reports],
        notes=assembly.notes,
        root=root,
    )


def prepare_quartiers(
    path: str | Path, code_column: str, name_column: str, name: str = "", **kwargs
) -> PreparedImport:
    """Read a quartier or IRIS file with any columns as the quartiers of a new version.

    Parameters
    ----------
    path : str or Path
        GeoJSON, GeoPackage or Shapefile, any CRS.
    code_column, name_column : str
        Columns holding the quartier code and name.
    name : str, optional
        Name of the file in messages (``path``'s name by default).
    **kwargs
        ``commune_code``, ``commune_column`` (see :func:`geodata.quartiers.read_quartier_file`).
    """
    shown = name or Path(path).name
    frame = read_quartier_file(path, code_column, name_column, **kwargs)
    report = SourceReport(shown, "quartiers", "contours des quartiers", "contours")
    report.rows_read = report.rows_kept = len(frame)
    supplied = Supplied(frames={"quartiers": frame}, files={"quartiers": shown})
    return PreparedImport(supplied, [report])


if __name__ == "__main__":
    print(
        "Importez avec « python -m services.data_import type=fichier … » : il enregistre la "
        "version des données dans le magasin et prévient les serveurs en cours."
    )
    raise SystemExit(2)
