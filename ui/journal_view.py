"""The « Journal des décisions » page: the audit trail filtered by period, kind, person and
words, newest first (capability ``view_journal``, checked again by :mod:`services.journal`)."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from services import journal
from services.access import Viewer
from ui.fmt import fmt_datetime, fmt_int

ALL = "__tous__"


def journal_filters(viewer: Viewer) -> dict:
    """The filter widgets; returns the arguments of :func:`services.journal.journal_entries`."""
    today = dt.date.today()
    period, kinds, person, words = st.columns([1.2, 1.6, 1.2, 1.4])
    dates = period.date_input(
        "Période",
        value=(today - dt.timedelta(days=90), today),
        format="DD/MM/YYYY",
        key="journal_periode",
    )
    groups = kinds.multiselect(
        "Type",
        list(journal.ACTION_GROUPS),
        default=["Décisions (profils, fiches)", "Données", "Comptes et rôles"],
        key="journal_types",
        placeholder="Tous les types",
    )
    people = dict(journal.journal_actors(viewer))
    who = person.selectbox(
        "Personne",
        [ALL, *people],
        format_func=lambda u: "Toutes" if u == ALL else f"{people[u]} ({u})",
        key="journal_personne",
    )
    text = words.text_input(
        "Rechercher", placeholder="profil, territoire, motif…", key="journal_recherche"
    )
    since, until = (dates[0], dates[-1]) if dates else (None, None)
    actions = [a for g in groups for a in journal.ACTION_GROUPS[g]] or None
    return {
        "actions": actions,
        "actor": None if who == ALL else who,
        "since": since,
        "until": until,
        "text": text or None,
    }


def journal_table_view(viewer: Viewer, filters: dict) -> None:
    """The lines: when (Paris time), who, what, on what, why, before and after."""
    entries = journal.journal_entries(viewer, **filters)
    if not entries:
        st.info(
            "Aucune ligne du journal ne correspond à ces filtres.", icon=":material/search_off:"
        )
        return
    table = journal.journal_table(entries)
    table["at"] = table["at"].map(fmt_datetime)
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        key="journal_lignes",
        column_config={
            "at": st.column_config.TextColumn("Date (heure de Paris)", width="medium"),
            "actor_name": st.column_config.TextColumn("Qui"),
            "actor": st.column_config.TextColumn("Compte", width="small"),
            "action_label": st.column_config.TextColumn("Quoi"),
            "target": st.column_config.TextColumn("Sur quoi"),
            "reason": st.column_config.TextColumn("Pourquoi", width="large"),
            "before": st.column_config.TextColumn("Avant"),
            "after": st.column_config.TextColumn("Après"),
        },
    )
    st.caption(
        f"{fmt_int(len(entries))} ligne{'s' if len(entries) > 1 else ''}, la plus récente en "
        "premier. Chaque changement est enregistré avec son auteur, sa date, l'état avant et "
        "après, et son motif ; aucune ligne ne peut être modifiée depuis l'outil."
    )
