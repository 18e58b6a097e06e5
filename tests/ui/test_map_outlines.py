"""Encoded outlines: Google's polyline format, decoded back to the same shapes."""

from __future__ import annotations

import folium
from hypothesis import given
from hypothesis import strategies as st

from tests.ui.map_decoding import decode_polyline
from ui.map_outlines import EncodedOutlines, encode_polyline, encoded_polygons
from ui.maps import script_json


def test_the_reference_example_of_the_format():
    points = [(38.5, -120.2), (40.7, -120.95), (43.252, -126.453)]
    assert encode_polyline(points) == "_p~iF~ps|U_ulLnnqC_mqNvxq`@"
    assert decode_polyline("_p~iF~ps|U_ulLnnqC_mqNvxq`@") == points


coordinate = st.floats(min_value=-90, max_value=90, allow_nan=False)


@given(st.lists(st.tuples(coordinate, coordinate), max_size=30))
def test_decoding_gives_back_each_point_to_five_decimals(points):
    decoded = decode_polyline(encode_polyline(points))
    assert len(decoded) == len(points)
    for (lat, lon), (dlat, dlon) in zip(points, decoded, strict=True):
        assert abs(lat - dlat) <= 0.5e-5 + 1e-9 and abs(lon - dlon) <= 0.5e-5 + 1e-9


def test_polygons_and_multipolygons_become_rings_in_leaflet_order():
    square = [[0.1, 46.5], [0.2, 46.5], [0.2, 46.6], [0.1, 46.5]]
    hole = [[0.12, 46.52], [0.13, 46.52], [0.12, 46.52]]
    geojson = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [square, hole]}},
            {"type": "Feature", "geometry": {"type": "MultiPolygon", "coordinates": [[square]]}},
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [0.1, 46.5]}},
        ],
    }
    features = encoded_polygons(geojson)
    assert len(features) == 2  # the point is not an outline
    assert [[len(rings) for rings in polygons] for polygons in features] == [[2], [1]]
    outer = [(46.5, 0.1), (46.5, 0.2), (46.6, 0.2), (46.5, 0.1)]
    assert decode_polyline(features[0][0][0]) == outer
    assert decode_polyline(features[0][0][1]) == [(46.52, 0.12), (46.52, 0.13), (46.52, 0.12)]


def test_the_map_script_holds_the_encoded_rings_and_the_style_not_the_coordinates():
    ring = [[0.1, 46.5], [0.2, 46.5], [0.2, 46.6], [0.1, 46.5]]
    geojson = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [ring]}}],
    }
    fmap = folium.Map()
    EncodedOutlines(geojson, {"color": "#8c8c8c", "weight": 0.8}).add_to(fmap)
    page = fmap.get_root().render()
    encoded = encode_polyline((lat, lon) for lon, lat in ring)
    assert script_json(encoded) in page
    assert '"color":"#8c8c8c"' in page and "46.5" not in page


def test_script_json_never_opens_a_jinja_tag():
    text = script_json({"name": "{{ 7*7 }} {% if %} {# x #} {{{"})
    assert "{{" not in text and "{%" not in text and "{#" not in text
    fmap = folium.Map()
    # a residence named like a template is shown as it is written, never evaluated
    fmap.get_root().script.add_child(folium.Element(f"var x = {text};"))
    page = fmap.get_root().render()
    assert "\\u007b{ 7*7 }}" in page and '"name":"49' not in page
