"""The *Orientations et actions* of the « Fiches territoriales » page: the two texts of a
territory as the fiche prints them, for everyone; for the roles with ``write_fiches`` (CIL,
service habitat), the writing area and the history of versions (:mod:`ui.fiche_text_history`).

A save names the version this session started from (:func:`services.fiche_texts.save_fiche_text`
checks the right and the version): when someone saved in between, the French conflict message is
shown with the other person's text beside one's own, and nothing is overwritten until the writer
chooses to take the other version or to save their own again. User texts are shown escaped,
never as Markdown or HTML: a text cannot load an image or a link into someone else's page.
"""

from __future__ import annotations

import streamlit as st

from services import fiche_texts
from services.access import AccessDeniedError, Viewer
from services.fiche_texts import MAX_CHARS, SECTION_TITLES, FicheTextRecord, byline
from store import ConflictError, StoreError
from ui.fiche_text_history import history_panel
from ui.fmt import fmt_datetime
from ui.frame import current_viewer
from ui.safe_text import md_escape, text_box

NO_TEXT = "Aucun texte rédigé pour ce territoire : la fiche le dit en toutes lettres."
_START = "fiche_texte_depart"  # (territory, section) → (version, text) the draft started from
_RESET = "fiche_texte_a_recharger"  # (territory, section) → text to put back in the editor
_CONFLICT = "fiche_texte_conflit"  # (territory, section) → (message, their version, my text)
_DONE = "fiche_texte_message"


def _text_key(territory: str, section: str) -> str:
    return f"fiche_texte_{territory}_{section}"


def _comment_key(territory: str, section: str) -> str:
    return f"fiche_commentaire_{territory}_{section}"


def preview(records: dict[str, FicheTextRecord | None]) -> None:
    """The two texts side by side, with their byline, as the fiche prints them."""
    for column, (section, title) in zip(st.columns(2), SECTION_TITLES.items(), strict=True):
        record = records[section]
        with column:
            st.markdown(f"**{title}**")
            with st.container(height=260, border=True):
                text_box(record.text if record else "", NO_TEXT)
            st.caption(md_escape(byline(record)) if record else "Jamais rédigé.")


def texts_panel(territory: str, name: str) -> None:
    """The orientations and actions of ``territory``: read-only for everyone, the writing area
    and the history for the roles with ``write_fiches``."""
    viewer = current_viewer()
    st.subheader(f"Orientations et actions — {name}", anchor=False)
    message = st.session_state.pop(_DONE, None)
    if message:
        st.success(md_escape(message), icon=":material/check_circle:")
    records = {s: fiche_texts.fiche_text(territory, s) for s in SECTION_TITLES}
    preview(records)
    if not viewer.can("write_fiches"):
        st.caption(
            ":material/lock: Ces textes sont rédigés par le groupe de travail de la CIL et le "
            "service habitat ; chaque fiche les imprime avec leur auteur et leur date."
        )
        return
    with st.container(border=True):
        st.markdown("##### :material/edit_note: Rédiger")
        section = st.radio(
            "Texte",
            list(SECTION_TITLES),
            format_func=SECTION_TITLES.get,
            horizontal=True,
            key="fiche_texte_section",
        )
        _editor(viewer, territory, name, section, records[section])
        history_panel(viewer, territory, section, records[section], on_restored=_restored)


def _start(territory: str, section: str, latest: FicheTextRecord | None) -> int:
    """The version the draft of this session started from: the latest the first time, and
    again when a newer version came while the draft was left untouched (nothing to lose)."""
    starts = st.session_state.setdefault(_START, {})
    key, text_key = (territory, section), _text_key(territory, section)
    newest = (latest.version, latest.text) if latest else (0, "")
    start = starts.get(key)
    untouched = start is not None and st.session_state.get(text_key) == start[1]
    if start is None or (untouched and start[0] < newest[0]):
        starts[key] = newest
        st.session_state[text_key] = newest[1]
    return starts[key][0]


