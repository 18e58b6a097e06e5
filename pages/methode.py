"""Méthode et sources — how the cotation is computed, from which data, under which rules."""

import streamlit as st

from ui import cache
from ui.frame import start_page
from ui.methode_view import (
    indicator_tables,
    masking_section,
    method_note,
    method_steps,
    sources_section,
)
from ui.treatment_view import treatment_section
from ui.weights import profile_byline, profile_picker, session_spec

start_page("Méthode et sources")
st.markdown(
    "Cette page est produite à partir du catalogue des indicateurs et du profil de pondération : "
    "elle décrit exactement ce que calcule l'outil de cotation des résidences (action 1.5 du "
    "document cadre des orientations en matière d'attributions)."
)
with st.sidebar:
    name = profile_picker()
spec = cache.profile(name)
current = session_spec(name)
index = cache.refitted_index(name, current.method.normalisation, current.method.treatment)
st.caption(profile_byline(spec))
method_note(spec, current)

st.header("Les indicateurs", divider="gray")
indicator_tables(spec, current)

st.header("Les étapes du calcul", divider="gray")
scores = index.reweight(current).transform()["score"]
st.markdown(method_steps(current, len(cache.residences()), scores))

st.header("Valeurs extrêmes et bornes du catalogue", divider="gray")
treatment_section(current, index)

st.header("Sources, millésimes et licences", divider="gray")
sources_section(spec)

st.header("Secret statistique", divider="gray")
masking_section()
