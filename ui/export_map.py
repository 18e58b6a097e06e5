"""The « Télécharger la carte » control under every map: PNG (screen, 300 dpi), SVG or PDF of the
view the user is looking at.

The snapshot is drawn by ``reports.map_snapshot`` from the same classes and colours as the map
(:mod:`services.map_style`), for the extent the map returned; it is built only when the button
is clicked. Occupancy figures follow the public rules in every file, whatever the profile.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from reports.map_snapshot import FORMATS, render_map
from services.map_content import MapContent


def bounds_of(returned: dict | None) -> dict | None:
    """The bounds a ``st_folium`` map returned (None before the map has reported them)."""
    return (returned or {}).get("bounds") or None


def map_download(build: Callable[[], MapContent], key: str, file_stem: str) -> None:
    """A popover with the format choice and the download button of the map's snapshot.

    Parameters
    ----------
    build : callable
        Returns the content of the snapshot (called only when the button is clicked).
    key : str
        Unique key of the control on the page.
    file_stem : str
        File name without extension.
    """
    with st.popover("Télécharger la carte", icon=":material/download:"):
        fmt = st.radio(
            "Format",
            list(FORMATS),
            format_func=lambda code: FORMATS[code].label,
            key=f"{key}_format",
        )
        spec = FORMATS[fmt]
        suffix = "_300dpi" if fmt == "png300" else ""
        st.download_button(
            f"Télécharger ({spec.extension.upper()})",
            data=lambda: render_map(build(), fmt),
            file_name=f"{file_stem}{suffix}.{spec.extension}",
            mime=spec.mime,
            key=f"{key}_bouton",
            icon=":material/download:",
            on_click="ignore",
            type="primary",
        )
        st.caption(
            "Même vue que la carte (couche, indicateur, année, classes, couleurs, étendue "
            "affichée), avec titre, légende, échelle, orientation et sources. Les chiffres "
            "d'occupation suivent les règles de diffusion publique (secret statistique), "
            "quel que soit le profil."
        )
