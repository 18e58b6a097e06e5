"""The « Importer des fichiers » part of the import page: drop files, see what each one is, check
them, read the report, confirm.

1. The files dropped are recognised from their content (:func:`geodata.detect.detect_kind`): the
   format and the kind of data, which the user may correct.
2. « Contrôler les fichiers » reads and converts them all, with a progress bar
   (:func:`services.data_import.prepare_as`); nothing is written. The report says, file by file,
   the rows read, kept and rejected with their reasons and examples, then shows a preview of each
   table and a map of where the points fall.
3. « Confirmer l'import » makes them the data in force (:func:`services.data_import.commit_as`):
   all or nothing, under the data lock, recorded in the journal.

Uploaded files are written to a temporary folder only while they are read (under names of our
own: the name sent is only shown, escaped). Every text that comes from a file is escaped before
it is shown as Markdown.
"""

from __future__ import annotations

import re
import tempfile
import unicodedata
from collections.abc import Sequence
from pathlib import Path

import streamlit as st

from geodata.detect import Detection, detect_kind
from geodata.importer import KINDS, ImportFile, PreparedImport
from services import accounts, data_import, import_text
from services.access import AccessDeniedError, Viewer
from services.import_preview import previews
from ui.fmt import fmt_int, fmt_pct
from ui.import_map import import_map

UPLOAD_KEY = "import_fichiers"
PREPARED_KEY = "import_prepare"
DETECTED_KEY = "import_detections"
DONE_KEY = "import_message"
ROUND_KEY = "import_tour"
SUFFIXES = {
    ".csv",
    ".txt",
    ".tsv",
    ".xlsx",
    ".xls",
    ".ods",
    ".parquet",
    ".zip",
    ".geojson",
    ".json",
    ".gpkg",
}
MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$])")
MAX_NAME = 120
SESSION_ENDS = (
    "Des données réelles sont en service : les comptes de démonstration sont désactivés et "
    "votre session de démonstration a pris fin. Pour voir les versions ou revenir en arrière, "
    "connectez-vous avec un compte nominatif du service habitat (créé par un administrateur, "
    "page « Utilisateurs » ou ligne de commande)."
)


