"""Utilisateurs — the administrator's page: accounts, roles, passwords, lockouts."""

import streamlit as st

from services import users_admin
from ui.frame import require_page, start_page
from ui.users_view import accounts_table, create_form, edit_forms, show_done

start_page("Utilisateurs", notice=False)
viewer = require_page("manage_users")
show_done()
users = users_admin.list_accounts(viewer)
accounts_table(users)
st.subheader("Créer un compte")
create_form(viewer)
st.subheader("Modifier un compte")
edit_forms(viewer, users)
