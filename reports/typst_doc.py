"""Compile a Typst template of ``reports/templates`` with its data (JSON) and images.

The data are written as ``data.json`` beside the template in a temporary folder that Typst
compiles: every text is a JSON string for Typst, never markup, so no name or text typed in the
dashboard can change the layout. Tables carry, for each masked cell, the index of its rule in the
document's notes and whether it is the first cell of that rule (which holds the footnote).
"""

from __future__ import annotations

import itertools
import json
import re
import tempfile
import unicodedata
from collections.abc import Mapping
from pathlib import Path

import typst

from services.fiche_model import Table

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
COMMON = "common.typ"
ZERO_WIDTH_SPACE = "\u200b"
# A word longer than this may be broken (about a third of a line of the fiche's body text)...
LONG_WORD = 30
# ...every this many characters, where a break cannot split a letter from its accent or an emoji.
BREAK_EVERY = 20
_WORD = re.compile(rf"\S{{{LONG_WORD + 1},}}")


def _is_flag_half(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF  # regional indicators: two make a flag


def _joins(before: str, after: str, flag_halves: int) -> bool:
    """Whether ``before`` and ``after`` belong to one visible character (a letter and its
    accent, an emoji sequence, the two halves of a flag); ``flag_halves`` counts the regional
    indicators that end at ``before``."""
    if before == "\u200d" or unicodedata.category(after) in ("Mn", "Mc", "Me", "Cf", "Sk"):
        return True
    code = ord(after)
    return (
        0xFE00 <= code <= 0xFE0F  # variation selectors
        or 0x1F3FB <= code <= 0x1F3FF  # skin tones
        or 0xE0000 <= code <= 0xE007F  # tags
        or (_is_flag_half(after) and flag_halves % 2 == 1)
    )


def _break_word(match: re.Match) -> str:
    word = match.group(0)
    out, run, flag_halves = [word[0]], 1, int(_is_flag_half(word[0]))
    for before, after in itertools.pairwise(word):
        if run >= BREAK_EVERY and not _joins(before, after, flag_halves):
            out.append(ZERO_WIDTH_SPACE)
            run = 0
        out.append(after)
        run += 1
        flag_halves = flag_halves + 1 if _is_flag_half(after) else 0
    return "".join(out)


def breakable(text: str) -> str:
    """``text`` with invisible break opportunities inside words too long for a line (a pasted
    address, a row of emoji): Typst never breaks a word by itself, so such a word would run past
    the margin."""
    return _WORD.sub(_break_word, text)


def table_json(table: Table, notes: list[str], seen: set[int]) -> dict:
    """A table as the templates read it; ``seen`` collects the rules already footnoted."""
    rows = []
    for row in table.rows:
        cells = []
        for cell in row:
            index = notes.index(cell.note) if cell.note else None
            first = index is not None and index not in seen
            if index is not None:
                seen.add(index)
            cells.append({"text": cell.text, "note": index, "first": first})
        rows.append(cells)
    return {
        "title": table.title,
        "caption": table.caption,
        "columns": list(table.columns),
        "widths": list(table.widths),
        "align": table.alignment,
        "rows": rows,
    }


def compile_document(
    template: str,
    document: dict,
    files: Mapping[str, bytes],
    fmt: str = "pdf",
    ppi: float | None = None,
) -> bytes | list[bytes]:
    """Compile ``templates/<template>`` with ``document`` as ``data.json`` and ``files`` (images)
    beside it.

    Parameters
    ----------
    fmt : str
        ``pdf`` (one file), or ``png`` / ``svg`` (one image per page, a list when the document
        has several pages).
    ppi : float, optional
        Pixels per inch of a ``png`` (Typst's default otherwise).
    """
    with tempfile.TemporaryDirectory(prefix="typst-") as folder:
        root = Path(folder)
        for name in (template, COMMON):
            (root / name).write_bytes((TEMPLATE_DIR / name).read_bytes())
        (root / "data.json").write_text(json.dumps(document, ensure_ascii=False), "utf-8")
        for name, content in files.items():
            (root / name).write_bytes(content)
        options = {"ppi": ppi} if ppi else {}
        return typst.compile(str(root / template), root=str(root), format=fmt, **options)


def compile_pdf(template: str, document: dict, files: Mapping[str, bytes]) -> bytes:
    """The PDF of :func:`compile_document`."""
    return compile_document(template, document, files, "pdf")
