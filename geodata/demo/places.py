"""Demo residences' locations and surroundings: point, equipment distances, environment.

Residences of Poitiers are drawn inside their schematic quartier, the large ensembles close to the
quartier's centre (the seed of its cell); residences of the other communes are clustered around
the commune's centre (the representative point of its polygon). Points are drawn in Lambert-93,
at least 40 m inside their polygon, then rounded to six decimals in WGS84 so that rounding never
moves a point out.

Distances to equipment grow with the distance to the centre of Poitiers and fall with the size of
the commune: a few hundred metres in Poitiers, more in the first ring, kilometres in rural
communes, where buses are rare.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geodata.communes import CRS_LAMBERT93, CRS_WGS84
from geodata.demo.params import CENTRE_QUARTIER, generator
from geodata.quartiers import QUARTIER_SEEDS

INSET_M = 40.0


def _points_in(polygon, centre, sigma: float, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` Lambert-93 points drawn around ``centre`` with spread ``sigma``, inside ``polygon``."""
    inner = polygon.buffer(-INSET_M)
    shapely.prepare(inner)
    out = np.empty((n, 2))
    filled = 0
    spread = sigma
    while filled < n:
        candidates = np.column_stack(
            [rng.normal(centre.x, spread, 4 * n), rng.normal(centre.y, spread, 4 * n)]
        )
        inside = candidates[shapely.contains_xy(inner, candidates[:, 0], candidates[:, 1])]
        take = min(n - filled, len(inside))
        out[filled : filled + take] = inside[:take]
        filled += take
        spread *= 1.5
    return out


def locate_residences(
    stock: pd.DataFrame, communes: gpd.GeoDataFrame, quartiers: gpd.GeoDataFrame
) -> gpd.GeoSeries:
    """Point of every residence, inside its quartier (Poitiers) or its commune.

    Parameters
    ----------
    stock : pandas.DataFrame
        Residences with ``commune_code``, ``quartier_code``, ``kind``, ``is_qpv``.
    communes, quartiers : geopandas.GeoDataFrame
        The commune outlines and the schematic quartiers of Poitiers (EPSG:4326).

    Returns
    -------
    geopandas.GeoSeries
        Points in EPSG:4326, aligned on ``stock``; coordinates rounded to 1e-6 degree.
    """
    rng = generator("places.points")
    commune_shapes = communes.to_crs(CRS_LAMBERT93).set_index("commune_code").geometry
    quartier_shapes = quartiers.to_crs(CRS_LAMBERT93).set_index("quartier_code").geometry
    seeds = dict(
        zip(
            quartiers["quartier_code"],
            gpd.GeoSeries(
                gpd.points_from_xy([s[2] for s in QUARTIER_SEEDS], [s[1] for s in QUARTIER_SEEDS]),
                crs=CRS_WGS84,
            ).to_crs(CRS_LAMBERT93),
            strict=True,
        )
    )
    xy = np.empty((len(stock), 2))
    keys = stock["quartier_code"].fillna(stock["commune_code"]).to_numpy()
    for key in sorted(set(keys)):
        rows = np.flatnonzero(keys == key)
        in_poitiers = key in quartier_shapes.index
        polygon = quartier_shapes[key] if in_poitiers else commune_shapes[key]
        centre = polygon.representative_point()
        if in_poitiers and polygon.contains(seeds[key]):
            centre = seeds[key]
        kinds = stock["kind"].to_numpy()[rows]
        klass = stock["klass"].to_numpy()[rows][0]
        if in_poitiers:
            sigma = np.where(kinds == "grand_ensemble", 300.0, 650.0)
        else:
            sigma = np.full(len(rows), {"first_ring": 450.0, "town": 350.0, "rural": 200.0}[klass])
        for s in sorted(set(sigma)):
            subset = rows[sigma == s]
            xy[subset] = _points_in(polygon, centre, float(s), len(subset), rng)
    points = gpd.GeoSeries(gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=CRS_LAMBERT93)
    lonlat = points.to_crs(CRS_WGS84)
    rounded = gpd.points_from_xy(np.round(lonlat.x, 6), np.round(lonlat.y, 6))
    return gpd.GeoSeries(rounded, crs=CRS_WGS84, index=stock.index)


def _lognormal(rng: np.random.Generator, median: np.ndarray, sigma: float) -> np.ndarray:
    return np.asarray(median) * np.exp(rng.normal(0, sigma, len(median)))


def _mask(values: np.ndarray, share: float, rng: np.random.Generator) -> np.ndarray:
    out = np.asarray(values, dtype=float).copy()
    out[rng.random(len(out)) < share] = np.nan
    return out


