"""Who is looking, decided at every page run from the server-side session and the store.

The session (``st.session_state``, never a cookie or a link) holds the username and the time of
the login; the account is re-read from the store at each run (:func:`open_session`), so that a
disabled account, a role change or a demo account on real data take effect at the next click.
With single sign-on (``st.login``, OIDC, configured in ``.streamlit/secrets.toml``) the identity
comes from ``st.user`` and its role from the store or a claim (:mod:`services.sso`). A
``profil_acces`` left in a shared link is dropped with a French note: a link never grants
access.
"""

from __future__ import annotations

import streamlit as st

from services import accounts, sso
from services.access import PUBLIC, Viewer
from store.clock import utcnow
from ui import cache

USER_KEY = "auth_username"
SINCE_KEY = "auth_logged_in_at"
SSO_SEEN_KEY = "auth_sso_recorded"
NOTE_KEY = "auth_note"
LEGACY_PARAM = "profil_acces"
_synced: tuple | None = None


def sso_configured() -> bool:
    """Whether ``[auth]`` is configured in ``.streamlit/secrets.toml`` (single sign-on)."""
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, KeyError, st.errors.StreamlitSecretNotFoundError):
        return False


def _sync_demo_accounts() -> None:
    """Demo accounts follow the data in force: once per process and per data version."""
    global _synced
    token = cache.loaded_data_token()
    if token != _synced:
        accounts.sync_demo_accounts(cache.data_source().uses_demo_data)
        _synced = token


def _sso_viewer() -> tuple[Viewer, str]:
    result = sso.sso_viewer(dict(st.user))
    if result.viewer is None:
        return PUBLIC, result.message
    if st.session_state.get(SSO_SEEN_KEY) != result.viewer.username:
        sso.record_sso_login(result.viewer)
        st.session_state[SSO_SEEN_KEY] = result.viewer.username
    return result.viewer, ""


def _forget() -> None:
    for key in (USER_KEY, SINCE_KEY):
        st.session_state.pop(key, None)


def open_session() -> tuple[Viewer, list[str]]:
    """The viewer of this run and the French notes to show on the page.

    Drops the caches when the data changed (:func:`ui.cache.refresh_if_data_changed`), keeps the
    demo accounts in line with the data, re-reads the logged-in account, ends an expired or
    disabled session, and drops a ``profil_acces`` of the link.
    """
    notes = []
    if cache.refresh_if_data_changed():
        st.toast(
            "Nouvelles données ou nouveau profil de référence : tableaux recalculés.",
            icon=":material/sync:",
        )
    _sync_demo_accounts()
    if LEGACY_PARAM in st.query_params:
        asked = st.query_params.pop(LEGACY_PARAM)
        notes.append(
            f"Le lien demandait le profil d'accès « {asked} » : un lien ne donne aucun droit. "
            "Vous voyez ce que votre compte permet ; connectez-vous (page « Connexion ») pour "
            "voir davantage si votre rôle le permet."
        )
    note = st.session_state.pop(NOTE_KEY, None)
    if note:
        notes.append(note)
    if sso_configured() and getattr(st.user, "is_logged_in", False):
        viewer, message = _sso_viewer()
        if message:
            notes.append(message)
        return viewer, notes
    username = st.session_state.get(USER_KEY)
    if not username:
        return PUBLIC, notes
    since = st.session_state.get(SINCE_KEY)
    if since is None or accounts.session_expired(since):
        _forget()
        notes.append("Session expirée : reconnectez-vous (page « Connexion »).")
        return PUBLIC, notes
    viewer = accounts.viewer_for(username, cache.data_source().uses_demo_data)
    if viewer is None:
        _forget()
        notes.append(
            "Votre session a pris fin : le compte a été désactivé, ou c'est un compte de "
            "démonstration et des données réelles sont en service."
        )
        return PUBLIC, notes
    return viewer, notes


def log_in(username: str, password: str) -> str | None:
    """Check the credentials; on success keep the username in the session and return None,
    else return the French message."""
    result = accounts.login(username, password, cache.data_source().uses_demo_data)
    if result.viewer is None:
        return result.message
    st.session_state[USER_KEY] = result.viewer.username
    st.session_state[SINCE_KEY] = utcnow()
    return None


def log_out(viewer: Viewer) -> None:
    """End the session (audit ``logout``); with single sign-on, also Streamlit's identity."""
    accounts.logout(viewer)
    _forget()
    st.session_state[NOTE_KEY] = "Vous êtes déconnecté : vue publique."
    if sso_configured() and getattr(st.user, "is_logged_in", False):
        st.logout()
