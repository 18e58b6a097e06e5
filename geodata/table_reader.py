"""Read one of the project's own tables from a file, with the columns of the data dictionary.

The file (any format of :mod:`geodata.tabular`) has one column per dictionary column (names
compared without case or surrounding spaces; other columns are ignored and said so). Cells are
converted with French conventions (:mod:`geodata.parsing`), then checked: dictionary types and
bounds (:func:`geodata.validation.validate_table`), communes of the EPCI, and for residences the
point of each residence inside its declared commune. A file with a header and no row is refused.

Residences carry their coordinates as ``longitude`` / ``latitude`` (WGS84), or ``x`` / ``y`` with
an ``epsg`` column (one code for the whole file, e.g. 2154 for Lambert-93 as in the RPLS).

Nothing here is all-or-nothing per row: the first problem refuses the file, with a French message
naming the file, the line, the column, the value and what was expected.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from geodata.communes import CRS_WGS84
from geodata.errors import located
from geodata.housing import HOUSING_TABLES, coerce_table, with_optional_columns
from geodata.import_report import SourceReport
from geodata.parsing import parse_numbers
from geodata.parsing import parse_table as parse_cells
from geodata.placement import (
    check_commune_codes,
    check_epsg,
    epci_commune_codes,
    locate,
    points_error,
    to_lambert93,
)
from geodata.schemas import TABLES, DataValidationError, Table, validate_table
from geodata.tabular import RawTable, read_all

COORDINATES = (("longitude", "latitude"), ("lon", "lat"), ("x", "y"))
COMMUNE_TABLES = ("residences", "sru_inventory", "sru_production")


def _rename_columns(raw: RawTable, table: Table) -> list[str]:
    """Map header names to dictionary names (case-insensitive); return the ignored ones."""
    wanted = {n.casefold(): n for n in table.all_names}
    wanted.update({a.casefold(): a for pair in COORDINATES for a in pair})
    wanted["epsg"] = "epsg"
    renames, ignored = {}, []
    for column in raw.frame.columns:
        target = wanted.get(column.strip().casefold())
        if target is None:
            ignored.append(column)
        else:
            renames[column] = target
    raw.frame = raw.frame.rename(columns=renames)
    return ignored


def _points(
    frame: pd.DataFrame, file: str, lines: np.ndarray
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Lambert-93 coordinates of the residences, from lon/lat or x/y + epsg, and the
    coordinates as written (for messages)."""
    for x_name, y_name in COORDINATES:
        if x_name in frame.columns and y_name in frame.columns:
            break
    else:
        raise DataValidationError(
            f"fichier « {file} », ligne 1 (en-tête) : coordonnées absentes, attendu les colonnes "
            "« longitude » et "
            "« latitude » (WGS84) ou « x » et « y » avec une colonne « epsg ».",
            file=file,
            line=1,
            expected="des colonnes de coordonnées",
        )
    values = {}
    for name in (x_name, y_name):
        text = frame[name].fillna("").astype(str).str.strip()
        numbers, bad = parse_numbers(text)
        bad |= ~np.isfinite(numbers)
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise located(
                "un nombre (coordonnée)",
                file=file,
                line=int(lines[row]),
                column=name,
                value=text.iloc[row],
            )
        values[name] = numbers
    xs, ys = values[x_name], values[y_name]
    written = (
        frame[x_name].fillna("").astype(str).str.strip()
        + " ; "
        + frame[y_name].fillna("").astype(str).str.strip()
    ).tolist()
    epsg = 4326
    if x_name == "x":
        if "epsg" not in frame.columns:
            raise DataValidationError(
                f"fichier « {file} », ligne 1 (en-tête) : colonnes « x » / « y » sans colonne "
                "« epsg », attendu le système de coordonnées (par exemple 2154 pour le "
                "Lambert-93).",
                file=file,
                line=1,
                column="epsg",
                expected="une colonne « epsg »",
            )
        codes = frame["epsg"].fillna("").astype(str).str.strip()
        first = codes.iloc[0]
        differs = np.flatnonzero((codes != first).to_numpy())
        if differs.size:
            row = int(differs[0])
            raise located(
                f"le même code EPSG sur toutes les lignes ({first} à la ligne {int(lines[0])})",
                file=file,
                line=int(lines[row]),
                column="epsg",
                value=codes.iloc[row],
            )
        epsg = check_epsg(first, file=file, line=int(lines[0]), column="epsg")
    return (*to_lambert93(xs, ys, epsg), written)