def describe_surroundings(
    stock: pd.DataFrame,
    points: gpd.GeoSeries,
    communes: gpd.GeoDataFrame,
    quartiers: gpd.GeoDataFrame,
) -> pd.DataFrame:
    """Equipment distances and environment of every residence.

    Parameters
    ----------
    stock : pandas.DataFrame
        Residences with ``commune_code``, ``klass``, ``kind``, ``is_qpv``, ``fragility``.
    points : geopandas.GeoSeries
        Their locations (EPSG:4326).
    communes, quartiers : geopandas.GeoDataFrame
        Outlines, to measure the distance to the commune's centre and to the centre of Poitiers.

    Returns
    -------
    pandas.DataFrame
        ``dist_school_m``, ``dist_shops_m``, ``dist_health_m``, ``dist_transit_m``,
        ``tranquillity_reports_per_100``, ``green_space_share_pct``, ``private_rent_eur_m2``,
        aligned on ``stock``, with a few percent of missing values.
    """
    rng = generator("places.surroundings")
    n = len(stock)
    here = points.to_crs(CRS_LAMBERT93)
    centre_shape = quartiers.to_crs(CRS_LAMBERT93).set_index("quartier_name").geometry
    poitiers_centre = centre_shape[CENTRE_QUARTIER].representative_point()
    to_poitiers_km = here.distance(poitiers_centre).to_numpy() / 1000.0
    commune_centres = (
        communes.to_crs(CRS_LAMBERT93).set_index("commune_code").representative_point()
    )
    own_centre = gpd.GeoSeries(
        commune_centres.reindex(stock["commune_code"]).to_numpy(),
        crs=CRS_LAMBERT93,
        index=stock.index,
    )
    to_centre_km = here.distance(own_centre).to_numpy() / 1000.0
    klass = stock["klass"].to_numpy()
    qpv = stock["is_qpv"].to_numpy()
    ge = stock["kind"].to_numpy() == "grand_ensemble"
    d = np.where(klass == "poitiers", to_poitiers_km, to_centre_km)

    school = np.select(
        [klass == "poitiers", klass == "first_ring", klass == "town"],
        [150 + 70 * d, 300 + 250 * d, 350 + 300 * d],
        default=600 + 300 * d,
    )
    shops = np.select(
        [klass == "poitiers", klass == "first_ring", klass == "town"],
        [np.where(qpv | ge, 160 + 40 * d, 110 + 110 * d), 450 + 450 * d, 450 + 400 * d],
        default=3500 + 500 * d,
    )
    health = np.select(
        [klass == "poitiers", klass == "first_ring", klass == "town"],
        [140 + 150 * d, 550 + 500 * d, 500 + 500 * d],
        default=5000 + 500 * d,
    )
    transit = np.select(
        [klass == "poitiers", klass == "first_ring", klass == "town"],
        [70 + 45 * d, 200 + 250 * d, 1400 + 400 * d],
        default=3500 + 500 * d,
    )
    frag = stock["fragility"].to_numpy()
    tranquillity = rng.gamma(2.5, 1.0, n) * np.exp(0.55 * frag) * np.where(qpv, 2.6, 1.3)
    green = np.select(
        [klass == "poitiers", klass == "first_ring"],
        [np.where(ge, 30.0, 16.0 + 2.5 * d), 26.0],
        default=44.0,
    )
    private = np.select(
        [klass == "poitiers", klass == "first_ring", klass == "town"],
        [10.9 - 0.35 * d, 9.3, 8.1],
        default=7.3,
    ) - np.where(qpv, 0.6, 0.0)
    return pd.DataFrame(
        {
            "dist_school_m": _mask(np.round(_lognormal(rng, school, 0.35)), 0.02, rng),
            "dist_shops_m": _mask(np.round(_lognormal(rng, shops, 0.4)), 0.02, rng),
            "dist_health_m": _mask(np.round(_lognormal(rng, health, 0.4)), 0.03, rng),
            "dist_transit_m": _mask(np.round(_lognormal(rng, transit, 0.45)), 0.03, rng),
            "tranquillity_reports_per_100": _mask(np.round(tranquillity, 1), 0.04, rng),
            "green_space_share_pct": _mask(
                np.round(np.clip(green + rng.normal(0, 6.0, n), 2.0, 85.0), 1), 0.03, rng
            ),
            "private_rent_eur_m2": _mask(
                np.round(np.clip(private + rng.normal(0, 0.45, n), 5.5, 14.0), 2), 0.05, rng
            ),
        },
        index=stock.index,
    )
