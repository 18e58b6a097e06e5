"""Texts of the fiches territoriales: read by everyone, written with ``write_fiches``.

Every version is kept with its author and date; a save names the version the writer started
from and is refused with a French conflict message carrying the other version when someone saved
in between (:class:`store.ConflictError`).
"""

from __future__ import annotations

from services.access import Viewer, require
from services.accounts import actor_of
from store import fiches as fiches_store
from store import read_session, write_session
from store.fiches import SECTIONS, FicheTextRecord

__all__ = ["SECTIONS", "fiche_text", "fiche_text_history", "save_fiche_text"]


def fiche_text(territory: str, section: str) -> FicheTextRecord | None:
    """The latest text of a section of a territory's fiche (None: never written)."""
    with read_session() as session:
        return fiches_store.latest_text(session, territory, section)


def fiche_text_history(territory: str, section: str) -> list[FicheTextRecord]:
    """Every version of a section, newest first."""
    with read_session() as session:
        return fiches_store.text_history(session, territory, section)


def save_fiche_text(
    viewer: Viewer,
    territory: str,
    section: str,
    text: str,
    expected_version: int,
    comment: str | None = None,
) -> FicheTextRecord:
    """Save a new version of a section.

    Raises
    ------
    AccessDeniedError
        Without ``write_fiches``.
    ConflictError
        When someone saved a version after ``expected_version``.
    """
    require(viewer, "write_fiches")
    with write_session() as session:
        return fiches_store.save_text(
            session, actor_of(viewer), territory, section, text, expected_version, comment
        )
