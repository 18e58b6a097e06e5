"""Tables in French formats, and the « chart, its table, its download » block of the pages.

A table is shown with ``st.dataframe`` over a pandas Styler: the numbers keep their value (columns
sort as numbers) while the cells read the French way (``1 234,5 %``); a missing value reads « — »,
never 0; a cell masked by the secret statistique (NaN, its reason given in ``masked``) reads
« s », and so does its cell in the downloaded file (:func:`services.disclosure.with_markers`).
Every chart of the suivi pages goes through :func:`chart_block`, which puts the chart's table in
an expander « Voir le tableau » with a CSV download.
"""

from __future__ import annotations

import html
from collections.abc import Collection, Mapping

import altair as alt
import pandas as pd
import streamlit as st

from ui import cache
from ui.chart_theme import show_chart
from ui.exports import csv_button
from ui.fmt import MISSING, fmt_number

# column → (decimals, unit)
Formats = Mapping[str, tuple[int, str]]
UNIT_NAMES = {"pts": "points", "j": "jours"}


def french_styler(frame: pd.DataFrame, formats: Formats, masked: pd.DataFrame | None = None):
    """A Styler showing the ``formats`` columns in French and missing cells as « — ».

    Parameters
    ----------
    frame : DataFrame
        The table, French column headers.
    formats : mapping
        Column → ``(decimals, unit)``, e.g. ``{"Taux SRU": (1, "%")}``; other columns are shown
        as they are.
    masked : DataFrame, optional
        Same rows (in order): for some columns, the reason each cell is masked (empty when it is
        not); a masked cell reads « s ». A column holding one is written out as text (the grid
        shows its own placeholder in an empty cell, whatever the Styler says).
    """
    if masked is not None:
        frame, formats = _masked_as_text(frame, formats, masked)
    styler = frame.style.hide(axis="index")
    for column, (decimals, unit) in formats.items():
        if column in frame.columns:
            styler = styler.format(
                lambda v, d=decimals, u=unit: v if isinstance(v, str) else fmt_number(v, d, u),
                subset=[column],
            )
    others = [c for c in frame.columns if c not in formats]
    if others:
        styler = styler.format(lambda v: MISSING if _missing(v) else v, subset=others)
    return styler


def _masked_as_text(
    frame: pd.DataFrame, formats: Formats, masked: pd.DataFrame
) -> tuple[pd.DataFrame, dict]:
    """The columns with a masked cell as French text, « s » in the masked cells."""
    marker = cache.masking_rules().marker
    out, left = frame.copy(), dict(formats)
    for column in masked.columns:
        hidden = masked[column].fillna("").astype(str).str.len().to_numpy() > 0
        if column not in out.columns or not hidden.any():
            continue
        decimals, unit = left.pop(column, (1, ""))
        out[column] = [
            marker if hide else (MISSING if _missing(v) else fmt_number(v, decimals, unit))
            for v, hide in zip(out[column], hidden, strict=True)
        ]
    return out, left


def _missing(value: object) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


# A static table written as one HTML block (see html_table).
PLAIN_TABLE_STYLE = (
    "<style>"
    ".plain-table-box {overflow-x: auto;}"
    ".plain-table {width: 100%; border-collapse: collapse; font-size: 0.9rem; border: none;}"
    ".plain-table th, .plain-table td {border: none; border-bottom: 1px solid #e6e6e6;"
    " padding: 0.3rem 0.45rem;}"
    ".plain-table th {text-align: left; font-weight: 600; vertical-align: bottom;"
    " border-bottom: 2px solid #4d4d4d; white-space: normal !important;}"
    ".plain-table td {vertical-align: top;}"
    ".plain-table td:first-child {white-space: nowrap;}"
    ".plain-table .num {text-align: right; white-space: nowrap;"
    " font-variant-numeric: tabular-nums;}"
    ".plain-table td.nw {white-space: nowrap;}"
    ".plain-table tr.total td {font-weight: 600; border-top: 2px solid #4d4d4d;}"
    "</style>"
)


