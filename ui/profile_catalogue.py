"""The weight profiles a page run may use: the shipped files and the profiles saved in the store.

Read once per page run (:func:`refresh`, called by the frame) so that every call of
:func:`ui.cache.profile` in the run sees the same versions, and so that a profile saved on
another server is listed at the next click. ``"reference"`` is the CIL's reference saved in the
store when there is one, else the shipped ``config/profiles/reference.toml``; the saved reference
is not listed a second time under its own name. Drafts are listed only to roles that may save
profiles (:func:`services.profiles_store.stored_profiles`).
"""

from __future__ import annotations

from dataclasses import dataclass

from config import profile_names
from services import profiles_store
from services.access import PUBLIC, Viewer
from services.profiles_store import REFERENCE, ProfileRecord
from ui.run_state import run_values


@dataclass(frozen=True)
class Catalogue:
    """The saved profiles of one run: the visible ones by name, and the reference."""

    records: dict[str, ProfileRecord]
    reference: ProfileRecord | None


def refresh(viewer: Viewer) -> Catalogue:
    """Read the saved profiles the viewer may use (two small queries); keep them for the run."""
    records = {r.name: r for r in profiles_store.stored_profiles(viewer)}
    reference = next((r for r in records.values() if r.status == "reference"), None)
    if reference is None:
        reference = profiles_store.stored_reference()
    catalogue = Catalogue(records, reference)
    values = run_values()
    values["catalogue"] = catalogue
    values["catalogue_viewer"] = viewer
    return catalogue


def current() -> Catalogue:
    """The catalogue of this run (read now when the frame did not, e.g. in a fragment)."""
    values = run_values()
    catalogue = values.get("catalogue")
    if catalogue is None:
        catalogue = refresh(values.get("viewer", PUBLIC))
    return catalogue


def forget() -> None:
    """Drop the catalogue of this run (the next :func:`current` reads the store again)."""
    run_values().pop("catalogue", None)


def stored_record(name: str) -> ProfileRecord | None:
    """The saved profile behind ``name`` (the CIL reference for ``"reference"``), None for a
    shipped profile."""
    catalogue = current()
    if name == REFERENCE:
        return catalogue.reference
    record = catalogue.records.get(name)
    return record if record is not None and record.status != "reference" else None


def names() -> list[str]:
    """Profile names for the picker: the reference, the shipped ones, then the saved ones."""
    shipped = profile_names()
    saved = [n for n, r in current().records.items() if r.status != "reference"]
    return shipped + [n for n in saved if n not in shipped]


def status_of(name: str) -> str | None:
    """The French status of a saved profile (None for a shipped one and for the reference,
    whose label says it)."""
    if name == REFERENCE:
        return None
    record = stored_record(name)
    return None if record is None else record.status_label
