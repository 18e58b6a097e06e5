"""Page introuvable — where the server sends an address that is no page of the dashboard."""

import streamlit as st

from ui.fmt import quote_text
from ui.frame import page_directory, start_page
from ui.widgets import query_value

start_page("Page introuvable", notice=False)
asked = query_value("adresse")
address = f"L'adresse « /{quote_text(asked)} »" if asked else "Cette adresse"
st.warning(
    f"{address} ne correspond à aucune page du tableau de bord. Choisissez une page ci-dessous.",
    icon=":material/link_off:",
)
page_directory()
