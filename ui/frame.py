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
from services.access import CAPABILITY_LABELS, Viewer
from ui import auth, cache, profile_catalogue
from ui.link_notices import show_notices
from ui.login_view import login_form
from ui.run_state import run_values
from ui.widgets import demo_notice, page_style

# Set by the frame and consumed by the page within one script run (runs use one thread each).
_run = threading.local()

# (file, title, icon, url path) of each page, by section; the first page is the default.
PAGE_LIST: dict[str, list[tuple[str, str, str, str | None]]] = {
    "Territoire": [
        ("pages/carte.py", "Carte du territoire", ":material/map:", None),
        ("pages/fiches.py", "Fiches territoriales", ":material/description:", "fiches"),
    ],
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
    "Compte": [
        ("pages/connexion.py", "Connexion", ":material/login:", "connexion"),
        ("pages/utilisateurs.py", "Utilisateurs", ":material/group:", "utilisateurs"),
        ("pages/import.py", "Import des données", ":material/upload_file:", "import"),
        ("pages/journal.py", "Journal des décisions", ":material/history:", "journal"),
    ],
}
# Pages listed in the navigation only for the roles with this capability. They stay reachable
# by their address (hidden), where the page itself refuses in French: a link never grants access.
PAGE_CAPABILITY = {
    "utilisateurs": "manage_users",
    "import": "import_data",
    "journal": "view_journal",
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


def open_session() -> Viewer:
    """Start a run: refresh the caches if the data changed, decide who is looking (from the
    server-side session and the store) and read the saved profiles the viewer may use."""
    values = run_values()
    values.clear()
    viewer, notes = auth.open_session()
    profile_catalogue.refresh(viewer)
    values["viewer"] = viewer
    values["notes"] = notes
    return viewer


def build_pages(viewer: Viewer | None = None) -> dict[str, list[st.Page]]:
    """New ``st.Page`` objects for ``st.navigation``, built for each script run.

    Streamlit marks the page object picked by the navigation as runnable and clears the mark
    when it runs: page objects shared between sessions (built once at import) let two sessions
    opening the same page at once collide (« This page cannot be called directly »). Pages of
    :data:`PAGE_CAPABILITY` are hidden from the navigation of roles without the capability;
    the « Connexion » page is titled « Mon compte » once logged in.
    """
    viewer = viewer or current_viewer()
    first = True
    sections: dict[str, list[st.Page]] = {}
    for section, entries in PAGE_LIST.items():
        pages = []
        for path, title, icon, url_path in entries:
            options = {"url_path": url_path} if url_path else {"default": first}
            capability = PAGE_CAPABILITY.get(url_path or "")
            if capability and not viewer.can(capability):
                options["visibility"] = "hidden"
            if url_path == "connexion" and not viewer.is_public:
                title, icon = "Mon compte", ":material/account_circle:"
            pages.append(st.Page(path, title=title, icon=icon, **options))
            first = False
        sections[section] = pages
    path, title, icon, url_path = NOT_FOUND
    hidden = st.Page(path, title=title, icon=icon, url_path=url_path, visibility="hidden")
    sections[next(reversed(sections))].append(hidden)
    return sections


def page_directory() -> None:
    """Links to the pages of the viewer's menu, by section (the « page introuvable » offers
    them)."""
    viewer = current_viewer()
    for section, entries in PAGE_LIST.items():
        shown = [
            (path, title, icon)
            for path, title, icon, url_path in entries
            if url_path not in PAGE_CAPABILITY or viewer.can(PAGE_CAPABILITY[url_path])
        ]
        if not shown:
            continue
        st.markdown(f"**{section}**")
        for path, title, icon in shown:
            st.page_link(path, label=title, icon=icon)


def sidebar(viewer: Viewer | None = None, page: str = "") -> None:
    """The sidebar shared by all pages: territory name, data origin, who is logged in.

    ``page`` is the URL path of the page shown (the login page needs no second login form).
    """
    _run.framed = True
    viewer = viewer or current_viewer()
    with st.sidebar:
        st.markdown(f"**{EPCI_NAME}**  \nPolitique d'attribution et mixité sociale")
        if cache.is_demo():
            st.caption(f":material/science: {DEMO_NOTICE}")
        account_box(viewer, with_form=page != "connexion")


def account_box(viewer: Viewer, with_form: bool = True) -> None:
    """Who is logged in, with the logout button; or the public view and a folded login form
    (logging in keeps the page and its link: a shared link shows more once logged in)."""
    if viewer.is_public:
        st.caption(
            ":material/public: **Vue publique** : secret statistique appliqué à toute donnée "
            "d'occupation."
        )
        if with_form:
            with st.expander("Se connecter", icon=":material/login:"):
                login_form("laterale")
        return
    bailleurs = f" · {', '.join(sorted(viewer.bailleurs))}" if viewer.bailleurs else ""
    st.caption(
        f":material/account_circle: **{viewer.display_name}**  \n{viewer.role.label}{bailleurs}"
    )
    st.button(
        "Se déconnecter",
        icon=":material/logout:",
        on_click=auth.log_out,
        args=(viewer,),
        key="deconnexion",
    )


def current_viewer() -> Viewer:
    """The viewer of this run: the logged-in account re-read from the store, else the public."""
    values = run_values()
    if "viewer" not in values:
        values["viewer"], _ = auth.open_session()
    return values["viewer"]


def require_page(capability: str) -> Viewer:
    """Refuse the page, in French and without any data, to a viewer without ``capability``."""
    viewer = current_viewer()
    if not viewer.can(capability):
        st.error(
            f"Accès refusé : cette page est réservée ({CAPABILITY_LABELS[capability]}). Votre "
            f"rôle : « {viewer.role.label} ». Connectez-vous avec un compte qui le permet.",
            icon=":material/block:",
        )
        st.page_link("pages/connexion.py", label="Connexion", icon=":material/login:")
        st.stop()
    return viewer


def start_page(title: str, notice: bool = True, needs_data: bool = True) -> None:
    """Open a page: make sure it runs inside the frame, then its title, the demo notice and the
    notices about the link (:mod:`ui.link_notices`).

    A page that ``needs_data`` stops with a French message when the files of the version in
    force are missing on this server (several servers without a shared data folder); the
    import page does not need them, so that a rollback stays possible.
    """
    if not getattr(_run, "framed", False):
        PagesManager.uses_pages_directory = False
        st.rerun()
    _run.framed = False
    page_style()
    st.title(title)
    for note in run_values().pop("notes", None) or ():
        st.info(note, icon=":material/info:")
    problem = cache.data_problem()
    if problem and needs_data:
        st.error(problem, icon=":material/folder_off:")
        st.stop()
    if notice:
        demo_notice(cache.is_demo())
    show_notices()
