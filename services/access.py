"""Who is looking: the viewer of a page or an export, its role and what the role allows.

Every service that returns residence- or occupancy-level figures takes a :class:`Viewer` and
decides from it; pages never decide by hiding a widget. The roles and their rights are data
(``config/roles.toml``); the viewer comes from an authenticated session (login or single sign-on),
never from a link: a viewer without login is :data:`PUBLIC`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from config import ConfigError, load_toml

RESIDENCE_ACCESS = ("none", "own", "all")
CAPABILITIES = (
    "explore_weights",
    "save_profiles",
    "set_reference",
    "write_fiches",
    "export_fiches",
    "simulate",
    "import_data",
    "view_journal",
    "manage_users",
)


@dataclass(frozen=True)
class Role:
    """A role of ``config/roles.toml``.

    Attributes
    ----------
    code : str
        ``public``, ``elu``, ``cil``, ``bailleur``, ``service_habitat`` or ``admin``.
    label, description : str
        French texts shown to users.
    login_required : bool
        False only for ``public``.
    residence_access : str
        ``none``, ``own`` (the account's bailleurs only) or ``all``.
    capabilities : frozenset of str
        Actions allowed (see :data:`CAPABILITIES`).
    """

    code: str
    label: str
    description: str
    login_required: bool
    residence_access: str
    capabilities: frozenset[str]


def _check_role(code: str, raw: dict) -> Role:
    where = f"config/roles.toml, [roles.{code}]"
    access = raw.get("residence_access")
    if access not in RESIDENCE_ACCESS:
        raise ConfigError(
            f"{where} « residence_access » : attendu {', '.join(RESIDENCE_ACCESS)}, "
            f"reçu « {access} »."
        )
    caps = raw.get("capabilities", [])
    unknown = sorted(set(caps) - set(CAPABILITIES))
    if unknown:
        raise ConfigError(f"{where} « capabilities » : inconnues {', '.join(unknown)}.")
    for key in ("label", "description"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise ConfigError(f"{where} « {key} » : texte attendu.")
    if not isinstance(raw.get("login_required"), bool):
        raise ConfigError(f"{where} « login_required » : attendu true ou false.")
    return Role(
        code=code,
        label=raw["label"],
        description=raw["description"],
        login_required=raw["login_required"],
        residence_access=access,
        capabilities=frozenset(caps),
    )


@lru_cache(maxsize=1)
def load_roles() -> dict[str, Role]:
    """The roles of ``config/roles.toml``, in file order.

    Raises
    ------
    ConfigError
        When a role is malformed, or ``public`` is missing or requires a login (French message).
    """
    raw = load_toml("roles.toml").get("roles", {})
    roles = {code: _check_role(code, spec) for code, spec in raw.items()}
    if "public" not in roles or roles["public"].login_required:
        raise ConfigError("config/roles.toml : le rôle « public » sans connexion est obligatoire.")
    return roles


def role(code: str) -> Role:
    """The role ``code``.

    Raises
    ------
    ValueError
        When the role is unknown (French message listing the valid ones).
    """
    roles = load_roles()
    if code not in roles:
        raise ValueError(f"rôle inconnu : « {code} » (attendu : {', '.join(roles)}).")
    return roles[code]


@dataclass(frozen=True)
class Viewer:
    """The person a figure is computed for.

    Attributes
    ----------
    role_code : str
        A role of ``config/roles.toml``.
    username : str or None
        The account (None for the public).
    display_name : str
        Shown in the sidebar and written in the journal.
    bailleurs : frozenset of str
        For the ``bailleur`` role, the bailleurs (as named in the residences table) whose
        residences the account sees in full.
    """

    role_code: str = "public"
    username: str | None = None
    display_name: str = "Public"
    bailleurs: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        role(self.role_code)  # fails early on an unknown role

    @property
    def role(self) -> Role:
        """The viewer's :class:`Role`."""
        return role(self.role_code)

    @property
    def is_public(self) -> bool:
        """Whether nobody is logged in."""
        return self.username is None

    def can(self, capability: str) -> bool:
        """Whether the role allows ``capability`` (one of :data:`CAPABILITIES`)."""
        if capability not in CAPABILITIES:
            raise ValueError(f"action inconnue : « {capability} ».")
        return capability in self.role.capabilities

    def sees_residence(self, bailleur: str | None) -> bool:
        """Whether the viewer sees the full occupancy figures of a residence of ``bailleur``."""
        access = self.role.residence_access
        if access == "all":
            return True
        return access == "own" and bailleur is not None and bailleur in self.bailleurs

    def residence_mask(self, bailleurs: Iterable[str | None]) -> list[bool]:
        """:meth:`sees_residence` for each bailleur of a column of residences."""
        return [self.sees_residence(b) for b in bailleurs]

    @property
    def sees_all_residences(self) -> bool:
        """Whether every residence-level figure is open to the viewer (on screen)."""
        return self.role.residence_access == "all"


PUBLIC = Viewer()


class AccessDeniedError(PermissionError):
    """An action refused to the viewer's role; the message is in French."""


def require(viewer: Viewer, capability: str) -> None:
    """Refuse ``capability`` to a viewer whose role does not allow it.

    Raises
    ------
    AccessDeniedError
        Naming the action and the viewer's role, in French.
    """
    if not viewer.can(capability):
        raise AccessDeniedError(
            f"action réservée : « {CAPABILITY_LABELS[capability]} » n'est pas permis au rôle "
            f"« {viewer.role.label} »."
        )


CAPABILITY_LABELS = {
    "explore_weights": "modifier les pondérations pour soi",
    "save_profiles": "enregistrer et proposer des profils de pondération",
    "set_reference": "choisir le profil de référence de la CIL",
    "write_fiches": "écrire les orientations et actions des fiches territoriales",
    "export_fiches": "exporter les fiches et les cartes",
    "simulate": "simuler une attribution",
    "import_data": "importer des données",
    "view_journal": "consulter le journal des décisions",
    "manage_users": "gérer les comptes et les rôles",
}


def legacy_role(viewer: Viewer) -> str:
    """The former access-profile code of a viewer, for services not yet taking a viewer.

    ``public`` when the role sees no residence, ``bailleur`` when it sees its own,
    ``service_habitat`` when it sees them all.
    """
    return {"none": "public", "own": "bailleur", "all": "service_habitat"}[
        viewer.role.residence_access
    ]
