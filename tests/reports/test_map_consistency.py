"""The interactive map and its snapshot draw every territory in the same class and colour.

The folium map of the pages (``ui.territory_map``, ``ui.sru_map``) and the static snapshot
(``services.map_views`` + ``reports.map_snapshot``) are built for the same view; each territory's
fill colour and legend line (its class) must be the same on both.
"""

from __future__ import annotations

import folium
import pytest
from matplotlib.colors import to_hex

from reports.map_snapshot import snapshot_figure
from services import map_views
from services.access import PUBLIC
from services.sru_rules import load_sru_rules
from ui import cache, sru_tables
from ui.sru_map import build_sru_map
from ui.territory_map import choropleth_layer


def _folium_fills(fmap: folium.Map | folium.FeatureGroup) -> dict[str, str]:
    fills = {}
    for child in fmap._children.values():
        if isinstance(child, folium.GeoJson) and isinstance(child.data, dict):
            for feature in child.data["features"]:
                if "fill" in feature.get("properties", {}):
                    fills[feature["id"]] = feature["properties"]["fill"]
    return fills


def _static_fills(content) -> dict[str, str]:
    fig = snapshot_figure(content)
    collection = next(c for c in fig.axes[0].collections if c.get_gid() == "areas")
    return {
        code: to_hex(color)
        for code, color in zip(collection.codes, collection.get_facecolors(), strict=True)
    }


def _classes(fills: dict[str, str], legend) -> dict[str, str]:
    by_color = {e.color.lower(): e.label for e in legend}
    return {code: by_color.get(color.lower(), "hors légende") for code, color in fills.items()}


@pytest.mark.parametrize(
    ("level", "indicator", "year", "method", "residences"),
    [
        pytest.param(
            "commune", "sru_rate_pct", None, "quantiles", "none", id="commune-sru-quantiles"
        ),
        pytest.param(
            "commune", "res_below_40_pct", 2022, "natural_breaks", "none", id="commune-ops-jenks"
        ),
        pytest.param("quartier", "n_dwellings", None, "quantiles", "none", id="quartier-logements"),
        pytest.param(
            "quartier", "no_employment_pct", None, "natural_breaks", "none", id="quartier-ops"
        ),
        pytest.param(
            "commune", "rotation_rate_pct", 2024, "quantiles", "none", id="commune-rotation"
        ),
        pytest.param(
            "commune", "res_below_40_pct", 2022, "quantiles", "class", id="greys-under-points"
        ),
    ],
)
def test_territory_map_and_snapshot_agree(level, indicator, year, method, residences):
    interactive = choropleth_layer(
        level, indicator, year, method, PUBLIC, muted=residences != "none"
    )
    content = map_views.territory_map(
        cache.export_data(), level, indicator, year, method, residence_mode=residences
    )
    screen, paper = _folium_fills(interactive.group), _static_fills(content)
    assert set(screen) == set(paper) and len(screen) == (40 if level == "commune" else 12)
    assert {c: v.lower() for c, v in screen.items()} == paper
    assert _classes(screen, interactive.legend) == _classes(paper, content.area_legend)
    assert [e.label for e in interactive.legend] == [e.label for e in content.area_legend]


def test_sru_map_and_snapshot_agree():
    rules = load_sru_rules()
    year = int(cache.sru_inventory()["year"].max())
    situation = sru_tables.sru_situation(cache.sru_inventory(), cache.communes(), year, rules)
    fmap, legend = build_sru_map(situation, cache.communes_geojson(), [[46.4, 0.1], [46.8, 0.7]],
                                 rules.target_pct)  # fmt: skip
    content = map_views.sru_map(cache.export_data(), situation, rules.target_pct, year)
    screen, paper = _folium_fills(fmap), _static_fills(content)
    assert len(screen) == 40
    assert {c: v.lower() for c, v in screen.items()} == paper
    assert _classes(screen, legend) == _classes(paper, content.area_legend)
