"""The history of one text of a fiche (« Fiches territoriales » page, ``write_fiches`` roles):
every version with its author, date and comment, an older version shown as it was, and restored
as a new version with a required comment (:func:`services.fiche_texts.restore_fiche_text`)."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from services import fiche_texts
from services.access import AccessDeniedError, Viewer
from services.fiche_texts import SECTION_TITLES, FicheTextRecord, byline
from store import StoreError
from ui.fmt import fmt_datetime, fmt_int
from ui.safe_text import md_escape, text_box


def history_table(history: list[FicheTextRecord]) -> pd.DataFrame:
    """One row per version, newest first: version, author, date (Paris), comment, length."""
    return pd.DataFrame(
        {
            "Version": [r.version for r in history],
            "Rédigé par": [r.author_name for r in history],
            "Le": [fmt_datetime(r.created_at) for r in history],
            "Commentaire": [r.comment or "—" for r in history],
            "Caractères": [fmt_int(len(r.text)) for r in history],
        }
    )


def history_panel(
    viewer: Viewer,
    territory: str,
    section: str,
    latest: FicheTextRecord | None,
    on_restored: Callable[[FicheTextRecord, str], None],
) -> None:
    """The versions of a text, one of them shown, and the form restoring it."""
    history = fiche_texts.fiche_text_history(territory, section)
    title = SECTION_TITLES[section]
    with st.expander(f"Historique des versions ({len(history)})", icon=":material/history:"):
        if not history:
            st.caption("Aucune version enregistrée.")
            return
        st.dataframe(history_table(history), hide_index=True, key="fiche_texte_historique")
        by_version = {r.version: r for r in history}
        version = st.selectbox(
            "Voir la version",
            list(by_version),
            format_func=lambda v: (
                f"version {v} — {by_version[v].author_name}, "
                f"{fmt_datetime(by_version[v].created_at)}"
            ),
            key=f"fiche_texte_voir_{territory}_{section}",
        )
        shown = by_version[version]
        with st.container(height=240, border=True):
            text_box(shown.text, "(texte vide)")
        st.caption(md_escape(f"{byline(shown)} Commentaire : {shown.comment or '—'}"))
        if latest is None or version == latest.version:
            st.caption("C'est la version en vigueur, imprimée dans les fiches.")
            return
        with st.form(f"fiche_texte_retablir_{territory}_{section}", border=False):
            comment = st.text_input(
                "Commentaire (obligatoire)",
                key=f"fiche_texte_retablir_commentaire_{territory}_{section}",
                placeholder="Pourquoi revenir à cette version",
            )
            restore = st.form_submit_button(
                f"Rétablir la version {version} (elle devient la version {latest.version + 1})",
                icon=":material/restore:",
            )
    if not restore:
        return
    try:
        saved = fiche_texts.restore_fiche_text(
            viewer, territory, section, version, latest.version, comment
        )
    except (StoreError, AccessDeniedError) as exc:
        st.error(f"Non rétabli : {exc}", icon=":material/error:")
        return
    on_restored(saved, f"« {title} » : version {version} rétablie — {byline(saved)}")
