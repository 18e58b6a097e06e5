"""The élus' territory map: communes or Poitiers quartiers coloured by one indicator.

Builds the folium map (choropleth, quartier outlines, residence points) and its classed legend
from the cached tables; the page only reads the widgets and places the results.
"""

from __future__ import annotations

from dataclasses import dataclass

import folium
import pandas as pd

from services.classify import Classification, classify_values
from services.territory import TERRITORY_INDICATORS
from ui import cache
from ui.fmt import fmt_number
from ui.maps import (
    LegendEntry,
    add_choropleth,
    add_outlines,
    add_points,
    fill_colors,
    legend_entries,
    offline_map,
    points_geojson,
    with_properties,
)

LEVELS = {"commune": "Communes", "quartier": "Quartiers de Poitiers"}
QPV_COLOR = "#d95f02"
OTHER_COLOR = "#7570b3"


@dataclass(frozen=True)
class TerritoryMap:
    """A rendered map with what the page shows next to it."""

    fmap: folium.Map
    highlight: folium.FeatureGroup | None
    legend: list[LegendEntry]
    classes: Classification
    values: pd.Series


def indicator_values(level: str, indicator: str) -> tuple[pd.DataFrame, pd.Series]:
    """The table of the level and the values of ``indicator`` in it."""
    table = cache.commune_table() if level == "commune" else cache.quartier_table()
    return table, table[indicator].astype(float)


def _bounds() -> list[list[float]]:
    minx, miny, maxx, maxy = cache.communes().total_bounds
    return [[float(miny), float(minx)], [float(maxy), float(maxx)]]


def _poitiers_bounds() -> list[list[float]]:
    minx, miny, maxx, maxy = cache.quartiers().total_bounds
    return [[float(miny), float(minx)], [float(maxy), float(maxx)]]


def build_territory_map(
    level: str,
    indicator: str,
    method: str,
    show_quartiers: bool,
    show_residences: bool,
    selected: str | None,
    tiles: str = "none",
) -> TerritoryMap:
    """Compose the map for the chosen level, indicator and classification method."""
    spec = TERRITORY_INDICATORS[indicator]
    table, values = indicator_values(level, indicator)
    classes = classify_values(values, method, 5)
    name_column = "commune_name" if level == "commune" else "quartier_name"
    props = pd.DataFrame(
        {
            "code": table.index,
            "nom": table[name_column].to_numpy(),
            "valeur": [fmt_number(v, spec.decimals, spec.unit) for v in values],
            "logements": [fmt_number(v, 0) for v in table["n_dwellings"]],
            "fill": fill_colors(values, classes).to_numpy(),
        },
        index=table.index,
    )
    fmap = offline_map(_bounds() if level == "commune" else _poitiers_bounds(), tiles)
    geojson = cache.communes_geojson() if level == "commune" else cache.quartiers_geojson()
    add_choropleth(
        fmap,
        with_properties(geojson, props),
        LEVELS[level],
        tooltip_fields=["nom", "valeur", "logements"],
        tooltip_aliases=["", f"{spec.label}", "Logements sociaux"],
        weight=0.8,
    )
    if level == "commune" and show_quartiers:
        outlines = with_properties(
            cache.quartiers_geojson(),
            cache.quartier_table()[["quartier_name"]].rename(columns={"quartier_name": "nom"}),
        )
        add_outlines(fmap, outlines, "Quartiers de Poitiers (schématiques)", "nom")
    if show_residences:
        add_points(
            fmap,
            _residence_points(),
            "Résidences",
            ["residence_name", "commune", "logements", "qpv"],
            ["Résidence", "Commune", "Logements", "QPV"],
        )
    if show_quartiers or show_residences:
        folium.LayerControl(collapsed=True).add_to(fmap)
    entries = legend_entries(classes, spec.decimals, spec.unit, bool(values.isna().any()))
    return TerritoryMap(fmap, _highlight(geojson, selected), entries, classes, values)


def _highlight(geojson: dict, selected: str | None) -> folium.FeatureGroup | None:
    """The selected territory's outline, sent apart so that selecting does not redraw the map."""
    features = [f for f in geojson["features"] if f["id"] == selected]
    if not features:
        return None
    group = folium.FeatureGroup(name="Sélection", control=False)
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        style_function=lambda _: {"fillOpacity": 0.0, "color": "#d7301f", "weight": 3.5},
        interactive=False,
    ).add_to(group)
    return group


def _residence_points() -> dict:
    residences = cache.residences()
    names = cache.commune_table()["commune_name"]
    frame = residences[["residence_name", "geometry"]].copy()
    frame["commune"] = residences["commune_code"].map(names).to_numpy()
    frame["logements"] = residences["n_dwellings"].map(lambda v: fmt_number(v, 0)).to_numpy()
    frame["qpv"] = residences["is_qpv"].map({True: "oui", False: "non"}).to_numpy()
    frame["color"] = residences["is_qpv"].map({True: QPV_COLOR, False: OTHER_COLOR}).to_numpy()
    frame["radius"] = (2.5 + residences["n_dwellings"].clip(upper=400) ** 0.5 / 3).round(1)
    return points_geojson(
        frame, ["residence_name", "commune", "logements", "qpv", "color", "radius"]
    )


def residence_legend() -> list[LegendEntry]:
    """Legend of the residence points."""
    return [
        LegendEntry(QPV_COLOR, "résidence en QPV"),
        LegendEntry(OTHER_COLOR, "résidence hors QPV"),
    ]
