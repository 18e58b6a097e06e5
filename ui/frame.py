"""The frame around every page: the page list for ``st.navigation``, the shared sidebar and the
opening of each page (title, demo-data notice, styles).

The screens live in ``pages/``. Streamlit treats a ``pages/`` folder beside the entry point as a
legacy multipage app when the very first visit of a freshly started server opens a page URL
directly (e.g. a shared link to ``/cotation``): the page would then run without this frame.
:func:`start_page` detects that case, switches Streamlit to ``st.navigation`` mode and reruns
through ``app.py``.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from geodata.communes import EPCI_NAME
from geodata.schemas import DEMO_NOTICE
from ui import cache
from ui.widgets import demo_notice, page_style

_FRAMED = "_frame_ran"

PAGES = {
    "Territoire": [
        st.Page(
            "pages/carte.py",
            title="Carte du territoire",
            icon=":material/map:",
            default=True,
        ),
    ],
}


def sidebar() -> None:
    """The sidebar shared by all pages: territory name and data origin."""
    st.session_state[_FRAMED] = True
    with st.sidebar:
        st.markdown(f"**{EPCI_NAME}**  \nPolitique d'attribution et mixité sociale")
        if cache.is_demo():
            st.caption(f":material/science: {DEMO_NOTICE}")


def start_page(title: str, notice: bool = True) -> None:
    """Open a page: make sure it runs inside the frame, then its title and the demo notice."""
    if not st.session_state.get(_FRAMED):
        PagesManager.uses_pages_directory = False
        st.rerun()
    page_style()
    st.title(title)
    if notice:
        demo_notice(cache.is_demo())
