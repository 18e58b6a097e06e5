"""Text typed by users (the orientations and actions of the fiches), made safe to keep and print.

What a person types or pastes in the dashboard ends in a Typst PDF, a Word file (XML) and a web
page. :func:`clean_text` keeps every letter, emoji and line break the writer meant and drops what
no document can hold or what only disguises text: control characters (XML refuses them), lone
surrogates, non-characters, and the bidirectional overrides that make a text read differently
from what it holds. Line endings become ``\\n``; a blank line separates paragraphs.
"""

from __future__ import annotations

import re
import unicodedata

# Explicit bidirectional embeddings, overrides and isolates (Unicode « Trojan Source » controls).
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_LINE_ENDINGS = re.compile(r"\r\n|\r|\u2028|\u0085|\v|\f")
_TRAILING_SPACES = re.compile(r"[ \u00a0]+$", re.MULTILINE)
_BLANK_LINES = re.compile(r"\n[ \u00a0]*\n(?:[ \u00a0]*\n)+")


def _is_kept(char: str) -> bool:
    if char == "\n":
        return True
    if char in BIDI_CONTROLS:
        return False
    code = ord(char)
    if 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE:  # non-characters
        return False
    return unicodedata.category(char) not in ("Cc", "Cs", "Co")


def clean_text(text: str | None) -> str:
    """The text as it is kept and printed.

    Parameters
    ----------
    text : str or None
        What the writer typed (None: nothing).

    Returns
    -------
    str
        NFC-normalised text whose lines end with ``\\n``, tabs as spaces, without control or
        invisible direction characters, trailing spaces or more than one blank line in a row,
        stripped at both ends.
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFC", str(text))
    text = _LINE_ENDINGS.sub("\n", text).replace("\u2029", "\n\n").replace("\t", " ")
    text = "".join(c for c in text if _is_kept(c))
    text = _TRAILING_SPACES.sub("", text)
    return _BLANK_LINES.sub("\n\n", text).strip()


def paragraphs(text: str) -> list[str]:
    """The paragraphs of a cleaned text (separated by a blank line); lines inside a paragraph
    keep their ``\\n``."""
    return [p.strip("\n") for p in clean_text(text).split("\n\n") if p.strip()]
