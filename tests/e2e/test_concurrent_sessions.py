"""Several people opening the same pages at the same moment: no run may fail.

Sessions speak Streamlit's websocket protocol (``bench/load_client.py``), no browser needed.
With navigation pages shared between sessions, 70 of 112 such runs ended in « This page cannot be
called directly »; the frame now builds the pages for each run.
"""

from __future__ import annotations

import pytest

from bench.load_client import Link, open_together
from ui.frame import PAGE_CAPABILITY, PAGE_LIST

pytestmark = pytest.mark.e2e


def _all_pages() -> list[Link]:
    return [Link(url or "") for entries in PAGE_LIST.values() for _, _, _, url in entries]


def test_eight_sessions_opening_every_page_together_never_fail(server_url):
    results = open_together(server_url, 8, _all_pages())
    failures = [f"{r.link} (session {r.session}) : {r.errors[0]}" for r in results if not r.ok]
    assert len(results) == 8 * len(_all_pages())
    assert failures == []
    # Every page open to the public sends its content; the pages kept for some roles send a
    # refusal only.
    small = {r.link.page for r in results if r.received_bytes <= 10_000}
    assert small <= set(PAGE_CAPABILITY), small
