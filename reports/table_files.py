"""Files of the tables shown on the pages: CSV for a French Excel, and Excel workbooks.

CSV files are UTF-8 with a byte-order mark, ``;``-separated with a decimal comma, so that a double
click opens them correctly in a French Excel. Workbooks are written by pandas with openpyxl.

**Demo data is labelled in every export.** When the figures come from the embedded demo data
set, a first column « Origine des données » holds « Données de démonstration (fictives) » on every
row: the label survives sorting, filtering and rows copied into another file. Workbooks also open
on a sheet « Avertissement » saying so. Exports of imported data carry neither.

Missing values are empty cells (never zero). Figures about households come from the public
version of their table (:mod:`services.disclosure.tables`, ``Access()``): a masked cell holds
« s » (:func:`services.disclosure.with_markers`), never a bare blank, and the caller names the
rule in a note or a column « Secret statistique ».
"""

from __future__ import annotations

import io
from collections.abc import Mapping

import pandas as pd

from geodata.schemas import DEMO_NOTICE

ORIGIN_COLUMN = "Origine des données"
CSV_MIME = "text/csv"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NOTICE_SHEET = "Avertissement"
_MAX_SHEET_NAME = 31
_FORBIDDEN_IN_SHEET_NAMES = str.maketrans({c: "-" for c in "[]:*?/\\"})


def with_origin(frame: pd.DataFrame, is_demo: bool) -> pd.DataFrame:
    """Prepend the « Origine des données » column when the figures are demo data.

    Parameters
    ----------
    frame : DataFrame
        The table to export (French column headers).
    is_demo : bool
        Whether the figures come from the demo data set.

    Returns
    -------
    DataFrame
        A copy with the column first (demo data), or ``frame`` itself.
    """
    if not is_demo:
        return frame
    out = frame.copy()
    out.insert(0, ORIGIN_COLUMN, DEMO_NOTICE)
    return out


def csv_bytes(frame: pd.DataFrame, *, is_demo: bool) -> bytes:
    """A CSV file for a French Excel: UTF-8 with BOM, ``;`` separator, decimal comma.

    Parameters
    ----------
    frame : DataFrame
        The table; its index is not written (put codes in columns).
    is_demo : bool
        Label the rows as demo data (see the module docstring).

    Returns
    -------
    bytes
        The file content; missing values are empty cells.
    """
    text = _decimal_commas(with_origin(frame, is_demo)).to_csv(
        sep=";", decimal=",", index=False, na_rep=""
    )
    return text.encode("utf-8-sig")


def _decimal_commas(frame: pd.DataFrame) -> pd.DataFrame:
    """Numbers of text columns (a figure beside « s ») written with a decimal comma too."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object:
            out[column] = [
                str(v).replace(".", ",") if isinstance(v, float) and not pd.isna(v) else v
                for v in out[column]
            ]
    return out


def sheet_name(name: str) -> str:
    """A valid Excel sheet name: forbidden characters replaced, at most 31 characters."""
    return name.translate(_FORBIDDEN_IN_SHEET_NAMES)[:_MAX_SHEET_NAME] or "Feuille"


def excel_bytes(sheets: Mapping[str, pd.DataFrame], *, is_demo: bool, title: str) -> bytes:
    """An Excel workbook with one sheet per table.

    Parameters
    ----------
    sheets : mapping
        Sheet name → table (French column headers; the index is not written).
    is_demo : bool
        Label the workbook and every row as demo data (see the module docstring).
    title : str
        What the workbook holds, written on the « Avertissement » sheet of demo exports.

    Returns
    -------
    bytes
        The ``.xlsx`` content.
    """
    if not sheets:
        raise ValueError("aucune table à écrire dans le classeur.")
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        if is_demo:
            notice = pd.DataFrame({title: [DEMO_NOTICE, _DEMO_DETAIL]})
            notice.to_excel(writer, sheet_name=NOTICE_SHEET, index=False)
            writer.sheets[NOTICE_SHEET].column_dimensions["A"].width = 100
        for name, frame in sheets.items():
            safe = sheet_name(name)
            with_origin(frame, is_demo).to_excel(writer, sheet_name=safe, index=False)
            _fit_columns(writer.sheets[safe], with_origin(frame, is_demo))
    return buffer.getvalue()


_DEMO_DETAIL = (
    "Les résidences, occupations, attributions, demandes et inventaires de ce fichier sont "
    "générés pour la démonstration ; seuls les contours et populations des communes sont réels."
)


def _fit_columns(worksheet, frame: pd.DataFrame) -> None:
    """Width of each column from its header and longest value (bounded)."""
    for position, column in enumerate(frame.columns, start=1):
        values = frame[column].astype(str)
        longest = max([len(str(column)), *values.str.len().tolist()])
        letter = worksheet.cell(row=1, column=position).column_letter
        worksheet.column_dimensions[letter].width = min(max(10, longest + 2), 60)
