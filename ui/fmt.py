"""French number, percentage and date formats for everything the interface shows.

The formatters live in :mod:`services.fmt` so that exports (``reports/``) print exactly what the
pages show; this module keeps the names the pages and widgets import, and :func:`quote_text`,
which makes text from outside (a link, a file) inert before it goes into a message.
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

_MARKDOWN_ACTIVE = str.maketrans({c: f"\\{c}" for c in "\\`*_{}[]()#+-.!|:$<>~=\"'&"})
# A word joiner (invisible) breaks what the Markdown renderer would turn into a link by itself
# whatever the escapes: ``https://…``, ``www.…``, ``name@domain``.
_JOINER = "\u2060"
_AUTOLINKS = (("://", f":{_JOINER}//"), ("www.", f"www{_JOINER}."), ("@", f"{_JOINER}@"))


def quote_text(value: object, limit: int = 60) -> str:
    """Text that came from outside (a link, a file) made inert for Streamlit's Markdown.

    Every ASCII punctuation mark is escaped (no link, image, emphasis, colour or formula can be
    smuggled into a message), control characters become spaces and the text is cut at
    ``limit`` characters with « … ». ``[ici](https://x.org)`` reads as it is written instead
    of becoming a link, and so does a bare address (an invisible word joiner breaks it).
    """
    text = "".join(" " if not c.isprintable() else c for c in str(value)).strip()
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    for found, broken in _AUTOLINKS:
        text = text.replace(found, broken)
    return text.translate(_MARKDOWN_ACTIVE)


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
    "quote_text",
]
