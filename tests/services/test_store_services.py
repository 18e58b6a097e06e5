"""Account administration, saved profiles, fiche texts, the journal and the import entry point:
each checks the capability itself and journals what it changes."""

from __future__ import annotations

import pandas as pd
import pytest

from config import profile_names
from geodata import housing
from geodata.schemas import DataValidationError
from scoring import load_profile
from services import data_import, fiche_texts, journal, profiles_store, users_admin
from services.access import PUBLIC, AccessDeniedError, Viewer
from store import ConflictError, StoreError, audit, read_session, write_session
from store import datasets as datasets_store
from store import users as users_store
from store.settings import load_account_settings

ADMIN = Viewer("admin", "demo.admin", "Administrateur")
CIL = Viewer("cil", "demo.cil", "Membre de la CIL")
HABITAT = Viewer("service_habitat", "demo.habitat", "Service habitat")
BAILLEUR = Viewer("bailleur", "demo.bailleur", "Bailleur", frozenset({"Boivre Logement"}))
ELU = Viewer("elu", "demo.elu", "Élue")


@pytest.mark.parametrize("viewer", [PUBLIC, ELU, CIL, BAILLEUR, HABITAT], ids=lambda v: v.role_code)
def test_only_the_administrator_manages_accounts(viewer):
    with pytest.raises(AccessDeniedError, match="gérer les comptes et les rôles"):
        users_admin.list_accounts(viewer)
    with pytest.raises(AccessDeniedError):
        users_admin.create_account(
            viewer, username="x.y", display_name="X", role_code="admin", password="0123456789ab"
        )


def test_the_administrator_creates_changes_and_cannot_demote_itself():
    created = users_admin.create_account(
        ADMIN,
        username="nouvel.elu",
        display_name="Nouvel Élu",
        role_code="elu",
        password="un-secret-assez-long",
        reason="élection",
    )
    assert created.role_code == "elu"
    with pytest.raises(StoreError, match="un motif est obligatoire"):
        users_admin.change_role(ADMIN, "nouvel.elu", "cil")
    assert users_admin.change_role(ADMIN, "nouvel.elu", "cil", reason="CIL").role_code == "cil"
    with pytest.raises(StoreError, match="propres droits"):
        users_admin.change_role(ADMIN, "demo.admin", "cil", reason="erreur")
    with pytest.raises(StoreError, match="propre compte"):
        users_admin.set_account_active(ADMIN, "demo.admin", False)
    assert not users_admin.set_account_active(ADMIN, "nouvel.elu", False, "départ").is_active
    names = [u.username for u in users_admin.list_accounts(ADMIN)]
    assert "nouvel.elu" in names and "demo.cil" in names


def _real_account(username: str, role_code: str = "admin") -> None:
    """An account created on the command line (not a demo account)."""
    with write_session() as session:
        users_store.create_user(
            session,
            data_import.command_line_actor(),
            username=username,
            display_name="Compte réel",
            role_code=role_code,
            password="un-secret-assez-long",
            settings=load_account_settings(),
        )


def test_a_demo_administrator_administers_demo_accounts_only(tmp_path):
    created = users_admin.create_account(
        ADMIN,
        username="invite.cil",
        display_name="Invité",
        role_code="cil",
        password="un-secret-assez-long",
    )
    assert created.is_demo  # the public password never opens a lasting way in
    _real_account("marie.dupont")
    refused = "n'administre que des comptes de démonstration : « marie.dupont » est un compte réel"
    for action in (
        lambda: users_admin.reset_password(ADMIN, "marie.dupont", "un-autre-secret-long"),
        lambda: users_admin.unlock_account(ADMIN, "marie.dupont"),
        lambda: users_admin.change_role(ADMIN, "marie.dupont", "elu", reason="essai"),
        lambda: users_admin.set_account_active(ADMIN, "marie.dupont", False, "essai"),
    ):
        with pytest.raises(StoreError, match=refused):
            action()
    real_admin = Viewer("admin", "marie.dupont", "Compte réel")
    assert users_admin.change_role(real_admin, "invite.cil", "elu", reason="ok").role_code == "elu"
    kept = users_admin.create_account(
        real_admin, username="paul.martin", display_name="Paul", role_code="elu", password=None
    )
    assert not kept.is_demo
    residences = housing.load_table("residences")
    frame = pd.DataFrame(residences.drop(columns="geometry"))
    frame["longitude"], frame["latitude"] = residences.geometry.x, residences.geometry.y
    frame.to_csv(tmp_path / "residences.csv", index=False)
    data_import.import_files_as(HABITAT, {"residences": tmp_path / "residences.csv"}, "RPLS")
    active = {u.username: u.is_active for u in users_admin.list_accounts(real_admin)}
    assert active["invite.cil"] is False and active["demo.admin"] is False
    assert active["marie.dupont"] is True and active["paul.martin"] is True


def _spec(pillar: float = 40.0):
    return load_profile("reference").with_weights(pillars={"patrimoine": pillar})


def test_a_saved_profile_gives_back_the_same_spec():
    saved = profiles_store.save_profile(
        CIL, _spec(), "equilibre-2025", "Équilibre 2025", "groupe 1"
    )
    spec = profiles_store.spec_of(saved)
    assert spec.pillars == _spec().pillars and spec.indicators == _spec().indicators
    assert spec.method == _spec().method
    assert (spec.name, spec.label, spec.author, spec.comment) == (
        "equilibre-2025",
        "Équilibre 2025",
        "Membre de la CIL",
        "groupe 1",
    )
    as_reference = profiles_store.spec_of(saved, as_reference=True)
    assert (as_reference.name, as_reference.label) == (
        "reference",
        "Référence de la CIL : Équilibre 2025",
    )


