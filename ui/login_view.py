"""The « Connexion » page: the login form, single sign-on when configured, the demonstration
accounts (on the embedded demo data only), and once logged in, what the account may do."""

from __future__ import annotations

import streamlit as st

from services import accounts
from services.access import CAPABILITY_LABELS, Viewer, load_roles
from ui import auth, cache


def login_form(key: str = "connexion") -> None:
    """Username and password; a French message on failure (the same for an unknown name).

    ``key`` names the form and prefixes its widgets (the page's form and the sidebar's).
    """
    with st.form(key, enter_to_submit=True):
        username = st.text_input("Identifiant", key=f"{key}_identifiant")
        password = st.text_input("Mot de passe", type="password", key=f"{key}_mot_de_passe")
        submitted = st.form_submit_button("Se connecter", type="primary", icon=":material/login:")
    if submitted:
        _attempt(username, password)


def _attempt(username: str, password: str) -> None:
    message = auth.log_in(username, password)
    if message:
        st.error(message, icon=":material/error:")
        return
    st.session_state[auth.NOTE_KEY] = "Vous êtes connecté."
    st.rerun()


def sso_button() -> None:
    """« Se connecter avec son compte de la collectivité » when ``[auth]`` is configured."""
    if not auth.sso_configured():
        return
    st.divider()
    section = st.secrets["auth"]
    providers = [k for k, v in section.items() if isinstance(v, dict | type(section))]
    provider = None if "client_id" in section or not providers else providers[0]
    st.button(
        "Se connecter avec son compte de la collectivité",
        icon=":material/badge:",
        on_click=st.login,
        args=(provider,) if provider else (),
        help="Authentification unique (Keycloak de la collectivité, qui peut passer par "
        "ProConnect).",
    )


def demo_accounts_block() -> None:
    """The demonstration accounts, one per role — shown only while every table is demo data."""
    if not cache.data_source().uses_demo_data:
        return
    roles = load_roles()
    st.divider()
    st.subheader("Comptes de démonstration")
    st.caption(
        "Données de démonstration (fictives) en service : un compte par rôle pour essayer "
        "l'outil. Ces comptes sont désactivés dès que des données réelles sont importées."
    )
    for account in accounts.demo_accounts():
        role = roles[account.role_code]
        label, ident, secret, action = st.columns([2.2, 1.3, 1.4, 1.1], vertical_alignment="center")
        label.markdown(f"**{role.label}**  \n{role.description}")
        ident.code(account.username, language=None)
        secret.code(account.password, language=None)
        if action.button("Se connecter", key=f"demo_{account.username}", icon=":material/login:"):
            _attempt(account.username, account.password)


def account_summary(viewer: Viewer) -> None:
    """Who is logged in, the role and what it allows, and the logout button."""
    role = viewer.role
    st.markdown(f"Connecté en tant que **{viewer.display_name}** (`{viewer.username}`).")
    lines = [f"**Rôle** : {role.label} — {role.description}"]
    if viewer.bailleurs:
        lines.append(f"**Bailleurs** : {', '.join(sorted(viewer.bailleurs))}")
    allowed = [CAPABILITY_LABELS[c] for c in CAPABILITY_LABELS if c in role.capabilities]
    lines.append("**Actions permises** : " + "; ".join(allowed) + ".")
    st.markdown("  \n".join(lines))
    st.button(
        "Se déconnecter",
        icon=":material/logout:",
        on_click=auth.log_out,
        args=(viewer,),
        key="deconnexion_page",
        type="primary",
    )
