"""The *Fiches territoriales* screen: choose territories, reference and formats, download one
fiche or a ZIP of many with a progress bar.

The fiches are written by ``reports/`` from :func:`services.fiche.build_fiche`; every fiche
follows the public rules of the secret statistique, whoever edits it, and prints the orientations
and actions saved in the store at the moment it is built. The chosen territories and reference
live in the URL (``territoires``, ``reference``) so that a link reopens the same choice.
"""

from __future__ import annotations

import streamlit as st

from reports.batch import FICHE_FORMATS, ZIP_MIME, fiche_files, run_batch, zip_bytes
from services.disclosure.summary import export_note
from services.fiche_territories import EPCI_KEY, FicheTerritory, fiche_territories
from services.fiche_texts import fiche_texts_for
from ui import cache
from ui.widgets import query_value, set_query_value

TERRITORIES_PARAM = "territoires"
REFERENCE_PARAM = "reference"
FORMAT_LABELS = {"pdf": "PDF (mise en page figée)", "docx": "Word (modifiable)"}
ZIP_KEY = "fiches_zip"


def territory_options() -> dict[str, FicheTerritory]:
    """Every territory with a fiche, by code, in display order."""
    return {t.key: t for t in fiche_territories(cache.export_data())}


def choose_territories(options: dict[str, FicheTerritory]) -> list[str]:
    """Multiselect of the territories (URL ``territoires``, comma-separated codes)."""
    key = "fiches_territoires"
    if key not in st.session_state:
        wanted = (query_value(TERRITORIES_PARAM) or "").split(",")
        st.session_state[key] = [k for k in wanted if k in options] or ["86041"]
    everything = st.toggle(
        f"Tous les territoires ({len(options)} fiches)",
        key="fiches_tous",
        help="L'EPCI, les 40 communes et chaque quartier de Poitiers.",
    )
    chosen = st.multiselect(
        "Territoires",
        list(options),
        key=key,
        format_func=lambda k: options[k].label,
        disabled=everything,
        placeholder="Choisissez une commune, un quartier ou l'EPCI",
    )
    set_query_value(TERRITORIES_PARAM, ",".join(chosen) or None)
    return list(options) if everything else chosen


def choose_reference(options: dict[str, FicheTerritory]) -> str:
    """The territory the key figures are compared with (URL ``reference``, EPCI by default)."""
    key = "fiches_reference"
    if key not in st.session_state:
        wanted = query_value(REFERENCE_PARAM)
        st.session_state[key] = wanted if wanted in options else EPCI_KEY
    reference = st.selectbox(
        "Territoire de comparaison",
        list(options),
        key=key,
        format_func=lambda k: options[k].label,
        help="Les chiffres clés de chaque fiche sont comparés à ce territoire.",
    )
    set_query_value(REFERENCE_PARAM, None if reference == EPCI_KEY else reference)
    return reference


def choose_formats() -> list[str]:
    """PDF and/or Word."""
    chosen = st.pills(
        "Formats",
        list(FICHE_FORMATS),
        selection_mode="multi",
        default=list(FICHE_FORMATS),
        format_func=FORMAT_LABELS.get,
        key="fiches_formats",
    )
    return list(chosen or [])


def choose_text_territory(keys: list[str], options: dict[str, FicheTerritory]) -> str:
    """Among several chosen territories, the one whose orientations and actions are shown."""
    return st.selectbox(
        "Orientations et actions du territoire",
        keys,
        format_func=lambda k: options[k].label,
        key="fiches_texte_territoire",
    )


def single_downloads(key: str, reference: str, formats: list[str]) -> None:
    """One download button per format; each file is built when its button is clicked, with the
    texts saved at that moment."""
    columns = st.columns(max(len(formats), 1))
    for column, fmt in zip(columns, formats, strict=False):
        with column:
            st.download_button(
                f"Télécharger la fiche ({fmt.upper()})",
                data=lambda fmt=fmt: (
                    fiche_files(cache.export_data(), key, [fmt], reference)[0].content
                ),
                file_name=f"fiche_{key}.{fmt}",
                mime=FICHE_FORMATS[fmt],
                key=f"fiche_{fmt}",
                icon=":material/download:",
                on_click="ignore",
                type="primary",
                use_container_width=True,
            )


def zip_download(keys: list[str], reference: str, formats: list[str]) -> None:
    """Prepare the ZIP of many fiches (progress bar), then offer it; a ZIP prepared before a
    text was saved is not offered again."""
    texts = fiche_texts_for(keys)
    versions = tuple((k, t.byline) for k in keys for t in texts[k])
    signature = (tuple(keys), reference, tuple(formats), versions)
    ready = st.session_state.get(ZIP_KEY)
    if st.button(
        f"Préparer le ZIP ({len(keys)} fiches, {len(keys) * len(formats)} fichiers)",
        icon=":material/folder_zip:",
        type="primary",
    ):
        bar = st.progress(0.0, text="Préparation des fiches…")
        done: list[str] = []

        def advance(key: str) -> None:
            done.append(key)
            bar.progress(
                len(done) / len(keys), text=f"{len(done)} fiche(s) sur {len(keys)} : {key}"
            )

        batch = run_batch(cache.export_data(), keys, formats, reference, texts)
        ready = (signature, zip_bytes(batch, advance))
        st.session_state[ZIP_KEY] = ready
        bar.progress(1.0, text=f"{len(keys)} fiches prêtes.")
    if ready is not None and ready[0] == signature:
        st.download_button(
            "Télécharger le ZIP",
            data=ready[1],
            file_name="fiches_territoriales.zip",
            mime=ZIP_MIME,
            icon=":material/download:",
            key="fiches_zip_bouton",
        )


def fiche_note(is_demo: bool) -> None:
    """What a fiche holds and the rules it follows."""
    rules = cache.masking_rules()
    st.caption(
        "Chaque fiche reprend l'identité du territoire et sa carte de situation, ses chiffres "
        "clés comparés au territoire choisi, les constats partagés (parc, vacance et rotation, "
        "SRU, occupation, entrants et sortants, objectifs d'attribution), ses résidences avec "
        "leur carte, les orientations et actions, les définitions et les sources. "
        + export_note(rules)
        + (" Les fiches portent la mention « données de démonstration »." if is_demo else "")
    )
