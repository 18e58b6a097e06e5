"""Weight profiles kept in the store: saved and proposed by the CIL, one made the reference.

- ``save_profiles`` (CIL, service habitat): save the weights and method in force as a named
  draft with a comment, save a new version, propose it to the CIL or withdraw it.
- ``set_reference`` (service habitat): make a saved profile the CIL's reference, comment
  required. The dashboard's reference (``"reference"`` everywhere: map, flags, peer groups, the
  fiche résidence) is then this profile; without one, the shipped ``config/profiles/reference``.

Drafts are listed to the roles that may save profiles only; proposed profiles and the reference
to everyone. Names of shipped profiles cannot be taken. A stored profile becomes an
:class:`~scoring.IndexSpec` through the same validation as a shipped file
(:func:`scoring.profiles.parse_profile`).
"""

from __future__ import annotations

import dataclasses

from config import profile_names
from scoring import IndexSpec
from scoring.catalogue import load_catalogue
from scoring.profiles import parse_profile
from services.access import Viewer, require
from services.accounts import actor_of
from store import StoreError, read_session, write_session
from store import profiles as profiles_store
from store.profiles import STATUS_LABELS, ProfileRecord

REFERENCE = "reference"

__all__ = [
    "REFERENCE",
    "STATUS_LABELS",
    "ProfileRecord",
    "make_reference",
    "propose_profile",
    "save_profile",
    "spec_of",
    "stored_profiles",
    "stored_reference",
    "withdraw_profile",
]


def stored_profiles(viewer: Viewer) -> list[ProfileRecord]:
    """The saved profiles the viewer may pick, by name (drafts only with ``save_profiles``)."""
    statuses = ("draft", "proposed", "reference")
    if not viewer.can("save_profiles"):
        statuses = ("proposed", "reference")
    with read_session() as session:
        return profiles_store.list_profiles(session, statuses)


def stored_reference() -> ProfileRecord | None:
    """The CIL's reference profile saved in the store (None: the shipped reference applies)."""
    with read_session() as session:
        return profiles_store.reference_profile(session)


def spec_of(record: ProfileRecord, as_reference: bool = False) -> IndexSpec:
    """The validated spec of a saved profile.

    Parameters
    ----------
    as_reference : bool
        Name it ``"reference"`` (the dashboard's reference) with a label saying it is the
        CIL's reference.

    Raises
    ------
    scoring.SpecError
        When the saved weights or method no longer fit the catalogue (French message).
    """
    data = {
        "profile": {
            "name": REFERENCE if as_reference else record.name,
            "label": f"Référence de la CIL : {record.label}" if as_reference else record.label,
            "author": record.author_name,
            "date": record.updated_at.date().isoformat(),
            "comment": record.comment,
        },
        "method": record.method,
        "pillar_weights": record.pillar_weights,
        "indicator_weights": record.indicator_weights,
    }
    return parse_profile(data, load_catalogue())


def _payload(spec: IndexSpec) -> dict:
    method = dataclasses.asdict(spec.method)
    method["thresholds"] = [float(t) for t in spec.method.thresholds]
    return {
        "pillar_weights": {p.code: float(p.weight) for p in spec.pillars},
        "indicator_weights": {i.code: float(i.weight) for i in spec.indicators},
        "method": method,
    }


def save_profile(
    viewer: Viewer,
    spec: IndexSpec,
    name: str,
    label: str,
    comment: str,
    expected_version: int | None = None,
) -> ProfileRecord:
    """Save the weights and method of ``spec`` as the draft ``name``.

    Parameters
    ----------
    expected_version : int, optional
        The version the person started from; None for a new profile.

    Raises
    ------
    AccessDeniedError
        Without ``save_profiles``.
    ConflictError
        When the name is taken (new profile) or someone saved a later version; ``current`` is
        the stored version.
    StoreError
        On an invalid name, a shipped profile's name, a missing comment.
    """
    require(viewer, "save_profiles")
    name = profiles_store.check_name(name)
    if name in profile_names():
        raise StoreError(
            f"nom « {name} » réservé à un profil livré avec l'outil : choisissez un autre nom."
        )
    with write_session() as session:
        return profiles_store.save_profile(
            session,
            actor_of(viewer),
            name=name,
            label=label,
            comment=comment,
            expected_version=expected_version,
            **_payload(spec),
        )


def propose_profile(viewer: Viewer, name: str, comment: str, version: int) -> ProfileRecord:
    """Propose a saved profile to the CIL (``save_profiles``, comment required)."""
    require(viewer, "save_profiles")
    with write_session() as session:
        return profiles_store.set_status(
            session, actor_of(viewer), name, "proposed", comment, version
        )


def withdraw_profile(viewer: Viewer, name: str, comment: str, version: int) -> ProfileRecord:
    """Take a proposal back to draft (``save_profiles``, comment required)."""
    require(viewer, "save_profiles")
    with write_session() as session:
        return profiles_store.set_status(session, actor_of(viewer), name, "draft", comment, version)


def make_reference(viewer: Viewer, name: str, comment: str, version: int) -> ProfileRecord:
    """Make a saved profile the CIL's reference (``set_reference``, comment required).

    The previous reference goes back to « proposé »; the data version rises, so that every
    server recomputes the figures derived from the reference.
    """
    require(viewer, "set_reference")
    with write_session() as session:
        return profiles_store.set_status(
            session, actor_of(viewer), name, "reference", comment, version
        )
