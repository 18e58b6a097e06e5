"""Texts of the fiches territoriales: read by everyone, written with ``write_fiches``.

Each territory with a fiche (``epci``, a commune's INSEE code, a quartier's code) has two texts,
the *Orientations d'attribution* and the *Actions complémentaires*. Every version is kept with
its author, date and comment; a save names the version the writer started from and is refused
with a French conflict message carrying the other version when someone saved in between
(:class:`store.ConflictError`), never overwriting it. An older version is restored by saving it
again as a new version. The capability is checked here, whatever the page shows: a request
crafted by a viewer without ``write_fiches`` fails in this module.

:func:`fiche_texts_for` gives the texts as the fiches print them (:class:`FicheText`), with their
byline « Texte rédigé par … le JJ/MM/AAAA (version n). » and an empty body for a text never
written (the fiche then says so).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import geodata
from services.access import Viewer, require
from services.accounts import actor_of
from services.fiche_model import FicheText
from services.fmt import PARIS, fmt_datetime
from services.user_text import clean_text
from store import ConflictError, StoreError, read_session, write_session
from store import fiches as fiches_store
from store.fiches import MAX_CHARS, SECTIONS, FicheTextRecord

__all__ = [
    "MAX_CHARS",
    "SECTIONS",
    "SECTION_TITLES",
    "FicheTextRecord",
    "byline",
    "complete_texts",
    "fiche_text",
    "fiche_text_history",
    "fiche_text_version",
    "fiche_texts_for",
    "restore_fiche_text",
    "save_fiche_text",
    "text_territories",
]

EPCI_KEY = "epci"
SECTION_TITLES = {
    "orientations": "Orientations d'attribution",
    "actions": "Actions complémentaires",
}


def text_territories() -> dict[str, str]:
    """The territories that have texts: code → name (the EPCI, the communes, the quartiers)."""
    communes = geodata.load_communes()
    quartiers = geodata.load_quartiers()
    names = {EPCI_KEY: geodata.EPCI_NAME}
    names |= dict(zip(communes["commune_code"].astype(str), communes["commune_name"], strict=True))
    names |= dict(
        zip(quartiers["quartier_code"].astype(str), quartiers["quartier_name"], strict=True)
    )
    return names


def _territory_name(territory: str) -> str:
    names = text_territories()
    if territory not in names:
        raise StoreError(
            f"territoire « {territory} » inconnu : attendu « {EPCI_KEY} », le code INSEE d'une "
            "commune du Grand Poitiers ou le code d'un quartier de Poitiers."
        )
    return names[territory]


def _section_title(section: str) -> str:
    if section not in SECTION_TITLES:
        raise StoreError(f"section « {section} » inconnue : attendu {', '.join(SECTION_TITLES)}.")
    return SECTION_TITLES[section]


def _paris_date(value: dt.datetime) -> str:
    return value.replace(tzinfo=dt.UTC).astimezone(PARIS).strftime("%d/%m/%Y")


def byline(record: FicheTextRecord) -> str:
    """Who wrote the version printed and when, in Paris time.

    « Texte rédigé par Marie Dupont le 05/12/2026 (version 3). », or « Texte effacé par … »
    when the latest version is empty.
    """
    verb = "rédigé" if record.text else "effacé"
    return (
        f"Texte {verb} par {record.author_name} le {_paris_date(record.created_at)} "
        f"(version {record.version})."
    )


def fiche_text(territory: str, section: str) -> FicheTextRecord | None:
    """The latest text of a section of a territory's fiche (None: never written)."""
    with read_session() as session:
        return fiches_store.latest_text(session, territory, section)


def fiche_text_history(territory: str, section: str) -> list[FicheTextRecord]:
    """Every version of a section, newest first."""
    with read_session() as session:
        return fiches_store.text_history(session, territory, section)


def fiche_text_version(territory: str, section: str, version: int) -> FicheTextRecord:
    """One version of a section.

    Raises
    ------
    NotFoundError
        When the section has no such version.
    """
    with read_session() as session:
        return fiches_store.text_version(session, territory, section, version)


