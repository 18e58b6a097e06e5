"""Tableau de bord du parc social — who comes in, who leaves, what stays empty, what is asked for
(document cadre, actions 1.3 and 1.4, part IV.1.b), for the EPCI, a commune, a quartier or a
residence, year by year."""

import streamlit as st

from ui import cache
from ui.flows_view import entrants_tab
from ui.frame import current_viewer, start_page
from ui.intake_view import intake_tab
from ui.offer_view import offer_tab
from ui.parc_selection import parc_header, parc_selectors
from ui.stock_view import parc_key_figures, vacancy_tab

TABS = ("Entrants et sortants", "Vacance et rotation", "Accueil et occupation", "Offre et demande")

start_page("Tableau de bord du parc social")
selection = parc_selectors(current_viewer())
if selection is None:
    st.stop()
is_demo = cache.is_demo()
parc_header(selection)
parc_key_figures(selection)

tabs = st.tabs(TABS, key="parc_onglet", on_change="rerun")
for tab, render in zip(tabs, (entrants_tab, vacancy_tab, intake_tab, offer_tab), strict=True):
    with tab:
        if tab.open:
            render(selection, is_demo)
