"""Account administration (capability ``manage_users``): create, role, password, unlock.

Each function checks the capability itself — a page that forgot to hide a button cannot grant
anything — and writes through the store, which records who did what and why. An administrator
cannot remove their own administration rights nor disable their own account (the tool would be
left without an administrator by a slip).
"""

from __future__ import annotations

from collections.abc import Iterable

from services.access import Viewer, require
from services.accounts import actor_of
from store import StoreError, read_session, write_session
from store import users as users_store
from store.settings import load_account_settings
from store.users import UserRecord


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
        )


def reset_password(
    viewer: Viewer, username: str, password: str, reason: str | None = None
) -> UserRecord:
    """Give an account a new password (it also unlocks it)."""
    require(viewer, "manage_users")
    with write_session() as session:
        return users_store.set_password(
            session, actor_of(viewer), username, password, load_account_settings(), reason
        )


def unlock_account(viewer: Viewer, username: str, reason: str | None = None) -> UserRecord:
    """Clear an account's failed logins and lock."""
    require(viewer, "manage_users")
    with write_session() as session:
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
        return users_store.set_active(session, actor_of(viewer), username, active, reason)
