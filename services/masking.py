"""Transitional: the access profiles of the sidebar picker, until the login replaces it.

The secret statistique itself lives in :mod:`services.disclosure` (rules in
``config/disclosure.toml``) and decides from a :class:`services.access.Viewer`; this module only
keeps the legacy profile list the picker of ``ui/frame.py`` still shows. It goes with the picker.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Role:
    """A legacy access profile of the sidebar picker."""

    code: str
    label: str
    has_residence_access: bool


ROLES: dict[str, Role] = {
    r.code: r
    for r in (
        Role("public", "Public (élus, diffusion)", False),
        Role("bailleur", "Bailleur social", True),
        Role("service_habitat", "Service habitat", True),
    )
}
