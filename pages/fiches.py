"""Fiches territoriales — one fiche per commune, Poitiers quartier and the EPCI, in PDF and Word."""

import streamlit as st

from ui import cache
from ui.export_fiches import (
    choose_formats,
    choose_reference,
    choose_territories,
    fiche_note,
    single_downloads,
    territory_options,
    zip_download,
)
from ui.frame import current_viewer, start_page

start_page("Fiches territoriales")
fiche_note(cache.is_demo())
if not current_viewer().can("export_fiches"):
    st.info("Votre profil ne permet pas d'éditer les fiches territoriales.", icon=":material/lock:")
    st.stop()

options = territory_options()
pick, reference_col = st.columns([3, 2], gap="medium")
with pick:
    keys = choose_territories(options)
with reference_col:
    reference = choose_reference(options)
    formats = choose_formats()

texts: dict = {}
if not keys or not formats:
    st.info("Choisissez au moins un territoire et un format.", icon=":material/touch_app:")
elif len(keys) == 1:
    st.subheader(options[keys[0]].label, anchor=False)
    single_downloads(keys[0], reference, formats, texts.get(keys[0], ()))
else:
    zip_download(keys, reference, formats, texts)
