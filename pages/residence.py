"""Fiche résidence — one residence on one screen, for the bailleurs before a CAL."""

import streamlit as st

from ui import cache
from ui.export_residence import residence_pdf_button
from ui.frame import current_role, start_page
from ui.residence_view import (
    empty_state,
    print_toggle,
    render_card,
    residence_search,
    selected_residence,
)
from ui.simulator_view import simulation_result, simulator

start_page("Fiche résidence")
printing = print_toggle()
selected = selected_residence() if printing else residence_search()
if selected is None:
    empty_state()
    st.stop()

role = current_role()
residence_pdf_button(selected)
render_card(cache.residence_card(selected, role), printing)
if printing:
    simulation_result(selected, role, printing=True)
else:
    simulator(selected, role)