def _geometry(
    frame: pd.DataFrame, file: str, lines: np.ndarray
) -> tuple[gpd.GeoSeries, np.ndarray, np.ndarray]:
    xs, ys, written = _points(frame, file, lines)
    declared = frame["commune_code"].to_numpy(dtype=object)
    placement = locate(xs, ys, declared)
    error = points_error(
        placement, declared, file=file, lines=lines, columns="coordonnées", values=written
    )
    if error is not None:
        raise error
    geometry = gpd.GeoSeries(gpd.points_from_xy(xs, ys), crs="EPSG:2154").to_crs(CRS_WGS84)
    return geometry, xs, ys


def _check_requested_communes(frame: pd.DataFrame, file: str, lines: np.ndarray) -> None:
    known = epci_commune_codes()
    for row, value in enumerate(frame["requested_communes"]):
        codes = [c.strip() for c in str(value).split(";")]
        unknown = [c for c in codes if c not in known]
        if unknown:
            raise located(
                "des codes INSEE de communes du Grand Poitiers séparés par « ; »",
                file=file,
                line=int(lines[row]),
                column="requested_communes",
                value=value,
                problem=f"commune « {unknown[0]} » hors du Grand Poitiers",
            )


@dataclass
class TableRead:
    """One file of a table, read and checked: the typed rows, the line of each, the report."""

    frame: pd.DataFrame
    lines: np.ndarray
    report: SourceReport


def read_table_file(table_name: str, path: str | Path, name: str | None = None) -> pd.DataFrame:
    """The typed rows of one file of ``table_name`` (see :func:`read_table`)."""
    return read_table(table_name, path, name).frame


def read_table(table_name: str, path: str | Path, name: str | None = None) -> TableRead:
    """Read, convert and check one file of ``table_name``; nothing is written.

    Parameters
    ----------
    table_name : str
        One of the housing tables (``residences``, ``occupancy``…).
    path : str or Path
        CSV (``;``, ``,`` or tab separated, UTF-8 or Windows-1252), Excel or Parquet.
    name : str, optional
        File name quoted in messages (the uploaded name); ``path``'s name by default.

    Returns
    -------
    TableRead
        The table with the dtypes of the data dictionary (a GeoDataFrame in EPSG:4326 for
        residences), the line of each row in the file and the file's report.

    Raises
    ------
    DataValidationError
        French message naming the file, the line, the column, the value and what was expected.
    """
    if table_name not in HOUSING_TABLES:
        raise DataValidationError(
            f"table inconnue : « {table_name} », attendu l'une de : {', '.join(HOUSING_TABLES)}.",
            value=table_name,
            expected="une table du dictionnaire de données",
        )
    path = Path(path)
    name = name or path.name
    table = TABLES[table_name]
    raw = read_all(path, name)
    report = SourceReport(name, table_name, f"table « {table.label} »", raw.format.label)
    ignored = _rename_columns(raw, table)
    if ignored:
        report.notes.append("Colonnes ignorées : " + ", ".join(f"« {c} »" for c in ignored) + ".")
    if raw.frame.empty:
        raise DataValidationError(
            f"fichier « {name} », ligne 2 : aucune ligne de données après l'en-tête, attendu au "
            "moins une "
            f"ligne pour la table « {table.label} ».",
            file=name,
            line=2,
            expected="au moins une ligne de données",
        )
    frame = with_optional_columns(raw.frame, table)
    attributes = [n for n in table.all_names if n != "geometry"]
    if any(n not in frame.columns for n in attributes):
        validate_table(frame, table, file=name, lines=raw.lines, columns=attributes)  # names them
    text = frame
    frame = parse_cells(frame, table, file=name, lines=raw.lines, columns=attributes)
    validate_table(frame, table, file=name, lines=raw.lines, columns=attributes, shown=text)
    if table_name in COMMUNE_TABLES:
        check_commune_codes(frame["commune_code"], file=name, lines=raw.lines)
    if table_name == "demands":
        _check_requested_communes(frame, name, raw.lines)
    if "geometry" in table.all_names:
        geometry, _, _ = _geometry(frame, name, raw.lines)
        frame = gpd.GeoDataFrame(frame, geometry=geometry.to_numpy(), crs=CRS_WGS84)
    typed = coerce_table(frame[table.all_names].copy(), table)
    report.rows_read = report.rows_kept = len(typed)
    return TableRead(typed, raw.lines, report)
