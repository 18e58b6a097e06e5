"""The journal of decisions: the audit trail read back, filtered, in French words.

Capability ``view_journal`` (service habitat, administrator). Each line says who, when, what
(before → after) and why; :data:`ACTION_LABELS` names the actions in French.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence

import pandas as pd

from services.access import Viewer, require
from store import AuditRecord, read_session
from store import audit as audit_store

ACTION_LABELS = {
    "login": "connexion",
    "login_sso": "connexion (authentification unique)",
    "login_failed": "échec de connexion",
    "login_locked": "connexion refusée (compte verrouillé)",
    "login_refused": "connexion refusée",
    "logout": "déconnexion",
    "user_created": "compte créé",
    "role_changed": "rôle modifié",
    "password_changed": "mot de passe modifié",
    "user_unlocked": "compte déverrouillé",
    "user_enabled": "compte réactivé",
    "user_disabled": "compte désactivé",
    "profile_saved": "profil enregistré",
    "profile_proposed": "profil proposé",
    "profile_withdrawn": "profil retiré (brouillon)",
    "profile_reference": "profil de référence de la CIL",
    "fiche_text_saved": "texte de fiche enregistré",
    "dataset_recorded": "version de données enregistrée",
    "dataset_switched": "version de données mise en service",
    "dataset_failed": "version de données en échec",
    "data_reset": "retour aux données de démonstration",
}
ACTION_GROUPS = {
    "Décisions (profils, fiches)": (
        "profile_saved",
        "profile_proposed",
        "profile_withdrawn",
        "profile_reference",
        "fiche_text_saved",
    ),
    "Données": ("dataset_recorded", "dataset_switched", "dataset_failed", "data_reset"),
    "Comptes et rôles": (
        "user_created",
        "role_changed",
        "password_changed",
        "user_unlocked",
        "user_enabled",
        "user_disabled",
    ),
    "Connexions": (
        "login",
        "login_sso",
        "login_failed",
        "login_locked",
        "login_refused",
        "logout",
    ),
}
COLUMNS = ("at", "actor_name", "actor", "action_label", "target", "reason", "before", "after")


def journal_entries(
    viewer: Viewer,
    *,
    actions: Sequence[str] | None = None,
    actor: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    text: str | None = None,
    limit: int = 500,
) -> list[AuditRecord]:
    """Lines of the journal matching the filters, newest first.

    Parameters
    ----------
    viewer : Viewer
        Must have ``view_journal``.
    actions : sequence of str, optional
        Keep these actions (keys of :data:`ACTION_LABELS`).
    actor : str, optional
        Keep one account's lines.
    since, until : date, optional
        Days (UTC), both included.
    text : str, optional
        Words searched in the person's name, the target and the reason.

    Raises
    ------
    AccessDeniedError
        Without ``view_journal``.
    """
    require(viewer, "view_journal")
    start = dt.datetime.combine(since, dt.time()) if since else None
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time()) if until else None
    with read_session() as session:
        return audit_store.query(
            session, actions=actions, actor=actor, since=start, until=end, text=text, limit=limit
        )


def journal_actors(viewer: Viewer) -> list[tuple[str, str]]:
    """(username, name) of everyone in the journal."""
    require(viewer, "view_journal")
    with read_session() as session:
        return audit_store.actors(session)


def _state(value: dict | None) -> str:
    if not value:
        return ""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def journal_table(entries: Sequence[AuditRecord]) -> pd.DataFrame:
    """The lines as a table: when, who, what, on what, why, before, after."""
    rows = [
        {
            "at": e.at,
            "actor_name": e.actor_name,
            "actor": e.actor or "",
            "action_label": ACTION_LABELS.get(e.action, e.action),
            "target": e.target or "",
            "reason": e.reason or "",
            "before": _state(e.before),
            "after": _state(e.after),
        }
        for e in entries
    ]
    return pd.DataFrame(rows, columns=list(COLUMNS))
