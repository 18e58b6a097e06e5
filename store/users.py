"""Accounts: creation, role and bailleurs, password, lockout, demo accounts.

Usernames are lowercase (``prenom.nom``); the role is a code of ``config/roles.toml`` and a role
whose ``residence_access`` is ``own`` needs at least one bailleur. Every change writes its audit
line (never a password nor its hash) in the same transaction. Login checks
(:func:`record_login_failure`, :func:`record_login_success`) are composed by
``services.accounts``, which derives the key outside any write transaction.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from config import load_toml
from store import audit
from store.audit import Actor
from store.clock import utcnow
from store.errors import NotFoundError, StoreError
from store.models import User
from store.passwords import hash_password
from store.settings import AccountSettings

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,63}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
FOREVER = dt.datetime(9999, 12, 31)


@dataclass(frozen=True)
class UserRecord:
    """An account as read from the store (no password hash)."""

    id: int
    username: str
    display_name: str
    email: str | None
    role_code: str
    bailleurs: tuple[str, ...]
    is_active: bool
    is_demo: bool
    has_password: bool
    failed_logins: int
    locked_until: dt.datetime | None
    last_login_at: dt.datetime | None
    created_at: dt.datetime

    def is_locked(self, now: dt.datetime | None = None) -> bool:
        """Whether too many failed logins lock the account at ``now`` (naive UTC)."""
        return self.locked_until is not None and self.locked_until > (now or utcnow())

    def summary(self) -> dict:
        """What the audit trail keeps of the account (never the password)."""
        return {
            "nom": self.display_name,
            "courriel": self.email,
            "rôle": self.role_code,
            "bailleurs": list(self.bailleurs),
            "actif": self.is_active,
        }


@dataclass(frozen=True)
class DemoAccount:
    """A demonstration account of ``config/demo_accounts.toml``."""

    username: str
    display_name: str
    role_code: str
    password: str
    bailleurs: tuple[str, ...] = ()


def _record(user: User) -> UserRecord:
    return UserRecord(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        email=user.email,
        role_code=user.role_code,
        bailleurs=tuple(user.bailleurs or ()),
        is_active=user.is_active,
        is_demo=user.is_demo,
        has_password=user.password_hash is not None,
        failed_logins=user.failed_logins,
        locked_until=user.locked_until,
        last_login_at=user.last_login_at,
        created_at=user.created_at,
    )


def role_access() -> dict[str, str]:
    """Role code → ``residence_access`` of every role of ``config/roles.toml``."""
    roles = load_toml("roles.toml").get("roles", {})
    return {code: spec.get("residence_access", "none") for code, spec in roles.items()}


def normalise_username(username: str) -> str:
    """The stored form of a username (stripped, lowercase)."""
    return (username or "").strip().lower()


def check_username(username: str) -> str:
    """The normalised username, or a French error saying what is expected."""
    name = normalise_username(username)
    if not USERNAME.match(name):
        raise StoreError(
            f"identifiant « {username} » invalide : attendu 2 à 64 caractères, lettres "
            "minuscules sans accent, chiffres, « . », « _ », « - » ou « @ », commençant par une "
            "lettre ou un chiffre."
        )
    return name


def check_password(password: str, username: str, settings: AccountSettings) -> None:
    """Refuse a password too short or equal to the username (French message)."""
    if len(password or "") < settings.min_password_length:
        raise StoreError(
            f"mot de passe trop court : attendu au moins {settings.min_password_length} caractères."
        )
    if password.strip().lower() == username:
        raise StoreError("mot de passe refusé : il ne doit pas être l'identifiant.")


def check_role(role_code: str, bailleurs: Iterable[str]) -> tuple[str, ...]:
    """The bailleurs kept for ``role_code`` (sorted), or a French error.

    A role whose ``residence_access`` is ``own`` needs at least one bailleur; other roles keep
    none.
    """
    access = role_access()
    if role_code not in access or role_code == "public":
        expected = ", ".join(c for c in access if c != "public")
        raise StoreError(f"rôle « {role_code} » inconnu : attendu {expected}.")
    names = tuple(sorted({b.strip() for b in bailleurs if b and b.strip()}))
    if access[role_code] == "own" and not names:
        raise StoreError(f"rôle « {role_code} » : au moins un bailleur est attendu.")
    return names if access[role_code] == "own" else ()


def _check_email(email: str | None) -> str | None:
    if email is None or not email.strip():
        return None
    email = email.strip().lower()
    if not EMAIL.match(email):
        raise StoreError(f"adresse électronique « {email} » invalide : attendu nom@domaine.fr.")
    return email


def _user(session: Session, username: str) -> User:
    user = session.scalars(
        select(User).where(User.username == normalise_username(username))
    ).one_or_none()
    if user is None:
        raise NotFoundError(f"compte « {username} » introuvable.")
    return user


def get_user(session: Session, username: str) -> UserRecord | None:
    """The account ``username`` (None when there is none)."""
    user = session.scalars(
        select(User).where(User.username == normalise_username(username))
    ).one_or_none()
    return None if user is None else _record(user)


def password_hash(session: Session, username: str) -> str | None:
    """The stored hash of an account's password (None: no account or no password)."""
    return session.scalars(
        select(User.password_hash).where(User.username == normalise_username(username))
    ).one_or_none()


