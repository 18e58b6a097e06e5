"""The frame around every page: the page list for ``st.navigation``, the shared sidebar and the
opening of each page (title, demo-data notice, styles).

The screens live in ``pages/``. Streamlit treats a ``pages/`` folder beside the entry point as a
legacy multipage app when the very first visit of a freshly started server opens a page URL
directly (e.g. a shared link to ``/cotation``): the page would then run without this frame.
:func:`start_page` detects that case (the frame did not run before the page in this script run),
switches Streamlit to ``st.navigation`` mode and reruns through ``app.py``.
"""

from __future__ import annotations

import threading

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from geodata.communes import EPCI_NAME
from geodata.schemas import DEMO_NOTICE
from services.masking import ROLES
from ui import cache
from ui.fmt import fmt_number
from ui.widgets import demo_notice, page_style, query_choice

_ROLE_HELP = (
    "**Public** : élus en réunion publique et documents diffusés ; le secret statistique (moins "
    "de {households} ménages) et la règle de dominance (un bailleur au-delà de {share} % des "
    "logements) s'appliquent à toute donnée d'occupation. **Bailleur social** et **service "
    "habitat** de Grand Poitiers voient les chiffres par résidence."
)

# Set by the frame and consumed by the page within one script run (runs use one thread each).
_run = threading.local()

PAGES = {
    "Territoire": [
        st.Page(
            "pages/carte.py",
            title="Carte du territoire",
            icon=":material/map:",
            default=True,
        ),
    ],
    "Suivi": [
        st.Page(
            "pages/sru.py",
            title="SRU et mixité sociale",
            icon=":material/balance:",
            url_path="sru",
        ),
        st.Page(
            "pages/parc.py",
            title="Parc social",
            icon=":material/apartment:",
            url_path="parc",
        ),
    ],
    "Cotation": [
        st.Page(
            "pages/cotation.py",
            title="Cotation des résidences",
            icon=":material/leaderboard:",
            url_path="cotation",
        ),
        st.Page(
            "pages/residence.py",
            title="Fiche résidence",
            icon=":material/home_work:",
            url_path="residence",
        ),
        st.Page(
            "pages/pairs.py",
            title="Groupes de pairs",
            icon=":material/hub:",
            url_path="pairs",
        ),
    ],
    "Référence": [
        st.Page(
            "pages/methode.py",
            title="Méthode et sources",
            icon=":material/menu_book:",
            url_path="methode",
        ),
    ],
}


def sidebar() -> None:
    """The sidebar shared by all pages: territory name, data origin and the access profile."""
    _run.framed = True
    if cache.refresh_if_data_changed():
        st.toast("Nouvelles données importées : tableaux recalculés.", icon=":material/sync:")
    with st.sidebar:
        st.markdown(f"**{EPCI_NAME}**  \nPolitique d'attribution et mixité sociale")
        if cache.is_demo():
            st.caption(f":material/science: {DEMO_NOTICE}")
        rules = cache.masking_rules()
        query_choice(
            "Profil d'accès",
            list(ROLES),
            "profil_acces",
            "public",
            lambda code: ROLES[code].label,
            help=_ROLE_HELP.format(
                households=rules.min_households, share=fmt_number(rules.dominance_pct, 0)
            ),
        )


def current_role() -> str:
    """The access profile chosen in the sidebar (``public``, ``bailleur``, ``service_habitat``)."""
    return st.session_state.get("qp_profil_acces", "public")


def start_page(title: str, notice: bool = True) -> None:
    """Open a page: make sure it runs inside the frame, then its title and the demo notice."""
    if not getattr(_run, "framed", False):
        PagesManager.uses_pages_directory = False
        st.rerun()
    _run.framed = False
    page_style()
    st.title(title)
    if notice:
        demo_notice(cache.is_demo())
