"""The cotation page's « Profils enregistrés » panel (sidebar): save the weights and method in
force as a named profile with a comment, propose it to the CIL (``save_profiles``), and make a
proposed profile the CIL's reference (``set_reference``, comment required).

A new version of a saved profile names the version this session started from: when someone
saved in between, the save is refused and the other version is shown beside one's own weights
(:class:`store.ConflictError`), never overwritten.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from services import profiles_store
from services.access import AccessDeniedError, Viewer
from services.profiles_store import ProfileRecord
from store import ConflictError, StoreError
from ui import profile_catalogue
from ui.fmt import fmt_datetime, fmt_number
from ui.frame import current_viewer
from ui.weights import Weighting

_START = "profil_version_de_depart"
_DONE = "profil_message"
_CONFLICT = "profil_conflit"


def saved_profile_panel(weighting: Weighting) -> None:
    """Draw the panel in the sidebar for the roles that may save or choose profiles."""
    viewer = current_viewer()
    if not (viewer.can("save_profiles") or viewer.can("set_reference")):
        return
    with st.sidebar:
        st.subheader("Profils enregistrés")
        message = st.session_state.pop(_DONE, None)
        if message:
            st.success(message, icon=":material/check_circle:")
        if viewer.can("save_profiles"):
            with st.expander("Enregistrer ces poids", icon=":material/save:", expanded=False):
                _save_form(viewer, weighting)
        if viewer.can("set_reference"):
            with st.expander("Référence de la CIL", icon=":material/verified:", expanded=False):
                _reference_form(viewer)


def _start_version(record: ProfileRecord) -> int:
    versions = st.session_state.setdefault(_START, {})
    return versions.setdefault(record.name, record.version)


def _save_form(viewer: Viewer, weighting: Weighting) -> None:
    record = profile_catalogue.stored_record(weighting.base.name)
    modes = ["new"]
    if record is not None:
        modes.insert(0, "version")
    with st.form("profil_enregistrement"):
        mode = st.radio(
            "Enregistrer",
            modes,
            format_func=lambda m: (
                f"une nouvelle version de « {record.label} »"
                if m == "version"
                else "un nouveau profil"
            ),
            key="profil_mode",
        )
        name = st.text_input(
            "Nom (nouveau profil)",
            placeholder="equilibre-2025",
            help="Lettres minuscules sans accent, chiffres, « - » ou « _ ».",
            key="profil_nom",
        )
        label = st.text_input("Libellé", placeholder="Équilibre 2025", key="profil_libelle")
        comment = st.text_area(
            "Commentaire (obligatoire)",
            placeholder="Pourquoi ces poids : décision du groupe de travail du …",
            key="profil_commentaire",
        )
        propose = st.checkbox("Proposer à la CIL", key="profil_proposer")
        submitted = st.form_submit_button("Enregistrer", type="primary", icon=":material/save:")
    if submitted:
        if mode == "version":
            _save(viewer, weighting, record.name, label or record.label, comment, propose, record)
        else:
            _save(viewer, weighting, name, label, comment, propose, None)
    conflict = st.session_state.get(_CONFLICT)
    if conflict is not None:
        _show_conflict(conflict, weighting)


def _save(
    viewer: Viewer,
    weighting: Weighting,
    name: str,
    label: str,
    comment: str,
    propose: bool,
    record: ProfileRecord | None,
) -> None:
    expected = None if record is None else _start_version(record)
    try:
        saved = profiles_store.save_profile(viewer, weighting.spec, name, label, comment, expected)
        if propose:
            saved = profiles_store.propose_profile(viewer, saved.name, comment, saved.version)
    except ConflictError as exc:
        st.session_state[_CONFLICT] = (str(exc), exc.current)
        return
    except (StoreError, AccessDeniedError) as exc:
        st.error(f"Non enregistré : {exc}", icon=":material/error:")
        return
    st.session_state.pop(_CONFLICT, None)
    st.session_state.setdefault(_START, {})[saved.name] = saved.version
    profile_catalogue.forget()
    st.session_state[_DONE] = (
        f"Profil « {saved.label} » enregistré : version {saved.version}, {saved.status_label}. "
        "Il figure dans la liste des profils, sur tous les postes."
    )
    st.rerun()


def _show_conflict(conflict: tuple[str, ProfileRecord], weighting: Weighting) -> None:
    message, other = conflict
    st.error(message, icon=":material/sync_problem:")
    mine = {p.code: p.weight for p in weighting.spec.pillars}
    mine |= {i.code: i.weight for i in weighting.spec.indicators}
    theirs = other.pillar_weights | other.indicator_weights
    labels = {p.code: p.label for p in weighting.spec.pillars}
    labels |= {i.code: i.label for i in weighting.spec.indicators}
    rows = [
        {
            "Poids": labels.get(code, code),
            "Les vôtres": fmt_number(mine.get(code), 1),
            f"Version {other.version}": fmt_number(theirs.get(code), 1),
        }
        for code in labels
        if float(mine.get(code, 0.0)) != float(theirs.get(code, 0.0))
    ]
    if rows:
        st.dataframe(pd.DataFrame(rows), hide_index=True, key="profil_conflit_poids")
    else:
        st.caption("Les poids sont identiques ; seuls le commentaire ou la méthode diffèrent.")
    if st.button("Repartir de cette version", key="profil_repartir"):
        st.session_state.setdefault(_START, {})[other.name] = other.version
        st.session_state.pop(_CONFLICT, None)
        st.rerun()


def _reference_form(viewer: Viewer) -> None:
    catalogue = profile_catalogue.current()
    reference = catalogue.reference
    if reference is None:
        st.caption("Référence actuelle : le profil livré avec l'outil.")
    else:
        st.caption(
            f"Référence actuelle : **{reference.label}**, choisie le "
            f"{fmt_datetime(reference.updated_at)} — {reference.comment}"
        )
    candidates = {n: r for n, r in catalogue.records.items() if r.status in ("proposed", "draft")}
    if not candidates:
        st.caption("Aucun profil enregistré à choisir : la CIL enregistre et propose d'abord.")
        return
    with st.form("profil_reference"):
        name = st.selectbox(
            "Profil",
            sorted(candidates, key=lambda n: (candidates[n].status != "proposed", n)),
            format_func=lambda n: (
                f"{candidates[n].label} ({candidates[n].status_label}, {candidates[n].author_name})"
            ),
            key="reference_profil",
        )
        comment = st.text_area(
            "Commentaire (obligatoire)",
            placeholder="Décision de la CIL du … : pourquoi ce profil devient la référence",
            key="reference_commentaire",
        )
        submitted = st.form_submit_button(
            "Faire de ce profil la référence de la CIL", icon=":material/verified:"
        )
    if not submitted:
        return
    record = candidates[name]
    try:
        chosen = profiles_store.make_reference(viewer, name, comment, record.version)
    except (StoreError, AccessDeniedError) as exc:
        st.error(f"Refusé : {exc}", icon=":material/error:")
        return
    profile_catalogue.forget()
    st.session_state[_DONE] = (
        f"« {chosen.label} » est la référence de la CIL : cartes, signalements et fiches sont "
        "recalculés avec ce profil sur tous les postes."
    )
    st.rerun()
