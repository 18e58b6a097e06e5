"""Fiche texts, dataset versions, the data version and the audit trail's filters, on SQLite and
PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from store import (
    Actor,
    ConflictError,
    NotFoundError,
    StoreError,
    datasets,
    fiches,
    read_session,
    write_session,
)
from store import audit as audit_store

CIL = Actor("demo.cil", "Membre de la CIL", "cil")
OTHER = Actor("paul.cil", "Paul Martin", "cil")
HABITAT = Actor("demo.habitat", "Service habitat", "service_habitat")


def test_every_version_of_a_fiche_text_is_kept(store_url):
    with write_session(store_url) as session:
        fiches.save_text(session, CIL, "86194Q02", "orientations", "Texte 1", 0, "premier jet")
        fiches.save_text(session, OTHER, "86194Q02", "orientations", "Texte 2", 1)
        fiches.save_text(session, CIL, "86194Q02", "actions", "Action 1", 0)
    with read_session(store_url) as session:
        latest = fiches.latest_text(session, "86194Q02", "orientations")
        history = fiches.text_history(session, "86194Q02", "orientations")
        lines = audit_store.query(session, actions=["fiche_text_saved"])
        assert fiches.latest_text(session, "86041", "actions") is None
    assert (latest.version, latest.text, latest.author_name) == (2, "Texte 2", "Paul Martin")
    assert [(r.version, r.text, r.comment) for r in history] == [
        (2, "Texte 2", None),
        (1, "Texte 1", "premier jet"),
    ]
    second = next(e for e in lines if e.after["version"] == 2)
    assert second.before == {"version": 1, "texte": "Texte 1"}
    assert second.target == "86194Q02/orientations"


def test_a_stale_fiche_save_gets_the_other_version(store_url):
    with write_session(store_url) as session:
        fiches.save_text(session, CIL, "86041", "actions", "A", 0)
        fiches.save_text(session, OTHER, "86041", "actions", "B", 1)
    with pytest.raises(ConflictError) as caught, write_session(store_url) as session:
        fiches.save_text(session, CIL, "86041", "actions", "C", 1)
    assert caught.value.current.text == "B"
    assert "Paul Martin" in str(caught.value) and "Rien n'a été écrasé" in str(caught.value)
    with read_session(store_url) as session:
        assert len(fiches.text_history(session, "86041", "actions")) == 2


@pytest.mark.parametrize(
    ("territory", "section", "message"),
    [
        pytest.param("86041", "constats", "section « constats » inconnue", id="section"),
        pytest.param("86 041;", "actions", "territoire « 86 041; » invalide", id="territory"),
    ],
)
def test_bad_fiche_keys_are_refused(store_url, territory, section, message):
    with pytest.raises(StoreError, match=message), write_session(store_url) as session:
        fiches.save_text(session, CIL, territory, section, "x", 0)


def test_a_dataset_version_is_switched_in_one_transaction(store_url):
    with write_session(store_url) as session:
        first = datasets.record_dataset(
            session, HABITAT, {"residences": "rpls.csv"}, {"residences": 540}, "RPLS 2024"
        )
        assert datasets.current_dataset(session) is None
        assert datasets.switch_current(session, HABITAT, first.id, "mise en service") == 2
        second = datasets.record_dataset(
            session, HABITAT, {"occupancy": "ops.csv"}, {"occupancy": 1200}
        )
        assert datasets.switch_current(session, HABITAT, second.id) == 3
    with read_session(store_url) as session:
        listed = datasets.list_datasets(session)
        current = datasets.current_dataset(session)
        switches = audit_store.query(session, actions=["dataset_switched"])
    assert [(d.id, d.status) for d in listed] == [(second.id, "current"), (first.id, "retired")]
    assert current.id == second.id and current.row_counts == {"occupancy": 1200}
    assert switches[0].before == {"version en service": first.id}
    assert switches[0].after == {"version en service": second.id, "version des données": 3}


def test_a_dataset_names_its_directory_once(store_url):
    with write_session(store_url) as session:
        first = datasets.record_dataset(
            session, HABITAT, {"rpls": "rpls.csv"}, {"residences": 5}, directory="v1"
        )
        datasets.record_dataset(session, HABITAT, {"rpls": "rpls.csv"}, {"residences": 6})
        assert datasets.recorded_directories(session) == {"v1"}
    assert first.directory == "v1"
    with pytest.raises(Exception, match=r"(?i)unique"), write_session(store_url) as session:
        datasets.record_dataset(session, HABITAT, {"rpls": "b.csv"}, {}, directory="v1")


def test_a_switch_built_on_another_version_than_the_one_in_force_is_refused(store_url):
    with write_session(store_url) as session:
        first = datasets.record_dataset(session, HABITAT, {"a": "a.csv"}, {"residences": 1})
        second = datasets.record_dataset(session, HABITAT, {"b": "b.csv"}, {"residences": 2})
        datasets.switch_current(session, HABITAT, first.id, expected_current=None)
    with pytest.raises(ConflictError, match="a changé") as info, write_session(store_url) as s:
        datasets.switch_current(s, HABITAT, second.id, expected_current=None)
    assert info.value.current.id == first.id
    with write_session(store_url) as session:
        version = datasets.switch_current(
            session,
            HABITAT,
            None,
            "erreur",
            expected_current=first.id,
            action="dataset_rolled_back",
        )
    with read_session(store_url) as session:
        assert datasets.current_dataset(session) is None and version == 3
        line = audit_store.query(session, actions=["dataset_rolled_back"])[0]
    assert (line.before, line.reason) == ({"version en service": first.id}, "erreur")


def test_a_failed_dataset_cannot_be_switched_to(store_url):
    with write_session(store_url) as session:
        staged = datasets.record_dataset(session, HABITAT, {"residences": "x.csv"}, {})
        datasets.mark_failed(session, HABITAT, staged.id, "ligne 3 : valeur « abc »")
    with pytest.raises(StoreError, match="en échec"), write_session(store_url) as session:
        datasets.switch_current(session, HABITAT, staged.id)
    with pytest.raises(NotFoundError, match="n° 999"), write_session(store_url) as session:
        datasets.switch_current(session, HABITAT, 999)
    with read_session(store_url) as session:
        assert datasets.data_version(session) == 1


def test_the_audit_trail_filters(store_url):
    with write_session(store_url) as session:
        audit_store.record(session, CIL, "profile_saved", "profile", "a", reason="quartiers nord")
        audit_store.record(session, OTHER, "profile_saved", "profile", "b", reason="autre")
        audit_store.record(session, HABITAT, "profile_reference", "profile", "a", reason="CIL")
    with read_session(store_url) as session:
        assert [e.target for e in audit_store.query(session)] == ["a", "b", "a"]
        assert [e.actor for e in audit_store.query(session, actor="paul.cil")] == ["paul.cil"]
        assert [e.action for e in audit_store.query(session, actions=["profile_reference"])] == [
            "profile_reference"
        ]
        assert [e.reason for e in audit_store.query(session, text="NORD")] == ["quartiers nord"]
        assert [e.actor for e in audit_store.query(session, text="paul")] == ["paul.cil"]
        future = dt.datetime(2999, 1, 1)
        assert audit_store.query(session, since=future) == []
        assert len(audit_store.query(session, until=future, limit=2)) == 2
        assert audit_store.actors(session) == [
            ("demo.cil", "Membre de la CIL"),
            ("paul.cil", "Paul Martin"),
            ("demo.habitat", "Service habitat"),
        ]