def html_table(
    frame: pd.DataFrame,
    formats: Formats,
    *,
    total_last: bool = False,
    right: Collection[str] = (),
    titles: Mapping[str, str] | None = None,
    nowrap: Collection[str] = (),
) -> str:
    """``frame`` as one HTML table, numbers in French (``formats``), every text escaped.

    A static table drawn by ``st.table`` renders each of its cells as Markdown in the browser,
    and ``st.dataframe`` loads a grid of 1,2 Mo of JavaScript: a table of 150 cells costs a
    fifth of a second of the page's first paint, a grid a third. Written here once on the
    server, it is one element.

    Parameters
    ----------
    frame : DataFrame
        The table, French column headers.
    formats : mapping
        Column → ``(decimals, unit)``; these columns are right-aligned.
    total_last : bool, default False
        The last row is a total (bold, a rule above it, empty where it sums nothing).
    right : collection of str
        Other columns to right-align (numbers already written out, « s » in masked cells).
    titles : mapping, optional
        Column → what its header explains (shown on hover).
    nowrap : collection of str
        Columns whose cells stay on one line (names); the table scrolls sideways when needed.
    """
    titles = titles or {}
    aligned = set(formats) | set(right)
    cell_class = {
        c: " class='num'" if c in aligned else (" class='nw'" if c in nowrap else "")
        for c in frame.columns
    }

    def header(column: str) -> str:
        css = " class='num'" if column in aligned else ""
        title = titles.get(column)
        hover = f" title='{html.escape(title, quote=True)}'" if title else ""
        return f"<th{css}{hover} scope='col'>{html.escape(str(column))}</th>"

    head = "".join(header(c) for c in frame.columns)
    rows = []
    for position, values in enumerate(frame.itertuples(index=False, name=None)):
        is_total = total_last and position == len(frame) - 1
        # A total row leaves empty the columns it does not sum.
        missing = "" if is_total else MISSING
        cells = []
        for column, value in zip(frame.columns, values, strict=True):
            if _missing(value):
                text = missing
            elif column in formats and not isinstance(value, str):
                text = fmt_number(value, *formats[column])
            else:
                text = str(value)
            cells.append(f"<td{cell_class[column]}>{html.escape(text)}</td>")
        total = " class='total'" if is_total else ""
        rows.append(f"<tr{total}>{''.join(cells)}</tr>")
    return (
        f"{PLAIN_TABLE_STYLE}<div class='plain-table-box'><table class='plain-table' lang='fr'>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def show_html_table(frame: pd.DataFrame, formats: Formats, **options) -> None:
    """Show :func:`html_table` of ``frame`` (``options``: its keyword arguments)."""
    st.markdown(html_table(frame, formats, **options), unsafe_allow_html=True)


def show_table(
    frame: pd.DataFrame,
    formats: Formats,
    *,
    key: str | None = None,
    height: int | str = "auto",
    help: Mapping[str, str] | None = None,
    static: bool = False,
    masked: pd.DataFrame | None = None,
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
    masked : DataFrame, optional
        The reasons of the masked cells (see :func:`french_styler`).
    """
    if static:
        st.table(french_styler(frame, formats, masked), hide_index=True, border="horizontal")
        return
    config = {c: st.column_config.Column(help=text) for c, text in (help or {}).items()}
    st.dataframe(
        french_styler(frame, formats, masked),
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
    masked: pd.DataFrame | None = None,
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
        The table to download when it differs from the one shown: figures about households are
        downloaded in their public version whatever the viewer (« s » in masked cells).
    masked : DataFrame, optional
        The reasons of the cells masked in ``table`` (see :func:`french_styler`).
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
            show_table(table, formats, key=f"{key}_table", masked=masked)
            download = table if export_table is None else export_table
            csv_button(
                export_frame(download, formats), file_stem, key=f"{key}_csv", is_demo=is_demo
            )


def _export_column(values: pd.Series, decimals: int) -> pd.Series:
    """``values`` rounded to ``decimals`` (whole numbers when 0); a marker « s » kept as text."""
    if not values.map(lambda v: isinstance(v, str)).any():
        rounded = values.astype(float).round(decimals)
        return rounded.astype("Int64") if decimals == 0 else rounded

    def one(v: object) -> object:
        if isinstance(v, str) or pd.isna(v):
            return v
        return round(float(v)) if decimals == 0 else round(float(v), decimals)

    return pd.Series([one(v) for v in values], index=values.index, dtype=object)


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
        A copy; e.g. « Taux SRU » becomes « Taux SRU (%) », rounded to one decimal; a masked
        cell keeps its marker « s ». Columns shown without decimals (counts) become whole
        numbers: a CSV reads « 156 », not « 156,0 ».
    """
    out = table.copy()
    renames = {}
    for column, (decimals, unit) in formats.items():
        if column not in out:
            continue
        out[column] = _export_column(out[column], decimals)
        if unit and f"({unit}" not in column:
            renames[column] = f"{column} ({UNIT_NAMES.get(unit, unit)})"
    return out.rename(columns=renames)
