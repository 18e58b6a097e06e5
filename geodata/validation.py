"""Check a typed table against its entry of the data dictionary, and stop at the first problem.

:func:`validate_table` is used on everything the product reads: the demo tables, every version
of imported data, every converted official file. It checks presence of the columns, missing
values, types (finite numbers, whole numbers that fit, real dates, text without control
characters), bounds, allowed values, official code shapes, keys unique even when case and spaces
differ, and the rules that tie columns of a row together (:data:`ROW_RULES`). The message of the
:class:`~geodata.errors.DataValidationError` names the file, the line, the column, the value and
what was expected, in French.

Typed means: numbers as numbers, booleans as booleans, dates as ``datetime64``; the conversion of
text cells (French conventions) is :mod:`geodata.parsing`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from geodata.errors import DataValidationError, located

if TYPE_CHECKING:
    from geodata.schemas import Column, Table

MAX_SAFE_INT = 2**53
MAX_TEXT_CHARS = 300
MIN_DATE = pd.Timestamp("1900-01-01")
MAX_DATE = pd.Timestamp("2100-12-31")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
CODE_PATTERNS = {
    "commune_code": (re.compile(r"^(\d{5}|2[AB]\d{3})$"), "un code INSEE de 5 caractères"),
}


def _line(lines: np.ndarray | None, first_line: int, position: int) -> int:
    return int(lines[position]) if lines is not None else position + first_line


def _fail(table_file, lines, first_line, position, column, value, expected, problem=None):
    return located(
        expected,
        file=table_file,
        line=_line(lines, first_line, position),
        column=column,
        value=value,
        problem=problem,
    )


def _first(mask: np.ndarray) -> int | None:
    idx = np.flatnonzero(mask)
    return int(idx[0]) if idx.size else None


def _shown_bound(bound: float, unit: str) -> str:
    return f"{bound:g}{' ' + unit if unit and unit != 'année' else ''}"


def _check_numbers(col: Column, present: pd.Series, offsets, fail) -> None:
    numeric = pd.to_numeric(present, errors="coerce")
    arr = numeric.to_numpy(dtype=float, na_value=np.nan)
    kind = "un nombre entier" if col.dtype == "int" else "un nombre"
    row = _first(np.isnan(arr))
    if row is not None:
        raise fail(offsets[row], col.name, present.iloc[row], f"{kind} ({col.description.lower()})")
    row = _first(~np.isfinite(arr))
    if row is not None:
        raise fail(
            offsets[row],
            col.name,
            present.iloc[row],
            f"{kind} fini ({col.description.lower()})",
            "valeur infinie",
        )
    for bound, test, word in (
        (col.minimum, lambda b: arr < b, "supérieur ou égal"),
        (col.maximum, lambda b: arr > b, "inférieur ou égal"),
    ):
        if bound is None:
            continue
        row = _first(test(bound))
        if row is not None:
            raise fail(
                offsets[row],
                col.name,
                present.iloc[row],
                f"un nombre {word} à {_shown_bound(bound, col.unit)} ({col.description.lower()})",
            )
    if col.dtype == "int":
        row = _first((np.abs(arr) >= MAX_SAFE_INT) | (arr != np.floor(arr)))
        if row is not None:
            raise fail(
                offsets[row], col.name, present.iloc[row], f"{kind} ({col.description.lower()})"
            )


def _check_dates(col: Column, present: pd.Series, offsets, fail) -> None:
    if pd.api.types.is_datetime64_any_dtype(present.dtype):
        parsed = present
    else:
        is_stamp = np.array([isinstance(v, (pd.Timestamp, np.datetime64)) for v in present])
        row = _first(~is_stamp)
        if row is not None:
            raise fail(offsets[row], col.name, present.iloc[row], "une date JJ/MM/AAAA")
        parsed = pd.to_datetime(present)
    row = _first(((parsed < MIN_DATE) | (parsed > MAX_DATE)).to_numpy())
    if row is not None:
        raise fail(
            offsets[row],
            col.name,
            pd.Timestamp(present.iloc[row]).strftime("%d/%m/%Y"),
            "une date entre le 01/01/1900 et le 31/12/2100",
        )


def _check_text(col: Column, present: pd.Series, offsets, fail) -> None:
    if pd.api.types.is_object_dtype(present.dtype):
        is_text = np.array([isinstance(v, str) for v in present], dtype=bool)
    else:
        is_text = np.full(len(present), pd.api.types.is_string_dtype(present.dtype))
    row = _first(~is_text)
    if row is not None:
        raise fail(
            offsets[row], col.name, present.iloc[row], f"du texte ({col.description.lower()})"
        )
    text = present.astype(str)
    row = _first(text.str.contains(CONTROL).to_numpy(dtype=bool))
    if row is not None:
        raise fail(
            offsets[row],
            col.name,
            present.iloc[row],
            "du texte sans caractère de contrôle",
            "caractère de contrôle (tabulation, saut de ligne, caractère nul…)",
        )
    row = _first((text.str.len() > MAX_TEXT_CHARS).to_numpy(dtype=bool))
    if row is not None:
        raise fail(
            offsets[row], col.name, present.iloc[row], f"au plus {MAX_TEXT_CHARS} caractères"
        )
    row = _first(text.str.strip().eq("").to_numpy(dtype=bool))
    if row is not None:
        raise fail(offsets[row], col.name, present.iloc[row], "un texte non vide")
    if col.name in CODE_PATTERNS:
        pattern, expected = CODE_PATTERNS[col.name]
        row = _first(~text.str.fullmatch(pattern).to_numpy(dtype=bool))
        if row is not None:
            raise fail(offsets[row], col.name, present.iloc[row], expected)


def _check_column(col: Column, values: pd.Series, fail) -> None:
    isna = values.isna().to_numpy()
    if not col.nullable and isna.any():
        row = _first(isna)
        raise fail(
            row,
            col.name,
            "",
            f"{col.description.lower()} (obligatoire)",
            "valeur manquante",
        )
    present = values[~isna]
    offsets = np.flatnonzero(~isna)
    if col.dtype in ("int", "float"):
        _check_numbers(col, present, offsets, fail)
    elif col.dtype == "bool":
        row = _first(~present.isin([True, False]).to_numpy())
        if row is not None:
            raise fail(offsets[row], col.name, present.iloc[row], "vrai ou faux (oui / non)")
    elif col.dtype == "date":
        _check_dates(col, present, offsets, fail)
    elif col.dtype == "string":
        _check_text(col, present, offsets, fail)
    if col.allowed is not None:
        row = _first(~present.isin(col.allowed).to_numpy())
        if row is not None:
            raise fail(
                offsets[row],
                col.name,
                present.iloc[row],
                f"l'une des valeurs {', '.join(map(str, col.allowed))}",
            )


def _check_key(df: pd.DataFrame, table: Table, fail) -> None:
    parts = []
    for name in table.key:
        values = df[name]
        if table.column(name).dtype == "string":
            values = values.astype(str).str.strip().str.casefold()
        parts.append(values)
    dup = pd.concat(parts, axis=1).duplicated().to_numpy()
    row = _first(dup)
    if row is None:
        return
    key_value = " / ".join(str(df[k].iloc[row]) for k in table.key)
    first = pd.concat(parts, axis=1)
    same = (first == first.iloc[row]).all(axis=1).to_numpy()
    earlier = _first(same)
    raise fail(
        row,
        " + ".join(table.key),
        key_value,
        "une seule ligne par identifiant (la casse et les espaces ne distinguent pas deux "
        "identifiants)",
        f"identifiant en double (déjà utilisé à la ligne {fail.line_of(earlier)})",
    )


# --- Rules across the columns of a row --------------------------------------------------------


def _typology_sum(df: pd.DataFrame) -> tuple[np.ndarray, str, str, str]:
    parts = df[["n_t1", "n_t2", "n_t3", "n_t4", "n_t5_plus"]].to_numpy(dtype=float).sum(axis=1)
    bad = parts != df["n_dwellings"].to_numpy(dtype=float)
    return bad, "n_dwellings", "la somme de n_t1, n_t2, n_t3, n_t4 et n_t5_plus", "typologies"


def _dates_in_order(df: pd.DataFrame) -> tuple[np.ndarray, str, str, str]:
    end, start = pd.to_datetime(df["end_date"]), pd.to_datetime(df["start_date"])
    bad = (end < start).fillna(False).to_numpy(dtype=bool)
    return bad, "end_date", "une date de fin postérieure ou égale à la date de début", "dates"


def _year_of_date(df: pd.DataFrame) -> tuple[np.ndarray, str, str, str]:
    years = pd.to_datetime(df["date"]).dt.year.to_numpy(dtype=float)
    bad = years != df["year"].to_numpy(dtype=float)
    return bad, "year", "l'année de la colonne « date »", "année"


ROW_RULES: dict[str, tuple[Callable[[pd.DataFrame], tuple], ...]] = {
    "residences": (_typology_sum,),
    "vacancies": (_dates_in_order,),
    "attributions": (_year_of_date,),
    "departures": (_year_of_date,),
}


class _Locator:
    """Builds the errors of one table: file name, line numbering, text of the cells as sent."""

    def __init__(self, file, lines, first_line, shown=None, headers=None):
        self.file, self.lines, self.first_line, self.shown = file, lines, first_line, shown
        self.headers = headers or {}

    def line_of(self, position: int) -> int:
        return _line(self.lines, self.first_line, position)

    def __call__(self, position, column, value, expected, problem=None) -> DataValidationError:
        if self.shown is not None and column in self.shown.columns and value != "":
            value = self.shown[column].iloc[position]
        return _fail(
            self.file,
            self.lines,
            self.first_line,
            position,
            self.headers.get(column, column),
            value,
            expected,
            problem,
        )


def validate_table(
    df: pd.DataFrame,
    table: Table,
    *,
    file: str | None = None,
    first_line: int = 2,
    lines: np.ndarray | None = None,
    columns: Iterable[str] | None = None,
    shown: pd.DataFrame | None = None,
    headers: Mapping[str, str] | None = None,
) -> None:
    """Check ``df`` against the data dictionary entry ``table``.

    Parameters
    ----------
    df : pandas.DataFrame
        The data to check, typed (a GeoDataFrame for tables with geometry).
    table : Table
        The dictionary entry to check against.
    file : str, optional
        File name quoted in the message.
    first_line : int, default 2
        Line number of the first row (2 for a CSV with one header line); ignored with ``lines``.
    lines : numpy.ndarray, optional
        Line number of each row in the file (blank lines and multi-line cells make them differ
        from a simple count).
    columns : iterable of str, optional
        Only check these columns (all of the table by default); the key and the row rules are
        checked when all their columns are among them.
    shown : pandas.DataFrame, optional
        The cells as they were written in the file (text), quoted in messages instead of the
        converted values (« 1 234,5 » rather than 1234.5).
    headers : mapping, optional
        The file's name of a column of the table (a converter's source column), quoted in
        messages instead of the table's name.

    Raises
    ------
    DataValidationError
        On the first problem found, with a French message naming the file, line, column, value
        and what was expected.
    """
    if columns is not None:
        names = list(columns)
    else:
        names = table.names + [c.name for c in table.extra if c.name in df.columns]
    missing = [n for n in names if n not in df.columns]
    if missing:
        where = f"fichier « {file} », ligne 1 (en-tête) : " if file else ""
        raise DataValidationError(
            f"{where}colonne(s) manquante(s) pour la table « {table.label} » : "
            + ", ".join(f"« {m} »" for m in missing)
            + f", attendu les colonnes {', '.join(n for n in names if n != 'geometry')}.",
            file=file,
            line=1,
            column=missing[0],
            expected="les colonnes du dictionnaire de données",
        )
    fail = _Locator(file, lines, first_line, shown, headers)
    checked = set(names)
    for name in names:
        col = table.column(name)
        if col.dtype != "geometry":
            _check_column(col, df[name], fail)
    if table.key and set(table.key) <= checked:
        _check_key(df, table, fail)
    for rule in ROW_RULES.get(table.name, ()):
        try:
            bad, column, expected, _ = rule(df)
        except KeyError:
            continue  # a column of the rule is not among those checked
        row = _first(bad)
        if row is not None:
            raise fail(row, column, df[column].iloc[row], expected)
