"""The élus' territory map: communes or Poitiers quartiers coloured by one indicator.

The browser keeps the map mounted, with the zoom and centre the person chose, as long as the base
map is the same: the base map is only the area first shown (the territory, or Poitiers when a
link opens the quartiers) and the scale bar. Everything drawn on it travels as feature groups
replaced in place: the choropleth of the level, indicator, year and classes, the quartier
outlines, the residence points and the selected outline. An indicator or scale change therefore
keeps the view. Classes and colours come from :mod:`services.map_style` (as on the snapshots).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import folium
import numpy as np
import pandas as pd

from services.access import Viewer
from services.classify import Classification, classify_values
from services.disclosure import Access
from services.map_indicators import MAP_INDICATORS
from services.map_style import FLAG_LABELS, indicator_style, residence_point_style
from services.map_style import RESIDENCE_LAYERS as RESIDENCE_LAYERS
from ui import cache
from ui.flag_labels import flag_labels, legend_label
from ui.fmt import fmt_int, fmt_number
from ui.maps import (
    CompactPoints,
    LegendEntry,
    add_choropleth,
    add_outlines,
    offline_map,
    point_rows,
    template_safe,
    with_properties,
)

LEVELS = {"commune": "Communes", "quartier": "Quartiers de Poitiers"}


@dataclass(frozen=True)
class TerritoryLayer:
    """The choropleth of one level, indicator and year, with what the page shows beside it."""

    group: folium.FeatureGroup
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


def base_map(view: str, tiles: str = "none") -> folium.Map:
    """The map the browser keeps: the area of ``view`` (a level) fitted, nothing drawn yet.

    Its content depends on ``view`` and ``tiles`` only, never on the indicator or the level
    shown: the component stays mounted and keeps the person's zoom and centre.
    """
    return offline_map(_bounds(view), tiles)


def choropleth_layer(
    level: str,
    indicator: str,
    year: int | None,
    method: str,
    viewer: Viewer,
    muted: bool = False,
) -> TerritoryLayer:
    """The territories of ``level`` coloured by classes of ``indicator`` in ``year``, as
    ``viewer`` may see them (:mod:`services.disclosure`).

    ``muted`` draws the classes in greys so that coloured residence points drawn over them stay
    readable (:func:`services.map_style.class_colors`). A masked territory's tooltip reads « s »
    and the rule that masks it.
    """
    spec = MAP_INDICATORS[indicator]
    values = cache.territory_values(level, indicator, year, Access.of(viewer))
    classes = classify_values(values["value"], method, 5)
    style = indicator_style(values, classes, spec.decimals, spec.unit, muted)
    marker = cache.masking_rules().marker
    shown = [
        f"{marker} ({reason})" if masked else fmt_number(v, spec.decimals, spec.unit)
        for v, masked, reason in zip(
            values["value"], values["is_masked"], values["mask_reason"], strict=True
        )
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
    group = folium.FeatureGroup(name=LEVELS[level], control=False)
    geojson = cache.communes_geojson() if level == "commune" else cache.quartiers_geojson()
    add_choropleth(
        group,
        with_properties(geojson, props),
        LEVELS[level],
        tooltip_fields=["nom", "valeur"],
        tooltip_aliases=["", spec.label + (f" ({year})" if year else "")],
        weight=0.8,
        fill_opacity=0.85,
    )
    return TerritoryLayer(group, list(style.legend), classes, values)


def quartier_outlines() -> folium.FeatureGroup:
    """Poitiers' quartiers as dashed outlines, over the communes."""
    outlines = cache.quartier_table()[["quartier_name"]].rename(columns={"quartier_name": "nom"})
    group = folium.FeatureGroup(name="Quartiers de Poitiers", control=False)
    add_outlines(
        group,
        with_properties(cache.quartiers_geojson(), outlines),
        "Quartiers de Poitiers",
        "nom",
    )
    return group


def highlight_layer(level: str, selected: str | None) -> folium.FeatureGroup | None:
    """The selected territory's outline, sent apart so that selecting does not redraw the map."""
    geojson = cache.communes_geojson() if level == "commune" else cache.quartiers_geojson()
    features = [f for f in geojson["features"] if f["id"] == selected]
    if not features:
        return None
    group = folium.FeatureGroup(name="Sélection", control=False)
    folium.GeoJson(
        template_safe({"type": "FeatureCollection", "features": features}),
        style_function=lambda _: {"fillOpacity": 0.0, "color": "#d7301f", "weight": 3.5},
        interactive=False,
    ).add_to(group)
    return group


def residence_layer(
    mode: str, viewer: Viewer
) -> tuple[folium.FeatureGroup | None, list[LegendEntry]]:
    """Residence points for ``mode`` (see :data:`RESIDENCE_LAYERS`) and their legend; the
    scores are those ``viewer`` sees (the public cotation without access to every residence).

    Colours and sizes come from :func:`services.map_style.residence_point_style`; the points
    travel as one compact array (:class:`ui.maps.CompactPoints`); a flag is named with the rule
    that raised it (:mod:`ui.flag_labels`).
    """
    residences = cache.residences()
    sees_all = viewer.sees_all_residences
    scores = cache.scores_for(sees_all).reindex(residences["residence_id"])
    style = residence_point_style(mode, residences, scores["score_class"], cache.peer_flags())
    if style is None:
        return None, []
    members = cache.peer_members(sees_all).reindex(residences["residence_id"])
    communes = residences["commune_code"].map(cache.commune_table()["commune_name"]).to_numpy()
    fields = [
        ("Résidence", residences["residence_name"].to_numpy(), False),
        ("Commune", communes, True),
        ("Logements", [fmt_int(n) for n in residences["n_dwellings"]], False),
        ("Note", [fmt_number(v, 1, "/ 100") for v in scores["score"]], False),
        ("Classe", scores["score_class"].astype(str).to_numpy(), True),
        ("Signalement", flag_labels(members).to_numpy(), True),
    ]
    keep = np.flatnonzero(residences["residence_id"].isin(style.color.index).to_numpy())
    ids = residences["residence_id"].iloc[keep]
    points = point_rows(
        residences.iloc[keep],
        style.radius.reindex(ids).to_numpy(),
        list(style.color.reindex(ids)),
        [(label, [texts[i] for i in keep], repeated) for label, texts, repeated in fields],
    )
    group = folium.FeatureGroup(name="Résidences", control=False)
    CompactPoints(points).add_to(group)
    entries = list(style.legend)
    if mode == "flag":  # both rules of « À rééquilibrer » in the legend
        entries = [
            replace(entry, label=legend_label(flag))
            for entry, flag in zip(entries, FLAG_LABELS, strict=True)
        ]
    return group, entries
