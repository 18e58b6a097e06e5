"""Accounts in the dashboard, run headless with AppTest: the login page, the roles × pages ×
actions matrix, links that cannot raise a role, expired and disabled sessions, and the CIL's
profile saved, made the reference and found in the journal."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from geodata import housing
from services import users_admin
from services.access import Viewer
from services.data_import import command_line_actor, import_files
from store import profiles as profiles_store
from store import read_session
from tests.pages.conftest import open_page
from ui.auth import SINCE_KEY, USER_KEY

ROLES = ["public", "elu", "cil", "bailleur", "service_habitat", "admin"]
REFUSED = "Accès refusé"


def _errors(app) -> str:
    return "\n".join(e.value for e in app.error)


def _infos(app) -> str:
    return "\n".join(i.value for i in app.info)


def _button(app, label: str):
    return next(b for b in app.button if b.label == label)


def test_the_login_page_lists_the_demo_accounts_and_logs_in(markdown_text):
    app = open_page("connexion")
    text = markdown_text(app)
    assert "Comptes de démonstration" in [s.value for s in app.subheader]
    assert [c.value for c in app.code][:2] == ["demo.elu", "demo-elu-86"]
    assert "Vue publique" in "\n".join(c.value for c in app.caption)
    assert "vue publique" in text
    app.text_input(key="connexion_identifiant").input("demo.cil")
    app.text_input(key="connexion_mot_de_passe").input("demo-cil-86")
    _button(app, "Se connecter").click().run()
    assert app.session_state[USER_KEY] == "demo.cil"
    assert "Connecté en tant que **Membre de la CIL (démonstration)**" in markdown_text(app)
    assert app.title[0].value == "Mon compte"
    _button(app, "Se déconnecter").click().run()
    assert USER_KEY not in app.session_state
    assert "Vous êtes déconnecté" in _infos(app)


def test_a_bad_password_gets_the_french_message_and_no_session():
    app = open_page("connexion")
    app.text_input(key="connexion_identifiant").input("demo.cil")
    app.text_input(key="connexion_mot_de_passe").input("pas-le-bon")
    _button(app, "Se connecter").click().run()
    assert _errors(app) == "Identifiant ou mot de passe incorrect."
    assert USER_KEY not in app.session_state


def test_five_failures_lock_the_account():
    app = open_page("connexion")
    for _ in range(5):
        app.text_input(key="connexion_identifiant").input("demo.elu")
        app.text_input(key="connexion_mot_de_passe").input("pas-le-bon")
        _button(app, "Se connecter").click().run()
    assert _errors(app).startswith("Compte verrouillé après 5 échecs de connexion consécutifs")
    app.text_input(key="connexion_mot_de_passe").input("demo-elu-86")
    _button(app, "Se connecter").click().run()
    assert _errors(app).startswith("Compte verrouillé")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("page", "capability"), [("utilisateurs", "manage_users"), ("journal", "view_journal")]
)
def test_who_opens_which_page(role, page, capability):
    app = open_page(page, role=role)
    allowed = role != "public" and Viewer(role, "x").can(capability)
    if allowed:
        assert REFUSED not in _errors(app)
        assert app.dataframe or _infos(app)
    else:
        assert _errors(app).startswith(REFUSED)
        assert not app.dataframe  # no data behind the refusal


@pytest.mark.parametrize("role", ROLES)
def test_who_may_save_and_choose_profiles_on_the_cotation_page(role):
    app = open_page("cotation", role=role)
    expanders = {e.label for e in app.expander}
    assert ("Enregistrer ces poids" in expanders) == (role in ("cil", "service_habitat"))
    assert ("Référence de la CIL" in expanders) == (role == "service_habitat")


def _follow_link(page: str, query: dict[str, str]):
    """The page opened by a link (AppTest runs the default page first, then this one)."""
    app = open_page(page)
    for key, value in query.items():
        app.query_params[key] = value
    app.run()
    return app


def test_a_link_never_raises_a_role():
    app = _follow_link("utilisateurs", {"profil_acces": "admin"})
    assert _errors(app).startswith(REFUSED)
    assert "un lien ne donne aucun droit" in _infos(app)
    assert "profil_acces" not in app.query_params
    app = _follow_link("residence", {"residence": "GP-0001", "profil_acces": "service_habitat"})
    assert "un lien ne donne aucun droit" in _infos(app)
    assert USER_KEY not in app.session_state


def test_an_expired_session_ends():
    app = open_page("connexion", role="cil")
    app.session_state[SINCE_KEY] = dt.datetime(2000, 1, 1)
    app.run()
    assert "Session expirée" in _infos(app) and USER_KEY not in app.session_state
    assert app.title[0].value == "Connexion"


def test_a_disabled_account_is_logged_out_at_the_next_click():
    app = open_page("cotation", role="cil")
    users_admin.set_account_active(Viewer("admin", "demo.admin", "A"), "demo.cil", False, "test")
    app.run()
    assert "Votre session a pris fin" in _infos(app)
    assert "Enregistrer ces poids" not in {e.label for e in app.expander}


def test_demo_accounts_go_with_real_data(tmp_path):
    residences = housing.load_table("residences")
    frame = pd.DataFrame(residences.drop(columns="geometry"))
    frame["longitude"], frame["latitude"] = residences.geometry.x, residences.geometry.y
    path = tmp_path / "residences.csv"
    frame.to_csv(path, index=False)
    app = open_page("connexion", role="cil")
    import_files(command_line_actor(), {"residences": path})
    app.run()
    assert "Votre session a pris fin" in _infos(app)
    assert "Comptes de démonstration" not in [s.value for s in app.subheader]


def test_the_cil_saves_the_service_habitat_chooses_the_journal_shows_it():
    cil = open_page("cotation", role="cil")
    cil.text_input(key="profil_nom").input("equilibre-2025")
    cil.text_input(key="profil_libelle").input("Équilibre 2025")
    cil.text_area(key="profil_commentaire").input("Groupe de travail du 3 juin")
    cil.checkbox(key="profil_proposer").check()
    _button(cil, "Enregistrer").click().run()
    assert not cil.exception, [e.value for e in cil.exception]
    assert any("Profil « Équilibre 2025 » enregistré" in s.value for s in cil.success)
    options = cil.selectbox(key="qp_profil").options
    assert "Équilibre 2025 (proposé)" in options

    habitat = open_page("cotation", role="service_habitat")
    habitat.text_area(key="reference_commentaire").input("CIL plénière du 1er juillet")
    _button(habitat, "Faire de ce profil la référence de la CIL").click().run()
    assert not habitat.exception, [e.value for e in habitat.exception]
    with read_session() as session:
        reference = profiles_store.reference_profile(session)
    assert (reference.name, reference.status) == ("equilibre-2025", "reference")
    assert habitat.selectbox(key="qp_profil").value == "reference"
    assert "Référence de la CIL : Équilibre 2025" in habitat.selectbox(key="qp_profil").options

    journal = open_page("journal", role="admin")
    table = journal.dataframe[0].value
    assert table["reason"].tolist()[:2] == [
        "CIL plénière du 1er juillet",
        "Groupe de travail du 3 juin",
    ]
    assert table["actor_name"].tolist()[:2] == [
        "Service habitat (démonstration)",
        "Membre de la CIL (démonstration)",
    ]


def test_a_conflicting_save_shows_the_other_version_and_overwrites_nothing():
    first = open_page("cotation", role="cil")
    other = open_page("cotation", role="service_habitat")
    other.text_input(key="profil_nom").input("commun")
    other.text_area(key="profil_commentaire").input("par l'autre poste")
    _button(other, "Enregistrer").click().run()
    first.text_input(key="profil_nom").input("commun")
    first.text_area(key="profil_commentaire").input("ma version")
    _button(first, "Enregistrer").click().run()
    assert "ce nom est déjà pris" in _errors(first)
    assert "Service habitat (démonstration)" in _errors(first)
    assert "Rien n'a été écrasé" in _errors(first)
    with read_session() as session:
        assert profiles_store.get_profile(session, "commun").comment == "par l'autre poste"
