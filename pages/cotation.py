"""Cotation des résidences — the CIL working groups' screen: move the weights, see the classes."""

import streamlit as st

from ui.cotation_compare import comparison_view, sensitivity_view, top_changes_block, weights_view
from ui.cotation_map import residence_map
from ui.cotation_ranking import ranking_table
from ui.cotation_view import (
    class_legend_block,
    class_legend_strip,
    commune_picker,
    cotation_result,
    exported_classes,
    follow_map_click,
    key_figures_row,
    profile_caption,
    projector_requested,
    projector_style,
    projector_toggle,
    residence_panel,
    selected_residence,
)
from ui.frame import current_viewer, start_page
from ui.profile_store_view import saved_profile_panel
from ui.weights import weight_panel

start_page("Cotation des résidences", notice=not projector_requested())
projector = projector_toggle()
weighting = weight_panel(current_viewer())
saved_profile_panel(weighting)
result = cotation_result(weighting)
selected = selected_residence()

if projector:
    projector_style()
    class_legend_strip(result)
    map_col, side_col = st.columns([1, 1], gap="medium")
    with map_col:
        clicked = residence_map(
            result.table, selected, None, height=640, exported=lambda: exported_classes(weighting)
        )
    with side_col:
        st.subheader("Principaux changements")
        top_changes_block(result)
    if follow_map_click(clicked):
        st.rerun()
else:
    profile_caption(weighting)
    key_figures_row(result)
    commune = commune_picker()
    map_col, side_col = st.columns([3, 2], gap="medium")
    with map_col:
        clicked = residence_map(
            result.table, selected, commune, exported=lambda: exported_classes(weighting)
        )
    if follow_map_click(clicked):
        st.rerun()
    with side_col:
        class_legend_block(result)
        selected = residence_panel(result, selected)

    ranking, changes, sensitivity, weights = st.tabs(
        ["Classement", "Écarts avec la référence", "Sensibilité", "Poids effectifs"],
        key="vue",
        bind="query-params",
    )
    if ranking.open:
        with ranking:
            ranking_table(result, commune)
    if changes.open:
        with changes:
            comparison_view(result)
    if sensitivity.open:
        with sensitivity:
            sensitivity_view(result, selected)
    if weights.open:
        with weights:
            weights_view(result)
