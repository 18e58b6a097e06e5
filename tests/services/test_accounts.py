"""Login, logout, lockout, the viewer re-read at each run, demo accounts; on both backends."""

from __future__ import annotations

import datetime as dt

import pytest

from services import accounts
from services.access import Viewer
from store import Actor, read_session, users, write_session
from store import audit as audit_store
from store.settings import AccountSettings

FAST = AccountSettings(scrypt_n=2**14, max_failures=3, lockout_minutes=10)
ADMIN = Actor("admin.test", "Admin", "admin")
NOW = dt.datetime(2025, 6, 3, 14, 0)


@pytest.fixture()
def account(store_url):
    with write_session() as session:
        users.create_user(
            session,
            ADMIN,
            username="claire.bailleur",
            display_name="Claire Roux",
            role_code="bailleur",
            password="secret-de-claire",
            settings=FAST,
            bailleurs=["Boivre Logement"],
        )
    return "claire.bailleur"


def _actions() -> list[str]:
    with read_session() as session:
        return [e.action for e in reversed(audit_store.query(session))]


def test_a_good_password_gives_the_viewer_and_is_journaled(account):
    result = accounts.login("Claire.Bailleur ", "secret-de-claire", True, FAST, NOW)
    assert result.viewer == Viewer(
        "bailleur", "claire.bailleur", "Claire Roux", frozenset({"Boivre Logement"})
    )
    assert result.message == ""
    assert _actions()[-1] == "login"
    with read_session() as session:
        assert users.get_user(session, account).last_login_at == NOW


def test_unknown_name_and_wrong_password_get_the_same_message(account):
    unknown = accounts.login("personne", "secret-de-claire", True, FAST, NOW)
    wrong = accounts.login(account, "mauvais-secret", True, FAST, NOW)
    assert unknown == wrong == accounts.LoginResult(None, "Identifiant ou mot de passe incorrect.")
    assert _actions()[-2:] == ["login_failed", "login_failed"]


def test_repeated_failures_lock_then_the_lock_expires(account):
    for _ in range(2):
        assert accounts.login(account, "faux", True, FAST, NOW).message.startswith("Identifiant")
    third = accounts.login(account, "faux", True, FAST, NOW)
    assert third.message == (
        "Compte verrouillé après 3 échecs de connexion consécutifs : réessayez dans 10 minutes "
        "ou demandez à l'administrateur de l'outil de le déverrouiller."
    )
    locked = accounts.login(account, "secret-de-claire", True, FAST, NOW + dt.timedelta(minutes=5))
    assert locked.viewer is None and "réessayez dans 5 minutes" in locked.message
    later = accounts.login(account, "secret-de-claire", True, FAST, NOW + dt.timedelta(minutes=11))
    assert later.viewer is not None
    assert "login_locked" in _actions()


def test_a_disabled_account_cannot_log_in_and_its_session_ends(account):
    assert accounts.viewer_for(account, True) is not None
    with write_session() as session:
        users.set_active(session, ADMIN, account, False, "départ")
    result = accounts.login(account, "secret-de-claire", True, FAST, NOW)
    assert result.viewer is None and result.message.startswith("Compte désactivé")
    assert accounts.viewer_for(account, True) is None


def test_a_role_change_takes_effect_at_the_next_run(account):
    with write_session() as session:
        users.set_role(session, ADMIN, account, "cil", [], "mutation")
    assert accounts.viewer_for(account, True) == Viewer("cil", account, "Claire Roux")


def test_demo_accounts_log_in_on_demo_data_only(store_url):
    accounts.sync_demo_accounts(True, FAST)
    demo = next(a for a in accounts.demo_accounts() if a.role_code == "cil")
    assert accounts.login(demo.username, demo.password, True, FAST, NOW).viewer.role_code == "cil"
    refused = accounts.login(demo.username, demo.password, False, FAST, NOW)
    assert refused == accounts.LoginResult(None, accounts.DEMO_ONLY)
    assert accounts.viewer_for(demo.username, False) is None
    assert accounts.sync_demo_accounts(False, FAST) != []
    with read_session() as session:
        assert not users.get_user(session, demo.username).is_active
    # Disabled with the real data, it is still told why (not « ask the administrator »).
    again = accounts.login(demo.username, demo.password, False, FAST, NOW)
    assert again == accounts.LoginResult(None, accounts.DEMO_ONLY)


def test_logout_is_journaled(account):
    viewer = accounts.login(account, "secret-de-claire", True, FAST, NOW).viewer
    accounts.logout(viewer)
    assert _actions()[-1] == "logout"


def test_sessions_expire_after_the_configured_hours():
    settings = AccountSettings(session_hours=12)
    assert not accounts.session_expired(NOW, settings, NOW + dt.timedelta(hours=11))
    assert accounts.session_expired(NOW, settings, NOW + dt.timedelta(hours=13))


def test_one_imported_table_is_enough_to_end_the_demo(tmp_path):
    from geodata import housing
    from services.data_import import command_line_actor, import_files

    assert accounts.demo_data_in_use()
    path = tmp_path / "sru_inventory.csv"
    housing.load_table("sru_inventory").to_csv(path, index=False)
    import_files(command_line_actor(), {"sru_inventory": path})
    assert not accounts.demo_data_in_use()
