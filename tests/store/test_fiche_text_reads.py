"""Reading fiche texts back: one version, and the latest of many territories in one query, on
SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from store import Actor, NotFoundError, fiches, read_session, write_session

CIL = Actor("demo.cil", "Marie Dupont", "cil")


def test_one_version_and_the_latest_of_many_territories(store_url):
    with write_session(store_url) as session:
        fiches.save_text(session, CIL, "86041", "orientations", "B1", 0, "c")
        fiches.save_text(session, CIL, "86041", "orientations", "B2", 1, "c")
        fiches.save_text(session, CIL, "86041", "actions", "BA1", 0, "c")
        fiches.save_text(session, CIL, "86194Q02", "actions", "Q1", 0, "c")
        fiches.save_text(session, CIL, "86024", "actions", "autre", 0, "c")
    with read_session(store_url) as session:
        first = fiches.text_version(session, "86041", "orientations", 1)
        latest = fiches.latest_texts(session, ["86041", "86194Q02", "epci", "bad code!"])
        assert fiches.latest_texts(session, []) == {}
        with pytest.raises(NotFoundError, match="pas de version 3"):
            fiches.text_version(session, "86041", "orientations", 3)
    assert (first.version, first.text) == (1, "B1")
    assert {k: (r.version, r.text) for k, r in latest.items()} == {
        ("86041", "orientations"): (2, "B2"),
        ("86041", "actions"): (1, "BA1"),
        ("86194Q02", "actions"): (1, "Q1"),
    }
