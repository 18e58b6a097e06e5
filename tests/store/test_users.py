"""Accounts in the store, on SQLite and PostgreSQL: creation, checks, role, lockout, demo."""

from __future__ import annotations

import datetime as dt

import pytest

from store import Actor, StoreError, read_session, users, write_session
from store import audit as audit_store
from store.passwords import hash_password, verify_password
from store.settings import AccountSettings

FAST = AccountSettings(scrypt_n=2**14, max_failures=3, lockout_minutes=15)
ADMIN = Actor("admin.test", "Admin Test", "admin")


def _create(url, username="marie.dupont", role="cil", **kwargs):
    with write_session(url) as session:
        return users.create_user(
            session,
            ADMIN,
            username=username,
            display_name=kwargs.pop("display_name", "Marie Dupont"),
            role_code=role,
            password=kwargs.pop("password", "un-long-secret"),
            settings=FAST,
            **kwargs,
        )


def test_an_account_is_created_with_a_salted_hash_and_journaled(store_url):
    user = _create(store_url, username=" Marie.Dupont ", email="Marie@Poitiers.fr")
    assert (user.username, user.email, user.role_code) == (
        "marie.dupont",
        "marie@poitiers.fr",
        "cil",
    )
    assert user.has_password and user.is_active and not user.is_demo
    with read_session(store_url) as session:
        stored = users.password_hash(session, "marie.dupont")
        lines = audit_store.query(session)
    assert stored.startswith("scrypt$16384$8$1$") and "un-long-secret" not in stored
    assert verify_password("un-long-secret", stored, FAST)
    assert not verify_password("un-long-secreT", stored, FAST)
    assert [(e.action, e.actor, e.target) for e in lines] == [
        ("user_created", "admin.test", "marie.dupont")
    ]
    assert "un-long-secret" not in str(lines[0].after) and "scrypt" not in str(lines[0].after)


def test_two_hashes_of_one_password_differ():
    assert hash_password("même-secret-ici", FAST) != hash_password("même-secret-ici", FAST)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        pytest.param({"username": "Élodie"}, "identifiant « Élodie » invalide", id="accent"),
        pytest.param({"password": "court"}, "au moins 10 caractères", id="short"),
        pytest.param({"password": "Marie.Dupont"}, "ne doit pas être", id="=username"),
        pytest.param({"role": "root"}, "rôle « root » inconnu", id="role"),
        pytest.param({"role": "public"}, "rôle « public » inconnu", id="public"),
        pytest.param({"role": "bailleur"}, "au moins un bailleur", id="bailleur"),
        pytest.param({"email": "pas-une-adresse"}, "adresse électronique", id="email"),
        pytest.param({"display_name": " "}, "nom affiché manquant", id="name"),
    ],
)
def test_bad_accounts_are_refused_in_french(store_url, changes, message):
    with pytest.raises(StoreError, match=message):
        _create(store_url, **changes)


def test_the_password_must_not_be_the_username(store_url):
    with pytest.raises(StoreError, match="ne doit pas être l'identifiant"):
        _create(store_url, username="jean.martin-long", password="Jean.Martin-Long")


def test_a_taken_username_or_email_is_refused_and_nothing_half_written(store_url):
    _create(store_url, email="m@poitiers.fr")
    with pytest.raises(StoreError, match="déjà utilisé"):
        _create(store_url)
    with pytest.raises(StoreError, match="déjà utilisé"):
        _create(store_url, username="autre.nom", email="m@poitiers.fr")
    with read_session(store_url) as session:
        assert [u.username for u in users.list_users(session)] == ["marie.dupont"]
        assert len(audit_store.query(session)) == 1


def test_role_change_keeps_before_and_after(store_url):
    _create(store_url)
    with write_session(store_url) as session:
        changed = users.set_role(
            session, ADMIN, "marie.dupont", "bailleur", ["Les Toits du Clain", " "], "mutation"
        )
    assert (changed.role_code, changed.bailleurs) == ("bailleur", ("Les Toits du Clain",))
    with read_session(store_url) as session:
        line = audit_store.query(session, actions=["role_changed"])[0]
    assert line.before["rôle"] == "cil" and line.after["rôle"] == "bailleur"
    assert line.after["bailleurs"] == ["Les Toits du Clain"] and line.reason == "mutation"


def test_non_bailleur_roles_keep_no_bailleur(store_url):
    user = _create(store_url, bailleurs=["Boivre Logement"])
    assert user.bailleurs == ()


def test_failures_lock_the_account_for_the_configured_time(store_url):
    _create(store_url)
    now = dt.datetime(2025, 6, 1, 9, 0)
    with write_session(store_url) as session:
        for _ in range(2):
            user = users.record_login_failure(session, "marie.dupont", FAST, now)
        assert user.failed_logins == 2 and not user.is_locked(now)
        user = users.record_login_failure(session, "marie.dupont", FAST, now)
    assert user.locked_until == now + dt.timedelta(minutes=15)
    assert user.is_locked(now + dt.timedelta(minutes=14))
    assert not user.is_locked(now + dt.timedelta(minutes=16))
    with write_session(store_url) as session:
        user = users.unlock(session, ADMIN, "marie.dupont", "appel téléphonique")
    assert not user.is_locked(now) and user.failed_logins == 0


def test_a_zero_lockout_time_locks_until_an_administrator_unlocks(store_url):
    _create(store_url)
    forever = AccountSettings(scrypt_n=2**14, max_failures=1, lockout_minutes=0)
    with write_session(store_url) as session:
        user = users.record_login_failure(session, "marie.dupont", forever)
    assert user.is_locked(dt.datetime(2999, 1, 1))


def test_a_new_password_unlocks(store_url):
    _create(store_url)
    with write_session(store_url) as session:
        for _ in range(3):
            users.record_login_failure(session, "marie.dupont", FAST)
        user = users.set_password(session, ADMIN, "marie.dupont", "nouveau-secret-1", FAST)
    assert not user.is_locked()
    with read_session(store_url) as session:
        assert verify_password(
            "nouveau-secret-1", users.password_hash(session, "marie.dupont"), FAST
        )


def test_demo_accounts_follow_the_data_in_force(store_url):
    demo = users.load_demo_accounts()
    assert sorted(a.role_code for a in demo) == sorted(
        ["elu", "cil", "bailleur", "service_habitat", "admin"]
    )
    with write_session(store_url) as session:
        created = users.sync_demo_accounts(session, demo, True, FAST)
    assert sorted(created) == sorted(a.username for a in demo)
    with write_session(store_url) as session:
        assert users.sync_demo_accounts(session, demo, True, FAST) == []
        disabled = users.sync_demo_accounts(session, demo, False, FAST)
    assert sorted(disabled) == sorted(created)
    with read_session(store_url) as session:
        assert not any(u.is_active for u in users.list_users(session))
        reasons = {e.reason for e in audit_store.query(session, actions=["user_disabled"])}
    assert reasons == {"données réelles importées : comptes de démonstration désactivés"}
