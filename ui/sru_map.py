"""The SRU map: the communes coloured by their SRU rate, in classes set around the target.

Five classes, from the target down (for 20 %: under 10, 10–15, 15–18, 18–20, 20 and over), in a
diverging orange–purple palette (ColorBrewer PuOr, safe for colour blindness): oranges below the
target, darkest furthest from it, purple once it is reached. Communes not subject to article 55
are left white with their outline.
"""

from __future__ import annotations

from dataclasses import dataclass

import folium
import numpy as np
import pandas as pd

from ui.fmt import fmt_int, fmt_number
from ui.maps import NO_DATA, LegendEntry, add_choropleth, offline_map, with_properties

# Distances below the target (points) of the lower class bounds, furthest first.
CLASS_GAPS = (10.0, 5.0, 2.0)
BELOW_COLORS = ("#b35806", "#e08214", "#fdb863", "#fee0b6")
REACHED_COLOR = "#8073ac"
NOT_SUBJECT_COLOR = "#fafafa"


@dataclass(frozen=True)
class RateClass:
    """A class of SRU rates: ``low <= rate < high`` (open ends as ±inf)."""

    low: float
    high: float
    color: str
    label: str


def rate_classes(target_pct: float) -> list[RateClass]:
    """The five classes around ``target_pct`` (see the module docstring)."""
    edges = [-np.inf, *(target_pct - g for g in CLASS_GAPS), target_pct, np.inf]
    classes = []
    for i, color in enumerate([*BELOW_COLORS, REACHED_COLOR]):
        low, high = edges[i], edges[i + 1]
        if np.isinf(low):
            label = f"moins de {fmt_number(high, 0, '%')}"
        elif np.isinf(high):
            label = f"{fmt_number(low, 0, '%')} et plus (taux cible atteint)"
        else:
            label = f"de {fmt_number(low, 0)} à moins de {fmt_number(high, 0, '%')}"
        classes.append(RateClass(float(low), float(high), color, label))
    return classes


def rate_colors(rates: pd.Series, classes: list[RateClass]) -> pd.Series:
    """Colour of each rate (grey when missing)."""
    values = rates.astype(float).to_numpy()
    colors = np.full(values.shape, NO_DATA, dtype=object)
    for rate_class in classes:
        colors[(values >= rate_class.low) & (values < rate_class.high)] = rate_class.color
    return pd.Series(colors, index=rates.index)


def legend_entries(classes: list[RateClass], has_missing: bool) -> list[LegendEntry]:
    """The map's legend: the classes, the communes not subject and, if any, missing rates."""
    entries = [LegendEntry(c.color, c.label) for c in classes]
    entries.append(LegendEntry(NOT_SUBJECT_COLOR, "commune non soumise à l'article 55"))
    if has_missing:
        entries.append(LegendEntry(NO_DATA, "taux non disponible"))
    return entries


def build_sru_map(
    situation: pd.DataFrame,
    geojson: dict,
    bounds: list[list[float]],
    target_pct: float,
) -> tuple[folium.Map, list[LegendEntry]]:
    """The communes coloured by their SRU rate.

    Parameters
    ----------
    situation : DataFrame
        :func:`ui.sru_tables.sru_situation` of the chosen year.
    geojson : dict
        Simplified GeoJSON of the communes (feature id = INSEE code).
    bounds : [[south, west], [north, east]]
        Area to fit.
    target_pct : float
        The SRU target.

    Returns
    -------
    (folium.Map, list of LegendEntry)
    """
    classes = rate_classes(target_pct)
    frame = situation.set_index("commune_code")
    subject = frame["is_subject"].to_numpy(dtype=bool)
    fill = rate_colors(frame["sru_rate_pct"], classes).where(subject, NOT_SUBJECT_COLOR)
    deficit = [
        fmt_int(d, "logements") if s else "—"
        for d, s in zip(frame["deficit"], subject, strict=True)
    ]
    props = pd.DataFrame(
        {
            "nom": frame["commune_name"].to_numpy(),
            "taux": [fmt_number(v, 1, "%") for v in frame["sru_rate_pct"]],
            "statut": frame["status"].to_numpy(),
            "deficit": deficit,
            "fill": fill.to_numpy(),
        },
        index=frame.index,
    )
    fmap = offline_map(bounds)
    add_choropleth(
        fmap,
        with_properties(geojson, props),
        "Taux SRU",
        tooltip_fields=["nom", "taux", "statut", "deficit"],
        tooltip_aliases=["", "Taux SRU", "Statut", "Déficit"],
        weight=0.8,
    )
    missing = bool(frame.loc[subject, "sru_rate_pct"].isna().any())
    return fmap, legend_entries(classes, missing)
