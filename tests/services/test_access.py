"""The roles of config/roles.toml and what a viewer may see."""

from __future__ import annotations

import pytest

from config import ConfigError
from services import access
from services.access import PUBLIC, Viewer, load_roles


def test_the_six_roles_are_configured_and_only_public_needs_no_login():
    roles = load_roles()
    assert list(roles) == ["public", "elu", "cil", "bailleur", "service_habitat", "admin"]
    assert [c for c, r in roles.items() if not r.login_required] == ["public"]


@pytest.mark.parametrize(
    ("viewer", "bailleur", "expected"),
    [
        pytest.param(PUBLIC, "A", False, id="public"),
        pytest.param(Viewer("elu", "e"), "A", False, id="elu"),
        pytest.param(Viewer("bailleur", "b", bailleurs=frozenset({"A"})), "A", True, id="own"),
        pytest.param(Viewer("bailleur", "b", bailleurs=frozenset({"A"})), "B", False, id="other"),
        pytest.param(Viewer("bailleur", "b", bailleurs=frozenset({"A"})), None, False, id="none"),
        pytest.param(Viewer("service_habitat", "s"), "B", True, id="service"),
        pytest.param(Viewer("admin", "a"), "B", False, id="admin-least-privilege"),
    ],
)
def test_sees_residence(viewer, bailleur, expected):
    assert viewer.sees_residence(bailleur) is expected


def test_capabilities():
    assert not PUBLIC.can("save_profiles")
    assert Viewer("cil", "c").can("save_profiles")
    assert not Viewer("cil", "c").can("set_reference")
    assert Viewer("service_habitat", "s").can("set_reference")
    assert Viewer("admin", "a").can("manage_users")
    with pytest.raises(ValueError, match="action inconnue"):
        PUBLIC.can("fly")


def test_unknown_role_is_refused_in_french():
    with pytest.raises(ValueError, match="rôle inconnu : « root »"):
        Viewer("root")


def test_a_malformed_role_names_the_file_and_key(monkeypatch):
    bad = {
        "roles": {
            "public": {
                "label": "P",
                "description": "d",
                "login_required": False,
                "residence_access": "some",
                "capabilities": [],
            }
        }
    }
    monkeypatch.setattr(access, "load_toml", lambda name: bad)
    access.load_roles.cache_clear()
    try:
        with pytest.raises(ConfigError, match=r"\[roles.public\] « residence_access »"):
            access.load_roles()
    finally:
        access.load_roles.cache_clear()
