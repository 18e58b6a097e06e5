"""Loaders of the social housing tables: those of a dataset version, else the demo set.

Each table of the data dictionary (:mod:`geodata.schemas`) lives in one Parquet file named after
the table (``residences.parquet`` — GeoParquet —, ``occupancy.parquet``…). The data imported by
the service habitat are dataset versions (:mod:`geodata.versions`): a loader reads the table from
the version directory it is given — the caller asks the project's store which version is in
force —; a table that version does not hold, or every table when no directory is given, comes
from the demo files of :data:`geodata.paths.DEMO_DIR`.
It checks the file against the data dictionary (French message naming the file, the row, the
column and the value on error), gives every column its dtype (strings as ``str``, dates as
``datetime64``, nullable integers as ``Int64``, nullable booleans as ``boolean``), keeps it in
memory keyed on the file's path and modification time, and returns a copy.

:func:`load_residences` adds, from the occupancy table (never stored twice), the shares of each
residence's latest OPS survey, its ``n_households`` and its ``ops_survey_year``.
:func:`dataset_origin` tells the interface whether a table is demo data, to be labelled
:data:`geodata.schemas.DEMO_NOTICE`.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow

from geodata import versions
from geodata.communes import CRS_WGS84
from geodata.paths import DEMO_DIR
from geodata.schemas import OCCUPANCY_SHARES, TABLES, DataValidationError, Table, validate_table

HOUSING_TABLES = (
    "residences",
    "occupancy",
    "vacancies",
    "attributions",
    "departures",
    "demands",
    "sru_inventory",
    "sru_production",
)
ORIGIN_DEMO = "demo"
ORIGIN_IMPORTED = "imported"
# Columns load_residences() adds from the latest OPS survey of each residence.
OCCUPANCY_JOINED_COLUMNS = (*OCCUPANCY_SHARES, "n_households", "ops_survey_year")
FIRST_ROW = 1  # rows of a Parquet file are numbered from 1 in messages (no header line)


def _check_name(table_name: str) -> None:
    if table_name not in HOUSING_TABLES:
        raise ValueError(
            f"table inconnue : {table_name!r}, attendu l'une de : {', '.join(HOUSING_TABLES)}."
        )


def file_name(table_name: str) -> str:
    """Name of the Parquet file holding a table (``residences`` → ``residences.parquet``)."""
    _check_name(table_name)
    return f"{table_name}.parquet"


def read_version_dir(version_dir: Path | None) -> versions.VersionInfo | None:
    """The version of ``version_dir`` (None: the demo data).

    Raises
    ------
    DataValidationError
        When the directory is missing or holds no readable manifest (French message).
    """
    if version_dir is None:
        return None
    info = versions.read_version(Path(version_dir))
    if info is None:
        raise DataValidationError(
            f"dossier de version « {Path(version_dir).name} » absent ou sans manifeste lisible "
            f"(« {Path(version_dir).parent} »), attendu une version écrite par l'import des "
            "données.",
            expected="une version complète",
        )
    return info


def table_path(table_name: str, version_dir: Path | None = None) -> Path:
    """Path of the file a table is read from: the version's file, else the demo one.

    Parameters
    ----------
    table_name : str
        One of :data:`HOUSING_TABLES`.
    version_dir : Path, optional
        A dataset version directory (:mod:`geodata.versions`); the demo data when None.
    """
    _check_name(table_name)
    info = read_version_dir(version_dir)
    if info is not None and info.origin(table_name) != ORIGIN_DEMO:
        return info.path / file_name(table_name)
    return DEMO_DIR / file_name(table_name)


def dataset_origin(table_name: str, version_dir: Path | None = None) -> str:
    """Whether a table comes from the demo data set or from imported data.

    Parameters
    ----------
    table_name : str
        One of :data:`HOUSING_TABLES`.
    version_dir : Path, optional
        A dataset version directory; the demo data when None.

    Returns
    -------
    str
        ``"imported"`` when the service habitat imported the table (possibly with no row), else
        ``"demo"`` (to be labelled « Données de démonstration (fictives) »).
    """
    _check_name(table_name)
    info = read_version_dir(version_dir)
    if info is None or info.origin(table_name) == ORIGIN_DEMO:
        return ORIGIN_DEMO
    return ORIGIN_IMPORTED


def _read_frame(path: Path, table: Table) -> pd.DataFrame:
    try:
        if "geometry" in table.names:
            return gpd.read_parquet(path)
        return pd.read_parquet(path)
    except (OSError, ValueError, pyarrow.ArrowException) as exc:
        raise DataValidationError(
            f"fichier « {path.name} » illisible : {exc}. Attendu un fichier Parquet"
            + (" géographique (GeoParquet)" if "geometry" in table.names else "")
            + f" de la table « {table.label} »."
        ) from exc


def _check_points(frame: gpd.GeoDataFrame, file: str) -> gpd.GeoDataFrame:
    if frame.crs is None:
        raise DataValidationError(
            f"fichier « {file} », colonne « geometry » : système de coordonnées absent, attendu un "
            "fichier qui le déclare (par exemple EPSG:4326 ou EPSG:2154)."
        )
    kinds = frame.geometry.geom_type.to_numpy()
    bad = np.flatnonzero(kinds != "Point")
    if bad.size:
        row = int(bad[0])
        raise DataValidationError(
            f"fichier « {file} », ligne {row + FIRST_ROW}, colonne « geometry », valeur "
            f"« {kinds[row]} » : attendu un point (localisation de la résidence)."
        )
    return frame.to_crs(CRS_WGS84) if frame.crs != CRS_WGS84 else frame


def _as_code(values: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(values):
        digits = values.astype("Int64").astype("str")
        return digits.str.zfill(5).where(values.notna(), np.nan).astype("str")
    return values.astype("str")


def coerce_table(frame: pd.DataFrame, table: Table) -> pd.DataFrame:
    """Give every column of a validated table its dtype (codes keep their leading zeros)."""
    for col in table.all_columns:
        if col.name not in frame.columns:
            continue
        values = frame[col.name]
        if col.dtype == "string":
            frame[col.name] = (
                _as_code(values) if col.name.endswith("_code") else values.astype("str")
            )
        elif col.dtype == "int":
            frame[col.name] = pd.to_numeric(values).astype("Int64" if col.nullable else "int64")
        elif col.dtype == "float":
            frame[col.name] = pd.to_numeric(values).astype("float64")
        elif col.dtype == "bool":
            frame[col.name] = values.astype("boolean" if col.nullable else bool)
        elif col.dtype == "date":
            frame[col.name] = pd.to_datetime(values).astype("datetime64[us]")
    return frame


def with_optional_columns(frame: pd.DataFrame, table: Table) -> pd.DataFrame:
    """Add the optional columns (:attr:`Table.extra`) a file leaves out, as missing values."""
    for col in table.extra:
        if col.name not in frame.columns:
            frame[col.name] = None
    return frame


@lru_cache(maxsize=32)
def _read(table_name: str, path: Path, mtime_ns: int) -> pd.DataFrame:
    table = TABLES[table_name]
    frame = with_optional_columns(_read_frame(path, table), table)
    for col in table.columns:  # INSEE codes written as numbers by a spreadsheet
        if col.name.endswith("_code") and pd.api.types.is_integer_dtype(frame[col.name].dtype):
            frame[col.name] = _as_code(frame[col.name])
    validate_table(frame, table, file=path.name, first_line=FIRST_ROW)
    if "geometry" in table.names:
        frame = _check_points(frame, path.name)
    frame = coerce_table(frame[table.all_names].copy(), table)
    if table.key:
        frame = frame.sort_values(list(table.key), ignore_index=True)
    return frame


def _cached(table_name: str, version_dir: Path | None = None) -> pd.DataFrame:
    path = table_path(table_name, version_dir)
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError as exc:
        raise DataValidationError(
            f"fichier « {path.name} » introuvable : ni donnée importée ni donnée de démonstration "
            f"pour la table « {TABLES[table_name].label} » (régénérer avec python -m geodata.demo)."
        ) from exc
    return _read(table_name, path, mtime)


def load_table(table_name: str, version_dir: Path | None = None) -> pd.DataFrame:
    """Return one housing table of a dataset version (imported or demo), validated and typed.

    Parameters
    ----------
    table_name : str
        One of :data:`HOUSING_TABLES`.
    version_dir : Path, optional
        A dataset version directory; the demo data when None.

    Returns
    -------
    pandas.DataFrame
        A copy of the table, sorted by its key (a GeoDataFrame for ``residences``).

    Raises
    ------
    DataValidationError
        When the file is unreadable or does not match the data dictionary.
    """
    _check_name(table_name)
    return _cached(table_name, version_dir).copy()


def load_demo_table(table_name: str) -> pd.DataFrame:
    """Return one table of the embedded demo data set, whatever version is current."""
    _check_name(table_name)
    path = DEMO_DIR / file_name(table_name)
    return _read(table_name, path, path.stat().st_mtime_ns).copy()


def latest_survey(occupancy: pd.DataFrame) -> pd.DataFrame:
    """Latest OPS survey with at least one share for each residence.

    Parameters
    ----------
    occupancy : pandas.DataFrame
        The ``occupancy`` table.

    Returns
    -------
    pandas.DataFrame
        One row per surveyed residence: ``residence_id``, the share columns, ``n_households``
        and ``ops_survey_year``.
    """
    answered = occupancy[occupancy[list(OCCUPANCY_SHARES)].notna().any(axis=1)]
    latest = answered.sort_values(["residence_id", "survey_year"]).drop_duplicates(
        "residence_id", keep="last"
    )
    latest = latest.rename(columns={"survey_year": "ops_survey_year"})
    return latest[["residence_id", *OCCUPANCY_JOINED_COLUMNS]]


@lru_cache(maxsize=8)
def _residences(key: tuple) -> gpd.GeoDataFrame:
    (res_path, res_mtime), (ops_path, ops_mtime) = key
    residences = _read("residences", Path(res_path), res_mtime)
    latest = latest_survey(_read("occupancy", Path(ops_path), ops_mtime))
    joined = residences.merge(latest, on="residence_id", how="left", validate="one_to_one")
    joined["n_households"] = joined["n_households"].astype("Int64")
    joined["ops_survey_year"] = joined["ops_survey_year"].astype("Int64")
    columns = [c for c in joined.columns if c != "geometry"] + ["geometry"]
    return gpd.GeoDataFrame(joined[columns], geometry="geometry", crs=residences.crs)


def load_residences(version_dir: Path | None = None) -> gpd.GeoDataFrame:
    """Return the residences with the shares of their latest OPS survey.

    Parameters
    ----------
    version_dir : Path, optional
        A dataset version directory; the demo data when None.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per residence (sorted by ``residence_id``), the columns of the ``residences``
        table, then :data:`OCCUPANCY_JOINED_COLUMNS` (missing for residences never surveyed;
        ``n_households`` and ``ops_survey_year`` as ``Int64``), point geometry in EPSG:4326.
    """
    key = []
    for name in ("residences", "occupancy"):
        _cached(name, version_dir)  # clear French error when a file is missing or wrong
        path = table_path(name, version_dir)
        key.append((str(path), path.stat().st_mtime_ns))
    return _residences(tuple(key)).copy()


def load_occupancy(version_dir: Path | None = None) -> pd.DataFrame:
    """Return the OPS surveys, one row per residence and survey year (see :func:`load_table`)."""
    return load_table("occupancy", version_dir)


def load_vacancies(version_dir: Path | None = None) -> pd.DataFrame:
    """Return the vacancy periods of the dwellings (see :func:`load_table`)."""
    return load_table("vacancies", version_dir)


def load_attributions(version_dir: Path | None = None) -> pd.DataFrame:
    """Return the attributions (entrant households) (see :func:`load_table`)."""
    return load_table("attributions", version_dir)


def load_departures(version_dir: Path | None = None) -> pd.DataFrame:
    """Return the departures (leaving households) (see :func:`load_table`)."""
    return load_table("departures", version_dir)


def load_demands(version_dir: Path | None = None) -> pd.DataFrame:
    """Return the active demands of the SNE extract (see :func:`load_table`)."""
    return load_table("demands", version_dir)


def load_sru_inventory(version_dir: Path | None = None) -> pd.DataFrame:
    """Return the SRU inventory at 1 January, per commune and year (see :func:`load_table`)."""
    return load_table("sru_inventory", version_dir)


def load_sru_production(version_dir: Path | None = None) -> pd.DataFrame:
    """Return the social dwellings agreed and delivered per commune and year (see load_table)."""
    return load_table("sru_production", version_dir)
