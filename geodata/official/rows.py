"""Row-by-row checks of a chunk of an official file: keep the good rows, count the others.

Official files are large and a few bad rows must not stop a conversion: a :class:`RowChecker`
rejects rows with a reason (« SURFHAB : une surface habitable de 5 à 400 m² ») and keeps a few
located examples (file, line, column, value, expectation) in the file's
:class:`~geodata.import_report.SourceReport`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geodata.errors import located


def strip_cells(cells: pd.Series) -> pd.Series:
    """Cells as stripped text, computed once per distinct value (files repeat their values)."""
    codes, uniques = pd.factorize(cells.fillna(""), use_na_sentinel=False)
    stripped = np.array([str(u).strip() for u in uniques], dtype=object)
    return pd.Series(stripped[codes] if len(uniques) else [], index=cells.index, dtype=object)


def per_distinct(cells: pd.Series, fn) -> pd.Series:
    """``fn`` applied to the distinct values of ``cells`` only, spread back to every row."""
    codes, uniques = pd.factorize(cells, use_na_sentinel=False)
    values = fn(pd.Series(uniques, dtype=object))
    return pd.Series(np.asarray(values, dtype=object)[codes], index=cells.index, dtype=object)


class RowChecker:
    """Rows of a chunk being checked: which are still kept, and why the others were rejected.

    Parameters
    ----------
    frame : pandas.DataFrame
        Text cells of the chunk.
    lines : numpy.ndarray
        Line of each row in the file.
    columns : dict
        Field name → header name in the file (None when the file has no such column).
    report : SourceReport
        Where rejections are counted, with a few examples.
    name : str
        File name quoted in messages.
    """

    def __init__(self, frame, lines, columns, report, name):
        self.frame, self.lines, self.columns = frame, lines, columns
        self.report, self.name = report, name
        self.keep = np.ones(len(frame), dtype=bool)
        self._text: dict[str, pd.Series] = {}

    def text(self, field: str) -> pd.Series:
        """Stripped text of a field (empty strings when the file has no such column)."""
        if field not in self._text:
            column = self.columns.get(field)
            if column is None:
                self._text[field] = pd.Series("", index=self.frame.index, dtype=object)
            else:
                self._text[field] = strip_cells(self.frame[column])
        return self._text[field]

    def reject(self, mask, field, expected, values=None, problems=None) -> None:
        """Reject the kept rows of ``mask``: counted under « column : expected », examples kept."""
        mask = mask & self.keep
        if not mask.any():
            return
        column = self.columns.get(field) or field
        values = self.text(field) if values is None else values
        rows = np.flatnonzero(mask)
        reason = f"{column} : {expected}"
        for i, row in enumerate(rows[:5]):
            error = located(
                expected,
                file=self.name,
                line=int(self.lines[row]),
                column=column,
                value=values.iloc[row] if hasattr(values, "iloc") else values[row],
                problem=problems[i] if problems else None,
            )
            self.report.reject(reason, error, count=len(rows) if i == 0 else 0)
        self.keep &= ~mask

    def ignore(self, mask, field, expected, ignored: dict) -> None:
        """Count values of kept rows that are left empty (not a reason to reject the row)."""
        mask = mask & self.keep
        if mask.any():
            column = self.columns.get(field) or field
            entry = ignored.setdefault(column, [0, None, expected])
            entry[0] += int(mask.sum())
            if entry[1] is None:
                row = int(np.flatnonzero(mask)[0])
                entry[1] = (int(self.lines[row]), self.text(field).iloc[row])
