"""The élus' territory map: communes or Poitiers quartiers coloured by one indicator.

The base map (choropleth and quartier outlines) depends only on the level, the indicator, the
year, the classes and the role; the residence points and the selected outline travel as separate
feature groups, so that showing residences or selecting a commune does not redraw the polygons.
"""

from __future__ import annotations

from dataclasses import dataclass

import folium
import pandas as pd

from services.classify import Classification, classify_values
from services.map_indicators import MAP_INDICATORS, map_values
from services.map_style import RESIDENCE_LAYERS as RESIDENCE_LAYERS
from services.map_style import indicator_style, residence_point_style
from ui import cache
from ui.charts import FLAG_LABELS
from ui.fmt import fmt_number
from ui.maps import (
    LegendEntry,
    add_choropleth,
    add_outlines,
    add_points,
    offline_map,
    points_geojson,
    with_properties,
)

LEVELS = {"commune": "Communes", "quartier": "Quartiers de Poitiers"}


@dataclass(frozen=True)
class TerritoryMap:
    """A rendered base map with what the page shows next to it."""

    fmap: folium.Map
    legend: list[LegendEntry]
    classes: Classification
    values: pd.DataFrame


def _bounds(level: str) -> list[list[float]]:
    frame = cache.communes() if level == "commune" else cache.quartiers()
    minx, miny, maxx, maxy = frame.total_bounds
    return [[float(miny), float(minx)], [float(maxy), float(maxx)]]


def _names(level: str) -> pd.Series:
    if level == "commune":
        return cache.commune_table()["commune_name"]
    return cache.quartier_table()["quartier_name"]


def build_territory_map(
    level: str,
    indicator: str,
    year: int | None,
    method: str,
    show_quartiers: bool,
    role: str,
    tiles: str = "none",
    faded: bool = False,
) -> TerritoryMap:
    """Compose the base map for the chosen level, indicator, year and classification.

    ``faded`` lightens the fill so that residence points drawn over it stay readable.
    """
    spec = MAP_INDICATORS[indicator]
    values = map_values(cache.map_inputs(), level, indicator, year, role)
    classes = classify_values(values["value"], method, 5)
    style = indicator_style(values, classes, spec.decimals, spec.unit)
    shown = [
        "secret statistique" if masked else fmt_number(v, spec.decimals, spec.unit)
        for v, masked in zip(values["value"], values["is_masked"], strict=True)
    ]
    props = pd.DataFrame(
        {
            "code": values.index,
            "nom": _names(level).reindex(values.index).to_numpy(),
            "valeur": shown,
            "fill": style.fill.to_numpy(),
        },
        index=values.index,
    )
    fmap = offline_map(_bounds(level), tiles)
    geojson = cache.communes_geojson() if level == "commune" else cache.quartiers_geojson()
    add_choropleth(
        fmap,
        with_properties(geojson, props),
        LEVELS[level],
        tooltip_fields=["nom", "valeur"],
        tooltip_aliases=["", spec.label + (f" ({year})" if year else "")],
        weight=0.8,
        fill_opacity=0.45 if faded else 0.8,
    )
    if level == "commune" and show_quartiers:
        outlines = cache.quartier_table()[["quartier_name"]].rename(
            columns={"quartier_name": "nom"}
        )
        add_outlines(
            fmap,
            with_properties(cache.quartiers_geojson(), outlines),
            "Quartiers de Poitiers",
            "nom",
        )
    return TerritoryMap(fmap, list(style.legend), classes, values)


def highlight_layer(level: str, selected: str | None) -> folium.FeatureGroup | None:
    """The selected territory's outline, sent apart so that selecting does not redraw the map."""
    geojson = cache.communes_geojson() if level == "commune" else cache.quartiers_geojson()
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


def residence_layer(mode: str) -> tuple[folium.FeatureGroup | None, list[LegendEntry]]:
    """Residence points for ``mode`` (see :data:`RESIDENCE_LAYERS`) and their legend."""
    residences = cache.residences()
    scores = cache.reference_scores().reindex(residences["residence_id"])
    style = residence_point_style(mode, residences, scores["score_class"], cache.peer_flags())
    if style is None:
        return None, []
    frame = residences[["residence_id", "residence_name", "geometry"]].copy()
    frame["commune"] = residences["commune_code"].map(cache.commune_table()["commune_name"])
    frame["logements"] = residences["n_dwellings"].map(lambda v: fmt_number(v, 0)).to_numpy()
    frame["classe"] = scores["score_class"].astype(str).to_numpy()
    frame["note"] = [fmt_number(v, 1) for v in scores["score"]]
    flags = cache.peer_flags().reindex(residences["residence_id"]).fillna("not_evaluated")
    frame["signalement"] = flags.map(FLAG_LABELS).to_numpy()
    frame = frame[frame["residence_id"].isin(style.color.index)]
    frame["color"] = style.color.reindex(frame["residence_id"]).to_numpy()
    frame["radius"] = style.radius.reindex(frame["residence_id"]).to_numpy()
    entries = list(style.legend)
    group = folium.FeatureGroup(name="Résidences", control=False)
    add_points(
        group,
        points_geojson(
            frame,
            [
                "residence_name",
                "commune",
                "logements",
                "note",
                "classe",
                "signalement",
                "color",
                "radius",
            ],
        ),
        "Résidences",
        ["residence_name", "commune", "logements", "note", "classe", "signalement"],
        ["Résidence", "Commune", "Logements", "Note", "Classe", "Signalement"],
    )
    return group, entries
