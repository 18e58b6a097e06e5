"""Loaders of the reference layers a dataset version may hold: QPV outlines, equipment points and
OPS figures by commune.

Unlike the housing tables these have no demo counterpart: a loader returns ``None`` when the
version directory given does not hold the layer, or when none is given (the demo data). Files are
checked against the data dictionary (:mod:`geodata.schemas`) and kept in memory keyed on their
path and modification time.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geodata.communes import CRS_WGS84
from geodata.housing import coerce_table, read_version_dir, with_optional_columns
from geodata.schemas import TABLES, DataValidationError, validate_table

LAYERS = ("quartiers", "qpv", "equipment", "occupancy_communes")


def layer_path(name: str, version_dir: Path | None = None) -> Path | None:
    """File of layer ``name`` in a dataset version (None when the version does not hold it)."""
    if name not in LAYERS:
        raise ValueError(f"couche inconnue : {name!r}, attendu l'une de : {', '.join(LAYERS)}.")
    info = read_version_dir(version_dir)
    if info is None or info.origin(name) == "demo":
        return None
    return info.path / f"{name}.parquet"


@lru_cache(maxsize=16)
def _read(name: str, path: Path, mtime_ns: int) -> pd.DataFrame:
    table = TABLES[name]
    try:
        if "geometry" in table.names:
            frame = gpd.read_parquet(path).to_crs(CRS_WGS84)
        else:
            frame = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises many types for broken files
        raise DataValidationError(
            f"fichier « {path.name} » illisible ({exc}), attendu la couche « {table.label} » "
            "d'une version des données."
        ) from exc
    frame = with_optional_columns(frame, table)
    validate_table(frame, table, file=path.name, first_line=1)
    frame = coerce_table(frame[table.names].copy(), table)
    return frame.sort_values(list(table.key), ignore_index=True) if table.key else frame


def load_layer(name: str, version_dir: Path | None = None) -> pd.DataFrame | None:
    """Return layer ``name`` of a dataset version (a copy), or None when it holds none.

    Parameters
    ----------
    name : str
        ``qpv`` (GeoDataFrame, EPSG:4326), ``equipment`` or ``occupancy_communes``
        (``quartiers`` are read by :func:`geodata.quartiers.load_quartiers`).
    version_dir : Path, optional
        A dataset version directory; the demo data when None.
    """
    if name == "quartiers":
        raise ValueError("les quartiers se lisent avec geodata.quartiers.load_quartiers().")
    path = layer_path(name, version_dir)
    if path is None:
        return None
    return _read(name, path, path.stat().st_mtime_ns).copy()
