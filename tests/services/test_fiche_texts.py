"""The orientations and actions of the fiches (services/fiche_texts.py): save, conflict,
history, restore, the right checked here whatever the page shows, and the texts as printed."""

from __future__ import annotations

import datetime as dt

import pytest

from services import fiche_texts
from services.access import PUBLIC, AccessDeniedError, Viewer
from services.fiche_model import FicheText
from services.fiche_texts import (
    byline,
    fiche_text,
    fiche_text_history,
    fiche_texts_for,
    restore_fiche_text,
    save_fiche_text,
)
from store import ConflictError, NotFoundError, StoreError, read_session
from store import audit as audit_store

CIL = Viewer("cil", "demo.cil", "Marie Dupont")
HABITAT = Viewer("service_habitat", "demo.habitat", "Paul Martin")
ELU = Viewer("elu", "demo.elu", "Élue")
BAILLEUR = Viewer("bailleur", "demo.bailleur", "Bailleur", frozenset({"Les Toits du Clain"}))
ADMIN = Viewer("admin", "demo.admin", "Administrateur")
ORIENTATIONS = "Orientations d'attribution"
ACTIONS = "Actions complémentaires"


@pytest.fixture()
def clock(monkeypatch):
    """The store's clock, set by the test (naive UTC)."""
    now = {"value": dt.datetime(2026, 3, 31, 22, 30)}
    monkeypatch.setattr("store.fiches.utcnow", lambda: now["value"])
    return now


def test_a_saved_text_is_read_back_with_its_paris_byline(clock):
    saved = save_fiche_text(CIL, "86041", "orientations", "Rééquilibrer.", 0, "séance du 31")
    assert (saved.version, saved.text, saved.author_name) == (1, "Rééquilibrer.", "Marie Dupont")
    assert fiche_text("86041", "orientations") == saved
    # 22:30 UTC on 31 March is 00:30 on 1 April in Paris (summer time)
    assert byline(saved) == "Texte rédigé par Marie Dupont le 01/04/2026 (version 1)."
    assert fiche_texts_for(["86041"]) == {
        "86041": (
            FicheText(ORIENTATIONS, "Rééquilibrer.", byline(saved)),
            FicheText(ACTIONS, ""),
        )
    }


def test_every_version_is_kept_with_author_date_and_comment(clock):
    save_fiche_text(CIL, "86194Q02", "actions", "Première", 0, "premier jet")
    clock["value"] = dt.datetime(2026, 12, 5, 9, 0)
    save_fiche_text(HABITAT, "86194Q02", "actions", "Seconde", 1, "relecture")
    history = fiche_text_history("86194Q02", "actions")
    assert [(r.version, r.text, r.author_name, r.comment) for r in history] == [
        (2, "Seconde", "Paul Martin", "relecture"),
        (1, "Première", "Marie Dupont", "premier jet"),
    ]
    assert history[0].created_at == dt.datetime(2026, 12, 5, 9, 0)
    assert fiche_texts_for(["86194Q02"])["86194Q02"][1].byline == (
        "Texte rédigé par Paul Martin le 05/12/2026 (version 2)."
    )
    with read_session() as session:
        journal = audit_store.query(session, actions=["fiche_text_saved"])
    assert {(e.target, e.reason) for e in journal} == {
        ("86194Q02/actions", "premier jet"),
        ("86194Q02/actions", "relecture"),
    }


def test_a_concurrent_save_is_refused_with_the_other_version(clock):
    save_fiche_text(CIL, "86041", "actions", "Version de base", 0, "base")
    # both start from version 1; Paul saves first
    save_fiche_text(HABITAT, "86041", "actions", "Le texte de Paul", 1, "ajout")
    with pytest.raises(ConflictError) as caught:
        save_fiche_text(CIL, "86041", "actions", "Le texte de Marie", 1, "reprise")
    message = str(caught.value)
    assert message.startswith("« Actions complémentaires » de Buxerolles non enregistré")
    assert "vous partiez de la version 1, mais Paul Martin a enregistré la version 2" in message
    assert "le 01/04/2026 à 00:30" in message and "Rien n'a été écrasé" in message
    assert caught.value.current.text == "Le texte de Paul"
    assert fiche_text("86041", "actions").text == "Le texte de Paul"
    assert len(fiche_text_history("86041", "actions")) == 2


@pytest.mark.parametrize(
    "viewer",
    [PUBLIC, ELU, BAILLEUR, ADMIN, Viewer("public", "demo.cil", "Marie Dupont")],
    ids=["public", "elu", "bailleur", "admin", "public-with-a-borrowed-name"],
)
def test_a_crafted_request_without_the_right_fails_in_services(viewer):
    with pytest.raises(AccessDeniedError, match="écrire les orientations et actions"):
        save_fiche_text(viewer, "86041", "orientations", "Texte imposé", 0, "forcé")
    save_fiche_text(CIL, "86041", "orientations", "Texte de la CIL", 0, "séance")
    with pytest.raises(AccessDeniedError):
        save_fiche_text(viewer, "86041", "orientations", "Texte imposé", 1, "forcé")
    with pytest.raises(AccessDeniedError):
        restore_fiche_text(viewer, "86041", "orientations", 1, 1, "forcé")
    assert [r.text for r in fiche_text_history("86041", "orientations")] == ["Texte de la CIL"]


