"""The SRU map: the communes coloured by their SRU rate, in classes set around the target.

Five classes, from the target down (for 20 %: under 10, 10–15, 15–18, 18–20, 20 and over), in a
diverging orange–purple palette (ColorBrewer PuOr, safe for colour blindness): oranges below the
target, darkest furthest from it, purple once it is reached. Communes not subject to article 55
are left white with their outline. Classes and colours come from
:func:`services.map_style.sru_style`, shared with the static snapshots.
"""

from __future__ import annotations

import folium
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from services import map_views
from services.map_style import LegendEntry, sru_style
from services.map_style import rate_classes as rate_classes  # re-exported for the SRU charts
from services.map_style import rate_colors as rate_colors
from ui import cache
from ui.export_map import bounds_of, map_download
from ui.fmt import fmt_int, fmt_number
from ui.maps import add_choropleth, offline_map, with_properties
from ui.widgets import legend


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
    style = sru_style(situation, target_pct)
    frame = situation.set_index("commune_code")
    subject = frame["is_subject"].to_numpy(dtype=bool)
    fill = style.fill.reindex(frame.index)
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
    return fmap, list(style.legend)


@st.fragment
def sru_map_view(
    situation: pd.DataFrame, bounds: list[list[float]], target_pct: float, year: int
) -> None:
    """The SRU map, its legend and its download control (a fragment: panning, which the map
    reports for the snapshot, reruns this map only)."""
    fmap, entries = build_sru_map(situation, cache.communes_geojson(), bounds, target_pct)
    returned = st_folium(
        fmap, key="sru_map", height=470, use_container_width=True, returned_objects=["bounds"]
    )
    legend("Taux SRU au 1er janvier " + str(year), entries)
    view = bounds_of(returned)
    map_download(
        lambda: map_views.sru_map(cache.export_data(), situation, target_pct, year, view),
        key="telecharger_sru",
        file_stem=f"carte_sru_{year}",
    )
