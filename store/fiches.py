"""Texts of the fiches territoriales (orientations, actions), every version kept.

A territory is named by its code (a commune's INSEE code, a quartier's code); each section has
versions 1, 2, 3… with their author, date and comment. A save names the version it started from:
when someone saved in between, it is refused with a :class:`ConflictError` carrying the other
version (a unique constraint on territory, section and version makes two concurrent saves of
the same version impossible).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import and_, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from store import audit
from store.audit import Actor
from store.clock import utcnow
from store.errors import ConflictError, NotFoundError, StoreError
from store.models import FicheText

SECTIONS = {"orientations": "Orientations", "actions": "Actions"}
TERRITORY = re.compile(r"^[0-9A-Za-z_-]{1,32}$")
MAX_CHARS = 20_000


@dataclass(frozen=True)
class FicheTextRecord:
    """One version of a section of a fiche."""

    territory: str
    section: str
    version: int
    text: str
    author: str
    author_name: str
    comment: str | None
    created_at: dt.datetime

    def byline(self) -> str:
        """« version 2, écrite par … le … »."""
        when = self.created_at.strftime("%d/%m/%Y à %H:%M UTC")
        return f"version {self.version}, écrite par {self.author_name} le {when}"


def _record(row: FicheText) -> FicheTextRecord:
    return FicheTextRecord(
        territory=row.territory,
        section=row.section,
        version=row.version,
        text=row.text,
        author=row.author,
        author_name=row.author_name,
        comment=row.comment,
        created_at=row.created_at,
    )


def _check(territory: str, section: str) -> None:
    if section not in SECTIONS:
        raise StoreError(f"section « {section} » inconnue : attendu {', '.join(SECTIONS)}.")
    if not TERRITORY.match(territory or ""):
        raise StoreError(
            f"territoire « {territory} » invalide : attendu un code de commune ou de quartier."
        )


def latest_text(session: Session, territory: str, section: str) -> FicheTextRecord | None:
    """The latest version of a section (None when never written)."""
    _check(territory, section)
    row = session.scalars(
        select(FicheText)
        .where(FicheText.territory == territory, FicheText.section == section)
        .order_by(FicheText.version.desc())
        .limit(1)
    ).one_or_none()
    return None if row is None else _record(row)


def text_history(session: Session, territory: str, section: str) -> list[FicheTextRecord]:
    """Every version of a section, newest first."""
    _check(territory, section)
    rows = session.scalars(
        select(FicheText)
        .where(FicheText.territory == territory, FicheText.section == section)
        .order_by(FicheText.version.desc())
    )
    return [_record(r) for r in rows]


def save_text(
    session: Session,
    actor: Actor,
    territory: str,
    section: str,
    text: str,
    expected_version: int,
    comment: str | None = None,
) -> FicheTextRecord:
    """Save a new version of a section (audit ``fiche_text_saved``).

    Parameters
    ----------
    expected_version : int
        The version the writer started from (0 for a section never written).

    Raises
    ------
    ConflictError
        When the latest version is not ``expected_version``; ``current`` is the latest version.
    StoreError
        On an unknown section or territory, or a text longer than :data:`MAX_CHARS`.
    """
    _check(territory, section)
    text = (text or "").strip()
    if len(text) > MAX_CHARS:
        raise StoreError(
            f"texte de {len(text)} caractères : attendu au plus {MAX_CHARS} caractères."
        )
    latest = session.scalar(
        select(func.max(FicheText.version)).where(
            FicheText.territory == territory, FicheText.section == section
        )
    )
    latest = int(latest or 0)
    row = FicheText(
        territory=territory,
        section=section,
        version=expected_version + 1,
        text=text,
        author=actor.username or actor.name,
        author_name=actor.name,
        comment=comment.strip() if comment and comment.strip() else None,
        created_at=utcnow(),
    )
    conflict = latest != expected_version
    if not conflict:
        try:
            with session.begin_nested():
                session.add(row)
                session.flush()
        except IntegrityError:
            conflict = True
    if conflict:
        current = latest_text(session, territory, section)
        other = current.byline() if current else "version suivante"
        raise ConflictError(
            f"Texte « {SECTIONS[section]} » du territoire {territory} non enregistré : vous "
            f"partiez de la version {expected_version}, mais la {other} a été"
            " enregistrée entre-temps. Rien n'a été écrasé : reprenez votre texte à partir "
            "de cette version.",
            current,
        )
    record = _record(row)
    previous = latest_text_before(session, territory, section, record.version)
    audit.record(
        session,
        actor,
        "fiche_text_saved",
        "fiche",
        f"{territory}/{section}",
        before=None if previous is None else {"version": previous.version, "texte": previous.text},
        after={"version": record.version, "texte": record.text},
        reason=comment,
    )
    return record


def latest_text_before(
    session: Session, territory: str, section: str, version: int
) -> FicheTextRecord | None:
    """The version just before ``version`` (None for the first)."""
    row = session.scalars(
        select(FicheText)
        .where(
            FicheText.territory == territory,
            FicheText.section == section,
            FicheText.version < version,
        )
        .order_by(FicheText.version.desc())
        .limit(1)
    ).one_or_none()
    return None if row is None else _record(row)


def text_version(session: Session, territory: str, section: str, version: int) -> FicheTextRecord:
    """One version of a section.

    Raises
    ------
    NotFoundError
        When the section has no such version.
    """
    _check(territory, section)
    row = session.scalars(
        select(FicheText).where(
            FicheText.territory == territory,
            FicheText.section == section,
            FicheText.version == version,
        )
    ).one_or_none()
    if row is None:
        raise NotFoundError(
            f"texte « {SECTIONS[section]} » du territoire {territory} : pas de version {version}."
        )
    return _record(row)


def latest_texts(
    session: Session, territories: Iterable[str]
) -> dict[tuple[str, str], FicheTextRecord]:
    """The latest version of every section written for ``territories``, in one query.

    Returns
    -------
    dict
        ``(territory, section)`` → its latest version; sections never written are absent.
    """
    wanted = sorted({t for t in territories if TERRITORY.match(t or "")})
    if not wanted:
        return {}
    latest = (
        select(
            FicheText.territory,
            FicheText.section,
            func.max(FicheText.version).label("version"),
        )
        .where(FicheText.territory.in_(wanted))
        .group_by(FicheText.territory, FicheText.section)
        .subquery()
    )
    rows = session.scalars(
        select(FicheText).join(
            latest,
            and_(
                FicheText.territory == latest.c.territory,
                FicheText.section == latest.c.section,
                FicheText.version == latest.c.version,
            ),
        )
    )
    return {(r.territory, r.section): _record(r) for r in rows}
