"""Where points fall in the territory: inside the EPCI, inside their declared commune, in which
quartier or QPV; and coordinates read with their declared EPSG code.

Everything is computed in Lambert-93 (EPSG:2154) with prepared geometries, for millions of points.
A point is « in its commune » when it lies within the commune's outline grown by the tolerance of
``config/import.toml`` (``[placement] tolerance_m``): geocoding along a boundary road often lands
a few metres across it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from config import load_toml
from geodata.communes import CRS_LAMBERT93, load_communes
from geodata.errors import DataValidationError, located


def tolerance_m() -> float:
    """Distance a point may lie outside its declared commune (``config/import.toml``)."""
    return float(load_toml("import.toml")["placement"]["tolerance_m"])


@lru_cache(maxsize=4)
def _communes(tolerance: float):
    communes = load_communes().to_crs(CRS_LAMBERT93)
    codes = communes["commune_code"].to_numpy(dtype=object)
    names = dict(zip(codes, communes["commune_name"], strict=True))
    geoms = communes.geometry.to_numpy()
    grown = {c: g.buffer(tolerance) for c, g in zip(codes, geoms, strict=True)}
    for geom in grown.values():
        shapely.prepare(geom)
    union = shapely.union_all(geoms)
    shapely.prepare(union)
    return codes, names, geoms, grown, shapely.STRtree(geoms), union


def epci_commune_codes() -> frozenset[str]:
    """INSEE codes of the EPCI's communes."""
    return frozenset(str(c) for c in load_communes()["commune_code"])


def epci_outline() -> shapely.Geometry:
    """Outline of the EPCI (union of its communes) in Lambert-93, prepared."""
    return _communes(tolerance_m())[5]


def commune_names() -> dict[str, str]:
    """Name of each commune of the EPCI, by INSEE code."""
    communes = load_communes()
    return dict(zip(communes["commune_code"], communes["commune_name"], strict=True))


def to_lambert93(xs: np.ndarray, ys: np.ndarray, epsg: int) -> tuple[np.ndarray, np.ndarray]:
    """Project coordinates from ``epsg`` to Lambert-93 (non-finite where impossible)."""
    if epsg == 2154:
        return np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
    transformer = _transformer(epsg)
    with np.errstate(all="ignore"):
        out_x, out_y = transformer.transform(np.asarray(xs, float), np.asarray(ys, float))
    return np.asarray(out_x, dtype=float), np.asarray(out_y, dtype=float)


@lru_cache(maxsize=16)
def _transformer(epsg: int) -> pyproj.Transformer:
    return pyproj.Transformer.from_crs(f"EPSG:{epsg}", CRS_LAMBERT93, always_xy=True)


def check_epsg(value: object, *, file: str, line: int | None, column: str) -> int:
    """The EPSG code of ``value`` if it names a two-dimensional coordinate system.

    Raises
    ------
    DataValidationError
        For ``0``, ``999999``, ``abc``, a vertical or compound system…
    """
    text = str(value).strip()
    expected = (
        "un code EPSG de système de coordonnées, par exemple 2154 (Lambert-93) ou 4326 (WGS84)"
    )
    if not text.isdigit() or len(text) > 6:
        raise located(expected, file=file, line=line, column=column, value=value)
    code = int(text)
    try:
        crs = pyproj.CRS.from_epsg(code)
        _transformer(code)
    except pyproj.exceptions.CRSError:
        raise located(
            expected, file=file, line=line, column=column, value=value, problem="code inconnu"
        ) from None
    if not (crs.is_geographic or crs.is_projected) or len(crs.axis_info) != 2:
        raise located(
            expected,
            file=file,
            line=line,
            column=column,
            value=value,
            problem=f"« {crs.name} » n'est pas un système de coordonnées à deux dimensions",
        )
    return code


@dataclass
class Placement:
    """Where points fall, one entry per point.

    Attributes
    ----------
    in_declared : numpy.ndarray of bool
        Within the declared commune (with the tolerance).
    in_epci : numpy.ndarray of bool
        Within one of the EPCI's communes (without tolerance) or in the declared one.
    found_code : numpy.ndarray of object
        Commune the point lies in (None outside the EPCI).
    distance_m : numpy.ndarray of float
        Distance to the EPCI for points outside it (0 inside), NaN for non-finite coordinates.
    """

    in_declared: np.ndarray
    in_epci: np.ndarray
    found_code: np.ndarray
    distance_m: np.ndarray


