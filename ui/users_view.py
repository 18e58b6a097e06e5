"""The « Utilisateurs » page (administrator): the accounts, creating one, changing its role and
bailleurs, a new password, unlocking, disabling. Every change goes through
:mod:`services.users_admin`, which checks the capability again and journals it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from services import users_admin
from services.access import AccessDeniedError, Viewer, load_roles
from store import StoreError
from store.users import UserRecord
from ui import cache
from ui.fmt import fmt_datetime

_DONE = "utilisateurs_message"


def _roles() -> dict[str, str]:
    return {c: r.label for c, r in load_roles().items() if c != "public"}


def _bailleurs() -> list[str]:
    return sorted(cache.residences()["bailleur"].dropna().astype(str).unique())


def _state(user: UserRecord) -> str:
    words = ["actif" if user.is_active else "désactivé"]
    if user.is_locked():
        words.append("verrouillé")
    if user.is_demo:
        words.append("démonstration")
    return ", ".join(words)


def accounts_table(users: list[UserRecord]) -> None:
    """The accounts: username, name, e-mail, role, bailleurs, state, last login."""
    roles = _roles()
    frame = pd.DataFrame(
        [
            {
                "Identifiant": u.username,
                "Nom": u.display_name,
                "Courriel": u.email or "",
                "Rôle": roles.get(u.role_code, u.role_code),
                "Bailleurs": ", ".join(u.bailleurs),
                "État": _state(u),
                "Dernière connexion": fmt_datetime(u.last_login_at),
            }
            for u in users
        ]
    )
    st.dataframe(frame, hide_index=True, width="stretch", key="utilisateurs_table")


def _run(action, success: str) -> None:
    try:
        action()
    except (StoreError, AccessDeniedError) as exc:
        st.error(f"Refusé : {exc}", icon=":material/error:")
        return
    st.session_state[_DONE] = success
    st.rerun()


def show_done() -> None:
    """The confirmation of the last change (kept across the rerun that follows it)."""
    message = st.session_state.pop(_DONE, None)
    if message:
        st.success(message, icon=":material/check_circle:")


def create_form(viewer: Viewer) -> None:
    """Create an account: username, name, e-mail, role, bailleurs, password, reason."""
    roles = _roles()
    with st.form("utilisateur_creation", clear_on_submit=False):
        st.markdown("**Créer un compte**")
        if users_admin.acts_as_demo(viewer):
            st.caption(
                "Vous êtes connecté avec un compte de démonstration : les comptes que vous créez "
                "sont des comptes de démonstration, désactivés dès que des données réelles sont "
                "importées, et vous ne pouvez pas modifier un compte réel."
            )
        left, right = st.columns(2)
        username = left.text_input("Identifiant", placeholder="prenom.nom", key="creation_id")
        name = right.text_input("Prénom et nom", key="creation_nom")
        email = left.text_input("Courriel (authentification unique)", key="creation_courriel")
        role = right.selectbox("Rôle", list(roles), format_func=roles.get, key="creation_role")
        bailleurs = st.multiselect(
            "Bailleurs (rôle bailleur social seulement)", _bailleurs(), key="creation_bailleurs"
        )
        password = left.text_input("Mot de passe", type="password", key="creation_mdp")
        confirm = right.text_input(
            "Mot de passe (confirmation)", type="password", key="creation_mdp2"
        )
        reason = st.text_input("Motif (journal)", key="creation_motif")
        sso_only = st.checkbox(
            "Sans mot de passe (authentification unique seulement)", key="creation_sso"
        )
        submitted = st.form_submit_button("Créer le compte", type="primary")
    if not submitted:
        return
    if not sso_only and password != confirm:
        st.error("Les deux mots de passe diffèrent : rien n'a été créé.", icon=":material/error:")
        return
    _run(
        lambda: users_admin.create_account(
            viewer,
            username=username,
            display_name=name,
            role_code=role,
            password=None if sso_only else password,
            email=email or None,
            bailleurs=bailleurs,
            reason=reason,
        ),
        f"Compte « {username.strip().lower()} » créé.",
    )


def edit_forms(viewer: Viewer, users: list[UserRecord]) -> None:
    """Change an account: role and bailleurs, password, unlock, disable or enable."""
    if not users:
        return
    by_name = {u.username: u for u in users}
    chosen = st.selectbox(
        "Compte à modifier",
        list(by_name),
        format_func=lambda n: f"{by_name[n].display_name} ({n})",
        key="modification_compte",
    )
    user = by_name[chosen]
    roles = _roles()
    role_tab, password_tab, state_tab = st.tabs(
        ["Rôle et bailleurs", "Mot de passe", "Verrouillage et activation"]
    )
    with role_tab, st.form("modification_role"):
        codes = list(roles)
        role = st.selectbox(
            "Rôle",
            codes,
            index=codes.index(user.role_code) if user.role_code in codes else 0,
            format_func=roles.get,
        )
        options = sorted(set(_bailleurs()) | set(user.bailleurs))
        bailleurs = st.multiselect("Bailleurs", options, default=list(user.bailleurs))
        reason = st.text_input("Motif (obligatoire)")
        if st.form_submit_button("Changer le rôle"):
            _run(
                lambda: users_admin.change_role(viewer, user.username, role, bailleurs, reason),
                f"Rôle de « {user.username} » changé.",
            )
    with password_tab, st.form("modification_mdp", clear_on_submit=True):
        password = st.text_input("Nouveau mot de passe", type="password")
        confirm = st.text_input("Confirmation", type="password")
        reason = st.text_input("Motif (journal)")
        if st.form_submit_button("Changer le mot de passe"):
            if password != confirm:
                st.error("Les deux mots de passe diffèrent.", icon=":material/error:")
            else:
                _run(
                    lambda: users_admin.reset_password(viewer, user.username, password, reason),
                    f"Mot de passe de « {user.username} » changé (compte déverrouillé).",
                )
    with state_tab:
        st.caption(f"État : {_state(user)} ; échecs de connexion en cours : {user.failed_logins}.")
        reason = st.text_input("Motif (journal)", key="etat_motif")
        left, right = st.columns(2)
        if left.button("Déverrouiller", disabled=not user.is_locked(), key="deverrouiller"):
            _run(
                lambda: users_admin.unlock_account(viewer, user.username, reason),
                f"Compte « {user.username} » déverrouillé.",
            )
        label = "Désactiver le compte" if user.is_active else "Réactiver le compte"
        if right.button(label, key="activation"):
            _run(
                lambda: users_admin.set_account_active(
                    viewer, user.username, not user.is_active, reason
                ),
                f"Compte « {user.username} » {'désactivé' if user.is_active else 'réactivé'}.",
            )
