"""The « Version imprimable (PDF) » download of the fiche résidence: an A4 PDF built by
``reports.residence_pdf`` when the button is clicked, under the public rules whoever prints it."""

from __future__ import annotations

import streamlit as st

from reports.residence_pdf import residence_pdf
from services.residence_print import residence_print
from ui import cache


def residence_pdf_button(residence_id: str) -> None:
    """The download button of the printable card of ``residence_id``."""

    def build() -> bytes:
        return residence_pdf(
            residence_print(cache.residence_card_inputs(), residence_id, cache.is_demo())
        )

    st.download_button(
        "Version imprimable (PDF A4)",
        data=build,
        file_name=f"fiche_residence_{residence_id}.pdf",
        mime="application/pdf",
        key="fiche_pdf",
        icon=":material/picture_as_pdf:",
        on_click="ignore",
        help="La fiche sur une page A4, graphiques compris. Un document imprimé suit les règles "
        "de diffusion publique : l'occupation de la résidence n'y figure pas.",
    )
