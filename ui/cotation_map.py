"""The residence map of the cotation page: a fixed base map and a layer of class colours.

The base map (commune outlines and Poitiers' quartiers, drawn from the cached simplified GeoJSON)
has the same content on every rerun, so ``streamlit-folium`` keeps it mounted in the browser;
only its feature group, the residence points coloured by class and the ring around the selected
residence, is replaced when a weight moves: the commune outlines are never redrawn by a weight
change. The points travel as one compact array (:class:`ClassPoints`), a third of the size of a
folium ``GeoJson`` layer. Panning or zooming does not rerun the page: the map returns only the
last clicked residence.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable

import folium
import pandas as pd
from branca.element import MacroElement
from jinja2 import Template
from streamlit_folium import st_folium

from scoring import NOT_RATED
from services import map_views
from services.cotation import class_label
from services.map_style import CLASS_COLORS, point_radius
from ui import cache
from ui.export_map import map_download
from ui.fmt import fmt_int, fmt_number
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
    folium.GeoJson(
        cache.communes_geojson(),
        name="Communes",
        style_function=lambda _: COMMUNE_STYLE,
        interactive=False,
        control=False,
    ).add_to(fmap)
    folium.GeoJson(
        cache.quartiers_geojson(),
        name="Quartiers de Poitiers",
        style_function=lambda _: QUARTIER_STYLE,
        interactive=False,
        control=False,
    ).add_to(fmap)
    return fmap


class ClassPoints(MacroElement):
    """The residences as circle markers coloured by class, sent as one compact array.

    Each row is ``[lon, lat, id, name, commune, class, score, rank, radius]``; the browser builds
    the markers and their tooltips. About a third of the size of the same points as a folium
    ``GeoJson`` layer, which matters because this is what a weight change sends. A click on a
    marker returns ``{"properties": {"residence_id": ...}}`` through the map's
    ``last_active_drawing``.

    Parameters
    ----------
    rows : list of list
        One row per residence, as above (strings already HTML-escaped).
    colors : dict
        Fill colour of each class code.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (group) {
            var colors = {{ this.colors_json }};
            var rows = {{ this.rows_json }};
            for (var i = 0; i < rows.length; i++) {
                var r = rows[i];
                var marker = L.circleMarker([r[1], r[0]], {
                    radius: r[8], color: "{{ this.outline }}", weight: 0.8,
                    fillColor: colors[r[5]], fillOpacity: 0.95
                });
                marker.feature = {type: "Feature", properties: {residence_id: r[2]}};
                marker.bindTooltip(
                    "<b>" + r[3] + "</b><br>" + r[4] + "<br>Classe : " + r[5]
                    + "<br>Note : " + r[6] + "<br>Rang : " + r[7],
                    {sticky: true}
                );
                group.addLayer(marker);
            }
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, rows: list[list], colors: dict[str, str]) -> None:
        super().__init__()
        self._name = "ClassPoints"
        self.rows_json = _script_json(rows)
        self.colors_json = _script_json(colors)
        self.outline = POINT_OUTLINE


def _script_json(value: object) -> str:
    """Compact JSON that is safe inside a ``<script>`` element."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def point_rows(table: pd.DataFrame) -> list[list]:
    """Rows of :class:`ClassPoints` for the residences of ``table``."""
    coords = cache.residence_coordinates().reindex(table.index)
    ranks = table["rank"].astype("Float64").to_numpy(dtype=float, na_value=float("nan"))
    radius = point_radius(table["n_dwellings"], base=3.0).to_numpy(dtype=float)
    return [
        [
            float(lon),
            float(lat),
            html.escape(str(rid)),
            html.escape(str(name)),
            html.escape(str(commune)),
            NOT_RATED_SHORT if code == NOT_RATED else str(code),
            fmt_number(score, 1, "/ 100"),
            fmt_int(rank),
            round(float(r), 1),
        ]
        for rid, lon, lat, name, commune, code, score, rank, r in zip(
            table.index,
            coords["lon"].to_numpy(),
            coords["lat"].to_numpy(),
            table["residence_name"].to_numpy(),
            table["commune_name"].to_numpy(),
            table["score_class"].to_numpy(),
            table["score"].to_numpy(),
            ranks,
            radius,
            strict=True,
        )
    ]


def class_layer(table: pd.DataFrame, selected: str | None = None) -> folium.FeatureGroup:
    """The residences coloured by class, and a ring around the selected one.

    This is the only part of the map sent again when the weights change.
    """
    group = folium.FeatureGroup(name="Résidences", control=False)
    colors = {**CLASS_COLORS, NOT_RATED_SHORT: CLASS_COLORS[NOT_RATED]}
    ClassPoints(point_rows(table), colors).add_to(group)
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
