"""The disclosure rules of every export: the public rules, whoever asks.

A file that leaves the dashboard (map snapshot, fiche territoriale, printable residence card,
CSV or Excel table) can be forwarded to anyone, so it always follows the rules of the public (the
secret statistique of :mod:`services.disclosure`: small bases, dominance, insider rule and
secondary suppression, the public cotation), whatever the role of the person who asked for it.
Every export takes its figures through :data:`EXPORT_ACCESS` or :data:`EXPORT_VIEWER` and the
published tables of :mod:`services.disclosure.tables`, and nowhere else: changing the rules of the
exports is a change of :data:`EXPORT_ROLE` only.
"""

from __future__ import annotations

from services.access import Viewer
from services.disclosure import Access

# The role whose view every export reproduces (``config/roles.toml``): nobody logged in.
EXPORT_ROLE = "public"
# Who every export is computed for, and what it may show.
EXPORT_VIEWER = Viewer(EXPORT_ROLE)
EXPORT_ACCESS = Access.of(EXPORT_VIEWER, export=True)
