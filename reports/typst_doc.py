"""Compile a Typst template of ``reports/templates`` with its data (JSON) and images.

The data are written as ``data.json`` beside the template in a temporary folder that Typst
compiles: every text is a JSON string for Typst, never markup, so no name or text typed in the
dashboard can change the layout. Tables carry, for each masked cell, the index of its rule in the
document's notes and whether it is the first cell of that rule (which holds the footnote).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Mapping
from pathlib import Path

import typst

from services.fiche_model import Table

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
COMMON = "common.typ"


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


def compile_pdf(template: str, document: dict, files: Mapping[str, bytes]) -> bytes:
    """Compile ``templates/<template>`` with ``document`` as ``data.json`` and ``files`` (images)
    beside it; returns the PDF."""
    with tempfile.TemporaryDirectory(prefix="typst-") as folder:
        root = Path(folder)
        for name in (template, COMMON):
            (root / name).write_bytes((TEMPLATE_DIR / name).read_bytes())
        (root / "data.json").write_text(json.dumps(document, ensure_ascii=False), "utf-8")
        for name, content in files.items():
            (root / name).write_bytes(content)
        return typst.compile(str(root / template), root=str(root), format="pdf")