def _editor(
    viewer: Viewer, territory: str, name: str, section: str, latest: FicheTextRecord | None
) -> None:
    text_key, comment_key = _text_key(territory, section), _comment_key(territory, section)
    reset = st.session_state.setdefault(_RESET, {}).pop((territory, section), None)
    if reset is not None:
        st.session_state[text_key] = reset
        st.session_state[comment_key] = ""
    start = _start(territory, section, latest)
    if start == 0:
        st.caption("Aucune version encore : vous écrivez la version 1.")
    elif latest is not None and start == latest.version:
        st.caption(md_escape(f"Vous partez de la version {start}, la dernière : {byline(latest)}"))
    else:
        st.caption(f"Vous partez de la version {start}.")
    with st.form(f"fiche_texte_form_{territory}_{section}", border=False):
        text = st.text_area(
            f"{SECTION_TITLES[section]} — {name}",
            key=text_key,
            height=240,
            max_chars=MAX_CHARS,
            help="Une ligne vide sépare deux paragraphes. Le texte est imprimé tel quel dans la "
            "fiche, sans mise en forme.",
        )
        comment = st.text_input(
            "Commentaire (obligatoire)",
            key=comment_key,
            placeholder="Pourquoi ce changement : décision du groupe de travail du …",
        )
        submitted = st.form_submit_button(
            f"Enregistrer la version {start + 1}", type="primary", icon=":material/save:"
        )
    if submitted:
        _save(viewer, territory, section, text, start, comment)
    conflict = st.session_state.get(_CONFLICT, {}).get((territory, section))
    if conflict is not None:
        _show_conflict(territory, section, conflict)


def _save(
    viewer: Viewer, territory: str, section: str, text: str, start: int, comment: str
) -> None:
    try:
        saved = fiche_texts.save_fiche_text(viewer, territory, section, text, start, comment)
    except ConflictError as exc:
        st.session_state.setdefault(_CONFLICT, {})[(territory, section)] = (
            str(exc),
            exc.current,
            text,
        )
        return
    except (StoreError, AccessDeniedError) as exc:
        st.error(f"Non enregistré : {exc}", icon=":material/error:")
        return
    st.session_state.setdefault(_CONFLICT, {}).pop((territory, section), None)
    _restored(saved, f"« {SECTION_TITLES[section]} » enregistré : {byline(saved)}")


def _restored(saved: FicheTextRecord, message: str) -> None:
    """After a save or a restore: the editor starts from the new version; rerun."""
    key = (saved.territory, saved.section)
    st.session_state.setdefault(_START, {})[key] = (saved.version, saved.text)
    st.session_state.setdefault(_RESET, {})[key] = saved.text
    st.session_state[_DONE] = f"{message} Les fiches éditées à partir de maintenant l'impriment."
    st.rerun()


def _take_theirs(territory: str, section: str, theirs: FicheTextRecord) -> None:
    st.session_state[_START][(territory, section)] = (theirs.version, theirs.text)
    st.session_state.setdefault(_RESET, {})[(territory, section)] = theirs.text
    st.session_state[_CONFLICT].pop((territory, section), None)


def _keep_mine(territory: str, section: str, theirs: FicheTextRecord) -> None:
    st.session_state[_START][(territory, section)] = (theirs.version, theirs.text)
    st.session_state[_CONFLICT].pop((territory, section), None)


def _show_conflict(territory: str, section: str, conflict: tuple) -> None:
    message, theirs, mine = conflict
    st.error(md_escape(message), icon=":material/sync_problem:")
    left, right = st.columns(2)
    with left:
        st.markdown("**Votre texte** (non enregistré)")
        with st.container(height=220, border=True):
            text_box(mine, "(texte vide)")
    with right:
        st.markdown(
            f"**Version {theirs.version}** de "
            + md_escape(f"{theirs.author_name}, {fmt_datetime(theirs.created_at)}")
        )
        with st.container(height=220, border=True):
            text_box(theirs.text, "(texte vide)")
        st.caption(md_escape(f"Commentaire : {theirs.comment or '—'}"))
    take, keep = st.columns(2)
    take.button(
        f"Reprendre la version {theirs.version}",
        key="fiche_texte_reprendre",
        on_click=_take_theirs,
        args=(territory, section, theirs),
        help="Votre texte est remplacé par le sien dans la zone de saisie.",
        use_container_width=True,
    )
    keep.button(
        f"Garder mon texte (à enregistrer comme version {theirs.version + 1})",
        key="fiche_texte_garder",
        on_click=_keep_mine,
        args=(territory, section, theirs),
        help="Votre texte reste dans la zone de saisie ; enregistrez-le à nouveau, en "
        "connaissance de cause, pour en faire la version suivante.",
        use_container_width=True,
    )
