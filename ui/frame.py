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
from services.access import PUBLIC, Viewer
from services.masking import ROLES
from ui import cache
from ui.fmt import fmt_number
from ui.link_notices import begin_run, show_notices
from ui.widgets import demo_notice, page_style, query_choice

_ROLE_HELP = (
    "**Public** : élus en réunion publique et documents diffusés ; le secret statistique (moins "
    "de {households} ménages) et la règle de dominance (un bailleur au-delà de {share} % des "
    "logements) s'appliquent à toute donnée d'occupation. **Bailleur social** et **service "
    "habitat** de Grand Poitiers voient les chiffres par résidence."
)

# Set by the frame and consumed by the page within one script run (runs use one thread each).
_run = threading.local()

# (file, title, icon, url path) of each page, by section; the first page is the default.
PAGE_LIST: dict[str, list[tuple[str, str, str, str | None]]] = {
    "Territoire": [("pages/carte.py", "Carte du territoire", ":material/map:", None)],
    "Suivi": [
        ("pages/sru.py", "SRU et mixité sociale", ":material/balance:", "sru"),
        ("pages/parc.py", "Parc social", ":material/apartment:", "parc"),
    ],
    "Cotation": [
        ("pages/cotation.py", "Cotation des résidences", ":material/leaderboard:", "cotation"),
        ("pages/residence.py", "Fiche résidence", ":material/home_work:", "residence"),
        ("pages/pairs.py", "Groupes de pairs", ":material/hub:", "pairs"),
    ],
    "Référence": [
        ("pages/methode.py", "Méthode et sources", ":material/menu_book:", "methode"),
    ],
}
# The French « page introuvable », hidden from the menu; the server sends any other address there
# (``serve.py``), with the address asked for in the ``adresse`` parameter.
NOT_FOUND = ("pages/introuvable.py", "Page introuvable", ":material/link_off:", "introuvable")


def page_addresses() -> frozenset[str]:
    """The URL path of every page (``""`` for the home page), the hidden « introuvable » included.

    Every page that :func:`build_pages` gives the navigation must be listed here: the server
    sends any other address to the « page introuvable ».
    """
    paths = {url or "" for entries in PAGE_LIST.values() for *_, url in entries}
    return frozenset(paths | {NOT_FOUND[3]})


def build_pages() -> dict[str, list[st.Page]]:
    """New ``st.Page`` objects for ``st.navigation``, built for each script run.

    Streamlit marks the page object picked by the navigation as runnable and clears the mark
    when it runs: page objects shared between sessions (built once at import) let two sessions
    opening the same page at once collide (« This page cannot be called directly »).
    """
    first = True
    sections: dict[str, list[st.Page]] = {}
    for section, entries in PAGE_LIST.items():
        pages = []
        for path, title, icon, url_path in entries:
            options = {"url_path": url_path} if url_path else {"default": first}
            pages.append(st.Page(path, title=title, icon=icon, **options))
            first = False
        sections[section] = pages
    path, title, icon, url_path = NOT_FOUND
    hidden = st.Page(path, title=title, icon=icon, url_path=url_path, visibility="hidden")
    sections[next(reversed(sections))].append(hidden)
    return sections


def page_directory() -> None:
    """Links to every page of the menu, by section (the « page introuvable » offers them)."""
    for section, entries in PAGE_LIST.items():
        st.markdown(f"**{section}**")
        for path, title, icon, _ in entries:
            st.page_link(path, label=title, icon=icon)


def sidebar() -> None:
    """The sidebar shared by all pages: territory name, data origin and the access profile."""
    _run.framed = True
    begin_run()
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


def current_viewer() -> Viewer:
    """The viewer of this run, as a :class:`services.access.Viewer`.

    Transitional: derived from the sidebar's access profile until the login replaces it. The
    former « bailleur » profile saw every residence, hence the bailleurs of the whole parc.
    """
    code = current_role()
    if code == "public":
        return PUBLIC
    if code == "bailleur":
        names = frozenset(cache.residences()["bailleur"].dropna().astype(str))
        return Viewer("bailleur", "bailleur", "Bailleur social", names)
    return Viewer(code, code, ROLES[code].label)


def start_page(title: str, notice: bool = True) -> None:
    """Open a page: make sure it runs inside the frame, then its title, the demo notice and the
    notices about the link (:mod:`ui.link_notices`)."""
    if not getattr(_run, "framed", False):
        PagesManager.uses_pages_directory = False
        st.rerun()
    _run.framed = False
    page_style()
    st.title(title)
    if notice:
        demo_notice(cache.is_demo())
    show_notices()
