"""Render one territory map with its legend and its download control, and read the territory the
user clicked.

The map runs as a fragment: it returns its bounds (for the snapshot of the view the user looks
at), so panning reruns the map alone, never the page.
"""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from services import map_views
from services.map_indicators import MAP_INDICATORS
from ui import cache
from ui.export_map import bounds_of, map_download
from ui.territory_map import build_territory_map, highlight_layer, residence_layer
from ui.widgets import legend, query_value, set_query_value


@st.fragment
def show_map(
    level: str,
    indicator: str,
    year: int | None,
    method: str,
    show_quartiers: bool,
    residence_mode: str,
    role: str,
    key: str,
) -> None:
    """Draw the map and its legend; a click on a territory selects it (URL parameter).

    The map component returns the clicked feature and the bounds of the view; as a fragment,
    panning or zooming reruns this map only, never the page.
    """
    spec = MAP_INDICATORS[indicator]
    result = build_territory_map(
        level, indicator, year, method, show_quartiers, role, faded=residence_mode != "none"
    )
    param = "commune" if level == "commune" else "quartier"
    residences, residence_legend = residence_layer(residence_mode)
    groups = [g for g in (residences, highlight_layer(level, query_value(param))) if g]
    title = spec.label + (f" — {year}" if year else "")
    st.markdown(f"**{title}**")
    returned = st_folium(
        result.fmap,
        key=f"{key}_{level}",
        height=520,
        use_container_width=True,
        returned_objects=["last_active_drawing", "bounds"],
        feature_group_to_add=groups or None,
    )
    legend(
        f"{spec.label} ({spec.unit})",
        result.legend,
        f"Classes : {result.classes.method_label}, {result.classes.n_classes} classes. "
        f"Source : {spec.source}.",
    )
    if residence_legend:
        legend("Résidences", residence_legend)
    bounds, selected = bounds_of(returned), query_value(param)
    map_download(
        lambda: map_views.territory_map(
            cache.export_data(),
            level,
            indicator,
            year,
            method,
            show_quartiers=show_quartiers,
            residence_mode=residence_mode,
            selected=selected,
            bounds=bounds,
        ),
        key=f"telecharger_{key}_{level}",
        file_stem=f"carte_{level}_{indicator}" + (f"_{year}" if year else ""),
    )
    clicked = ((returned or {}).get("last_active_drawing") or {}).get("properties") or {}
    code = clicked.get("code")
    last_key = f"last_click_{key}_{level}"
    if code and code != st.session_state.get(last_key):
        st.session_state[last_key] = code
        set_query_value(param, code)
        st.rerun()  # redraw the selection outline and the panel for the new territory
    return None


def show_schematic_note(level: str, show_quartiers: bool) -> None:
    """Say plainly that the quartier outlines are schematic when they are shown."""
    schematic = bool((cache.quartiers()["geometry_source"] == "schematic").any())
    if schematic and (level == "quartier" or show_quartiers):
        st.caption(
            "Les contours des quartiers de Poitiers sont **schématiques** (cellules autour du "
            "centre de chaque quartier), pas des limites officielles."
        )
