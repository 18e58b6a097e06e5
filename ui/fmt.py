"""French number, percentage and date formats for everything the interface shows.

The formatters live in :mod:`services.fmt` so that exports (``reports/``) print exactly what the
pages show; this module keeps the names the pages and widgets import.
"""

from services.fmt import (
    MISSING,
    MONTHS,
    THOUSANDS,
    UNIT_SPACE,
    fmt_date,
    fmt_datetime,
    fmt_int,
    fmt_number,
    fmt_pct,
    fmt_rank,
    fmt_signed,
    is_missing,
)

__all__ = [
    "MISSING",
    "MONTHS",
    "THOUSANDS",
    "UNIT_SPACE",
    "fmt_date",
    "fmt_datetime",
    "fmt_int",
    "fmt_number",
    "fmt_pct",
    "fmt_rank",
    "fmt_signed",
    "is_missing",
]
