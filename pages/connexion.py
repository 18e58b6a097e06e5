"""Connexion — log in (or out), the demonstration accounts on the demo data."""

import streamlit as st

from ui.frame import current_viewer, start_page
from ui.login_view import account_summary, demo_accounts_block, login_form, sso_button

viewer = current_viewer()
start_page("Connexion" if viewer.is_public else "Mon compte", needs_data=False)
if viewer.is_public:
    st.markdown(
        "Sans connexion, l'outil montre la **vue publique** : cartes, cotation et chiffres sous "
        "les règles du secret statistique. Les élus, la CIL, les bailleurs et le service habitat "
        "se connectent pour voir et faire ce que leur rôle permet."
    )
    login_form()
    sso_button()
    demo_accounts_block()
else:
    account_summary(viewer)
