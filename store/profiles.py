"""Weight profiles saved by the CIL working groups: draft, proposed, reference.

A profile holds the weights (pillars, indicators) and the method of the cotation, with who saved
it, when and why. Each save or change of status raises its ``version`` by one; a save names the
version it started from (``expected_version``) and is refused with a :class:`ConflictError`
carrying the other version when someone saved in between — never a silent overwrite. There is at
most one reference (a unique index keeps it so); making a profile the reference demotes the
previous one to « proposé » and raises the data version (:mod:`store.datasets`), since every
figure derived from the reference changes. The reference itself is never edited in place: its
weights are changed by saving them under another name and making that the reference.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from store import audit
from store.audit import Actor
from store.clock import utcnow
from store.datasets import bump_data_version
from store.errors import ConflictError, NotFoundError, StoreError
from store.models import WeightProfile

STATUSES = ("draft", "proposed", "reference")
STATUS_LABELS = {"draft": "brouillon", "proposed": "proposé", "reference": "référence de la CIL"}
NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{1,63}$")
_ACTIONS = {"draft": "profile_withdrawn", "proposed": "profile_proposed"}


@dataclass(frozen=True)
class ProfileRecord:
    """A saved weight profile as read from the store."""

    id: int
    name: str
    label: str
    pillar_weights: dict[str, float]
    indicator_weights: dict[str, float]
    method: dict[str, object]
    status: str
    version: int
    author: str
    author_name: str
    comment: str
    created_at: dt.datetime
    updated_at: dt.datetime

    @property
    def status_label(self) -> str:
        """The status in French."""
        return STATUS_LABELS[self.status]

    def summary(self) -> dict:
        """What the audit trail keeps of this version."""
        return {
            "libellé": self.label,
            "statut": self.status,
            "version": self.version,
            "poids des piliers": self.pillar_weights,
            "poids des indicateurs": self.indicator_weights,
            "méthode": self.method,
        }

    def byline(self) -> str:
        """« version 3, enregistrée par Marie Dupont le 2025-06-01 à 14:05 UTC : … »."""
        when = self.updated_at.strftime("%d/%m/%Y à %H:%M UTC")
        return (
            f"version {self.version} ({self.status_label}), enregistrée par {self.author_name} "
            f"le {when} : « {self.comment} »"
        )


def _record(row: WeightProfile) -> ProfileRecord:
    return ProfileRecord(
        id=row.id,
        name=row.name,
        label=row.label,
        pillar_weights=dict(row.pillar_weights),
        indicator_weights=dict(row.indicator_weights),
        method=dict(row.method),
        status=row.status,
        version=row.version,
        author=row.author,
        author_name=row.author_name,
        comment=row.comment,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def check_name(name: str) -> str:
    """A valid profile name, or a French error saying what is expected."""
    value = (name or "").strip()
    if not NAME.match(value):
        raise StoreError(
            f"nom de profil « {name} » invalide : attendu 2 à 64 caractères, lettres minuscules "
            "sans accent, chiffres, « - » ou « _ » (par exemple « equilibre-2025 »)."
        )
    return value


def _check_comment(comment: str | None, what: str) -> str:
    if not comment or not comment.strip():
        raise StoreError(f"{what} : un commentaire est obligatoire (pourquoi ce choix).")
    return comment.strip()


def get_profile(session: Session, name: str) -> ProfileRecord | None:
    """The profile ``name`` (None when there is none)."""
    row = session.scalars(select(WeightProfile).where(WeightProfile.name == name)).one_or_none()
    return None if row is None else _record(row)


def list_profiles(session: Session, statuses: tuple[str, ...] = STATUSES) -> list[ProfileRecord]:
    """The saved profiles with one of ``statuses``, by name."""
    rows = session.scalars(
        select(WeightProfile)
        .where(WeightProfile.status.in_(list(statuses)))
        .order_by(WeightProfile.name)
    )
    return [_record(r) for r in rows]


def reference_profile(session: Session) -> ProfileRecord | None:
    """The CIL's reference profile, if one was chosen."""
    row = session.scalars(
        select(WeightProfile).where(WeightProfile.status == "reference")
    ).one_or_none()
    return None if row is None else _record(row)


