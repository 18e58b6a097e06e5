"""The audit trail: every change recorded with who, when, what (before and after) and why.

Store functions that change something call :func:`record` in the same transaction as the change,
so that a change without its audit line cannot be committed. :func:`query` reads the trail back
with filters, newest first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from store.clock import utcnow
from store.models import AuditEntry


@dataclass(frozen=True)
class Actor:
    """Who acts: an account, a single sign-on identity, the command line or the system.

    Attributes
    ----------
    username : str or None
        The account (None for an anonymous attempt, e.g. a login with an unknown name).
    name : str
        Shown in the journal.
    role : str
        A role code, or ``"cli"`` / ``"system"``.
    """

    username: str | None
    name: str
    role: str


SYSTEM = Actor("system", "Système", "system")


@dataclass(frozen=True)
class AuditRecord:
    """One line of the audit trail as read back."""

    id: int
    at: dt.datetime
    actor: str | None
    actor_name: str
    actor_role: str
    action: str
    target_kind: str
    target: str | None
    before: dict | None
    after: dict | None
    reason: str | None


def _record(entry: AuditEntry) -> AuditRecord:
    return AuditRecord(
        id=entry.id,
        at=entry.at,
        actor=entry.actor,
        actor_name=entry.actor_name,
        actor_role=entry.actor_role,
        action=entry.action,
        target_kind=entry.target_kind,
        target=entry.target,
        before=entry.before,
        after=entry.after,
        reason=entry.reason,
    )


def record(
    session: Session,
    actor: Actor,
    action: str,
    target_kind: str,
    target: str | None,
    before: Mapping | None = None,
    after: Mapping | None = None,
    reason: str | None = None,
) -> AuditRecord:
    """Add a line to the audit trail (committed with the session's transaction).

    Parameters
    ----------
    session : Session
        The session of the change being recorded.
    actor : Actor
        Who acts.
    action : str
        What happened, e.g. ``"login"``, ``"profile_saved"``, ``"dataset_switched"``.
    target_kind, target : str
        What it happened to, e.g. ``"user"`` and a username, ``"profile"`` and a name.
    before, after : mapping, optional
        The state before and after the change (never a password or its hash).
    reason : str, optional
        Why, in the actor's words.
    """
    entry = AuditEntry(
        at=utcnow(),
        actor=actor.username,
        actor_name=actor.name,
        actor_role=actor.role,
        action=action,
        target_kind=target_kind,
        target=target,
        before=dict(before) if before is not None else None,
        after=dict(after) if after is not None else None,
        reason=reason.strip() if reason and reason.strip() else None,
    )
    session.add(entry)
    session.flush()
    return _record(entry)


def query(
    session: Session,
    *,
    actions: Sequence[str] | None = None,
    actor: str | None = None,
    target_kind: str | None = None,
    target: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    text: str | None = None,
    limit: int = 500,
) -> list[AuditRecord]:
    """Lines of the audit trail matching every filter given, newest first.

    Parameters
    ----------
    actions : sequence of str, optional
        Keep these actions only.
    actor : str, optional
        Keep the lines of this account (username, exact).
    target_kind, target : str, optional
        Keep the lines about this kind of thing / this thing (exact).
    since, until : datetime, optional
        Naive UTC bounds, ``since`` included, ``until`` excluded.
    text : str, optional
        Case-insensitive words searched in the actor's name, the target and the reason.
    limit : int
        At most this many lines.
    """
    statement = select(AuditEntry)
    if actions:
        statement = statement.where(AuditEntry.action.in_(list(actions)))
    if actor:
        statement = statement.where(AuditEntry.actor == actor)
    if target_kind:
        statement = statement.where(AuditEntry.target_kind == target_kind)
    if target:
        statement = statement.where(AuditEntry.target == target)
    if since is not None:
        statement = statement.where(AuditEntry.at >= since)
    if until is not None:
        statement = statement.where(AuditEntry.at < until)
    if text and text.strip():
        pattern = f"%{text.strip().lower()}%"
        statement = statement.where(
            or_(
                AuditEntry.actor_name.ilike(pattern),
                AuditEntry.target.ilike(pattern),
                AuditEntry.reason.ilike(pattern),
            )
        )
    statement = statement.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
    return [_record(e) for e in session.scalars(statement)]


def actors(session: Session) -> list[tuple[str, str]]:
    """(username, name) of everyone who appears in the trail, by name."""
    rows = session.execute(
        select(AuditEntry.actor, AuditEntry.actor_name)
        .where(AuditEntry.actor.is_not(None))
        .distinct()
    )
    return sorted({(u, n) for u, n in rows}, key=lambda r: (r[1].lower(), r[0]))
