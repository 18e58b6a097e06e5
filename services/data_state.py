"""The « data version » servers read at every page run to know that the data changed.

It lives in the store (one primary-key read): a data import on any server, or a new reference
profile of the CIL, raises it, and each server drops its caches at its next run — with several
servers behind a proxy, file modification times on one machine could not tell the others.
"""

from __future__ import annotations

from store import database_url, read_session
from store.datasets import data_version


def data_token() -> tuple[str, int]:
    """The store's address and its data version: changes whenever cached figures are stale."""
    url = database_url()
    with read_session(url) as session:
        return url, data_version(session)
