"""The store's clock: naive UTC datetimes, the same on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt


def utcnow() -> dt.datetime:
    """The current time in UTC, without time zone (as stored)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)