def locate(
    xs: np.ndarray, ys: np.ndarray, declared: np.ndarray, tolerance: float | None = None
) -> Placement:
    """Check Lambert-93 points against their declared commune codes.

    Parameters
    ----------
    xs, ys : numpy.ndarray
        Lambert-93 coordinates (metres).
    declared : numpy.ndarray
        Declared INSEE code of each point (codes outside the EPCI are never « in declared »).
    tolerance : float, optional
        Metres; ``config/import.toml`` by default.
    """
    tolerance = tolerance_m() if tolerance is None else tolerance
    codes, _names, _geoms, grown, tree, union = _communes(tolerance)
    xs, ys = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
    declared = np.asarray(declared, dtype=object)
    finite = np.isfinite(xs) & np.isfinite(ys)
    in_declared = np.zeros(len(xs), dtype=bool)
    for code in pd.unique(declared[finite]):
        if code not in grown:
            continue
        idx = np.flatnonzero(finite & (declared == code))
        in_declared[idx] = shapely.contains_xy(grown[code], xs[idx], ys[idx])
    found = np.full(len(xs), None, dtype=object)
    found[in_declared] = declared[in_declared]
    distance = np.where(finite, 0.0, np.nan)
    others = np.flatnonzero(finite & ~in_declared)
    if others.size:
        points = shapely.points(xs[others], ys[others])
        hit_points, hit_geoms = tree.query(points, predicate="within")
        found[others[hit_points]] = codes[hit_geoms]
        missing = others[found[others] == None]  # noqa: E711 (object array)
        if missing.size:
            distance[missing] = shapely.distance(union, shapely.points(xs[missing], ys[missing]))
    in_epci = in_declared | (found != None)  # noqa: E711
    return Placement(in_declared, in_epci, found, distance)


def placement_problem(
    placement: Placement, row: int, declared: str, names: dict[str, str]
) -> tuple[str, str]:
    """(problem, expectation) in French for a point not in its declared commune."""
    name = names.get(declared)
    expected = (
        f"un point dans sa commune, {name} ({declared}) — vérifiez l'ordre des coordonnées et "
        "la colonne « epsg »"
        if name
        else f"un point dans sa commune déclarée ({declared})"
    )
    if not np.isfinite(placement.distance_m[row]):
        return "coordonnées impossibles à projeter", expected
    found = placement.found_code[row]
    if found is None:
        km = f"{placement.distance_m[row] / 1000:,.0f}".replace(",", "\u202f")
        return f"point hors du Grand Poitiers, à {km} km", expected
    return f"point situé à {names.get(found, found)} ({found})", expected


def polygon_codes(
    xs: np.ndarray, ys: np.ndarray, polygons: gpd.GeoDataFrame, code_column: str
) -> np.ndarray:
    """Code of the polygon each Lambert-93 point falls in (None outside all of them).

    Parameters
    ----------
    xs, ys : numpy.ndarray
        Lambert-93 coordinates.
    polygons : geopandas.GeoDataFrame
        Polygons in any CRS (projected to Lambert-93 here).
    code_column : str
        Column holding each polygon's code.
    """
    out = np.full(len(xs), None, dtype=object)
    if polygons.empty or not len(xs):
        return out
    projected = polygons.to_crs(CRS_LAMBERT93)
    tree = shapely.STRtree(projected.geometry.to_numpy())
    xs, ys = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
    finite = np.flatnonzero(np.isfinite(xs) & np.isfinite(ys))
    hits_p, hits_g = tree.query(shapely.points(xs[finite], ys[finite]), predicate="intersects")
    codes = projected[code_column].astype(str).to_numpy(dtype=object)
    # A point on a shared edge belongs to the first polygon found.
    first = ~pd.Series(hits_p).duplicated().to_numpy()
    out[finite[hits_p[first]]] = codes[hits_g[first]]
    return out


def check_commune_codes(
    codes: pd.Series, *, file: str, lines: np.ndarray, column: str = "commune_code"
) -> None:
    """Refuse the first code that is not one of the EPCI's communes."""
    known = epci_commune_codes()
    present = codes.notna().to_numpy()
    bad = np.flatnonzero(present & ~codes.isin(known).to_numpy())
    if bad.size:
        row = int(bad[0])
        raise located(
            "le code INSEE d'une des 40 communes du Grand Poitiers",
            file=file,
            line=int(lines[row]),
            column=column,
            value=codes.iloc[row],
            problem="commune hors du Grand Poitiers",
        )


def points_error(
    placement: Placement,
    declared: np.ndarray,
    *,
    file: str,
    lines: np.ndarray,
    columns: str,
    values: list[str],
) -> DataValidationError | None:
    """The error for the first point not in its declared commune (None when all are)."""
    bad = np.flatnonzero(~placement.in_declared)
    if not bad.size:
        return None
    row = int(bad[0])
    problem, expected = placement_problem(placement, row, str(declared[row]), commune_names())
    return located(
        expected,
        file=file,
        line=int(lines[row]),
        column=columns,
        value=values[row],
        problem=problem,
    )