def get_user_by_email(session: Session, email: str) -> UserRecord | None:
    """The account with this e-mail address (None when there is none)."""
    if not email:
        return None
    user = session.scalars(select(User).where(User.email == email.strip().lower())).one_or_none()
    return None if user is None else _record(user)


def list_users(session: Session) -> list[UserRecord]:
    """Every account, by username."""
    return [_record(u) for u in session.scalars(select(User).order_by(User.username))]


def create_user(
    session: Session,
    actor: Actor,
    *,
    username: str,
    display_name: str,
    role_code: str,
    password: str | None,
    settings: AccountSettings,
    email: str | None = None,
    bailleurs: Iterable[str] = (),
    is_demo: bool = False,
    reason: str | None = None,
) -> UserRecord:
    """Create an account (audit ``user_created``).

    ``password`` None creates an account for single sign-on only (no password login).

    Raises
    ------
    StoreError
        On an invalid username, name, role, bailleurs, e-mail or password, or when the username
        or the e-mail is taken (French message).
    """
    name = check_username(username)
    if not display_name or not display_name.strip():
        raise StoreError("nom affiché manquant : attendu le prénom et le nom de la personne.")
    kept = check_role(role_code, bailleurs)
    email = _check_email(email)
    hashed = None
    if password is not None:
        check_password(password, name, settings)
        hashed = hash_password(password, settings)  # before the write lock is taken
    now = utcnow()
    user = User(
        username=name,
        display_name=display_name.strip(),
        email=email,
        role_code=role_code,
        bailleurs=list(kept),
        password_hash=hashed,
        is_active=True,
        is_demo=is_demo,
        failed_logins=0,
        created_at=now,
        updated_at=now,
    )
    try:
        with session.begin_nested():
            session.add(user)
            session.flush()
    except IntegrityError as exc:
        raise StoreError(
            f"compte « {name} » non créé : l'identifiant ou l'adresse électronique est déjà "
            "utilisé par un autre compte."
        ) from exc
    record = _record(user)
    audit.record(
        session, actor, "user_created", "user", name, after=record.summary(), reason=reason
    )
    return record


def set_password(
    session: Session,
    actor: Actor,
    username: str,
    password: str,
    settings: AccountSettings,
    reason: str | None = None,
) -> UserRecord:
    """Change an account's password; it also unlocks it (audit ``password_changed``)."""
    name = normalise_username(username)
    check_password(password, name, settings)
    hashed = hash_password(password, settings)
    user = _user(session, name)
    user.password_hash = hashed
    user.failed_logins = 0
    user.locked_until = None
    user.updated_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor,
        "password_changed",
        "user",
        name,
        after={"mot de passe": "modifié"},
        reason=reason,
    )
    return _record(user)


