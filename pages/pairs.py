"""Groupes de pairs — residences alike in structure and context, and the flags within each group."""

import streamlit as st

from ui.frame import current_viewer, start_page
from ui.pairs_view import (
    PAIRS_TABS,
    fragility_scatter,
    group_legend,
    group_panel,
    group_picker,
    members_table,
    overview_caption,
    pairs_map,
)

start_page("Groupes de pairs")
overview_caption()
viewer = current_viewer()
group = group_picker()

map_col, side_col = st.columns([3, 2], gap="medium")
with map_col:
    pairs_map(group)
with side_col:
    group_panel(group)

# Below the map, one view at a time: only the open tab is built (the first paint of the page
# needs neither the table's grid nor both).
scatter_tab, members_tab = st.tabs(PAIRS_TABS, key="vue", bind="query-params")
if scatter_tab.open:
    with scatter_tab:
        scatter_col, legend_col = st.columns([3, 2], gap="medium")
        with scatter_col:
            note = fragility_scatter(group, viewer)
        with legend_col:
            group_legend(group)
            st.caption(note)
if members_tab.open:
    with members_tab:
        members_table(group, viewer)
