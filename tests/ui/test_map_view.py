"""The map opens on its area at once: fitted without the animated zoom that ends with one more
move, which the map component reports to the server as a change (one more run of the page
after its first paint)."""

from __future__ import annotations

import json
import re

from ui.maps import offline_map

BOUNDS = [[46.4, 0.1], [46.7, 0.6]]


def _fit_calls(html: str) -> list[tuple[list, dict]]:
    calls = re.findall(r"\.fitBounds\(\s*(\[\[.*?\]\]),\s*(\{.*?\})\s*\);", html, re.S)
    return [(json.loads(bounds), json.loads(options)) for bounds, options in calls]


def test_the_map_is_fitted_once_without_animation():
    html = offline_map(BOUNDS).get_root().render()
    assert _fit_calls(html) == [(BOUNDS, {"animate": False})]