@pytest.mark.parametrize(
    ("territory", "section", "text", "comment", "message"),
    [
        pytest.param("86041", "orientations", "Texte", "", "un commentaire est obligatoire",
                     id="no-comment"),
        pytest.param("86041", "orientations", "Texte", " \n ", "un commentaire est obligatoire",
                     id="blank-comment"),
        pytest.param("99999", "orientations", "Texte", "c", "territoire « 99999 » inconnu",
                     id="unknown-territory"),
        pytest.param("86041", "preambule", "Texte", "c", "section « preambule » inconnue",
                     id="unknown-section"),
        pytest.param("86041", "actions", " \n\t ", "c", "le texte est vide", id="empty-first"),
        pytest.param("86041", "actions", "x" * 20_001, "c", "attendu au plus 20000 caractères",
                     id="too-long"),
    ],
)  # fmt: skip
def test_bad_saves_are_refused_in_french(territory, section, text, comment, message):
    with pytest.raises(StoreError, match=message):
        save_fiche_text(CIL, territory, section, text, 0, comment)
    assert fiche_texts_for(["86041"])["86041"] == (FicheText(ORIENTATIONS, ""),
                                                   FicheText(ACTIONS, ""))  # fmt: skip


def test_an_unchanged_text_is_not_a_new_version():
    save_fiche_text(CIL, "epci", "orientations", "Texte commun", 0, "premier")
    with pytest.raises(StoreError, match="identique à la version 1"):
        save_fiche_text(HABITAT, "epci", "orientations", "  Texte commun\n", 1, "rien")


def test_a_cleared_text_prints_as_no_text_with_who_cleared_it(clock):
    save_fiche_text(CIL, "86041", "orientations", "À retirer", 0, "premier")
    save_fiche_text(HABITAT, "86041", "orientations", "", 1, "orientation abandonnée")
    printed = fiche_texts_for(["86041"])["86041"][0]
    assert printed == FicheText(
        ORIENTATIONS, "", "Texte effacé par Paul Martin le 01/04/2026 (version 2)."
    )


def test_an_older_version_is_restored_as_a_new_version():
    save_fiche_text(CIL, "86041", "actions", "Un", 0, "v1")
    save_fiche_text(CIL, "86041", "actions", "Deux", 1, "v2")
    restored = restore_fiche_text(HABITAT, "86041", "actions", 1, 2, "retour au texte adopté")
    assert (restored.version, restored.text, restored.author_name) == (3, "Un", "Paul Martin")
    assert restored.comment == "Version 1 rétablie : retour au texte adopté"
    assert [r.text for r in fiche_text_history("86041", "actions")] == ["Un", "Deux", "Un"]
    with pytest.raises(ConflictError):  # someone saved version 3 meanwhile
        restore_fiche_text(CIL, "86041", "actions", 2, 2, "retour")
    with pytest.raises(StoreError, match="commentaire est obligatoire"):
        restore_fiche_text(CIL, "86041", "actions", 2, 3, "")
    with pytest.raises(NotFoundError, match="pas de version 9"):
        restore_fiche_text(CIL, "86041", "actions", 9, 3, "retour")
    with pytest.raises(StoreError, match="identique à la version 3"):
        restore_fiche_text(CIL, "86041", "actions", 1, 3, "encore")


def test_texts_are_saved_cleaned():
    saved = save_fiche_text(
        CIL, "86041", "orientations", "Ligne 1\r\nLigne 2\x00\u202e\n\n\n\nFin  ", 0, "c\x07"
    )
    assert saved.text == "Ligne 1\nLigne 2\n\nFin"
    assert saved.comment == "c"


def test_texts_for_many_territories_in_the_order_asked():
    save_fiche_text(CIL, "86194Q02", "actions", "Quartier", 0, "c")
    save_fiche_text(CIL, "86041", "orientations", "Commune", 0, "c")
    texts = fiche_texts_for(["epci", "86194Q02", "86041", "epci"])
    assert list(texts) == ["epci", "86194Q02", "86041"]
    assert [[t.body for t in v] for v in texts.values()] == [
        ["", ""],
        ["", "Quartier"],
        ["Commune", ""],
    ]
    assert fiche_texts_for([]) == {}


def test_the_territories_with_texts():
    names = fiche_texts.text_territories()
    assert names["epci"] == "Communauté urbaine du Grand Poitiers"
    assert names["86041"] == "Buxerolles"
    assert names["86194Q02"] == "Les Couronneries"
    assert len([k for k in names if k.isdigit()]) == 40
