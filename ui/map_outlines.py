"""Polygon outlines sent to the browser as encoded polylines, a fifth of a GeoJSON layer's size.

A folium ``GeoJson`` layer writes every vertex as ``[0.51102, 46.70037]`` inside a JSON string
that Streamlit escapes once more for the map component (≈ 25 bytes a vertex). The outlines of a
base map never change, but they travel with every update of the map's component message, so
their size counts on each weight change of the cotation page. Here each ring is one string in
Google's encoded polyline format (5 decimals, ≈ 1 m; each vertex as its difference from the
previous one, ≈ 5 bytes a vertex) that the browser decodes into Leaflet polygons: the same
shapes, the same style, not interactive.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from branca.element import MacroElement
from jinja2 import Template

from ui.maps import script_json

PRECISION = 5


def encode_polyline(points: Iterable[Sequence[float]], precision: int = PRECISION) -> str:
    """Encode ``(lat, lon)`` points in Google's encoded polyline format.

    Parameters
    ----------
    points : iterable of (lat, lon)
        The vertices, in order.
    precision : int, default 5
        Decimals kept (5: about one metre).

    Returns
    -------
    str
        Printable ASCII (``?`` to ``~``); each coordinate is its difference from the previous
        vertex's, rounded to ``precision`` decimals.

    Examples
    --------
    >>> encode_polyline([(38.5, -120.2), (40.7, -120.95), (43.252, -126.453)])
    '_p~iF~ps|U_ulLnnqC_mqNvxq`@'
    """
    factor = 10**precision
    out: list[str] = []
    previous = [0, 0]
    for point in points:
        for axis in (0, 1):
            value = round(point[axis] * factor)
            out.append(_encode_number(value - previous[axis]))
            previous[axis] = value
    return "".join(out)


def _encode_number(delta: int) -> str:
    value = ~(delta << 1) if delta < 0 else delta << 1
    chars = []
    while value >= 0x20:
        chars.append(chr((0x20 | (value & 0x1F)) + 63))
        value >>= 5
    chars.append(chr(value + 63))
    return "".join(chars)


def encoded_polygons(geojson: dict) -> list[list[list[str]]]:
    """Each Polygon/MultiPolygon feature of ``geojson`` as polygons of encoded rings.

    GeoJSON holds ``[lon, lat]``; the rings are encoded as ``(lat, lon)``, Leaflet's order.
    Features of other geometry types are left out.
    """
    features = []
    for feature in geojson["features"]:
        geometry = feature.get("geometry") or {}
        if geometry.get("type") == "Polygon":
            polygons = [geometry["coordinates"]]
        elif geometry.get("type") == "MultiPolygon":
            polygons = geometry["coordinates"]
        else:
            continue
        features.append(
            [[encode_polyline((lat, lon) for lon, lat, *_ in ring) for ring in p] for p in polygons]
        )
    return features


class EncodedOutlines(MacroElement):
    """Non-interactive polygons (one Leaflet path per feature) drawn from encoded rings.

    Parameters
    ----------
    geojson : dict
        A FeatureCollection of polygons (its properties are not sent).
    style : dict
        Leaflet path options of every polygon (``color``, ``weight``, ``fillColor``,
        ``fillOpacity``, ``dashArray``…).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map) {
            var d = {{ this.data_json }};
            function decode(s) {
                var points = [], i = 0, lat = 0, lng = 0;
                while (i < s.length) {
                    var pair = [0, 0];
                    for (var k = 0; k < 2; k++) {
                        var shift = 0, value = 0, b;
                        do {
                            b = s.charCodeAt(i++) - 63;
                            value |= (b & 31) << shift;
                            shift += 5;
                        } while (b >= 32);
                        pair[k] = (value & 1) ? ~(value >> 1) : (value >> 1);
                    }
                    lat += pair[0];
                    lng += pair[1];
                    points.push([lat / 1e5, lng / 1e5]);
                }
                return points;
            }
            var style = Object.assign({interactive: false}, d.style);
            d.features.forEach(function (polygons) {
                L.polygon(polygons.map(function (rings) { return rings.map(decode); }), style)
                    .addTo(map);
            });
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, geojson: dict, style: dict) -> None:
        super().__init__()
        self._name = "EncodedOutlines"
        self.data_json = script_json({"features": encoded_polygons(geojson), "style": style})
