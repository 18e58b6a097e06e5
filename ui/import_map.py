"""The map of a prepared import: where the residences and equipment of the files fall, over the
communes of the Grand Poitiers and the outlines the files bring (IRIS, QPV).

Leaflet comes from ``static/`` (:func:`ui.maps.offline_map`); every text of a tooltip comes from
the files sent and is HTML-escaped. The map returns nothing to the page: panning never reruns it.
"""

from __future__ import annotations

import html

import folium
import geopandas as gpd
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from services.import_preview import import_bounds, import_outlines, import_points
from services.map_style import LegendEntry
from ui import cache
from ui.fmt import fmt_int
from ui.maps import (
    add_outlines,
    add_points,
    offline_map,
    points_geojson,
    polygons_geojson,
    template_safe,
)
from ui.widgets import legend

OUTLINE_CODES = {"Quartiers (IRIS)": "quartier_code", "Quartiers prioritaires (QPV)": "qpv_code"}


def _escaped(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    out = frame.copy()
    for column in columns:
        out[column] = [html.escape("" if pd.isna(v) else str(v)) for v in out[column]]
    return out


def _communes_layer(fmap: folium.Map) -> None:
    communes = cache.communes()
    data = polygons_geojson(communes, "commune_code")
    names = dict(zip(communes["commune_code"], communes["commune_name"], strict=True))
    for feature in data["features"]:
        feature["properties"] = {"nom": html.escape(str(names[feature["id"]]))}
    folium.GeoJson(
        template_safe(data),
        name="Communes",
        style_function=lambda _: {"fillOpacity": 0.03, "color": "#4d4d4d", "weight": 0.8},
        tooltip=folium.GeoJsonTooltip(fields=["nom"], aliases=["Commune"], sticky=True),
    ).add_to(fmap)


def _outline_layer(fmap: folium.Map, label: str, outlines: gpd.GeoDataFrame) -> None:
    code = OUTLINE_CODES[label]
    data = polygons_geojson(outlines, code, tolerance=0.0001)
    for feature in data["features"]:
        feature["properties"] = {code: html.escape(str(feature["id"]))}
    add_outlines(fmap, data, label, code)


def import_map(prepared, key: str) -> None:
    """Draw the points and outlines of ``prepared`` (a :class:`geodata.importer.PreparedImport`)
    with their legend; says so when the files bring no point."""
    points = import_points(prepared)
    outlines = import_outlines(prepared)
    if import_bounds(points, outlines) is None:
        st.caption("Ces fichiers n'apportent ni point ni contour à placer sur une carte.")
        return
    fmap = offline_map(import_bounds(points, outlines))  # where the data is, not the EPCI
    _communes_layer(fmap)
    for label, frame in outlines.items():
        _outline_layer(fmap, label, frame)
    if not points.empty:
        shown = gpd.GeoDataFrame(
            _escaped(points, ["layer", "name", "place"]),
            geometry=gpd.points_from_xy(points["longitude"], points["latitude"]),
            crs=4326,
        )
        add_points(
            fmap,
            points_geojson(shown, ["layer", "name", "place", "color", "radius"]),
            "Points importés",
            ["layer", "name", "place"],
            ["Type", "Nom", "Lieu"],
        )
    folium.LayerControl(collapsed=True).add_to(fmap)
    st_folium(fmap, key=key, height=480, use_container_width=True, returned_objects=[])
    counts = points.groupby(["layer", "color"], sort=False).size()
    entries = [
        LegendEntry(color, f"{html.escape(str(layer))} ({fmt_int(n)})", int(n))
        for (layer, color), n in counts.items()
    ]
    entries += [
        LegendEntry("#6a3d9a", f"{label} ({fmt_int(len(frame))} contours)", len(frame))
        for label, frame in outlines.items()
    ]
    legend("Où tombent les données importées", entries)
