"""AppTest helpers: run the dashboard's frame on a given page, as a user would open it."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

from services.access import Viewer
from store.clock import utcnow
from tests.html_tables import RANKING_COLUMNS, TEXT_COLUMNS, html_tables, read_number
from ui import cache
from ui.auth import SINCE_KEY, USER_KEY
from ui.weights import indicators_open_key

ROOT = Path(__file__).resolve().parents[2]


# The demonstration account of each role (config/demo_accounts.toml).
DEMO_USERS = {
    "elu": "demo.elu",
    "cil": "demo.cil",
    "bailleur": "demo.bailleur",
    "service_habitat": "demo.habitat",
    "admin": "demo.admin",
}


def log_in_as(app: AppTest, role: str) -> AppTest:
    """Put the demo account of ``role`` in the session, as the login page does on success."""
    if role != "public":
        app.session_state[USER_KEY] = DEMO_USERS[role]
        app.session_state[SINCE_KEY] = utcnow()
    return app


def open_page(
    page: str | None = None, query: dict[str, str] | None = None, role: str = "public"
) -> AppTest:
    """Run ``app.py`` on ``pages/<page>.py`` (the home page when None) as a link carrying
    ``query`` opens it (that page first, no other before), as the demo account of ``role``
    (``public``: nobody logged in); return the AppTest."""
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, value in (query or {}).items():
        app.query_params[key] = value
    log_in_as(app, role)
    if page is not None:
        app.switch_page(f"pages/{page}.py")
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def ranking_of(app: AppTest) -> pd.DataFrame | None:
    """The page of the ranking shown on the cotation page (None when there is none), read
    back: the cotation table's column names, numbers as floats (NaN for « — »)."""
    for block in (m.value for m in app.markdown):
        if "<th scope='col'>Identifiant</th>" not in block:
            continue
        table = html_tables(block)[0].rename(columns=RANKING_COLUMNS)
        for column in table.columns:
            if column not in TEXT_COLUMNS:
                values = [read_number(v) for v in table[column]]
                kept = any(isinstance(v, str) for v in values)
                table[column] = pd.Series(values, dtype=object if kept else float)
        return table
    return None


def open_indicator_sliders(app: AppTest) -> AppTest:
    """Open the expanders of the indicator sliders on the cotation page (drawn only once
    opened) and rerun."""
    pillars = [
        s.key.removeprefix("poids_pilier_") for s in app.slider if s.key.startswith("poids_pilier_")
    ]
    for pillar in pillars:
        app.session_state[indicators_open_key(pillar)] = True
    return app.run()


def indicator_slider(app: AppTest, key: str):
    """The slider ``key`` of the cotation page, its expander opened first when it is closed."""
    if not any(s.key == key for s in app.slider):
        open_indicator_sliders(app)
    return app.slider(key=key)


@contextmanager
def navigation_mode():
    """Run as a started server does after its first visit: in ``st.navigation`` mode.

    AppTest re-detects Streamlit's legacy ``pages/`` mode before every run, where a server does
    it once at start; the first-visit switch (``ui.frame.start_page``) is covered by the browser
    tests, which open page URLs on a fresh server.
    """
    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    PagesManager.__init__ = init
    try:
        yield
    finally:
        PagesManager.__init__ = original


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Each test starts with empty Streamlit caches: every test has its own store and data
    folder, whose data versions start again at the same numbers."""
    st.cache_data.clear()
    st.cache_resource.clear()
    cache._loaded = None
    yield


@pytest.fixture(autouse=True)
def _navigation_mode():
    with navigation_mode():
        yield


SERVICE_HABITAT = Viewer("service_habitat", "habitat", "Service habitat")


def bailleur(*names: str) -> Viewer:
    """A bailleur account tied to ``names`` (as in the residences' ``bailleur`` column)."""
    return Viewer("bailleur", "bailleur", "Bailleur social", frozenset(names))


@pytest.fixture()
def viewed_as(monkeypatch):
    """Run the pages as a given viewer, whatever its account: ``viewed_as(bailleur("X"))``
    before opening them (the demo accounts are :func:`open_page`'s ``role``).

    The session opened by the frame at each run (:func:`ui.auth.open_session`) returns it.
    """

    def use(viewer: Viewer) -> None:
        monkeypatch.setattr("ui.auth.open_session", lambda *args, **kwargs: (viewer, []))

    return use


@pytest.fixture()
def markdown_text():
    """All Markdown of a run, joined, to search for labels and figures."""

    def collect(app: AppTest) -> str:
        return "\n".join(m.value for m in app.markdown)

    return collect
