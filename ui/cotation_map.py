"""The residence map of the cotation page: a fixed base map and a layer of class colours.

The base map (commune outlines and Poitiers' quartiers, drawn from the cached simplified GeoJSON)
has the same content on every rerun, so ``streamlit-folium`` keeps it mounted in the browser;
only its feature group, the residence points coloured by class and the ring around the selected
residence, is replaced when a weight moves: the commune outlines are never redrawn by a weight
change. Both still travel in the one component message that a weight change sends whole, so
both are sent in few bytes: the outlines as encoded polylines (:mod:`ui.map_outlines`), the
points as a few characters each (:mod:`ui.class_points`). Panning or zooming does not rerun the
page: the map returns only the last clicked residence.
"""

from __future__ import annotations

from collections.abc import Callable

import folium
import pandas as pd
from streamlit_folium import st_folium

from scoring import NOT_RATED
from services import map_views
from services.cotation import class_label
from services.map_style import CLASS_COLORS, point_radius
from ui import cache
from ui.class_points import ClassPoints, class_point_payload
from ui.export_map import map_download
from ui.fmt import fmt_int
from ui.map_outlines import EncodedOutlines
from ui.maps import LegendEntry, offline_map

MAP_KEY = "cotation_carte"
RETURNED = ["last_active_drawing"]
COMMUNE_STYLE = {"fillColor": "#f2f2f2", "fillOpacity": 0.5, "color": "#8c8c8c", "weight": 0.8}
QUARTIER_STYLE = {"fillOpacity": 0.0, "color": "#6a3d9a", "weight": 1.2, "dashArray": "4 3"}
SELECTED_COLOR = "#000000"
POINT_OUTLINE = "#333333"
NOT_RATED_SHORT = "non cotée"


def map_bounds(commune: str | None) -> list[list[float]]:
    """``[[south, west], [north, east]]`` of the commune, or of the territory when None."""
    communes = cache.communes()
    if commune is not None and commune in set(communes["commune_code"]):
        communes = communes[communes["commune_code"] == commune]
    minx, miny, maxx, maxy = communes.total_bounds
    return [[float(miny), float(minx)], [float(maxy), float(maxx)]]


def base_map(commune: str | None = None) -> folium.Map:
    """The map without the residences: commune outlines and Poitiers' quartiers.

    Its content only depends on ``commune`` (the area fitted), never on the weights.
    """
    fmap = offline_map(map_bounds(commune))
    EncodedOutlines(cache.communes_geojson(), COMMUNE_STYLE).add_to(fmap)
    EncodedOutlines(cache.quartiers_geojson(), QUARTIER_STYLE).add_to(fmap)
    return fmap


def point_payload(table: pd.DataFrame) -> dict:
    """What :class:`ui.class_points.ClassPoints` draws for the residences of ``table`` (those
    with coordinates)."""
    coords = cache.residence_coordinates().reindex(table.index)
    located = coords["lon"].notna().to_numpy() & coords["lat"].notna().to_numpy()
    table, coords = table[located], coords[located]
    radius = point_radius(table["n_dwellings"], base=3.0).to_numpy(dtype=float)
    classes = {
        code: (NOT_RATED_SHORT if code == NOT_RATED else str(code), CLASS_COLORS[code])
        for code in CLASS_COLORS
    }
    return class_point_payload(table, coords, radius, classes)


def class_layer(table: pd.DataFrame, selected: str | None = None) -> folium.FeatureGroup:
    """The residences coloured by class, and a ring around the selected one.

    This is the only part of the map redrawn when the weights change.
    """
    group = folium.FeatureGroup(name="Résidences", control=False)
    ClassPoints(point_payload(table), POINT_OUTLINE).add_to(group)
    if selected is not None and selected in table.index:
        lon, lat = cache.residence_coordinates().loc[selected, ["lon", "lat"]]
        folium.CircleMarker(
            location=[float(lat), float(lon)],
            radius=11,
            color=SELECTED_COLOR,
            weight=3,
            fill=False,
            interactive=False,
        ).add_to(group)
    return group


def class_legend(counts: pd.Series, ranges: dict[str, str]) -> list[LegendEntry]:
    """Legend lines: colour, class, what it means and how many residences are in it."""
    entries = []
    for code, n in counts.items():
        if code == "NC" and n == 0:
            continue
        meaning = ranges.get(code, "")
        label = class_label(code) if code == "NC" else f"{class_label(code)} ({meaning})"
        entries.append(LegendEntry(CLASS_COLORS[code], f"{label} : {fmt_int(n)}"))
    return entries


def residence_map(
    table: pd.DataFrame,
    selected: str | None,
    commune: str | None,
    height: int = 620,
    exported: Callable[[], pd.Series] | None = None,
) -> str | None:
    """Draw the map and its download control; return the residence clicked on it (None when
    nothing was clicked).

    The map returns the clicked residence only, so panning never reruns this page (the one
    where weights move live): its snapshot shows the commune chosen, or the whole territory,
    with the classes ``exported`` gives (a file follows the public rules whoever asks:
    :func:`ui.cotation_view.exported_classes`).
    """
    returned = st_folium(
        base_map(commune),
        key=MAP_KEY,
        height=height,
        use_container_width=True,
        returned_objects=RETURNED,
        feature_group_to_add=class_layer(table, selected),
    )
    labels = {code: class_label(code) for code in CLASS_COLORS}
    map_download(
        lambda: map_views.cotation_map(
            cache.export_data(),
            exported() if exported is not None else table["score_class"],
            labels,
            commune=commune,
        ),
        key="telecharger_cotation",
        file_stem="carte_cotation" + (f"_{commune}" if commune else ""),
    )
    drawing = (returned or {}).get("last_active_drawing") or {}
    return (drawing.get("properties") or {}).get("residence_id")