def _conflict(session: Session, name: str, expected: int | None) -> ConflictError:
    current = get_profile(session, name)
    assert current is not None
    start = (
        "ce nom est déjà pris"
        if expected is None
        else f"vous partiez de la version {expected}, mais"
    )
    return ConflictError(
        f"Profil « {name} » non enregistré : {start} — {current.byline()}. Rien n'a été "
        "écrasé : comparez avec cette version, puis enregistrez à nouveau (ou sous un autre nom).",
        current,
    )


def save_profile(
    session: Session,
    actor: Actor,
    *,
    name: str,
    label: str,
    pillar_weights: Mapping[str, float],
    indicator_weights: Mapping[str, float],
    method: Mapping[str, object],
    comment: str,
    expected_version: int | None,
) -> ProfileRecord:
    """Save a profile as a draft: a new one (``expected_version`` None) or a new version.

    Raises
    ------
    ConflictError
        When the name exists already (new profile) or the stored version is not
        ``expected_version``; ``current`` is the stored version.
    StoreError
        On an invalid name, a missing comment, or a save over the reference.
    """
    name = check_name(name)
    comment = _check_comment(comment, f"profil « {name} »")
    values = {
        "label": (label or "").strip() or name,
        "pillar_weights": {k: float(v) for k, v in pillar_weights.items()},
        "indicator_weights": {k: float(v) for k, v in indicator_weights.items()},
        "method": dict(method),
        "author": actor.username or actor.name,
        "author_name": actor.name,
        "comment": comment,
        "updated_at": utcnow(),
    }
    if expected_version is None:
        row = WeightProfile(
            name=name, status="draft", version=1, created_at=values["updated_at"], **values
        )
        try:
            with session.begin_nested():
                session.add(row)
                session.flush()
        except IntegrityError:
            raise _conflict(session, name, None) from None
        record = _record(row)
        audit.record(
            session, actor, "profile_saved", "profile", name, None, record.summary(), comment
        )
        return record
    before = get_profile(session, name)
    if before is None:
        raise NotFoundError(f"profil « {name} » introuvable : il a peut-être été renommé.")
    if before.status == "reference":
        raise StoreError(
            f"profil « {name} » : la référence de la CIL ne se modifie pas. Enregistrez ces "
            "poids sous un autre nom, puis faites-en la référence."
        )
    done = session.execute(
        update(WeightProfile)
        .where(WeightProfile.name == name, WeightProfile.version == expected_version)
        .where(WeightProfile.status != "reference")
        .values(version=WeightProfile.version + 1, status="draft", **values)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:
        raise _conflict(session, name, expected_version)
    session.expire_all()
    record = get_profile(session, name)
    assert record is not None
    audit.record(
        session,
        actor,
        "profile_saved",
        "profile",
        name,
        before.summary(),
        record.summary(),
        comment,
    )
    return record


def set_status(
    session: Session,
    actor: Actor,
    name: str,
    status: str,
    comment: str,
    expected_version: int,
) -> ProfileRecord:
    """Propose a profile, withdraw it to draft, or make it the CIL's reference.

    Making it the reference demotes the previous reference to « proposé » and raises the data
    version; a comment is always required.

    Raises
    ------
    ConflictError
        When the stored version is not ``expected_version``.
    StoreError
        On an unknown status or a missing comment.
    """
    if status not in STATUSES:
        raise StoreError(f"statut « {status} » inconnu : attendu {', '.join(STATUSES)}.")
    comment = _check_comment(comment, f"profil « {name} »")
    before = get_profile(session, name)
    if before is None:
        raise NotFoundError(f"profil « {name} » introuvable.")
    previous = None
    if status == "reference":
        bump_data_version(session)  # also serialises reference changes (row lock)
        previous = reference_profile(session)
        if previous is not None and previous.name != name:
            session.execute(
                update(WeightProfile)
                .where(WeightProfile.id == previous.id)
                .values(status="proposed", version=WeightProfile.version + 1)
                .execution_options(synchronize_session=False)
            )
    done = session.execute(
        update(WeightProfile)
        .where(WeightProfile.name == name, WeightProfile.version == expected_version)
        .values(status=status, version=WeightProfile.version + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:
        raise _conflict(session, name, expected_version)
    session.expire_all()
    record = get_profile(session, name)
    assert record is not None
    action = _ACTIONS.get(status, "profile_reference")
    after = record.summary()
    if previous is not None and previous.name != name:
        after["référence précédente"] = previous.name
    audit.record(session, actor, action, "profile", name, before.summary(), after, comment)
    return record
