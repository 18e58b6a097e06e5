"""Single sign-on: claims → role, the account by verified e-mail first."""

from __future__ import annotations

import datetime as dt

import pytest

from config import ConfigError
from services import sso
from services.access import Viewer
from services.sso import SsoSettings, viewer_from_claims
from store.users import UserRecord

SETTINGS = SsoSettings(
    role_claim="cotation_role",
    bailleurs_claim="cotation_bailleurs",
    claim_roles={"cil": "cil", "bailleur": "bailleur", "habitat": "service_habitat"},
)


def _account(**changes) -> UserRecord:
    values = {
        "id": 1,
        "username": "marie.dupont",
        "display_name": "Marie Dupont",
        "email": "marie@poitiers.fr",
        "role_code": "elu",
        "bailleurs": (),
        "is_active": True,
        "is_demo": False,
        "has_password": False,
        "failed_logins": 0,
        "locked_until": None,
        "last_login_at": None,
        "created_at": dt.datetime(2025, 1, 1),
    }
    return UserRecord(**(values | changes))


@pytest.mark.parametrize(
    ("claims", "account", "expected"),
    [
        pytest.param(
            {"email": "marie@poitiers.fr", "cotation_role": "habitat"},
            _account(),
            Viewer("elu", "marie.dupont", "Marie Dupont"),
            id="account-decides-over-claim",
        ),
        pytest.param(
            {"email": "paul@poitiers.fr", "name": "Paul", "cotation_role": "cil"},
            None,
            Viewer("cil", "sso:paul@poitiers.fr", "Paul"),
            id="claim-string",
        ),
        pytest.param(
            {"sub": "abc-123", "cotation_role": ["autre", "habitat"]},
            None,
            Viewer("service_habitat", "sso:abc-123", "abc-123"),
            id="claim-list-and-subject",
        ),
        pytest.param(
            {
                "email": "b@tdc.fr",
                "cotation_role": "bailleur",
                "cotation_bailleurs": ["Les Toits du Clain"],
            },
            None,
            Viewer("bailleur", "sso:b@tdc.fr", "b@tdc.fr", frozenset({"Les Toits du Clain"})),
            id="bailleur-with-its-bailleurs",
        ),
    ],
)
def test_claims_give_the_role(claims, account, expected):
    assert viewer_from_claims(claims, SETTINGS, account).viewer == expected


@pytest.mark.parametrize(
    ("claims", "account", "message"),
    [
        pytest.param({"email": "x@y.fr"}, None, "aucun rôle", id="no-claim"),
        pytest.param(
            {"email": "x@y.fr", "cotation_role": "root"}, None, "aucun rôle", id="unmapped"
        ),
        pytest.param(
            {"email": "x@y.fr", "cotation_role": ["cil", "habitat"]},
            None,
            "plusieurs rôles",
            id="ambiguous",
        ),
        pytest.param(
            {"email": "x@y.fr", "cotation_role": "bailleur"},
            None,
            "sans bailleur",
            id="no-bailleur",
        ),
        pytest.param(
            {"email": "marie@poitiers.fr", "cotation_role": "cil"},
            _account(is_active=False),
            "Compte désactivé",
            id="disabled-account-wins",
        ),
        pytest.param({"cotation_role": "cil"}, None, "Identité incomplète", id="anonymous"),
    ],
)
def test_no_role_without_a_clear_one(claims, account, message):
    result = viewer_from_claims(claims, SETTINGS, account)
    assert result.viewer is None and message in result.message


def test_an_unverified_email_is_not_used():
    assert sso.verified_email({"email": "A@B.fr", "email_verified": False}) is None
    assert sso.verified_email({"email": " A@B.fr "}) == "a@b.fr"


def test_the_account_is_looked_up_by_verified_email(store_url):
    from store import Actor, users, write_session
    from store.settings import AccountSettings

    with write_session() as session:
        users.create_user(
            session,
            Actor("a", "a", "admin"),
            username="marie.dupont",
            display_name="Marie Dupont",
            role_code="service_habitat",
            password=None,
            settings=AccountSettings(scrypt_n=2**14),
            email="marie@poitiers.fr",
        )
    found = sso.sso_viewer({"email": "Marie@Poitiers.fr", "cotation_role": "cil"}, SETTINGS)
    assert found.viewer == Viewer("service_habitat", "marie.dupont", "Marie Dupont")
    unverified = {
        "sub": "k-1",
        "email": "marie@poitiers.fr",
        "email_verified": False,
        "cotation_role": "cil",
    }
    assert sso.sso_viewer(unverified, SETTINGS).viewer == Viewer("cil", "sso:k-1", "k-1")


def test_the_shipped_settings_map_to_known_roles():
    settings = sso.load_sso_settings()
    assert settings.role_claim == "cotation_role"
    assert set(settings.claim_roles.values()) <= {
        "elu",
        "cil",
        "bailleur",
        "service_habitat",
        "admin",
    }


def test_a_mapping_to_an_unknown_role_is_refused(monkeypatch):
    monkeypatch.setattr(sso, "load_toml", lambda name: {"sso": {"claim_roles": {"x": "root"}}})
    with pytest.raises(ConfigError, match="rôle « root » inconnu"):
        sso.load_sso_settings()
