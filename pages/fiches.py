"""Fiches territoriales — one fiche per commune, Poitiers quartier and the EPCI, in PDF and Word,
with the orientations and actions written here by the CIL and the service habitat."""

import streamlit as st

from ui import cache
from ui.export_fiches import (
    choose_formats,
    choose_reference,
    choose_territories,
    choose_text_territory,
    fiche_note,
    single_downloads,
    territory_options,
    zip_download,
)
from ui.fiche_texts_view import texts_panel
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

if not keys:
    st.info("Choisissez au moins un territoire.", icon=":material/touch_app:")
    st.stop()
if not formats:
    st.info("Choisissez au moins un format pour télécharger.", icon=":material/touch_app:")
elif len(keys) == 1:
    st.subheader(options[keys[0]].label, anchor=False)
    single_downloads(keys[0], reference, formats)
else:
    zip_download(keys, reference, formats)
st.divider()
text_key = keys[0] if len(keys) == 1 else choose_text_territory(keys, options)
texts_panel(text_key, options[text_key].name)
