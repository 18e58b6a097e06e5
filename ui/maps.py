"""Folium maps of the territory, served with Leaflet from ``static/`` so they work offline.

Geometry is static: the communes and quartiers are simplified and serialised once (cached in
``ui/cache.py``); a change of indicator only recomputes colours and tooltips. Classes and
colours come from :mod:`services.map_style`, shared with the static snapshots of ``reports/``.
Points (residences) travel as one compact array (:class:`CompactPoints`), never as thousands of
markers nor as a GeoJson layer repeating its property names.

Every map has a scale bar in metres and kilometres only (Leaflet's own also shows miles), and no
focus rectangle around a clicked shape: the browser outlines the focused SVG path with a black
box, the selection has its own outline.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

import folium
import geopandas as gpd
import pandas as pd
from branca.element import Element, MacroElement
from folium.map import FitBounds
from jinja2 import Template

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
# Inside the map's frame: no focus box around a clicked shape (the keyboard focus of the map
# itself keeps its ring).
MAP_CSS = "<style>.leaflet-interactive:focus {outline: none;}</style>"

# A brace opening a Jinja tag (see script_json).
_JINJA_OPEN = re.compile(r"\{(?=[{%#])")


def template_safe(value: object) -> object:
    """``value`` with every text unable to open a Jinja tag, for data handed to folium.

    branca renders an element's output as a template once more before the page is sent, so a
    name read from an imported file such as ``{{ 7*7 }}`` — or worse — given to a
    ``folium.GeoJson`` layer or tooltip would be evaluated on the server. A zero-width space is
    put between the brace and the next character: the text reads the same on the map.

    Parameters
    ----------
    value : object
        GeoJSON or any nest of dicts, lists and scalars.

    Returns
    -------
    object
        A copy where each string (keys included) is made safe; other values unchanged.
    """
    if isinstance(value, str):
        return _JINJA_OPEN.sub("{\u200b", value)
    if isinstance(value, dict):
        return {template_safe(k): template_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [template_safe(v) for v in value]
    return value


class MetricScale(MacroElement):
    """A scale bar in metres and kilometres only."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.control.scale({imperial: false}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "MetricScale"


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
        control_scale=False,
        prefer_canvas=False,
        zoom_snap=0.25,
    )
    fmap.default_js = LEAFLET_JS
    fmap.default_css = LEAFLET_CSS
    MetricScale().add_to(fmap)
    fmap.get_root().header.add_child(Element(MAP_CSS), name="map_css")
    # Fitted at once, not animated from the constructor's view: an animated zoom ends with a
    # move the map component reports as a change, one more run of the page after its first paint.
    fit = FitBounds(bounds)
    fit.options["animate"] = False
    fmap.add_child(fit)
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
    fmap: folium.Map | folium.FeatureGroup,
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
        template_safe(geojson),
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


