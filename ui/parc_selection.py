"""The territory and year selectors of the *Tableau de bord du parc social*.

They live in the URL query parameters shared with the map page: ``echelle`` (epci / commune /
quartier / residence), ``commune``, ``quartier``, ``residence`` and ``annee``, so that a link
reopens the same view and the map page hands its selection over.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from services.access import Viewer
from services.stock import LEVELS, Territory
from ui import cache
from ui.sru_view import SRU_TABS
from ui.url_state import url_choice

LEVEL_NAMES = {
    "epci": "Intercommunalité",
    "commune": "Commune",
    "quartier": "Quartier de Poitiers",
    "residence": "Résidence",
}
DEFAULT_COMMUNE = "86194"  # Poitiers, where most of the social stock is


@dataclass(frozen=True)
class ParcSelection:
    """What the page shows: a territory (level and code), a year and who looks."""

    level: str
    code: str
    name: str
    year: int
    viewer: Viewer

    @property
    def territory(self) -> Territory:
        """The selected territory."""
        return Territory(self.level, self.code)

    @property
    def label(self) -> str:
        """« Commune : Buxerolles », or the EPCI's name."""
        return self.name if self.level == "epci" else f"{LEVEL_NAMES[self.level]} : {self.name}"


def parc_selectors(viewer: Viewer) -> ParcSelection | None:
    """Level, territory and year pickers in one row; None when there is nothing to show."""
    years = cache.parc_years()
    if not years:
        st.info(
            "Aucune attribution ni aucun départ dans les données : importez les fichiers des "
            "attributions et des départs (service habitat) pour alimenter le tableau de bord.",
            icon=":material/info:",
        )
        return None
    level_column, territory_column, year_column = st.columns([1, 2, 1])
    with level_column:
        level = url_choice("parc", "Échelle", list(LEVELS), "echelle", "epci", LEVEL_NAMES.get)
    names = cache.territory_names(level)
    with territory_column:
        code = _territory_picker(level, names)
    with year_column:
        year = url_choice(
            "parc",
            "Année",
            [str(y) for y in reversed(years)],
            "annee",
            str(years[-1]),
            help="Entrants et sortants de l'année, vacance au 1er janvier, rotation de l'année.",
        )
    return ParcSelection(level, code, names[code], int(year), viewer)


def _territory_picker(level: str, names: dict[str, str]) -> str:
    codes = sorted(names, key=lambda c: names[c])
    if level == "epci":
        st.selectbox("Territoire", codes, format_func=names.get, disabled=True)
        return codes[0]
    default = DEFAULT_COMMUNE if level == "commune" and DEFAULT_COMMUNE in names else codes[0]
    label = {"commune": "Commune", "quartier": "Quartier", "residence": "Résidence"}[level]
    return url_choice("parc", label, codes, level, default, names.get)


def parc_header(sel: ParcSelection) -> None:
    """The territory and year shown, links carrying them to the other pages, the access note."""
    st.subheader(f"{sel.label} — {sel.year}", anchor=False)
    with st.container(horizontal=True):
        if sel.level in ("commune", "quartier"):
            st.page_link(
                "pages/carte.py",
                label="Voir sur la carte du territoire",
                icon=":material/map:",
                query_params={"echelle": sel.level, sel.level: sel.code},
            )
        if sel.level == "commune" and sel.code in set(cache.cms_objectives()["commune_code"]):
            st.page_link(
                "pages/sru.py",
                label="Situation SRU de la commune",
                icon=":material/balance:",
                query_params={"commune": sel.code, "annee": str(sel.year), "vue": SRU_TABS[1]},
            )
    if not sel.viewer.sees_all_residences:
        rules = cache.masking_rules()
        st.caption(
            f":material/lock: Secret statistique : un profil de ménages calculé sur moins de "
            f"{rules.min_households} ménages ayant répondu, où un bailleur détient plus de "
            f"{rules.dominance_pct:g} % des logements ou des ménages, ou qui permettrait d'en "
            f"déduire un autre, est masqué (« {rules.marker} ») ; les chiffres d'une résidence "
            "sont réservés à son bailleur et au service habitat. Les fichiers téléchargés "
            "suivent toujours ces règles."
        )
