"""Tables in French formats, and the « chart, its table, its download » block of the pages.

A table is shown with ``st.dataframe`` over a pandas Styler: the numbers keep their value (columns
sort as numbers) while the cells read the French way (``1 234,5 %``); a missing value reads « — »,
never 0. Every chart of the suivi pages goes through :func:`chart_block`, which puts the chart's
table in an expander « Voir le tableau » with a CSV download.
"""

from __future__ import annotations

from collections.abc import Mapping

import altair as alt
import pandas as pd
import streamlit as st

from ui.chart_theme import show_chart
from ui.exports import csv_button
from ui.fmt import MISSING, fmt_number

# column → (decimals, unit)
Formats = Mapping[str, tuple[int, str]]
UNIT_NAMES = {"pts": "points", "j": "jours"}


def french_styler(frame: pd.DataFrame, formats: Formats):
    """A Styler showing the ``formats`` columns in French and missing cells as « — ».

    Parameters
    ----------
    frame : DataFrame
        The table, French column headers.
    formats : mapping
        Column → ``(decimals, unit)``, e.g. ``{"Taux SRU": (1, "%")}``; other columns are shown
        as they are.
    """
    styler = frame.style.hide(axis="index")
    for column, (decimals, unit) in formats.items():
        if column in frame.columns:
            styler = styler.format(
                lambda v, d=decimals, u=unit: fmt_number(v, d, u), subset=[column]
            )
    others = [c for c in frame.columns if c not in formats]
    if others:
        styler = styler.format(lambda v: MISSING if _missing(v) else v, subset=others)
    return styler


def _missing(value: object) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def show_table(
    frame: pd.DataFrame,
    formats: Formats,
    *,
    key: str | None = None,
    height: int | str = "auto",
    help: Mapping[str, str] | None = None,
    static: bool = False,
) -> None:
    """Show ``frame`` with French number formats (see :func:`french_styler`).

    Parameters
    ----------
    frame : DataFrame
        The table.
    formats : mapping
        Column → ``(decimals, unit)``.
    key : str, optional
        Widget key.
    height : int or "auto"
        Height in pixels.
    help : mapping, optional
        Column → tooltip of its header (interactive tables only).
    static : bool, default False
        A static table whose headers wrap (small tables read in a meeting) instead of the
        scrollable, sortable one.
    """
    if static:
        st.table(french_styler(frame, formats), hide_index=True, border="horizontal")
        return
    config = {c: st.column_config.Column(help=text) for c, text in (help or {}).items()}
    st.dataframe(
        french_styler(frame, formats),
        hide_index=True,
        column_config=config or None,
        key=key,
        height=height,
        placeholder=MISSING,
    )


def chart_block(
    chart: alt.TopLevelMixin,
    table: pd.DataFrame,
    formats: Formats,
    *,
    file_stem: str,
    key: str,
    is_demo: bool,
    caption: str | None = None,
    export_table: pd.DataFrame | None = None,
) -> None:
    """A chart, then « Voir le tableau » with the table behind it and its CSV download.

    The chart's title is written above it as text (it wraps in narrow columns), its legend right
    under the title (:mod:`ui.chart_theme`). The table is built only when the expander is opened
    (one rerun), not on every rerun.

    Parameters
    ----------
    chart : altair chart
        The chart, finished by :func:`ui.chart_theme.finish`.
    table : DataFrame
        The figures of the chart, French headers.
    formats : mapping
        Column → ``(decimals, unit)`` for the table.
    file_stem : str
        Name of the CSV file, without extension.
    key : str
        Unique prefix of the widget keys.
    is_demo : bool
        Label the CSV as demo data.
    caption : str, optional
        A line under the chart (definitions, sources).
    export_table : DataFrame, optional
        The table to download when it differs from the one shown: occupancy figures are
        downloaded with the public masking rules whatever the access profile.
    """
    show_chart(chart, key=f"{key}_chart")
    if caption:
        st.caption(caption)
    # Lazy: the table and its file are built only once the reader opens the expander.
    box = st.expander(
        "Voir le tableau", icon=":material/table:", key=f"{key}_open", on_change="rerun"
    )
    with box:
        if box.open:
            show_table(table, formats, key=f"{key}_table")
            download = table if export_table is None else export_table
            csv_button(
                export_frame(download, formats), file_stem, key=f"{key}_csv", is_demo=is_demo
            )


def export_frame(table: pd.DataFrame, formats: Formats) -> pd.DataFrame:
    """The table as exported: numbers rounded as shown, the unit named in the header.

    Parameters
    ----------
    table : DataFrame
        A table shown with ``formats``.
    formats : mapping
        Column → ``(decimals, unit)``.

    Returns
    -------
    DataFrame
        A copy; e.g. « Taux SRU » becomes « Taux SRU (%) », rounded to one decimal. Columns
        shown without decimals (counts) become whole numbers: a CSV reads « 156 », not
        « 156,0 ».
    """
    out = table.copy()
    renames = {}
    for column, (decimals, unit) in formats.items():
        if column not in out:
            continue
        values = out[column].astype(float).round(decimals)
        out[column] = values.astype("Int64") if decimals == 0 else values
        if unit and f"({unit}" not in column:
            renames[column] = f"{column} ({UNIT_NAMES.get(unit, unit)})"
    return out.rename(columns=renames)
