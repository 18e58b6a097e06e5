"""Figures of a fiche as printed cells: French formats, « s » and its rule for a masked figure.

Every number of a fiche goes through :func:`figure_cell`: the figure is taken from the masked
outputs of the services (NaN with a reason when hidden) and formatted with :mod:`services.fmt`.
"""

from __future__ import annotations

import math

import pandas as pd

from services.fiche_model import MASKED_TEXT, Cell
from services.fmt import MISSING, fmt_number, is_missing


def footnote_text(reason: str) -> str:
    """The footnote of a masked cell: the rule that hid it, in French."""
    text = str(reason).strip()
    return f"{text[:1].upper()}{text[1:]} (règle de diffusion publique de tout export)."


def _reason(reason: object) -> str | None:
    if is_missing(reason):
        return None
    first = str(reason).split(";")[0].strip()
    return footnote_text(first) if first else None


def figure_cell(value: object, decimals: int = 0, unit: str = "", reason: object = None) -> Cell:
    """A figure as a cell: « s » with its rule when ``reason`` says it is hidden, the French
    number otherwise, an em dash when missing."""
    note = _reason(reason)
    if note is not None and is_missing(value):
        return Cell(MASKED_TEXT, note)
    return Cell(fmt_number(value, decimals, unit))


def text_cell(text: object) -> Cell:
    """A text cell (an em dash when empty)."""
    return Cell(MISSING if is_missing(text) or str(text) == "" else str(text))


def change_cell(
    new: object, old: object, decimals: int = 1, unit: str = "pt", reason: object = None
) -> Cell:
    """The change between two figures (``+1,2 pt``); « s » when either is hidden."""
    if is_missing(new) or is_missing(old):
        return figure_cell(math.nan, decimals, unit, reason)
    delta = float(new) - float(old)
    text = fmt_number(abs(delta), decimals, unit)
    if round(delta, decimals) == 0:
        return Cell(text)
    return Cell(("+" if delta > 0 else "−") + text)


def share_cell(part: object, total: object, decimals: int = 1) -> Cell:
    """``part`` as a percentage of ``total`` (em dash without total)."""
    if is_missing(part) or is_missing(total) or float(total) == 0:
        return Cell(MISSING)
    return Cell(fmt_number(100.0 * float(part) / float(total), decimals, "%"))


def row_reason(frame: pd.DataFrame, mask: pd.Series) -> object:
    """The ``mask_reason`` of the single row selected by ``mask`` (None without one)."""
    rows = frame.loc[mask]
    if rows.empty or "mask_reason" not in rows:
        return None
    return rows["mask_reason"].iloc[0]
