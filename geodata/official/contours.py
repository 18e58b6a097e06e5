"""Read an official outline file (IRIS, QPV): Shapefile (zipped or not), GeoJSON or GeoPackage.

:func:`read_polygons` returns the features in Lambert-93 with their attribute columns, after
checking what a broken or unexpected file would hide: unreadable or empty file, no coordinate
system, features that are not polygons, coordinates far from the territory (a file in the
wrong system). :func:`find_column` finds a column among the header variants of the editions,
whatever its case.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from geodata.communes import CRS_LAMBERT93, load_communes
from geodata.errors import DataValidationError, located

READABLE = (".shp", ".zip", ".geojson", ".json", ".gpkg")
SEARCH_MARGIN_M = 20_000


def find_column(columns: Sequence[str], variants: Sequence[str]) -> str | None:
    """The first of ``columns`` matching one of ``variants`` without regard to case."""
    lookup = {str(c).strip().casefold(): c for c in columns}
    for variant in variants:
        if variant.casefold() in lookup:
            return lookup[variant.casefold()]
    return None


def require_column(
    frame: gpd.GeoDataFrame, variants: Sequence[str], name: str, meaning: str
) -> str:
    """Like :func:`find_column`, raising a French error naming the variants looked for."""
    found = find_column([c for c in frame.columns if c != frame.geometry.name], variants)
    if found is None:
        present = ", ".join(str(c) for c in frame.columns if c != frame.geometry.name)
        raise DataValidationError(
            f"fichier « {name} », ligne 1 : colonne {meaning} introuvable, attendu l'une des "
            f"colonnes {', '.join(variants)} (colonnes présentes : {present}).",
            file=name,
            line=1,
            column=variants[0],
            expected=f"une colonne {meaning}",
        )
    return found


def _territory_box() -> shapely.Geometry:
    communes = load_communes().to_crs(CRS_LAMBERT93)
    return shapely.box(*communes.total_bounds).buffer(SEARCH_MARGIN_M)


def read_polygons(path: str | Path, name: str | None = None) -> gpd.GeoDataFrame:
    """Features of an outline file, in Lambert-93, polygons only.

    Parameters
    ----------
    path : str or Path
        Shapefile (``.shp`` beside its ``.dbf``, ``.shx``, ``.prj``, or all of them in a
        ``.zip``), GeoJSON or GeoPackage, in any declared coordinate system.
    name : str, optional
        File name quoted in messages.

    Returns
    -------
    geopandas.GeoDataFrame
        The features (rows numbered from 1 in messages as « entité »), valid polygons.

    Raises
    ------
    DataValidationError
        French message naming the file, the feature and what was expected.
    """
    path = Path(path)
    name = name or path.name
    if path.suffix.lower() not in READABLE:
        raise DataValidationError(
            f"fichier « {name} » : format non reconnu ({path.suffix or 'sans extension'}), "
            "attendu Shapefile (.shp, ou .zip qui le contient), GeoJSON (.geojson) ou "
            "GeoPackage (.gpkg).",
            file=name,
            expected="un fichier de contours",
        )
    try:
        raw = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises many types for unreadable files
        raise DataValidationError(
            f"fichier « {name} » illisible ({type(exc).__name__} : {exc}), attendu un fichier "
            "de contours complet (pour un Shapefile : .shp, .shx, .dbf et .prj ensemble, ou "
            "dans un même .zip).",
            file=name,
            expected="un fichier de contours lisible",
        ) from exc
    if raw.empty:
        raise DataValidationError(
            f"fichier « {name} » : aucune entité, attendu des contours.",
            file=name,
            expected="des contours",
        )
    if raw.crs is None:
        raise DataValidationError(
            f"fichier « {name} » : système de coordonnées absent (fichier .prj manquant ?), "
            "attendu un fichier qui le déclare (par exemple EPSG:2154, Lambert-93).",
            file=name,
            expected="un système de coordonnées déclaré",
        )
    kinds = raw.geometry.geom_type.to_numpy(dtype=object)
    bad = np.flatnonzero(~np.isin(kinds, ["Polygon", "MultiPolygon"]))
    if bad.size:
        row = int(bad[0])
        raise located(
            "un polygone (contour)",
            file=name,
            line=row + 1,
            column="geometry",
            value=kinds[row] or "géométrie vide",
        )
    try:
        projected = raw.to_crs(CRS_LAMBERT93)
    except Exception as exc:  # pyproj raises several types
        raise DataValidationError(
            f"fichier « {name} » : conversion en Lambert-93 impossible ({exc}), attendu un "
            "système de coordonnées connu.",
            file=name,
            expected="un système de coordonnées connu",
        ) from exc
    bounds = projected.geometry.bounds.to_numpy(dtype=float)
    if not np.isfinite(bounds).all():
        raise DataValidationError(
            f"fichier « {name} » : coordonnées impossibles à convertir en Lambert-93, attendu "
            "des contours en France.",
            file=name,
            expected="des contours en France",
        )
    projected["geometry"] = shapely.make_valid(projected.geometry.to_numpy())
    return projected


def near_territory(features: gpd.GeoDataFrame) -> np.ndarray:
    """Mask of the Lambert-93 features that touch the territory (EPCI box and a margin)."""
    return features.geometry.intersects(_territory_box()).to_numpy()
