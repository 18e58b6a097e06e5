"""Single sign-on: the identity given by ``st.login`` (OIDC claims) → a viewer.

The role is decided here, at every page run, never kept from a previous run (Streamlit's logout
does not revoke its identity cookie; the store can):

1. an account of the users table with the same, verified e-mail decides (its role and
   bailleurs; a disabled account gives no access, whatever the token says);
2. else the claim ``role_claim`` of ``[sso]`` in ``config/settings.toml``, mapped by
   ``[sso.claim_roles]`` (a string or a list; several different roles are ambiguous and give
   none); the ``bailleur`` role takes its bailleurs from ``bailleurs_claim``;
3. else no role: the public view, with a French message.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from config import ConfigError, load_toml
from services.access import Viewer, load_roles
from services.accounts import actor_of, viewer_of
from store import audit as audit_store
from store import read_session, write_session
from store import users as users_store
from store.users import UserRecord

NO_ROLE = (
    "Votre identité est reconnue, mais aucun rôle ne vous est attribué dans l'outil : vous voyez "
    "la vue publique. Demandez un accès à l'administrateur de l'outil."
)


@dataclass(frozen=True)
class SsoSettings:
    """How claims map to roles (``[sso]`` of ``config/settings.toml``)."""

    role_claim: str = "cotation_role"
    bailleurs_claim: str = "cotation_bailleurs"
    claim_roles: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SsoResult:
    """The viewer of a single sign-on identity, or a French message saying why none."""

    viewer: Viewer | None
    message: str = ""


def load_sso_settings() -> SsoSettings:
    """Read ``[sso]`` of ``config/settings.toml``.

    Raises
    ------
    ConfigError
        When a claim name is not a text or a mapped role is unknown (French message).
    """
    section = load_toml("settings.toml").get("sso", {})
    roles = load_roles()
    mapping = section.get("claim_roles", {})
    for value, code in mapping.items():
        if code not in roles or code == "public":
            raise ConfigError(
                f"config/settings.toml, [sso.claim_roles] « {value} » : rôle « {code} » inconnu "
                f"(attendu : {', '.join(c for c in roles if c != 'public')})."
            )
    for key in ("role_claim", "bailleurs_claim"):
        if not isinstance(section.get(key, ""), str):
            raise ConfigError(f"config/settings.toml, [sso] « {key} » : attendu un texte.")
    return SsoSettings(
        role_claim=section.get("role_claim", SsoSettings.role_claim),
        bailleurs_claim=section.get("bailleurs_claim", SsoSettings.bailleurs_claim),
        claim_roles=dict(mapping),
    )


def _values(claim: object) -> list[str]:
    if isinstance(claim, str):
        return [claim]
    if isinstance(claim, list | tuple):
        return [str(v) for v in claim]
    return []


def verified_email(claims: Mapping[str, object]) -> str | None:
    """The e-mail of the identity when the provider says it is verified (lowercase)."""
    email = claims.get("email")
    if not isinstance(email, str) or not email.strip():
        return None
    if claims.get("email_verified") is False:
        return None
    return email.strip().lower()


def viewer_from_claims(
    claims: Mapping[str, object], settings: SsoSettings, account: UserRecord | None
) -> SsoResult:
    """The viewer of an identity (pure: the account by e-mail is looked up by the caller).

    Parameters
    ----------
    claims : mapping
        The identity token's claims (``st.user``).
    settings : SsoSettings
        The claim → role mapping.
    account : UserRecord or None
        The account with the identity's verified e-mail, if any.
    """
    if account is not None:
        if not account.is_active or account.is_demo:
            return SsoResult(None, "Compte désactivé : demandez à l'administrateur de l'outil.")
        return SsoResult(viewer_of(account))
    mapped = {
        settings.claim_roles[v]
        for v in _values(claims.get(settings.role_claim))
        if v in settings.claim_roles
    }
    if len(mapped) != 1:
        message = (
            NO_ROLE
            if not mapped
            else NO_ROLE.replace(
                "aucun rôle ne vous est attribué", "plusieurs rôles vous sont attribués"
            )
        )
        return SsoResult(None, message)
    code = mapped.pop()
    email = verified_email(claims)
    subject = email or str(claims.get("sub") or "").strip()
    if not subject:
        return SsoResult(None, "Identité incomplète : ni adresse électronique ni identifiant.")
    bailleurs = frozenset(b.strip() for b in _values(claims.get(settings.bailleurs_claim)) if b)
    if load_roles()[code].residence_access == "own" and not bailleurs:
        return SsoResult(None, f"Rôle « {code} » sans bailleur dans l'identité : accès refusé.")
    name = claims.get("name")
    display = name.strip() if isinstance(name, str) and name.strip() else subject
    return SsoResult(Viewer(code, f"sso:{subject}", display, bailleurs))


def sso_viewer(claims: Mapping[str, object], settings: SsoSettings | None = None) -> SsoResult:
    """The viewer of a single sign-on identity, with the account looked up by verified e-mail."""
    settings = settings or load_sso_settings()
    email = verified_email(claims)
    with read_session() as session:
        account = users_store.get_user_by_email(session, email) if email else None
    return viewer_from_claims(claims, settings, account)


def record_sso_login(viewer: Viewer) -> None:
    """Audit a single sign-on login (``login_sso``), once per session."""
    with write_session() as session:
        audit_store.record(session, actor_of(viewer), "login_sso", "user", viewer.username)
