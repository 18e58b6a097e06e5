"""Account administration (capability ``manage_users``): create, role, password, unlock.

Each function checks the capability itself — a page that forgot to hide a button cannot grant
anything — and writes through the store, which records who did what and why. An administrator
cannot remove their own administration rights nor disable their own account (the tool would be
left without an administrator by a slip).

A demo account (public password, listed on the login page) administers demo accounts only: the
accounts it creates are demo accounts themselves, disabled with the others as soon as real data
is imported, and it cannot touch a real account — the public password must never open a lasting
way in.
"""

from __future__ import annotations

from collections.abc import Iterable

from services.access import Viewer, require
from services.accounts import actor_of
from store import StoreError, read_session, write_session
from store import users as users_store
from store.settings import load_account_settings
from store.users import UserRecord

DEMO_CREATES_DEMO = (
    "compte créé par un compte de démonstration : c'est un compte de démonstration, désactivé "
    "dès que des données réelles sont importées"
)


def _demo_actor(session, viewer: Viewer) -> bool:
    """Whether ``viewer`` is logged in with a demo account."""
    if viewer.username is None:
        return False
    record = users_store.get_user(session, viewer.username)
    return record is not None and record.is_demo


def acts_as_demo(viewer: Viewer) -> bool:
    """Whether ``viewer`` is logged in with a demo account (its creations are demo accounts)."""
    with read_session() as session:
        return _demo_actor(session, viewer)


def _check_target(session, viewer: Viewer, username: str) -> None:
    """Refuse a demo account acting on a real account (French message)."""
    if not _demo_actor(session, viewer):
        return
    target = users_store.get_user(session, users_store.normalise_username(username))
    if target is not None and not target.is_demo:
        raise StoreError(
            f"le compte de démonstration « {viewer.username} » n'administre que des comptes de "
            f"démonstration : « {target.username} » est un compte réel. Connectez-vous avec un "
            "compte administrateur réel (créé par « python -m store users add »)."
        )


def list_accounts(viewer: Viewer) -> list[UserRecord]:
    """Every account, by username."""
    require(viewer, "manage_users")
    with read_session() as session:
        return users_store.list_users(session)


def create_account(
    viewer: Viewer,
    *,
    username: str,
    display_name: str,
    role_code: str,
    password: str | None,
    email: str | None = None,
    bailleurs: Iterable[str] = (),
    reason: str | None = None,
) -> UserRecord:
    """Create an account (``password`` None: single sign-on only).

    Raises
    ------
    AccessDeniedError
        Without ``manage_users``.
    StoreError
        On an invalid or taken username, role, bailleurs, e-mail or password.
    """
    require(viewer, "manage_users")
    with write_session() as session:
        demo = _demo_actor(session, viewer)
        if demo:
            reason = f"{reason} ; {DEMO_CREATES_DEMO}" if reason else DEMO_CREATES_DEMO
        return users_store.create_user(
            session,
            actor_of(viewer),
            username=username,
            display_name=display_name,
            role_code=role_code,
            password=password,
            settings=load_account_settings(),
            email=email,
            bailleurs=bailleurs,
            reason=reason,
            is_demo=demo,
        )


def reset_password(
    viewer: Viewer, username: str, password: str, reason: str | None = None
) -> UserRecord:
    """Give an account a new password (it also unlocks it)."""
    require(viewer, "manage_users")
    with write_session() as session:
        _check_target(session, viewer, username)
        return users_store.set_password(
            session, actor_of(viewer), username, password, load_account_settings(), reason
        )


def unlock_account(viewer: Viewer, username: str, reason: str | None = None) -> UserRecord:
    """Clear an account's failed logins and lock."""
    require(viewer, "manage_users")
    with write_session() as session:
        _check_target(session, viewer, username)
        return users_store.unlock(session, actor_of(viewer), username, reason)


def change_role(
    viewer: Viewer,
    username: str,
    role_code: str,
    bailleurs: Iterable[str] = (),
    reason: str | None = None,
) -> UserRecord:
    """Change an account's role and bailleurs; a reason is required.

    Raises
    ------
    StoreError
        Without a reason, on an invalid role or bailleurs, or when administrators would remove
        their own rights.
    """
    require(viewer, "manage_users")
    if not reason or not reason.strip():
        raise StoreError("changement de rôle : un motif est obligatoire.")
    if users_store.normalise_username(username) == viewer.username and role_code != "admin":
        raise StoreError(
            "vous ne pouvez pas retirer vos propres droits d'administration : demandez-le à un "
            "autre administrateur."
        )
    with write_session() as session:
        _check_target(session, viewer, username)
        return users_store.set_role(
            session, actor_of(viewer), username, role_code, bailleurs, reason
        )


def set_account_active(
    viewer: Viewer, username: str, active: bool, reason: str | None = None
) -> UserRecord:
    """Enable or disable an account (a disabled account is logged out at its next click)."""
    require(viewer, "manage_users")
    if not active and users_store.normalise_username(username) == viewer.username:
        raise StoreError("vous ne pouvez pas désactiver votre propre compte.")
    with write_session() as session:
        _check_target(session, viewer, username)
        return users_store.set_active(session, actor_of(viewer), username, active, reason)
