"""Vega-Lite charts (Altair) in the product's style: French numbers, palettes, titles, sizes.

The charts of the pages are simple bars, lines, points and boxes: Vega-Lite draws them with a
bundle that Streamlit ships far lighter than Plotly.js (about 0,8 Mo against 4,7 Mo, which the
browser must load and compile before the page settles). Each use has its own chart module
(``ui/*_charts.py``); every chart goes through :func:`finish` and is shown by :func:`show_chart`.

Numbers read the French way everywhere: the chart's locale formats the axis labels (decimal
comma, narrow no-break space between thousands, true minus sign, ``32 %``), and the value labels
and tooltips are written by :mod:`ui.fmt` beforehand, in text columns, exactly as the rest of the
page. Years are written without a thousands separator.

Altair checks every object against the Vega-Lite schema as it is built and again when it is
turned into a spec: about 0,2 s per chart, on every run of a page. The checks are switched off
here and :func:`show_chart` sends the spec unchecked; ``tests/ui/test_charts.py`` builds every
chart of the product with the checks on.
"""

from __future__ import annotations

from collections.abc import Mapping

import altair as alt
import streamlit as st
from altair.utils import schemapi

from ui import cache

# Specs are checked by the tests, not on every page run (see the module docstring).
schemapi.disable_debug_mode()

NBSP = "\u00a0"
LOCALE = {
    "number": {
        "decimal": ",",
        "thousands": "\u202f",
        "grouping": [3],
        "currency": ["", f"{NBSP}€"],
        "percent": f"{NBSP}%",
        "minus": "\u2212",
    }
}
GRID = "#eeeeee"
TEXT = "#333333"


def pct_axis(title: str | None, decimals: int = 0, **kwargs) -> alt.Axis:
    """An axis of percentages given in percent: ``0 %``, ``12,5 %``."""
    return alt.Axis(
        title=title,
        labelExpr=f"format(datum.value, ',.{decimals}f') + '{NBSP}%'",
        **kwargs,
    )


def number_axis(title: str | None, decimals: int = 0, **kwargs) -> alt.Axis:
    """An axis of numbers: ``1 234``, ``12,5``."""
    return alt.Axis(title=title, format=f",.{decimals}f", **kwargs)


def count_axis(title: str | None, **kwargs) -> alt.Axis:
    """An axis of counts: whole numbers only (no « 0,5 ménage » tick)."""
    return alt.Axis(title=title, format=",d", tickMinStep=1, **kwargs)


def year_axis(title: str | None, **kwargs) -> alt.Axis:
    """An axis of years (``2024``, never ``2 024``), labels upright."""
    return alt.Axis(title=title, format="d", labelAngle=0, **kwargs)


# An axis whose labels were cut into lines by :func:`wrap` shows them on several lines.
WRAPPED_LABELS = "split(datum.label, '\\n')"


def wrap(text: object, width: int = 30) -> str:
    """``text`` cut into lines of about ``width`` characters (for :data:`WRAPPED_LABELS`)."""
    lines, current = [], ""
    for word in str(text).split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    lines.append(current)
    return "\n".join(lines)


# Value texts written beside bars and points.
LABEL_COLOR = "#333333"


def grouped_bars(
    data,
    position: tuple,
    offset: alt.XOffset | alt.YOffset,
    palette: Mapping[str, str],
    tooltip: list,
    **label_mark,
) -> tuple[alt.Chart, alt.Chart]:
    """Bars of several series side by side, coloured by series, and their value texts.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per bar, with ``series`` and the formatted value in ``text``.
    position : (alt.X, alt.Y)
        The two position channels (in any order).
    offset : alt.XOffset or alt.YOffset
        The series' place within a group.
    palette : mapping
        Colour of each series, in legend order.
    tooltip : list
        Tooltip channels of the bars.
    **label_mark
        Placement of the value texts (``mark_text`` arguments).

    Returns
    -------
    (bars, labels)
        Two charts to layer, with other layers if needed.
    """
    color = alt.Color("series:N", scale=colors(palette), legend=top_legend(legend_columns(palette)))
    bars = alt.Chart(data).mark_bar().encode(*position, offset, color).encode(tooltip=tooltip)
    labels = (
        alt.Chart(data)
        .mark_text(fontSize=11, color=LABEL_COLOR, **label_mark)
        .encode(*position, offset, text="text:N")
    )
    return bars, labels


def colors(mapping: Mapping[str, str]) -> alt.Scale:
    """A colour scale giving each name of ``mapping`` its colour, in that order."""
    return alt.Scale(domain=list(mapping), range=list(mapping.values()))


def top_legend(columns: int = 1, title: str | None = None, **kwargs) -> alt.Legend:
    """A legend above the chart, under its title (never over an axis title), read row by row
    in ``columns`` columns."""
    direction = "horizontal" if columns > 1 else "vertical"
    return alt.Legend(orient="top", direction=direction, columns=columns, title=title, **kwargs)


def legend_columns(labels, line: int = 60) -> int:
    """Columns of a legend: all labels on one row when they fit in about ``line`` characters,
    else one label per row (a legend wider than its chart would be cut)."""
    labels = [str(label) for label in labels]
    return len(labels) if sum(len(label) + 6 for label in labels) <= line else 1


def finish(chart: alt.TopLevelMixin, *, title: str | None = None, height: int | None = None):
    """The chart in the product's style: French locale, quiet grid, labels not cut.

    Parameters
    ----------
    chart : altair chart
        A single, layered or concatenated chart, not yet configured.
    title : str, optional
        Shown above the chart by :func:`show_chart` (as text: it wraps in a narrow column).
    height : int, optional
        Height of the plot area in pixels (a chart with a band scale may size itself).
    """
    # The width fits the column; the height is the plot's, legend and axes added around it
    # (Streamlit's default, "fit", would squeeze the plot to make room for them).
    chart = chart.properties(autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))
    if height is not None:
        chart = chart.properties(height=height)
    if title:
        # Kept as metadata (Vega-Lite ignores it): show_chart writes it above the chart.
        chart = chart.properties(usermeta={"title": title})
    return (
        chart.configure(locale=LOCALE)
        .configure_axis(
            gridColor=GRID,
            domainColor="#cccccc",
            labelLimit=320,
            labelFontSize=12,
            titleFontSize=12,
            titleFontWeight="normal",
            titleColor=TEXT,
            labelColor=TEXT,
        )
        .configure_legend(labelLimit=0, labelFontSize=12, symbolSize=90, labelColor=TEXT)
        .configure_view(stroke=None)
    )


def chart_title(chart: alt.TopLevelMixin) -> str | None:
    """The title given to :func:`finish`, if any."""
    meta = getattr(chart, "usermeta", alt.Undefined)
    return meta.get("title") if isinstance(meta, dict) else None


def show_chart(chart: alt.TopLevelMixin, key: str) -> None:
    """Draw a finished chart across its container, its title above it as text."""
    title = chart_title(chart)
    if title:
        st.markdown(f"**{title}**")
    spec = cache.chart_spec(chart)
    st.vega_lite_chart(spec=spec, key=key, width="stretch", alt=title)