def fiche_texts_for(territories: Iterable[str]) -> dict[str, tuple[FicheText, FicheText]]:
    """The texts each fiche prints: territory code → (orientations, actions).

    A section never written has an empty body and byline (the fiche says no text was written).
    Read in one query, whoever asks: the texts are printed in every fiche.
    """
    keys = list(dict.fromkeys(territories))
    with read_session() as session:
        latest = fiches_store.latest_texts(session, keys)
    out: dict[str, tuple[FicheText, FicheText]] = {}
    for key in keys:
        texts = []
        for section, title in SECTION_TITLES.items():
            record = latest.get((key, section))
            if record is None:
                texts.append(FicheText(title, ""))
            else:
                texts.append(FicheText(title, clean_text(record.text), byline(record)))
        out[key] = (texts[0], texts[1])
    return out


def complete_texts(texts: Iterable[FicheText]) -> tuple[FicheText, FicheText]:
    """``texts`` as a fiche prints them: orientations then actions, a missing one empty."""
    by_title = {t.title: t for t in texts}
    orientations, actions = (by_title.get(t, FicheText(t, "")) for t in SECTION_TITLES.values())
    return orientations, actions


def _conflict(
    title: str, name: str, expected_version: int, current: FicheTextRecord | None
) -> ConflictError:
    if current is None:  # pragma: no cover - a version cannot disappear
        other = "une autre version a été enregistrée"
    else:
        other = (
            f"{current.author_name} a enregistré la version {current.version} le "
            f"{fmt_datetime(current.created_at).replace(' ', ' à ')}"
        )
    return ConflictError(
        f"« {title} » de {name} non enregistré : vous partiez de la version {expected_version}, "
        f"mais {other} pendant que vous écriviez. Rien n'a été écrasé : relisez sa version, "
        "puis reprenez-la ou enregistrez à nouveau votre texte en connaissance de cause.",
        current,
    )


def save_fiche_text(
    viewer: Viewer,
    territory: str,
    section: str,
    text: str,
    expected_version: int,
    comment: str | None = None,
) -> FicheTextRecord:
    """Save a new version of a section.

    Parameters
    ----------
    viewer : Viewer
        Who saves (``write_fiches`` required).
    territory : str
        ``epci``, a commune's INSEE code or a quartier's code.
    section : str
        ``orientations`` or ``actions``.
    text : str
        The text as typed (:func:`services.user_text.clean_text` is applied); an empty text
        clears the section (the fiche says no text was written).
    expected_version : int
        The version the writer started from (0 for a section never written).
    comment : str
        Why this version (required).

    Raises
    ------
    AccessDeniedError
        Without ``write_fiches``.
    ConflictError
        When someone saved a version after ``expected_version``; ``current`` is that version.
    StoreError
        Unknown territory or section, missing comment, a text identical to the version it
        starts from, or longer than the store allows (French messages).
    """
    require(viewer, "write_fiches")
    title = _section_title(section)
    name = _territory_name(territory)
    text = clean_text(text)
    comment = clean_text(comment)
    if not comment:
        raise StoreError(f"« {title} » de {name} : un commentaire est obligatoire (pourquoi ce "
                         "changement).")  # fmt: skip
    with write_session() as session:
        latest = fiches_store.latest_text(session, territory, section)
        if latest is None and not text:
            raise StoreError(f"« {title} » de {name} : le texte est vide, rien à enregistrer.")
        if latest is not None and latest.version == expected_version and latest.text == text:
            raise StoreError(
                f"« {title} » de {name} : le texte est identique à la version {latest.version}, "
                "rien à enregistrer."
            )
        try:
            return fiches_store.save_text(
                session, actor_of(viewer), territory, section, text, expected_version, comment
            )
        except ConflictError as exc:
            raise _conflict(title, name, expected_version, exc.current) from exc


def restore_fiche_text(
    viewer: Viewer,
    territory: str,
    section: str,
    version: int,
    expected_version: int,
    comment: str | None = None,
) -> FicheTextRecord:
    """Save an older version again, as a new version (« Version 2 rétablie : … »).

    Parameters
    ----------
    version : int
        The version to restore.
    expected_version : int
        The latest version the writer saw.
    comment : str
        Why (required).

    Raises
    ------
    AccessDeniedError, ConflictError, StoreError
        As :func:`save_fiche_text`; :class:`store.NotFoundError` for an unknown version.
    """
    require(viewer, "write_fiches")
    old = fiche_text_version(territory, section, version)
    comment = clean_text(comment)
    return save_fiche_text(
        viewer,
        territory,
        section,
        old.text,
        expected_version,
        f"Version {version} rétablie : {comment}" if comment else "",
    )
