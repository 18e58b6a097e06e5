"""The « Versions des données » part of the import page: every version imported (who, when,
which files, how many rows, the one in force) and the rollback to any of them in one click.

The list comes from the store (:func:`services.data_import.list_versions_as`); a rollback
(:func:`services.data_import.rollback_as`) needs a comment, kept in the journal with who and when.
A version whose files are missing from this server's data folder cannot be put back in force.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from services import data_import, import_text
from services.access import AccessDeniedError, Viewer
from services.data_import import VersionRow
from ui.fmt import fmt_datetime
from ui.import_view import DONE_KEY, escaped
from ui.tables import show_html_table

COMMENT_KEY = "retour_commentaire"


def versions_table(rows: list[VersionRow]) -> None:
    """The versions, newest first: number, state, date, author, files, rows, comment."""
    frame = pd.DataFrame(
        [
            {
                "N°": row.dataset.id,
                "État": import_text.STATUS_LABELS.get(row.dataset.status, row.dataset.status),
                "Importée le": fmt_datetime(row.dataset.created_at),
                "Par": row.dataset.author_name,
                "Fichiers": import_text.files_text(row.dataset),
                "Lignes": import_text.rows_text(row.dataset),
                "Commentaire": row.dataset.comment or "",
                "Fichiers présents": "oui" if row.is_available else "non",
            }
            for row in rows
        ]
    )
    # Written out whole (long lists of files and rows wrap), never cut at a cell's edge.
    show_html_table(frame, {})


def _roll_back(viewer: Viewer, dataset_id: int | None) -> None:
    comment = st.session_state.get(COMMENT_KEY, "")
    try:
        report = data_import.rollback_as(viewer, dataset_id, comment)
    except (*data_import.REFUSALS, AccessDeniedError) as exc:
        st.session_state[f"{COMMENT_KEY}_erreur"] = f"Retour refusé : {exc}"
        return
    st.session_state[DONE_KEY] = [import_text.rollback_line(report)]
    st.session_state[COMMENT_KEY] = ""


def _target(viewer: Viewer, row: VersionRow | None, demo_in_force: bool) -> None:
    with st.container(border=True):
        text, action = st.columns([4, 1.3], vertical_alignment="center")
        if row is None:
            text.markdown("**Données de démonstration** (fictives, embarquées)")
            in_force, available, target, label = demo_in_force, True, None, "demo"
        else:
            record = row.dataset
            text.markdown(
                f"**N° {record.id}** · {fmt_datetime(record.created_at)} · "
                f"{escaped(record.author_name)}  \n"
                f"{escaped(import_text.files_text(record))}  \n"
                f"{escaped(import_text.rows_text(record))}"
            )
            in_force, available, target, label = (
                row.is_current,
                row.is_available,
                record.id,
                str(record.id),
            )
        if in_force:
            action.markdown(":green-badge[:material/check: En service]")
            return
        action.button(
            "Revenir à cette version",
            key=f"revenir_{label}",
            disabled=not available,
            help=None if available else "Fichiers absents du dossier de données de ce serveur.",
            on_click=_roll_back,
            args=(viewer, target),
        )


def versions_section(viewer: Viewer) -> None:
    """The versions imported, and the rollback to any of them (with a comment)."""
    rows = data_import.list_versions_as(viewer)
    if not rows:
        st.info(
            "Aucune version importée : les données de démonstration sont en service.",
            icon=":material/info:",
        )
        return
    versions_table(rows)
    st.subheader("Revenir à une version")
    st.text_input(
        "Motif du retour (obligatoire, gardé au journal)",
        key=COMMENT_KEY,
        placeholder="ex. erreur dans l'enquête OPS 2024",
    )
    error = st.session_state.pop(f"{COMMENT_KEY}_erreur", None)
    if error:
        st.error(escaped(error), icon=":material/error:")
    demo_in_force = not any(row.is_current for row in rows)
    for row in rows:
        if row.dataset.status != "failed":
            _target(viewer, row, demo_in_force)
    _target(viewer, None, demo_in_force)
