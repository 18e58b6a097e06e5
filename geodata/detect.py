"""Recognise what a file is from its content: the kind of data it holds and its format.

The import page lets the service habitat drop files without saying what each one is. The kind is
decided from the column names, never from the file name:

- outline files (Shapefile in a ``.zip``, GeoJSON, GeoPackage): ``CODE_IRIS`` → IRIS contours,
  ``code_qp`` → QPV 2024 contours;
- table files (CSV, Excel, OpenDocument, Parquet): ``TYPEQU`` → BPE; ``stop_id`` with
  ``stop_lat`` → GTFS stops; ``NBPIECE`` or ``SURFHAB`` with ``DEPCOM`` (or ``DEPCOM_CODE``) →
  RPLS; every column of one of the project's tables → that table; a column of an OPS share
  (``config/ops.toml``) → OPS survey.

Only the header (and, for CSV files, the encoding scan) is read. A file that cannot be opened
gives the French message of the reader; a file recognised as nothing says which columns were
looked for. The caller may always override the kind.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from config import load_toml
from geodata.errors import DataValidationError
from geodata.housing import HOUSING_TABLES
from geodata.official.contours import READABLE as CONTOUR_SUFFIXES
from geodata.schemas import TABLES
from geodata.table_reader import COORDINATES
from geodata.tabular import open_table

OPS_SHARE_FIELDS = (
    "res_below_20_pct",
    "res_below_40_pct",
    "res_below_60_pct",
    "single_parent_pct",
    "large_family_pct",
    "housing_benefit_pct",
)


@dataclass(frozen=True)
class Detection:
    """What a file turned out to be.

    Attributes
    ----------
    kind : str or None
        A kind of :data:`geodata.importer.KINDS`, None when not recognised.
    format_label : str
        The detected format in French (« CSV (séparateur « ; », encodage Windows-1252) »,
        « contours (GeoJSON) »); empty when the file could not be opened.
    reason : str
        Why this kind (the columns recognised), or why none, in French.
    columns : tuple of str
        The column names read.
    """

    kind: str | None
    format_label: str
    reason: str
    columns: tuple[str, ...] = ()


def _folded(columns) -> set[str]:
    return {str(c).strip().casefold() for c in columns}


def _contour_kind(columns: set[str]) -> tuple[str | None, str]:
    if "code_iris" in columns:
        return "iris", "colonne CODE_IRIS"
    if "code_qp" in columns or "code_quartier" in columns:
        return "qpv", "colonne code_qp"
    return None, "contours sans colonne CODE_IRIS (IRIS) ni code_qp (QPV 2024)"


def _own_table(columns: set[str]) -> str | None:
    best, best_size = None, 0
    for name in HOUSING_TABLES:
        table = TABLES[name]
        required = {n.casefold() for n in table.names if n != "geometry"}
        if "geometry" in table.names and not any({a, b} <= columns for a, b in COORDINATES):
            continue
        if required <= columns and len(required) > best_size:
            best, best_size = name, len(required)
    return best


def _ops_columns() -> set[str]:
    variants = load_toml("ops.toml")["columns"]
    return {v.casefold() for field in OPS_SHARE_FIELDS for v in variants.get(field, ())}


def _table_kind(columns: set[str]) -> tuple[str | None, str]:
    if "typequ" in columns:
        return "bpe", "colonne TYPEQU"
    if {"stop_id", "stop_lat"} <= columns:
        return "arrets", "colonnes stop_id et stop_lat"
    if ({"nbpiece", "surfhab"} & columns) and ({"depcom", "depcom_code"} & columns):
        return "rpls", "colonnes DEPCOM et NBPIECE ou SURFHAB"
    own = _own_table(columns)
    if own is not None:
        return own, f"toutes les colonnes de la table « {TABLES[own].label} »"
    if columns & _ops_columns():
        return "ops", "une colonne de parts de l'enquête OPS"
    return None, (
        "colonnes non reconnues : attendu un fichier RPLS (DEPCOM, NBPIECE…), BPE (TYPEQU), "
        "GTFS (stop_id, stop_lat), OPS (nb_menages, part_…) ou les colonnes d'une table du "
        "dictionnaire de données"
    )


def _read_contour_columns(path: Path, name: str) -> tuple[str, ...]:
    import pyogrio  # geopandas' reader, imported only for outline files

    try:
        fields = pyogrio.read_info(path)["fields"]
    except Exception as exc:  # pyogrio raises many types for unreadable files
        raise DataValidationError(
            f"fichier « {name} » illisible ({type(exc).__name__} : {exc}), attendu un fichier "
            "de contours complet (Shapefile dans un .zip, GeoJSON ou GeoPackage).",
            file=name,
            expected="un fichier de contours lisible",
        ) from exc
    return tuple(str(f) for f in fields)


def detect_kind(path: str | Path, name: str | None = None) -> Detection:
    """Recognise the kind and the format of a file from its content.

    Parameters
    ----------
    path : str or Path
        The file on disk (its suffix tells an outline file from a table file).
    name : str, optional
        Name quoted in messages (the uploaded file's name); ``path``'s name by default.

    Returns
    -------
    Detection
        Never raises for a bad file: ``kind`` is None and ``reason`` holds the French message.
    """
    path = Path(path)
    name = name or path.name
    suffix = path.suffix.lower()
    try:
        if suffix in CONTOUR_SUFFIXES:
            columns = _read_contour_columns(path, name)
            label = {".zip": "Shapefile (.zip)", ".gpkg": "GeoPackage", ".shp": "Shapefile"}.get(
                suffix, "GeoJSON"
            )
            kind, reason = _contour_kind(_folded(columns))
            return Detection(kind, f"contours ({label})", reason, columns)
        file_format, header, _chunks = open_table(path, name)
    except DataValidationError as exc:
        return Detection(None, "", str(exc))
    kind, reason = _table_kind(_folded(header))
    return Detection(kind, file_format.label, reason, tuple(header))