def test_profile_rights_and_the_reference():
    with pytest.raises(AccessDeniedError):
        profiles_store.save_profile(ELU, _spec(), "essai-elu", "Essai", "pour voir")
    with pytest.raises(StoreError, match="réservé à un profil livré"):
        profiles_store.save_profile(CIL, _spec(), profile_names()[0], "x", "y")
    saved = profiles_store.save_profile(CIL, _spec(), "equilibre-2025", "Équilibre", "groupe 1")
    assert [p.name for p in profiles_store.stored_profiles(CIL)] == ["equilibre-2025"]
    assert profiles_store.stored_profiles(PUBLIC) == []  # drafts stay within the CIL
    proposed = profiles_store.propose_profile(CIL, saved.name, "à la CIL", saved.version)
    assert [p.status for p in profiles_store.stored_profiles(PUBLIC)] == ["proposed"]
    with pytest.raises(AccessDeniedError, match="choisir le profil de référence"):
        profiles_store.make_reference(CIL, saved.name, "moi", proposed.version)
    with pytest.raises(StoreError, match="commentaire est obligatoire"):
        profiles_store.make_reference(HABITAT, saved.name, "", proposed.version)
    chosen = profiles_store.make_reference(HABITAT, saved.name, "CIL du 3 juin", proposed.version)
    assert profiles_store.stored_reference() == chosen
    with pytest.raises(ConflictError):
        profiles_store.withdraw_profile(CIL, saved.name, "retrait", proposed.version)


def test_fiche_texts_need_write_fiches():
    with pytest.raises(AccessDeniedError, match="écrire les orientations"):
        fiche_texts.save_fiche_text(BAILLEUR, "86041", "orientations", "x", 0)
    fiche_texts.save_fiche_text(CIL, "86041", "orientations", "Rééquilibrer", 0, "CIL")
    assert fiche_texts.fiche_text("86041", "orientations").text == "Rééquilibrer"
    assert len(fiche_texts.fiche_text_history("86041", "orientations")) == 1


@pytest.mark.parametrize("viewer", [PUBLIC, ELU, CIL, BAILLEUR], ids=lambda v: v.role_code)
def test_the_journal_is_for_the_service_habitat_and_the_administrator(viewer):
    with pytest.raises(AccessDeniedError, match="consulter le journal"):
        journal.journal_entries(viewer)


def test_the_journal_says_who_did_what_and_why():
    saved = profiles_store.save_profile(CIL, _spec(), "equilibre-2025", "Équilibre", "groupe 1")
    profiles_store.make_reference(HABITAT, saved.name, "CIL du 3 juin", saved.version)
    entries = journal.journal_entries(
        HABITAT, actions=journal.ACTION_GROUPS["Décisions (profils, fiches)"]
    )
    table = journal.journal_table(entries)
    assert table[["actor_name", "action_label", "target", "reason"]].values.tolist() == [
        ["Service habitat", "profil de référence de la CIL", "equilibre-2025", "CIL du 3 juin"],
        ["Membre de la CIL", "profil enregistré", "equilibre-2025", "groupe 1"],
    ]
    assert '"statut": "reference"' in table.loc[0, "after"]
    assert journal.journal_entries(ADMIN, actor="demo.cil")[0].action == "profile_saved"
    assert ("demo.habitat", "Service habitat") in journal.journal_actors(ADMIN)


def test_an_import_records_its_version_raises_the_data_version_and_ends_demo_accounts(tmp_path):
    residences = housing.load_table("residences")
    frame = pd.DataFrame(residences.drop(columns="geometry"))
    frame["longitude"], frame["latitude"] = residences.geometry.x, residences.geometry.y
    path = tmp_path / "residences.csv"
    frame.to_csv(path, index=False)
    report = data_import.import_files_as(HABITAT, {"residences": path}, "RPLS 2024")
    assert report.data_version == 2
    assert report.dataset.status == "current"
    # Demo flows describe fictitious residences: the version holds them empty.
    assert report.dataset.row_counts == {
        "residences": len(residences),
        "occupancy": 0,
        "vacancies": 0,
        "attributions": 0,
        "departures": 0,
    }
    assert report.dataset.files == {"residences": "residences.csv"}
    with read_session() as session:
        assert datasets_store.current_dataset(session).id == report.dataset.id
    assert not any(u.is_active for u in users_admin.list_accounts(ADMIN) if u.is_demo)
    reset = data_import.reset_tables(data_import.command_line_actor(), ["tout"])
    assert reset.data_version == 3 and reset.dataset.row_counts == {}
    assert all(u.is_active for u in users_admin.list_accounts(ADMIN) if u.is_demo)


def test_a_refused_import_changes_nothing_in_the_store(tmp_path):
    path = tmp_path / "sru_inventory.csv"
    pd.DataFrame({"commune_code": ["86194"], "year": ["deux mille"]}).to_csv(path, index=False)
    with read_session() as session:
        entries = len(audit.query(session))
    with pytest.raises(DataValidationError, match=r"sru_inventory\.csv"):
        data_import.import_files(data_import.command_line_actor(), {"sru_inventory": path})
    with read_session() as session:
        assert datasets_store.list_datasets(session) == []
        assert datasets_store.data_version(session) == 1
        assert len(audit.query(session)) == entries


def test_only_import_data_may_import(tmp_path):
    with pytest.raises(AccessDeniedError, match="importer des données"):
        data_import.import_files_as(CIL, {"residences": tmp_path / "x.csv"})