def escaped(text: object) -> str:
    """``text`` with every Markdown sign escaped: shown as typed, never as a link or image."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


def shown_name(name: str) -> str:
    """The name of an uploaded file as shown in messages: no folder, no control character, at
    most :data:`MAX_NAME` characters."""
    base = re.split(r"[\\/]", name)[-1]
    clean = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip()
    return (clean or "fichier sans nom")[:MAX_NAME]


def _saved_name(index: int, name: str) -> str:
    suffix = Path(shown_name(name)).suffix.lower()
    return f"fichier_{index:02d}{suffix if suffix in SUFFIXES else '.dat'}"


def _write(folder: Path, index: int, upload) -> Path:
    path = folder / _saved_name(index, upload.name)
    path.write_bytes(upload.getvalue())
    return path


def _detections(uploads: Sequence) -> dict[str, Detection]:
    known = st.session_state.setdefault(DETECTED_KEY, {})
    missing = [(i, u) for i, u in enumerate(uploads) if u.file_id not in known]
    if missing:
        with tempfile.TemporaryDirectory(prefix="cotation-import-") as folder:
            for index, upload in missing:
                path = _write(Path(folder), index, upload)
                known[upload.file_id] = detect_kind(path, shown_name(upload.name))
    return known


def _round() -> int:
    return st.session_state.setdefault(ROUND_KEY, 0)


def _kind_choices(uploads: Sequence, detections: dict[str, Detection]) -> list[str | None]:
    """The table of the files dropped, with a kind chosen for each one (detected by default)."""
    kinds = list(KINDS)
    chosen = []
    for upload in uploads:
        detection = detections[upload.file_id]
        with st.container(border=True):
            name, kind = st.columns([3, 2], vertical_alignment="center")
            name.markdown(
                f"**{escaped(shown_name(upload.name))}** · {fmt_int(upload.size)} octets  \n"
                f"Format détecté : {escaped(detection.format_label or 'illisible')}"
            )
            value = kind.selectbox(
                "Type de données",
                kinds,
                index=kinds.index(detection.kind) if detection.kind else None,
                format_func=lambda k: KINDS[k],
                placeholder="Choisir le type…",
                key=f"import_type_{_round()}_{upload.file_id}",
            )
            if detection.kind:
                st.caption(f"Reconnu : {escaped(detection.reason)}.")
            else:
                st.caption(f":material/help: Non reconnu : {escaped(detection.reason)}")
            chosen.append(value)
    return chosen


def _signature(uploads: Sequence, kinds: Sequence, year: int | None) -> tuple:
    return (tuple(u.file_id for u in uploads), tuple(kinds), year)


def _prepare(viewer: Viewer, uploads: Sequence, kinds: Sequence, year: int | None) -> None:
    bar = st.progress(0.0, text="Lecture des fichiers…")
    names = [shown_name(u.name) for u in uploads]

    def progress(name: str, fraction: float) -> None:
        position = names.index(name) if name in names else 0
        done = min(1.0, (position + max(0.0, min(fraction, 1.0))) / len(names))
        bar.progress(done, text=f"Lecture de « {escaped(name)} » : {fmt_pct(100 * fraction, 0)}")

    state = {"signature": _signature(uploads, kinds, year)}
    try:
        with tempfile.TemporaryDirectory(prefix="cotation-import-") as folder:
            items = [
                ImportFile(kind, _write(Path(folder), i, u), names[i])
                for i, (u, kind) in enumerate(zip(uploads, kinds, strict=True))
            ]
            state["prepared"] = data_import.prepare_as(
                viewer, items, survey_year=year, progress=progress
            )
    except (*data_import.REFUSALS, AccessDeniedError) as exc:
        state["error"] = str(exc)
    except Exception as exc:  # a defect of the importer: said plainly, never a traceback
        state["error"] = (
            f"erreur inattendue pendant la lecture ({type(exc).__name__} : {exc}) ; signalez-la "
            "au service informatique avec le fichier en cause."
        )
    bar.empty()
    st.session_state[PREPARED_KEY] = state


def _file_report(report) -> None:
    lines = import_text.file_lines(report)
    with st.container(border=True):
        st.markdown(f"**{escaped(lines[0])}**")
        read, kept, aside, rejected = st.columns(4)
        read.metric("Lignes lues", fmt_int(report.rows_read))
        kept.metric("Gardées", fmt_int(report.rows_kept))
        aside.metric("Hors du territoire", fmt_int(report.rows_left_aside))
        rejected.metric("Rejetées", fmt_int(report.rows_rejected))
        reasons = lines[2 : len(lines) - len(report.notes)]
        if reasons:
            with st.expander(f"Motifs de rejet et exemples ({fmt_int(report.rows_rejected)})"):
                st.markdown("\n".join(f"- {escaped(line)}" for line in reasons))
        for note in report.notes:
            st.caption(escaped(note))


def _report(prepared: PreparedImport) -> None:
    st.subheader("Rapport de contrôle")
    for report in prepared.reports:
        _file_report(report)
    st.subheader("Aperçu des tables")
    for preview in previews(prepared):
        with st.expander(f"{preview.label} : {fmt_int(preview.rows)} ligne(s)"):
            st.dataframe(preview.frame, hide_index=True, width="stretch")
    st.subheader("Carte des données importées")
    import_map(prepared, key=f"import_carte_{_round()}")


def _confirm(viewer: Viewer, prepared: PreparedImport) -> None:
    st.subheader("Confirmer")
    st.caption(
        "L'import crée une nouvelle version des données, contrôlée avec les tables déjà en "
        "service, puis la met en service en une seule étape ; la version actuelle reste listée "
        "et l'on peut y revenir."
    )
    comment = st.text_input("Commentaire (gardé au journal)", key=f"import_commentaire_{_round()}")
    drop = st.checkbox(
        "Écarter les lignes de la version en service rattachées à des résidences absentes des "
        "nouveaux fichiers (sinon l'import est refusé)",
        key=f"import_orphelins_{_round()}",
    )
    if not st.button("Confirmer l'import", type="primary", icon=":material/check:"):
        return
    try:
        report = data_import.commit_as(viewer, prepared, comment or None, drop_orphans=drop)
    except (*data_import.REFUSALS, AccessDeniedError) as exc:
        st.error(f"Import refusé, aucune donnée modifiée : {escaped(exc)}", icon=":material/error:")
        return
    except Exception as exc:  # a defect of the importer: said plainly, never a traceback
        st.error(
            f"Import interrompu par une erreur inattendue, aucune donnée modifiée "
            f"({escaped(type(exc).__name__)} : {escaped(exc)}).",
            icon=":material/error:",
        )
        return
    lines = import_text.outcome_lines(report)
    if accounts.viewer_for(viewer.username, accounts.demo_data_in_use()) is None:
        lines.append(SESSION_ENDS)
    st.session_state[DONE_KEY] = lines
    st.session_state.pop(PREPARED_KEY, None)
    st.session_state[ROUND_KEY] = _round() + 1  # empties the uploader and the choices
    st.rerun()


def show_done() -> None:
    """The outcome of the last import or rollback (kept across the rerun that follows it)."""
    lines = st.session_state.pop(DONE_KEY, None)
    if lines:
        st.success("\n\n".join(escaped(line) for line in lines), icon=":material/check_circle:")


def import_section(viewer: Viewer) -> None:
    """Drop files, check them, read the report, confirm."""
    uploads = st.file_uploader(
        "Déposez un ou plusieurs fichiers (RPLS, BPE, arrêts GTFS, contours IRIS ou QPV, OPS, "
        "ou les tables du projet)",
        accept_multiple_files=True,
        key=f"{UPLOAD_KEY}_{_round()}",
    )
    if not uploads:
        st.caption(
            "Formats lus : CSV (« ; », « , » ou tabulation ; UTF-8 ou Windows-1252), Excel, "
            "OpenDocument, Parquet ; contours en Shapefile zippé, GeoJSON ou GeoPackage. Le type "
            "de chaque fichier est reconnu à ses colonnes."
        )
        return
    kinds = _kind_choices(uploads, _detections(uploads))
    year = None
    if "ops" in kinds:
        year = st.number_input(
            "Année de l'enquête OPS (si le fichier n'a pas de colonne d'année)",
            min_value=2000,
            max_value=2100,
            value=None,
            step=1,
            key=f"import_annee_{_round()}",
        )
    if st.button("Contrôler les fichiers", icon=":material/fact_check:", disabled=None in kinds):
        _prepare(viewer, uploads, kinds, None if year is None else int(year))
    state = st.session_state.get(PREPARED_KEY)
    if not state or state["signature"] != _signature(uploads, kinds, year):
        if None in kinds:
            st.caption("Choisissez le type de chaque fichier non reconnu pour le contrôler.")
        return
    if "error" in state:
        st.error(
            f"Fichiers refusés, aucune donnée modifiée : {escaped(state['error'])}",
            icon=":material/error:",
        )
        return
    _report(state["prepared"])
    _confirm(viewer, state["prepared"])
