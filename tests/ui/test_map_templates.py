"""Names read from imported files never run as templates when a map is rendered: branca parses an
element's output as a Jinja template once more, so a name such as ``{{ 7*7 }}`` given to a folium
layer would otherwise be evaluated on the server."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ui.maps import (
    add_choropleth,
    add_outlines,
    add_points,
    offline_map,
    template_safe,
)

PROBE = "{{ 7*7 }} {% if true %}oui{% endif %} {# note #}"
SQUARE = [[[0.0, 46.5], [0.1, 46.5], [0.1, 46.6], [0.0, 46.6], [0.0, 46.5]]]


def _polygons() -> dict:
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": "86001",
                "geometry": {"type": "Polygon", "coordinates": SQUARE},
                "properties": {"nom": PROBE, "fill": "#ffffff"},
            }
        ],
    }


def _points() -> dict:
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [0.05, 46.55]},
                "properties": {"nom": PROBE, "color": "#000000"},
            }
        ],
    }


def test_a_name_that_looks_like_a_template_is_shown_not_evaluated():
    fmap = offline_map(bounds=[[46.5, 0.0], [46.6, 0.1]])
    add_choropleth(fmap, _polygons(), "Communes", ["nom"], ["Commune"])
    add_outlines(fmap, _polygons(), "Quartiers", "nom")
    add_points(fmap, _points(), "Résidences", ["nom"], ["Résidence"])
    html = fmap.get_root().render()
    assert '"nom": "49' not in html  # 7*7 never computed
    # JSON writes the zero-width space as an escape; the browser shows the text as typed.
    assert html.count("{\\u200b{ 7*7 }}") == 3
    assert html.count("{\\u200b% if true %}oui{\\u200b% endif %}") == 3


def test_template_safe_changes_nothing_but_the_openers():
    value = {"nom": "A {b} {{c}}", "n": 3, "liste": ["{#x", None, 1.5], "{%k": True}
    assert template_safe(value) == {
        "nom": "A {b} {\u200b{c}}",
        "n": 3,
        "liste": ["{\u200b#x", None, 1.5],
        "{\u200b%k": True,
    }


@given(st.text())
def test_no_opener_survives_and_removing_the_marks_gives_the_text_back(text):
    safe = template_safe(text)
    assert not any(opener in safe for opener in ("{{", "{%", "{#"))
    assert safe.replace("{\u200b", "{") == text.replace("{\u200b", "{")
