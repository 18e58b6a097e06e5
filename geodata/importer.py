"""Import the service habitat's files in place of the demo data: all or nothing.

A file (CSV as exported by a spreadsheet, Excel or Parquet) is read with the columns of the data
dictionary (:mod:`geodata.schemas`), converted from French conventions (decimal comma, « oui » /
« non », dates ``JJ/MM/AAAA``), validated column by column — a bad value stops everything with a
French message naming the file, the line, the column, the value and what was expected — and only
then written, next to the other imported tables, under the table's name. Several files given
together are validated together, including the residence identifiers they share, before any of
them replaces the current data.

Command line: ``python -m services.data_import`` (which also records the dataset version and
tells every running server that the data changed).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from geodata.communes import CRS_WGS84
from geodata.housing import HOUSING_TABLES, coerce_table, file_name, load_table
from geodata.paths import data_dir
from geodata.schemas import TABLES, DataValidationError, Table, validate_table

TRUE_WORDS = {"oui", "vrai", "true", "1", "o", "x", "yes"}
FALSE_WORDS = {"non", "faux", "false", "0", "n", ""}
COORDINATES = (("longitude", "latitude"), ("lon", "lat"), ("x", "y"))
LINKED_TABLES = ("occupancy", "vacancies", "attributions", "departures")
READABLE = (".csv", ".txt", ".xlsx", ".parquet")


def _read_csv(path: Path) -> pd.DataFrame:
    for encoding in ("utf-8-sig", "latin-1"):
        try:
            return pd.read_csv(
                path, sep=None, engine="python", dtype=str, encoding=encoding, keep_default_na=False
            )
        except UnicodeDecodeError:
            continue
        except (pd.errors.ParserError, ValueError) as exc:
            raise DataValidationError(f"fichier « {path.name} » illisible : {exc}") from exc
    raise DataValidationError(
        f"fichier « {path.name} » : encodage non reconnu, attendu UTF-8 ou Latin-1."
    )


def read_raw(path: Path) -> tuple[pd.DataFrame, int]:
    """Read a file as text columns; return it with the line number of its first data row."""
    suffix = path.suffix.lower()
    if suffix not in READABLE:
        raise DataValidationError(
            f"fichier « {path.name} » : format non reconnu ({suffix or 'sans extension'}), "
            "attendu CSV (.csv), Excel (.xlsx) ou Parquet (.parquet)."
        )
    if not path.is_file():
        raise DataValidationError(f"fichier « {path.name} » introuvable.")
    if suffix == ".parquet":
        try:
            return pd.read_parquet(path), 1
        except (OSError, ValueError) as exc:
            raise DataValidationError(f"fichier « {path.name} » illisible : {exc}") from exc
    if suffix == ".xlsx":
        try:
            return pd.read_excel(path, dtype=str).fillna(""), 2
        except (OSError, ValueError) as exc:
            raise DataValidationError(f"fichier « {path.name} » illisible : {exc}") from exc
    return _read_csv(path), 2


def _french_values(frame: pd.DataFrame, table: Table) -> pd.DataFrame:
    """Turn French spreadsheet conventions into values the data dictionary checks."""
    frame = frame.copy()
    for col in table.columns:
        if col.name not in frame.columns or col.dtype == "geometry":
            continue
        if not pd.api.types.is_string_dtype(frame[col.name]):
            continue  # typed already (Parquet)
        text = frame[col.name].astype(str).str.strip()
        empty = text.eq("") | text.str.lower().isin({"nan", "none", "na"})
        if col.dtype in ("int", "float"):
            cleaned = text.str.replace("\u202f", "").str.replace("\u00a0", "").str.replace(" ", "")
            numbers = pd.to_numeric(cleaned.str.replace(",", ".", regex=False), errors="coerce")
            # Unreadable cells keep their text so that the error message quotes them.
            frame[col.name] = (
                numbers.astype(object).where(numbers.notna(), text).where(~empty, None)
            )
        elif col.dtype == "bool":
            lower = text.str.lower()
            mapped = np.where(
                lower.isin(TRUE_WORDS), True, np.where(lower.isin(FALSE_WORDS), False, None)
            )
            frame[col.name] = pd.Series(mapped, index=frame.index, dtype=object).where(
                lower.isin(TRUE_WORDS | FALSE_WORDS), text
            )
        elif col.dtype == "date":
            parsed = pd.to_datetime(text, format="%d/%m/%Y", errors="coerce")
            iso = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
            frame[col.name] = (
                parsed.fillna(iso)
                .astype(object)
                .where(parsed.notna() | iso.notna(), text.where(~empty, None))
            )
        else:
            frame[col.name] = text.where(~empty, None)
    return frame


def _points(frame: pd.DataFrame, file: str, first_line: int) -> gpd.GeoDataFrame:
    columns = {c.lower(): c for c in frame.columns}
    for x_name, y_name in COORDINATES:
        if x_name in columns and y_name in columns:
            break
    else:
        raise DataValidationError(
            f"fichier « {file} » : coordonnées absentes, attendu les colonnes « longitude » et "
            "« latitude » (WGS84) ou « x » et « y » avec une colonne « epsg »."
        )
    xs, ys = (
        pd.to_numeric(frame[columns[n]].astype(str).str.replace(",", "."), errors="coerce")
        for n in (x_name, y_name)
    )
    bad = np.flatnonzero(xs.isna().to_numpy() | ys.isna().to_numpy())
    if bad.size:
        row = int(bad[0])
        raise DataValidationError(
            f"fichier « {file} », ligne {row + first_line}, colonnes « {columns[x_name]} » / "
            f"« {columns[y_name]} », valeur « {frame[columns[x_name]].iloc[row]} ; "
            f"{frame[columns[y_name]].iloc[row]} » : attendu deux nombres (coordonnées)."
        )
    epsg = 4326
    if x_name == "x":
        if "epsg" not in columns:
            raise DataValidationError(
                f"fichier « {file} » : colonnes « x » / « y » sans colonne « epsg » ; indiquez le "
                "système de coordonnées (par exemple 2154 pour le Lambert-93)."
            )
        codes = frame[columns["epsg"]].astype(str).str.strip().unique()
        if len(codes) != 1 or not codes[0].isdigit():
            raise DataValidationError(
                f"fichier « {file} », colonne « epsg », valeurs « {', '.join(codes[:3])} » : "
                "attendu un seul code EPSG numérique pour tout le fichier."
            )
        epsg = int(codes[0])
    points = gpd.GeoDataFrame(
        frame, geometry=gpd.points_from_xy(xs, ys), crs=f"EPSG:{epsg}"
    ).to_crs(CRS_WGS84)
    lon, lat = points.geometry.x.to_numpy(), points.geometry.y.to_numpy()
    outside = np.flatnonzero((lon < -6) | (lon > 10) | (lat < 41) | (lat > 52))
    if outside.size:
        row = int(outside[0])
        raise DataValidationError(
            f"fichier « {file} », ligne {row + first_line}, coordonnées « {lon[row]:.5f} ; "
            f"{lat[row]:.5f} » (en WGS84) : attendu un point en France métropolitaine — "
            "vérifiez le code EPSG et l'ordre des colonnes."
        )
    return points


def read_table_file(table_name: str, path: str | Path) -> pd.DataFrame:
    """Read, convert and validate one file of ``table_name``; nothing is written.

    Parameters
    ----------
    table_name : str
        One of the housing tables (``residences``, ``occupancy``…).
    path : str or Path
        CSV (``;`` or ``,`` separated, UTF-8 or Latin-1), Excel (.xlsx) or Parquet. Residences
        need point coordinates: ``longitude`` / ``latitude`` (WGS84), or ``x`` / ``y`` with an
        ``epsg`` column (e.g. Lambert-93 as in RPLS).

    Returns
    -------
    pandas.DataFrame
        The table with the dtypes of the data dictionary (a GeoDataFrame for residences).

    Raises
    ------
    DataValidationError
        French message naming the file, the line, the column, the value and what was expected.
    """
    if table_name not in HOUSING_TABLES:
        raise DataValidationError(
            f"table inconnue : « {table_name} », attendu l'une de : {', '.join(HOUSING_TABLES)}."
        )
    path = Path(path)
    table = TABLES[table_name]
    raw, first_line = read_raw(path)
    raw.columns = [str(c).strip() for c in raw.columns]
    frame = _french_values(raw, table)
    attributes = [n for n in table.names if n != "geometry"]
    validate_table(frame, table, file=path.name, first_line=first_line, columns=attributes)
    if "geometry" in table.names:
        if "geometry" not in frame.columns:
            frame = _points(frame, path.name, first_line)
        elif not isinstance(frame, gpd.GeoDataFrame):
            raise DataValidationError(
                f"fichier « {path.name} » : colonne « geometry » non géographique, attendu un "
                "fichier GeoParquet ou des colonnes de coordonnées."
            )
        validate_table(frame, table, file=path.name, first_line=first_line, columns=["geometry"])
    return coerce_table(frame[table.names].copy(), table)


def _check_links(frames: Mapping[str, pd.DataFrame], files: Mapping[str, Path]) -> None:
    residences = frames.get("residences")
    known = set(
        (residences if residences is not None else load_table("residences"))["residence_id"]
    )
    for name in LINKED_TABLES:
        if name not in frames:
            continue
        ids = frames[name]["residence_id"]
        unknown = np.flatnonzero(~ids.isin(known).to_numpy())
        if unknown.size:
            row = int(unknown[0])
            raise DataValidationError(
                f"fichier « {files[name].name} », ligne {row + 2}, colonne « residence_id », "
                f"valeur « {ids.iloc[row]} » : résidence inconnue, attendu un identifiant de la "
                "table des résidences."
            )


def import_tables(files: Mapping[str, str | Path]) -> dict[str, int]:
    """Import several tables together: every file is validated before any is written.

    Parameters
    ----------
    files : mapping of table name to file path
        E.g. ``{"residences": "residences.csv", "occupancy": "ops.csv"}``.

    Returns
    -------
    dict
        Number of rows imported per table.

    Raises
    ------
    DataValidationError
        On the first problem; the current data are then left exactly as they were.
    """
    paths = {name: Path(p) for name, p in files.items()}
    frames = {name: read_table_file(name, path) for name, path in paths.items()}
    _check_links(frames, paths)
    target = data_dir()
    staged = []
    try:
        for name, frame in frames.items():
            tmp = target / f".{file_name(name)}.tmp"
            frame.to_parquet(tmp, index=False)
            staged.append((tmp, target / file_name(name)))
    except OSError as exc:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise DataValidationError(
            f"écriture impossible dans le dossier des données : {exc}"
        ) from exc
    for tmp, final in staged:
        tmp.replace(final)
    return {name: len(frame) for name, frame in frames.items()}


def reset_table(table_name: str) -> None:
    """Remove an imported table: the demo data is used again for it."""
    if table_name not in HOUSING_TABLES:
        raise DataValidationError(f"table inconnue : « {table_name} ».")
    (data_dir() / file_name(table_name)).unlink(missing_ok=True)


def main(argv: list[str]) -> int:
    """Command line: ``table=fichier`` pairs, or ``--reset table``."""
    if len(argv) == 2 and argv[0] == "--reset":
        reset_table(argv[1])
        print(f"Table « {argv[1]} » : retour aux données de démonstration.")
        return 0
    pairs = [a.split("=", 1) for a in argv]
    if not pairs or any(len(p) != 2 for p in pairs):
        print(
            "Usage : python -m geodata.importer table=fichier [table=fichier …]\n"
            "        python -m geodata.importer --reset table\n"
            f"Tables : {', '.join(HOUSING_TABLES)}."
        )
        return 2
    try:
        counts = import_tables(dict(pairs))
    except DataValidationError as exc:
        print(f"Import refusé, aucune donnée modifiée : {exc}")
        return 1
    for name, count in counts.items():
        print(f"Table « {name} » : {count} lignes importées.")
    return 0


if __name__ == "__main__":
    print(
        "Importez avec « python -m services.data_import table=fichier … » : il enregistre la "
        "version des données et prévient les serveurs en cours."
    )
    sys.exit(2)
