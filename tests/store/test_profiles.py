"""Saved weight profiles, on SQLite and PostgreSQL: versions, conflicts, the single reference."""

from __future__ import annotations

import pytest

from store import Actor, ConflictError, StoreError, profiles, read_session, write_session
from store import audit as audit_store
from store.datasets import data_version

CIL = Actor("demo.cil", "Membre de la CIL", "cil")
OTHER = Actor("paul.cil", "Paul Martin", "cil")
HABITAT = Actor("demo.habitat", "Service habitat", "service_habitat")
WEIGHTS = {"pillar_weights": {"patrimoine": 30}, "indicator_weights": {"dpe_rank": 2}}


def _save(url, actor=CIL, name="equilibre-2025", expected=None, pillar=30, comment="groupe 1"):
    with write_session(url) as session:
        return profiles.save_profile(
            session,
            actor,
            name=name,
            label="Équilibre 2025",
            pillar_weights={"patrimoine": pillar},
            indicator_weights={"dpe_rank": 2},
            method={"normalisation": "rank"},
            comment=comment,
            expected_version=expected,
        )


def test_a_new_profile_is_a_draft_at_version_1_with_its_audit_line(store_url):
    saved = _save(store_url)
    assert (saved.status, saved.version, saved.author, saved.author_name) == (
        "draft",
        1,
        "demo.cil",
        "Membre de la CIL",
    )
    assert saved.pillar_weights == {"patrimoine": 30.0} and saved.method == {
        "normalisation": "rank"
    }
    with read_session(store_url) as session:
        line = audit_store.query(session)[0]
    assert (line.action, line.target, line.reason, line.before) == (
        "profile_saved",
        "equilibre-2025",
        "groupe 1",
        None,
    )
    assert line.after["poids des piliers"] == {"patrimoine": 30.0}


def test_a_comment_and_a_valid_name_are_required(store_url):
    with pytest.raises(StoreError, match="commentaire est obligatoire"):
        _save(store_url, comment="  ")
    with pytest.raises(StoreError, match="nom de profil « Équilibre » invalide"):
        _save(store_url, name="Équilibre")


def test_the_second_save_of_a_stale_version_gets_the_other_version(store_url):
    _save(store_url)
    first = _save(store_url, actor=OTHER, expected=1, pillar=40, comment="Paul d'abord")
    assert first.version == 2
    with pytest.raises(ConflictError) as caught:
        _save(store_url, expected=1, pillar=50, comment="moi ensuite")
    assert caught.value.current.version == 2
    assert caught.value.current.pillar_weights == {"patrimoine": 40.0}
    message = str(caught.value)
    assert "vous partiez de la version 1" in message and "Paul Martin" in message
    assert "Rien n'a été écrasé" in message
    with read_session(store_url) as session:
        kept = profiles.get_profile(session, "equilibre-2025")
        saves = audit_store.query(session, actions=["profile_saved"])
    assert kept.pillar_weights == {"patrimoine": 40.0} and len(saves) == 2


def test_a_taken_name_is_a_conflict(store_url):
    _save(store_url)
    with pytest.raises(ConflictError, match="ce nom est déjà pris"):
        _save(store_url, actor=OTHER)


def test_making_a_reference_demotes_the_previous_one_and_raises_the_data_version(store_url):
    a = _save(store_url, name="profil-a")
    b = _save(store_url, name="profil-b")
    with write_session(store_url) as session:
        profiles.set_status(session, CIL, "profil-a", "proposed", "à discuter", a.version)
        ref_a = profiles.set_status(session, HABITAT, "profil-a", "reference", "CIL du 3 juin", 2)
        assert data_version(session) == 2
        ref_b = profiles.set_status(
            session, HABITAT, "profil-b", "reference", "CIL du 1er juillet", b.version
        )
        assert data_version(session) == 3
    assert ref_a.status == "reference" and ref_b.status == "reference"
    with read_session(store_url) as session:
        assert profiles.reference_profile(session).name == "profil-b"
        assert profiles.get_profile(session, "profil-a").status == "proposed"
        line = audit_store.query(session, actions=["profile_reference"])[0]
    assert line.after["référence précédente"] == "profil-a" and line.reason == "CIL du 1er juillet"
    assert line.actor == "demo.habitat"


def test_the_reference_is_not_edited_in_place(store_url):
    saved = _save(store_url)
    with write_session(store_url) as session:
        profiles.set_status(session, HABITAT, saved.name, "reference", "choix", saved.version)
    with pytest.raises(StoreError, match="ne se modifie pas"):
        _save(store_url, expected=2)


def test_a_status_change_from_a_stale_version_is_a_conflict_and_changes_nothing(store_url):
    _save(store_url)
    _save(store_url, expected=1, pillar=45)
    with pytest.raises(ConflictError), write_session(store_url) as session:
        profiles.set_status(session, HABITAT, "equilibre-2025", "reference", "choix", 1)
    with read_session(store_url) as session:
        assert profiles.reference_profile(session) is None
        assert data_version(session) == 1
