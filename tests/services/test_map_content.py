"""The extent of a web-map view in Lambert-93 and the labels (services/map_content.py)."""

from __future__ import annotations

import pytest

from services.map_content import bounds_to_extent


def test_folium_bounds_become_a_lambert93_box():
    bounds = {"_southWest": {"lat": 46.55, "lng": 0.30}, "_northEast": {"lat": 46.62, "lng": 0.42}}
    minx, miny, maxx, maxy = bounds_to_extent(bounds)
    # Poitiers' centre (0.3404 E, 46.5805 N) is at (496 376 m, 6 612 370 m) in Lambert-93
    assert minx < 496_376 < maxx and miny < 6_612_370 < maxy
    # 0.12° of longitude at 46.6° N is 9.2 km; 0.07° of latitude is 7.8 km (a bit more on the
    # projected box, which holds the curved edges)
    assert 9_200 < maxx - minx < 9_600
    assert 7_750 < maxy - miny < 8_150
    assert bounds_to_extent([[46.55, 0.30], [46.62, 0.42]]) == (minx, miny, maxx, maxy)


@pytest.mark.parametrize(
    "bounds",
    [None, {}, {"_southWest": {"lat": "x"}}, [[46.6, 0.4], [46.5, 0.3]], [[1, 2]], "nord"],
)
def test_malformed_bounds_give_no_extent(bounds):
    assert bounds_to_extent(bounds) is None
