"""Accounts as the dashboard uses them: login and logout, the viewer re-read at each run, the
demonstration accounts.

:func:`login` turns a username and a password into a :class:`~services.access.Viewer`, or a
French message that never tells whether the username exists; every login, failure and lockout
is in the audit trail. The key is derived outside any write transaction. :func:`viewer_for` is
called at every page run with the username held in the session: a disabled account, a role
change or a demo account on real data take effect at the next click. Demo accounts (one per role,
``config/demo_accounts.toml``) log in only while the embedded demo data is in use.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from services import data_state
from services.access import Viewer
from store import Actor, read_session, write_session
from store import audit as audit_store
from store import users as users_store
from store.clock import utcnow
from store.passwords import verify_password
from store.settings import AccountSettings, load_account_settings
from store.users import DemoAccount, UserRecord

LOGIN_FAILED = "Identifiant ou mot de passe incorrect."
DEMO_ONLY = (
    "Compte de démonstration désactivé : des données réelles sont en service. Demandez un "
    "compte à l'administrateur de l'outil."
)
DISABLED = "Compte désactivé : demandez à l'administrateur de l'outil de le réactiver."


@dataclass(frozen=True)
class LoginResult:
    """What a login attempt gives: a viewer, or a French message saying why not."""

    viewer: Viewer | None
    message: str = ""


def viewer_of(user: UserRecord) -> Viewer:
    """The viewer of an account."""
    return Viewer(user.role_code, user.username, user.display_name, frozenset(user.bailleurs))


def actor_of(viewer: Viewer) -> Actor:
    """The audit trail's actor of a viewer."""
    return Actor(viewer.username, viewer.display_name, viewer.role_code)


def _locked_message(user: UserRecord, settings: AccountSettings, now: dt.datetime) -> str:
    if user.locked_until is not None and user.locked_until.year >= 9999:
        wait = "demandez à l'administrateur de l'outil de le déverrouiller"
    else:
        minutes = max(1, math.ceil((user.locked_until - now).total_seconds() / 60))
        wait = (
            f"réessayez dans {minutes} minute{'s' if minutes > 1 else ''} ou demandez à "
            "l'administrateur de l'outil de le déverrouiller"
        )
    return (
        f"Compte verrouillé après {settings.max_failures} échecs de connexion consécutifs : {wait}."
    )


def _refusal(user: UserRecord, demo_data: bool) -> str | None:
    # A demo account on real data is disabled too: say why, not « ask the administrator ».
    if user.is_demo and not demo_data:
        return DEMO_ONLY
    if not user.is_active:
        return DISABLED
    return None


def login(
    username: str,
    password: str,
    demo_data: bool,
    settings: AccountSettings | None = None,
    now: dt.datetime | None = None,
) -> LoginResult:
    """Check a username and password; audit ``login``, ``login_failed`` or ``login_locked``.

    Parameters
    ----------
    username, password : str
        As typed.
    demo_data : bool
        Whether the embedded demo data is in use (demo accounts log in only then).
    settings : AccountSettings, optional
        Lockout and cost (default ``[accounts]`` of ``config/settings.toml``).
    now : datetime, optional
        Naive UTC time of the attempt.

    Returns
    -------
    LoginResult
        The viewer, or a French message (the same for an unknown username and a wrong
        password).
    """
    settings = settings or load_account_settings()
    now = now or utcnow()
    name = users_store.normalise_username(username)
    with read_session() as session:
        user = users_store.get_user(session, name) if name else None
        stored = users_store.password_hash(session, name) if user else None
    if user is not None and user.is_locked(now):
        with write_session() as session:
            audit_store.record(session, Actor(None, name, "public"), "login_locked", "user", name)
        return LoginResult(None, _locked_message(user, settings, now))
    matches = verify_password(password or "", stored, settings)  # same cost for unknown names
    if user is None or not matches:
        with write_session() as session:
            after = None
            if user is not None:
                failed = users_store.record_login_failure(session, name, settings, now)
                after = {"échecs": failed.failed_logins, "verrouillé": failed.is_locked(now)}
                user = failed
            audit_store.record(
                session,
                Actor(None, name or "(vide)", "public"),
                "login_failed",
                "user",
                name or None,
                after=after,
            )
        if user is not None and user.is_locked(now):
            return LoginResult(None, _locked_message(user, settings, now))
        return LoginResult(None, LOGIN_FAILED)
    refusal = _refusal(user, demo_data)
    if refusal:
        with write_session() as session:
            audit_store.record(
                session, Actor(None, name, "public"), "login_refused", "user", name, reason=refusal
            )
        return LoginResult(None, refusal)
    with write_session() as session:
        user = users_store.record_login_success(session, name, now)
        viewer = viewer_of(user)
        audit_store.record(session, actor_of(viewer), "login", "user", name)
    return LoginResult(viewer)


def logout(viewer: Viewer) -> None:
    """Record the end of a session (audit ``logout``); the page forgets the viewer."""
    if viewer.is_public:
        return
    with write_session() as session:
        audit_store.record(session, actor_of(viewer), "logout", "user", viewer.username)


def viewer_for(username: str, demo_data: bool) -> Viewer | None:
    """The viewer of a logged-in username, re-read from the store (at each page run).

    None when the account no longer exists, is disabled, or is a demo account while real data
    is in use: the session is then over.
    """
    with read_session() as session:
        user = users_store.get_user(session, username)
    if user is None or _refusal(user, demo_data):
        return None
    return viewer_of(user)


def session_expired(
    logged_in_at: dt.datetime,
    settings: AccountSettings | None = None,
    now: dt.datetime | None = None,
) -> bool:
    """Whether a login made at ``logged_in_at`` (naive UTC) has outlived ``session_hours``."""
    settings = settings or load_account_settings()
    return (now or utcnow()) - logged_in_at > dt.timedelta(hours=settings.session_hours)


def demo_data_in_use() -> bool:
    """Whether every housing table in force is the embedded demo data (the store says which
    dataset version is in force): only then may the demo accounts (whose passwords are public)
    log in. One imported table of real data disables them."""
    return data_state.demo_data_in_use()


def demo_accounts() -> list[DemoAccount]:
    """The demonstration accounts, one per role, as listed on the login page."""
    return users_store.load_demo_accounts()


def sync_demo_accounts(demo_data: bool, settings: AccountSettings | None = None) -> list[str]:
    """Create the demo accounts and enable them on demo data; disable them on real data.

    Returns the usernames changed (each change is in the audit trail).
    """
    settings = settings or load_account_settings()
    accounts = users_store.load_demo_accounts()
    with read_session() as session:
        existing = {u.username: u for u in users_store.list_users(session) if u.is_demo}
    if all(a.username in existing for a in accounts) and all(
        u.is_active == demo_data for u in existing.values()
    ):
        return []
    with write_session() as session:
        return users_store.sync_demo_accounts(session, accounts, demo_data, settings)
