"""Download buttons of the tables shown on the pages (CSV for a French Excel, Excel workbooks).

The files are written by :mod:`reports.table_files` (demo-data label, French conventions); the
buttons build them only when clicked, not on every rerun.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd
import streamlit as st

from reports.table_files import CSV_MIME, XLSX_MIME, csv_bytes, excel_bytes


def csv_button(
    frame: pd.DataFrame,
    file_stem: str,
    *,
    key: str,
    is_demo: bool,
    label: str = "Télécharger le tableau (CSV)",
) -> None:
    """A download button for ``frame`` as CSV; the file is built when clicked, not on reruns."""
    st.download_button(
        label,
        data=lambda: csv_bytes(frame, is_demo=is_demo),
        file_name=f"{file_stem}.csv",
        mime=CSV_MIME,
        key=key,
        icon=":material/download:",
        on_click="ignore",
    )


def excel_button(
    sheets: Mapping[str, pd.DataFrame] | Callable[[], Mapping[str, pd.DataFrame]],
    file_stem: str,
    *,
    key: str,
    is_demo: bool,
    title: str,
    label: str = "Télécharger le classeur (Excel)",
) -> None:
    """A download button for a workbook of ``sheets``, built when clicked, not on reruns.

    ``sheets`` may be a callable returning the tables, so that they too are built on click.
    """

    def build() -> bytes:
        tables = sheets() if callable(sheets) else sheets
        return excel_bytes(tables, is_demo=is_demo, title=title)

    st.download_button(
        label,
        data=build,
        file_name=f"{file_stem}.xlsx",
        mime=XLSX_MIME,
        key=key,
        icon=":material/table_view:",
        on_click="ignore",
    )
