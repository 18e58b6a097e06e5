"""Turn the text cells of a file into typed values, strictly, with French conventions.

- numbers: ``1 234,5`` or ``1234.5`` (spaces, non-breaking spaces between thousands, one decimal
  separator, an optional exponent); ``inf``, ``nan`` and any other word are refused;
- booleans: « oui » / « non » (also vrai / faux, o / n, x, 1 / 0, true / false); an empty cell is
  « non » when the column is required, missing otherwise;
- dates: ``JJ/MM/AAAA`` as a French spreadsheet writes them, or ``AAAA-MM-JJ``; nothing else
  (``01/02/24``, ``12/31/2024`` or ``2024`` are refused);
- text: trimmed; an empty cell is a missing value.

:func:`parse_table` converts the columns of a table and raises a
:class:`~geodata.errors.DataValidationError` at the first cell that cannot be read, naming the
file, the line, the column, the value and what was expected. Bounds, allowed values and keys are
checked afterwards by :func:`geodata.validation.validate_table`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from geodata.errors import located

if TYPE_CHECKING:
    from geodata.schemas import Column, Table

TRUE_WORDS = frozenset({"oui", "vrai", "true", "1", "o", "x", "yes", "y"})
FALSE_WORDS = frozenset({"non", "faux", "false", "0", "n", "no"})
NUMBER = re.compile(
    r"^[+-]?(?:\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:[.,]\d+)?(?:[eE][+-]?\d{1,3})?$"
)
SPACES = re.compile(r"[ \u00a0\u202f]")
DATE_FR = re.compile(r"^\d{2}/\d{2}/\d{4}$")
DATE_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
EXPECTED = {
    "int": "un nombre entier (laissez la cellule vide si la valeur manque)",
    "float": "un nombre, par exemple 12,5 (laissez la cellule vide si la valeur manque)",
    "bool": "oui ou non",
    "date": "une date JJ/MM/AAAA (ou AAAA-MM-JJ)",
}


def parse_numbers(text: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Numbers of stripped text cells: (float values with NaN when empty, mask of bad cells).

    Each distinct text is parsed once: files repeat their values (rooms, years, codes).
    """
    cells = text.astype(object)
    if pd.api.types.infer_dtype(cells, skipna=False) != "string":
        cells = cells.map(lambda c: c if isinstance(c, str) else "" if pd.isna(c) else str(c))
    codes, uniques = pd.factorize(cells, use_na_sentinel=False)
    if len(uniques) < len(text) // 2:
        values, bad = _parse_numbers(pd.Series(uniques, dtype=object))
        return values[codes], bad[codes]
    return _parse_numbers(cells)


def _parse_numbers(text: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    cells = text.to_numpy(dtype=object)
    empty = np.array([c == "" for c in cells], dtype=bool)
    # Whole numbers without separators (coordinates, years, counts) need no pattern.
    digits = np.array([c.isdigit() and c.isascii() for c in cells], dtype=bool)
    good = digits.copy()
    other = np.flatnonzero(~digits & ~empty)
    if other.size:
        rest = pd.Series(cells[other], dtype=object)
        good[other] = rest.str.fullmatch(NUMBER).to_numpy(dtype=bool)
    cleaned = np.where(good, cells, None).astype(object)
    special = np.flatnonzero(good & ~digits)
    if special.size:
        cleaned[special] = [SPACES.sub("", c).replace(",", ".") for c in cells[special]]
    values = pd.to_numeric(pd.Series(cleaned, dtype=object), errors="coerce").to_numpy(
        dtype=float, na_value=np.nan
    )
    return values, ~empty & ~good


def parse_dates(text: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Dates of stripped text cells (``JJ/MM/AAAA`` or ``AAAA-MM-JJ``): (values, bad mask)."""
    text = text.astype(str)
    empty = text.eq("").to_numpy()
    french = pd.to_datetime(
        text.where(text.str.fullmatch(DATE_FR), None), format="%d/%m/%Y", errors="coerce"
    )
    iso = pd.to_datetime(
        text.where(text.str.fullmatch(DATE_ISO), None), format="%Y-%m-%d", errors="coerce"
    )
    values = french.fillna(iso)
    return values, ~empty & values.isna().to_numpy()


def parse_booleans(text: pd.Series, *, empty_is_false: bool) -> tuple[pd.Series, np.ndarray]:
    """Booleans of stripped text cells: (object values True / False / None, bad mask)."""
    lower = text.astype(str).str.lower()
    empty = lower.eq("").to_numpy()
    true = lower.isin(TRUE_WORDS).to_numpy()
    false = lower.isin(FALSE_WORDS).to_numpy() | (empty & empty_is_false)
    values = np.full(len(lower), None, dtype=object)
    values[true] = True
    values[false] = False
    return pd.Series(values, index=text.index, dtype=object), ~empty & ~true & ~false


def parse_column(text: pd.Series, col: Column) -> tuple[pd.Series, np.ndarray]:
    """Typed values of one column's text cells and the mask of cells that cannot be read."""
    text = text.fillna("").astype(str).str.strip()
    if col.dtype in ("int", "float"):
        values, bad = parse_numbers(text)
        return pd.Series(values, index=text.index), bad
    if col.dtype == "date":
        return parse_dates(text)
    if col.dtype == "bool":
        return parse_booleans(text, empty_is_false=not col.nullable)
    return text.where(text.ne(""), None).astype(object), np.zeros(len(text), dtype=bool)


def parse_table(
    raw: pd.DataFrame,
    table: Table,
    *,
    file: str,
    lines: np.ndarray,
    columns: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Convert the text cells of ``raw`` to the types of ``table``.

    Parameters
    ----------
    raw : pandas.DataFrame
        Text cells (see :mod:`geodata.tabular`); columns not in ``table`` are kept as they are.
    table : Table
        Data dictionary entry.
    file : str
        File name quoted in messages.
    lines : numpy.ndarray
        Line of each row in the file.
    columns : iterable of str, optional
        Columns to convert (those of ``table`` present in ``raw`` by default).

    Returns
    -------
    pandas.DataFrame
        A copy of ``raw`` with the converted columns.

    Raises
    ------
    DataValidationError
        At the first cell that cannot be read (columns in dictionary order).
    """
    names = list(columns) if columns is not None else table.all_names
    out = raw.copy()
    for name in names:
        if name not in raw.columns:
            continue
        col = table.column(name)
        if col.dtype == "geometry":
            continue
        values, bad = parse_column(raw[name], col)
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            expected = EXPECTED.get(col.dtype, "du texte")
            raise located(
                f"{expected} — {col.description.lower()}",
                file=file,
                line=int(lines[row]),
                column=name,
                value=raw[name].iloc[row],
            )
        out[name] = values
    return out
