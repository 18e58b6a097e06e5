"""Tableau de bord de la politique d'attribution des logements sociaux du Grand Poitiers.

The picture frame: page configuration, the shared sidebar and the navigation. Nothing else.
"""

import streamlit as st

from ui.frame import build_pages, open_session, sidebar

st.set_page_config(
    page_title="Attributions et mixité — Grand Poitiers",
    page_icon="🏘️",
    layout="wide",
)
viewer = open_session()
navigation = st.navigation(build_pages(viewer))
sidebar(viewer, navigation.url_path)
navigation.run()
