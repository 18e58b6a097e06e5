"""Carte du territoire — the élus' map of the 40 communes and of Poitiers' quartiers."""

import streamlit as st
from streamlit_folium import st_folium

from services.classify import METHODS
from services.territory import TERRITORY_INDICATORS
from ui import cache
from ui.commune_panel import territory_panel
from ui.frame import start_page
from ui.sources import sources_panel
from ui.territory_map import LEVELS, build_territory_map, residence_legend
from ui.widgets import legend, query_choice, query_value, set_query_value

start_page("Carte du territoire")

pick_level, pick_indicator, pick_method = st.columns([1, 2, 1])
with pick_level:
    level = query_choice("Échelle", list(LEVELS), "echelle", "commune", LEVELS.get)
codes = [c for c, i in TERRITORY_INDICATORS.items() if level in i.levels]
with pick_indicator:
    indicator = query_choice(
        "Indicateur",
        codes,
        "indicateur",
        "n_dwellings",
        lambda c: TERRITORY_INDICATORS[c].label,
    )
with pick_method:
    method = query_choice("Classes", list(METHODS), "classes", "quantiles", METHODS.get)
with st.sidebar:
    st.subheader("Couches")
    show_quartiers = st.toggle("Quartiers de Poitiers", value=True, disabled=level == "quartier")
    show_residences = st.toggle("Résidences (QPV / hors QPV)", value=False)

param = "commune" if level == "commune" else "quartier"
selected = query_value(param)
result = build_territory_map(level, indicator, method, show_quartiers, show_residences, selected)

map_col, side_col = st.columns([3, 2], gap="medium")
with map_col:
    returned = st_folium(
        result.fmap,
        key=f"carte_{level}",
        height=560,
        use_container_width=True,
        returned_objects=["last_active_drawing"],
        feature_group_to_add=result.highlight,
    )
    clicked = ((returned or {}).get("last_active_drawing") or {}).get("properties") or {}
    if clicked.get("code") and clicked["code"] != st.session_state.get(f"last_click_{level}"):
        st.session_state[f"last_click_{level}"] = clicked["code"]
        set_query_value(param, clicked["code"])
        selected = clicked["code"]
    if level == "quartier" or show_quartiers:
        schematic = bool((cache.quartiers()["geometry_source"] == "schematic").any())
        if schematic:
            st.caption(
                "Les contours des quartiers de Poitiers sont **schématiques** (cellules autour du "
                "centre de chaque quartier), pas des limites officielles."
            )
with side_col:
    spec = TERRITORY_INDICATORS[indicator]
    legend(
        f"{spec.label} ({spec.unit})",
        result.legend,
        f"Classes : {result.classes.method_label}, {result.classes.n_classes} classes.",
    )
    if show_residences:
        legend("Résidences", residence_legend())
    territory_panel(level, selected)

sources_panel()
