"""A shared link opened first on a freshly started server shows the page inside its frame.

Streamlit would otherwise run a page of the ``pages/`` folder on its own (legacy multipage
mode) on the very first visit: no shared sidebar, no login, the files as menu.
"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import assert_no_exception, streamlit_server, wait_for_app

pytestmark = pytest.mark.e2e


def test_a_page_link_opened_first_runs_inside_the_frame(browser, tmp_path):
    with streamlit_server(tmp_path) as url:
        context = browser.new_context(viewport={"width": 1440, "height": 1000})
        page = context.new_page()
        page.goto(f"{url}/sru")
        wait_for_app(page)
        page.get_by_role("heading", name="SRU et contrat de mixité sociale").wait_for(
            timeout=30_000
        )
        sidebar = page.locator("[data-testid='stSidebar']")
        sidebar.get_by_text("Vue publique").wait_for(timeout=30_000)
        assert sidebar.get_by_text("Carte du territoire").count() == 1
        assert sidebar.get_by_text("app", exact=True).count() == 0
        assert page.locator("[data-testid='stDialog']").count() == 0  # no « page not found »
        assert_no_exception(page)
        context.close()
