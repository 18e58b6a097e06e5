"""Carte du territoire — the élus' map of the 40 communes and of Poitiers' quartiers."""

import streamlit as st

from services.classify import METHODS
from ui.commune_panel import residence_list, territory_panel
from ui.frame import current_viewer, start_page
from ui.map_controls import (
    comparison_controls,
    indicator_controls,
    keep_level_in_link,
    layer_controls,
)
from ui.sources import sources_panel
from ui.territory_map import LEVELS
from ui.territory_view import show_map, show_schematic_note
from ui.widgets import query_choice, query_value

start_page("Carte du territoire")

pick_level, pick_indicator, pick_year, pick_method = st.columns([1.1, 2, 0.9, 1.1])
with pick_level:
    level = query_choice("Échelle", list(LEVELS), "echelle", "commune", LEVELS.get)
keep_level_in_link(level)
indicator, year = indicator_controls(level, pick_indicator, pick_year)
with pick_method:
    method = query_choice("Classes", list(METHODS), "classes", "quantiles", METHODS.get)
show_quartiers, residence_mode = layer_controls(level)
comparison = comparison_controls(level, indicator, year)

param = "commune" if level == "commune" else "quartier"
viewer = current_viewer()
if comparison is None:
    map_col, side_col = st.columns([3, 2], gap="medium")
    with map_col:
        show_map(level, indicator, year, method, show_quartiers, residence_mode, viewer, "carte")
    with side_col:
        selected = territory_panel(level, query_value(param), viewer)
else:
    left, right = st.columns(2, gap="small")
    with left:
        show_map(level, indicator, year, method, show_quartiers, residence_mode, viewer, "gauche")
    with right:
        show_map(level, *comparison, method, show_quartiers, residence_mode, viewer, "droite")
    selected = territory_panel(level, query_value(param), viewer)
residence_list(level, selected, viewer)
show_schematic_note(level, show_quartiers)
sources_panel()