def add_outlines(
    fmap: folium.Map | folium.FeatureGroup,
    geojson: dict,
    name: str,
    tooltip_field: str,
    show: bool = True,
):
    """Draw polygon outlines only (e.g. the quartiers over the communes)."""
    layer = folium.GeoJson(
        template_safe(geojson),
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
        template_safe(geojson),
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


def script_json(value: object) -> str:
    """Compact JSON that is safe inside a ``<script>`` element and inside a Jinja template.

    Besides ``<``, ``>`` and ``&``, a ``{`` that would open a Jinja tag (``{{``, ``{%``, ``{#``)
    is escaped: branca parses an element's rendered script as a template once more, so a
    residence named ``{{ 7*7 }}`` (or an encoded polyline holding ``{{``) would otherwise be
    evaluated on the server instead of shown. Outside strings, JSON never has such a pair.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return _JINJA_OPEN.sub(r"\\u007b", text)


class CompactPoints(MacroElement):
    """Circle markers sent as one compact array; the browser builds markers and tooltips.

    Each row is ``[lon, lat, radius, colour, fields, clicked]``: ``colour`` indexes the
    palette; ``fields`` are the tooltip's texts (the first in bold, the others after their
    label), each either the text itself or, for a field with a table of repeated texts, its
    index in that table; ``clicked`` is what a click on the marker returns as the properties of
    the map's ``last_active_drawing`` (None: nothing). About a third of the size of the same
    points as a folium ``GeoJson`` layer with its properties. Build the rows with
    :func:`point_rows`.

    Parameters
    ----------
    points : CompactRows
        Rows, palette, labels and tables of repeated texts.
    outline : str
        Colour of the markers' outline.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (group) {
            var p = {{ this.points_json }};
            function text(v, j) {
                return (p.tables[j] !== null && typeof v === "number") ? p.tables[j][v] : v;
            }
            for (var i = 0; i < p.rows.length; i++) {
                var r = p.rows[i], f = r[4];
                var marker = L.circleMarker([r[1], r[0]], {
                    radius: r[2], color: "{{ this.outline }}", weight: 0.8,
                    fillColor: p.palette[r[3]], fillOpacity: 0.9
                });
                if (r[5] !== null) {
                    marker.feature = {type: "Feature", properties: r[5]};
                }
                var tip = "<b>" + text(f[0], 0) + "</b>";
                for (var j = 1; j < f.length; j++) {
                    tip += "<br>" + p.labels[j] + " : " + text(f[j], j);
                }
                marker.bindTooltip(tip, {sticky: true});
                group.addLayer(marker);
            }
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, points: CompactRows, outline: str = "#222222") -> None:
        super().__init__()
        self._name = "CompactPoints"
        self.points_json = script_json(
            {
                "rows": points.rows,
                "palette": points.palette,
                "labels": points.labels,
                "tables": points.tables,
            }
        )
        self.outline = outline


@dataclass(frozen=True)
class CompactRows:
    """What :class:`CompactPoints` draws (see :func:`point_rows`)."""

    rows: list[list]
    palette: list[str]
    labels: list[str]
    tables: list[list[str] | None]


def point_rows(
    frame: gpd.GeoDataFrame,
    radius: Sequence[float],
    colors: Sequence[str],
    fields: Sequence[tuple[str, Sequence[object], bool]],
    clicked: Sequence[dict | None] | None = None,
) -> CompactRows:
    """The points of ``frame`` for :class:`CompactPoints`.

    Parameters
    ----------
    frame : GeoDataFrame
        Points in WGS84, in drawing order (the last on top).
    radius, colors : sequence
        Radius (pixels) and fill colour of each point.
    fields : sequence of (label, texts, repeated)
        The tooltip: the first field's texts in bold (its label unused), then « label : text »;
        ``repeated`` sends each distinct text once (communes, groups, flags). Texts are
        HTML-escaped here.
    clicked : sequence of dict or None, optional
        Properties returned by a click on each point.
    """
    palette = list(dict.fromkeys(colors))
    color_index = {color: i for i, color in enumerate(palette)}
    columns, tables = [], []
    for _, texts, repeated in fields:
        escaped = [html.escape(str(t)) for t in texts]
        if repeated:
            table = list(dict.fromkeys(escaped))
            index = {t: i for i, t in enumerate(table)}
            columns.append([index[t] for t in escaped])
            tables.append(table)
        else:
            columns.append(escaped)
            tables.append(None)
    xs = frame.geometry.x.round(5).to_numpy()
    ys = frame.geometry.y.round(5).to_numpy()
    clicked = list(clicked) if clicked is not None else [None] * len(frame)
    rows = [
        [
            float(xs[i]),
            float(ys[i]),
            round(float(radius[i]), 1),
            color_index[colors[i]],
            [column[i] for column in columns],
            clicked[i],
        ]
        for i in range(len(frame))
    ]
    return CompactRows(rows, palette, [html.escape(label) for label, _, _ in fields], tables)
