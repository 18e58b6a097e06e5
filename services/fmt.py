"""French number, percentage and date formats for everything the product shows or exports.

Thousands are grouped with a narrow no-break space and decimals use a comma (``1 234,5``); a unit
is separated by a no-break space (``32,0 %``, ``1 234 logements``). Missing values are shown as an
em dash, never as zero.
"""

from __future__ import annotations

import datetime as dt
import math
from zoneinfo import ZoneInfo

import pandas as pd

THOUSANDS = "\u202f"  # narrow no-break space
UNIT_SPACE = "\u00a0"  # no-break space
MISSING = "—"
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def is_missing(value: object) -> bool:
    """Whether ``value`` is None, NaN or pandas NA."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def fmt_number(value: object, decimals: int = 0, unit: str = "") -> str:
    """Format a number the French way.

    Parameters
    ----------
    value : number
        The value; None/NaN gives an em dash.
    decimals : int, default 0
        Digits after the decimal comma.
    unit : str, optional
        Unit appended after a no-break space (``"%"``, ``"€/m²"``, ``"logements"``).

    Examples
    --------
    >>> fmt_number(1234.5, 1, "%") == "1\u202f234,5\u00a0%"
    True
    """
    if is_missing(value):
        return MISSING
    number = float(value)
    if math.isinf(number):
        return MISSING
    text = f"{number:,.{decimals}f}".replace(",", THOUSANDS).replace(".", ",")
    if text.startswith("-") and float(text.replace(THOUSANDS, "").replace(",", ".")) == 0:
        text = text[1:]
    return f"{text}{UNIT_SPACE}{unit}" if unit else text


def fmt_pct(value: object, decimals: int = 1) -> str:
    """Format a percentage given in percent (``32.04`` → ``32,0 %``)."""
    return fmt_number(value, decimals, "%")


def fmt_int(value: object, unit: str = "") -> str:
    """Format a count (``19437`` → ``19 437``)."""
    return fmt_number(value, 0, unit)


def fmt_signed(value: object, decimals: int = 0, unit: str = "") -> str:
    """Format a change with its sign: ``+15 %``, ``−3 logements``, ``0,0 point`` (no sign at
    zero once rounded); an em dash when missing."""
    text = fmt_number(abs(value) if not is_missing(value) else value, decimals, unit)
    if is_missing(value) or round(float(value), decimals) == 0:
        return text
    return f"+{text}" if value > 0 else f"−{text}"


def fmt_rank(rank: object, total: object = None) -> str:
    """Format a rank, among ``total`` when given (``1re sur 541``, ``430e``); ``non classée``
    when there is no rank."""
    if is_missing(rank):
        return "non classée"
    rank = int(rank)
    ordinal = f"{fmt_int(rank)}{'re' if rank == 1 else 'e'}"
    return ordinal if total is None else f"{ordinal} sur {fmt_int(total)}"


def fmt_date(value: dt.date | pd.Timestamp | None) -> str:
    """Format a date as ``25 novembre 2026``."""
    if is_missing(value):
        return MISSING
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


PARIS = ZoneInfo("Europe/Paris")


def fmt_datetime(value: dt.datetime | None) -> str:
    """Format a naive UTC time of the store in Paris time: ``25/11/2026 14:05``."""
    if value is None or is_missing(value):
        return MISSING
    return value.replace(tzinfo=dt.UTC).astimezone(PARIS).strftime("%d/%m/%Y %H:%M")
