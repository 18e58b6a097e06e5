"""The « Utilisateurs » page, run headless with AppTest: the administrator creates an account,
changes its role with a reason, and the journal keeps both."""

from __future__ import annotations

from services import journal, users_admin
from services.access import Viewer
from tests.pages.conftest import open_page


def _button(app, label: str):
    return next(b for b in app.button if b.label == label)


def test_the_administrator_creates_an_account_and_changes_its_role():
    app = open_page("utilisateurs", role="admin")
    table = app.dataframe[0].value
    assert {"demo.admin", "demo.cil"} <= set(table["Identifiant"])
    app.text_input(key="creation_id").input("Claire.Roux")
    app.text_input(key="creation_nom").input("Claire Roux")
    app.selectbox(key="creation_role").select("bailleur")
    app.multiselect(key="creation_bailleurs").select("Boivre Logement")
    app.text_input(key="creation_mdp").input("un-secret-assez-long")
    app.text_input(key="creation_mdp2").input("un-secret-assez-long")
    app.text_input(key="creation_motif").input("convention signée")
    _button(app, "Créer le compte").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert [s.value for s in app.success] == ["Compte « claire.roux » créé."]
    assert any("comptes de démonstration, désactivés" in c.value for c in app.caption)
    row = app.dataframe[0].value.set_index("Identifiant").loc["claire.roux"]
    assert (row["Rôle"], row["Bailleurs"], row["État"]) == (
        "Bailleur social",
        "Boivre Logement",
        "actif, démonstration",  # created by a demo account
    )
    lines = journal.journal_entries(Viewer("admin", "demo.admin", "A"), actions=["user_created"])
    assert (lines[0].target, lines[0].reason, lines[0].actor) == (
        "claire.roux",
        f"convention signée ; {users_admin.DEMO_CREATES_DEMO}",
        "demo.admin",
    )


def test_a_password_typed_twice_differently_creates_nothing():
    app = open_page("utilisateurs", role="admin")
    app.text_input(key="creation_id").input("jean.martin")
    app.text_input(key="creation_nom").input("Jean Martin")
    app.text_input(key="creation_mdp").input("un-secret-assez-long")
    app.text_input(key="creation_mdp2").input("un-autre-secret-long")
    _button(app, "Créer le compte").click().run()
    assert [e.value for e in app.error] == ["Les deux mots de passe diffèrent : rien n'a été créé."]
    assert "jean.martin" not in set(app.dataframe[0].value["Identifiant"])


def test_a_too_short_password_is_refused_in_french():
    app = open_page("utilisateurs", role="admin")
    app.text_input(key="creation_id").input("jean.martin")
    app.text_input(key="creation_nom").input("Jean Martin")
    app.text_input(key="creation_mdp").input("court")
    app.text_input(key="creation_mdp2").input("court")
    _button(app, "Créer le compte").click().run()
    assert app.error[0].value.startswith("Refusé : mot de passe trop court")