def set_role(
    session: Session,
    actor: Actor,
    username: str,
    role_code: str,
    bailleurs: Iterable[str] = (),
    reason: str | None = None,
) -> UserRecord:
    """Change an account's role and bailleurs (audit ``role_changed`` with before and after)."""
    kept = check_role(role_code, bailleurs)
    user = _user(session, username)
    before = _record(user).summary()
    user.role_code = role_code
    user.bailleurs = list(kept)
    user.updated_at = utcnow()
    session.flush()
    record = _record(user)
    audit.record(
        session,
        actor,
        "role_changed",
        "user",
        user.username,
        before=before,
        after=record.summary(),
        reason=reason,
    )
    return record


def set_active(
    session: Session, actor: Actor, username: str, active: bool, reason: str | None = None
) -> UserRecord:
    """Enable or disable an account (audit ``user_enabled`` / ``user_disabled``)."""
    user = _user(session, username)
    before = _record(user).summary()
    user.is_active = active
    user.updated_at = utcnow()
    session.flush()
    record = _record(user)
    action = "user_enabled" if active else "user_disabled"
    audit.record(
        session, actor, action, "user", user.username, before, record.summary(), reason=reason
    )
    return record


def unlock(session: Session, actor: Actor, username: str, reason: str | None = None) -> UserRecord:
    """Clear an account's failed logins and lock (audit ``user_unlocked``)."""
    user = _user(session, username)
    before = {"échecs": user.failed_logins, "verrouillé": user.locked_until is not None}
    user.failed_logins = 0
    user.locked_until = None
    user.updated_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor,
        "user_unlocked",
        "user",
        user.username,
        before=before,
        after={"échecs": 0, "verrouillé": False},
        reason=reason,
    )
    return _record(user)


def record_login_failure(
    session: Session, username: str, settings: AccountSettings, now: dt.datetime | None = None
) -> UserRecord:
    """Count one more failed login; lock the account at ``max_failures``."""
    now = now or utcnow()
    name = normalise_username(username)
    session.execute(
        update(User).where(User.username == name).values(failed_logins=User.failed_logins + 1)
    )
    user = _user(session, name)
    session.refresh(user)
    if user.failed_logins >= settings.max_failures and not _record(user).is_locked(now):
        minutes = settings.lockout_minutes
        user.locked_until = now + dt.timedelta(minutes=minutes) if minutes else FOREVER
        user.failed_logins = 0
        session.flush()
    return _record(user)


def record_login_success(
    session: Session, username: str, now: dt.datetime | None = None
) -> UserRecord:
    """Reset the failed logins of an account and note the time of its login."""
    user = _user(session, username)
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now or utcnow()
    session.flush()
    return _record(user)


def load_demo_accounts() -> list[DemoAccount]:
    """The demonstration accounts of ``config/demo_accounts.toml`` (one per role)."""
    raw = load_toml("demo_accounts.toml").get("accounts", [])
    return [
        DemoAccount(
            username=a["username"],
            display_name=a["display_name"],
            role_code=a["role"],
            password=a["password"],
            bailleurs=tuple(a.get("bailleurs", ())),
        )
        for a in raw
    ]


def sync_demo_accounts(
    session: Session,
    accounts: Iterable[DemoAccount],
    active: bool,
    settings: AccountSettings,
    actor: Actor = audit.SYSTEM,
) -> list[str]:
    """Create the missing demo accounts and enable (demo data) or disable (real data) them all.

    Returns the usernames changed; each change has its audit line.
    """
    changed = []
    existing = {u.username: u for u in session.scalars(select(User).where(User.is_demo))}
    for account in accounts:
        if account.username in existing or not active:
            continue
        create_user(
            session,
            actor,
            username=account.username,
            display_name=account.display_name,
            role_code=account.role_code,
            password=account.password,
            settings=settings,
            bailleurs=account.bailleurs,
            is_demo=True,
            reason="compte de démonstration (données de démonstration en service)",
        )
        changed.append(account.username)
    reason = (
        "données de démonstration en service"
        if active
        else "données réelles importées : comptes de démonstration désactivés"
    )
    for user in existing.values():
        if user.is_active != active:
            set_active(session, actor, user.username, active, reason=reason)
            changed.append(user.username)
    return changed
