"""Folium maps of the territory, served with Leaflet from ``static/`` so they work offline.

Geometry is static: the communes and quartiers are simplified and serialised once (cached in
``ui/cache.py``); a change of indicator only recomputes colours and tooltips. Classes and
colours come from :mod:`services.map_style`, shared with the static snapshots of ``reports/``.
Points (residences) are drawn as one GeoJson layer of circle markers, never as thousands of
markers.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import folium
import geopandas as gpd
import pandas as pd

# NO_DATA and LegendEntry are re-exported for the map modules.
from services.map_style import NO_DATA as NO_DATA
from services.map_style import OUTLINE
from services.map_style import LegendEntry as LegendEntry

STATIC_URL = "/app/static/leaflet"
LEAFLET_JS = [("leaflet", f"{STATIC_URL}/leaflet.js")]
LEAFLET_CSS = [("leaflet_css", f"{STATIC_URL}/leaflet.css")]
TILES = {
    "none": None,
    "osm": ("OpenStreetMap", "© contributeurs OpenStreetMap"),
}


def offline_map(bounds: Sequence[Sequence[float]], tiles: str = "none") -> folium.Map:
    """Create a folium map whose Leaflet comes from ``static/`` instead of a CDN.

    Parameters
    ----------
    bounds : [[south, west], [north, east]]
        Area to fit.
    tiles : str, default "none"
        ``"none"`` (the outlines are the basemap, works offline) or ``"osm"``.
    """
    tile = TILES.get(tiles)
    fmap = folium.Map(
        location=[(bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2],
        zoom_start=10,
        tiles=tile[0] if tile else None,
        attr=tile[1] if tile else None,
        control_scale=True,
        prefer_canvas=False,
        zoom_snap=0.25,
    )
    fmap.default_js = LEAFLET_JS
    fmap.default_css = LEAFLET_CSS
    fmap.fit_bounds(bounds)
    return fmap


def polygons_geojson(frame: gpd.GeoDataFrame, id_column: str, tolerance: float = 0.0004) -> dict:
    """Simplified GeoJSON (5-decimal coordinates) of polygons, one feature per row.

    Each feature carries ``id`` = the value of ``id_column``; properties are added per render.
    """
    simplified = frame[[id_column, "geometry"]].copy()
    simplified["geometry"] = simplified.geometry.simplify(tolerance, preserve_topology=True)
    data = json.loads(simplified.to_json(drop_id=True, to_wgs84=True))
    for feature in data["features"]:
        feature["id"] = feature["properties"][id_column]
        _round_coords(feature["geometry"])
    return data


def _round_coords(geometry: dict) -> None:
    def walk(coords):
        if coords and isinstance(coords[0], (int, float)):
            return [round(coords[0], 5), round(coords[1], 5)]
        return [walk(c) for c in coords]

    geometry["coordinates"] = walk(geometry["coordinates"])


def with_properties(geojson: dict, properties: pd.DataFrame) -> dict:
    """Copy ``geojson`` with each feature's properties taken from the row of ``properties``
    whose index is the feature ``id`` (geometry objects are shared, not copied)."""
    rows = properties.to_dict(orient="index")
    features = [
        {"type": "Feature", "id": f["id"], "geometry": f["geometry"], "properties": rows[f["id"]]}
        for f in geojson["features"]
        if f["id"] in rows
    ]
    return {"type": "FeatureCollection", "features": features}


def add_choropleth(
    fmap: folium.Map,
    geojson: dict,
    name: str,
    tooltip_fields: Sequence[str],
    tooltip_aliases: Sequence[str],
    weight: float = 1.0,
    show: bool = True,
    fill_opacity: float = 0.8,
) -> folium.GeoJson:
    """Draw polygons filled with their ``fill`` property, with a French tooltip."""

    def style(feature: dict) -> dict:
        return {
            "fillColor": feature["properties"]["fill"],
            "color": OUTLINE,
            "weight": weight,
            "fillOpacity": fill_opacity,
        }

    layer = folium.GeoJson(
        geojson,
        name=name,
        style_function=style,
        highlight_function=lambda _: {"weight": 3, "color": "#000000"},
        tooltip=folium.GeoJsonTooltip(
            fields=list(tooltip_fields), aliases=list(tooltip_aliases), sticky=True
        ),
        show=show,
    )
    layer.add_to(fmap)
    return layer


def add_outlines(fmap: folium.Map, geojson: dict, name: str, tooltip_field: str, show: bool = True):
    """Draw polygon outlines only (e.g. the quartiers over the communes)."""
    layer = folium.GeoJson(
        geojson,
        name=name,
        style_function=lambda _: {
            "fillOpacity": 0.0,
            "color": "#6a3d9a",
            "weight": 1.5,
            "dashArray": "4 3",
        },
        tooltip=folium.GeoJsonTooltip(fields=[tooltip_field], aliases=["Quartier"], sticky=True),
        show=show,
    )
    layer.add_to(fmap)
    return layer


def points_geojson(frame: gpd.GeoDataFrame, properties: Sequence[str]) -> dict:
    """GeoJSON of point rows with the given properties, coordinates rounded to 5 decimals."""
    xs = frame.geometry.x.round(5).to_numpy()
    ys = frame.geometry.y.round(5).to_numpy()
    records = frame[list(properties)].to_dict(orient="records")
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [float(x), float(y)]},
                "properties": props,
            }
            for x, y, props in zip(xs, ys, records, strict=True)
        ],
    }


def add_points(
    target: folium.Map | folium.FeatureGroup,
    geojson: dict,
    name: str,
    tooltip_fields: Sequence[str],
    tooltip_aliases: Sequence[str],
) -> folium.GeoJson:
    """Draw points as circle markers coloured by their ``color`` property, sized by ``radius``."""
    layer = folium.GeoJson(
        geojson,
        name=name,
        marker=folium.CircleMarker(
            radius=4, weight=0.8, color="#222222", fill=True, fill_opacity=0.9
        ),
        style_function=lambda f: {
            "fillColor": f["properties"]["color"],
            "radius": f["properties"].get("radius", 4),
        },
        tooltip=folium.GeoJsonTooltip(
            fields=list(tooltip_fields), aliases=list(tooltip_aliases), sticky=True
        ),
    )
    layer.add_to(target)
    return layer
