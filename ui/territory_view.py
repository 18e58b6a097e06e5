"""Render one territory map with its legend and its download control, and read the territory the
user clicked.

The map runs as a fragment: it returns its bounds (for the snapshot of the view the user looks
at), so panning reruns the map alone, never the page. Its base map never changes with the level
or the indicator (:mod:`ui.territory_map`): the browser keeps the person's zoom and centre.
"""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from services import map_views
from services.access import Viewer
from services.disclosure import footnote
from services.map_indicators import MAP_INDICATORS
from ui import cache
from ui.export_map import bounds_of, map_download
from ui.flag_labels import rules_help
from ui.territory_map import (
    base_map,
    choropleth_layer,
    highlight_layer,
    quartier_outlines,
    residence_layer,
)
from ui.widgets import legend, query_value, set_query_value


def _view(key: str, level: str) -> str:
    """The area the map was first shown on in this session (the territory, or Poitiers).

    Kept for the session so that the base map, hence the view the person chose, does not change
    with the level.
    """
    return st.session_state.setdefault(f"{key}_emprise", level)


@st.fragment
def show_map(
    level: str,
    indicator: str,
    year: int | None,
    method: str,
    show_quartiers: bool,
    residence_mode: str,
    viewer: Viewer,
    key: str,
) -> None:
    """Draw the map and its legend; a click on a territory selects it (URL parameter).

    The map component returns the clicked feature and the bounds of the view; as a fragment,
    panning or zooming reruns this map only, never the page. A change of level or indicator
    redraws the feature groups only, at the zoom and centre the person left.
    """
    spec = MAP_INDICATORS[indicator]
    muted = residence_mode != "none"
    layer = choropleth_layer(level, indicator, year, method, viewer, muted=muted)
    param = "commune" if level == "commune" else "quartier"
    residences, residence_legend = residence_layer(residence_mode, viewer)
    groups = [layer.group]
    if level == "commune" and show_quartiers:
        groups.append(quartier_outlines())
    groups += [g for g in (residences, highlight_layer(level, query_value(param))) if g]
    title = spec.label + (f" — {year}" if year else "")
    st.markdown(f"**{title}**")
    returned = st_folium(
        base_map(_view(key, level)),
        key=key,
        height=520,
        use_container_width=True,
        returned_objects=["last_active_drawing", "bounds"],
        feature_group_to_add=groups,
    )
    masked = layer.values.loc[layer.values["is_masked"], "mask_reason"]
    note = footnote(masked, cache.masking_rules().marker)
    legend(
        f"{spec.label} ({spec.unit})",
        layer.legend,
        f"Classes : {layer.classes.method_label}, {layer.classes.n_classes} classes"
        + (" (en gris sous les résidences)" if muted else "")
        + f". Source : {spec.source}."
        + (f" {len(masked)} territoire(s) {note}" if note else ""),
    )
    if residence_legend:
        legend("Résidences", residence_legend, rules_help() if residence_mode == "flag" else "")
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
    # The component keeps its last click across a change of level: a commune is no quartier.
    if code in layer.values.index and code != st.session_state.get(last_key):
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
