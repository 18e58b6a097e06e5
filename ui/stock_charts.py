"""Plotly charts of the *Tableau de bord du parc social*: profiles of entrants, leavers and sitting
tenants, flows by year, vacancy and rotation. Figures only (no Streamlit), French texts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go

from ui.charts import CATEGORICAL, french_layout
from ui.fmt import fmt_int, fmt_number

ENTRANTS_COLOR = CATEGORICAL[1]  # orange
LEAVERS_COLOR = CATEGORICAL[2]  # bluish green
SITTING_COLOR = CATEGORICAL[0]  # blue


def _pct_texts(values: Sequence[float]) -> list[str]:
    return [fmt_number(v, 1, "%") for v in values]


def count_axis(values: Sequence[float]) -> dict:
    """Axis settings for counts: whole numbers with French thousands, one tick per unit when
    the counts are small (no « 0, 0, 1, 1 » ticks)."""
    top = max([float(v) for v in values if pd.notna(v)] or [0.0])
    return {"tickformat": ",d", "dtick": 1 if top <= 8 else None, "rangemode": "tozero"}


def grouped_shares(
    categories: Sequence[str],
    series: Mapping[str, Sequence[float]],
    colors: Mapping[str, str],
    *,
    title: str,
    axis_title: str = "Part des ménages (%)",
    horizontal: bool = True,
) -> go.Figure:
    """Shares of several groups of households side by side, one group of bars per category.

    Parameters
    ----------
    categories : sequence of str
        Category labels, in reading order (top to bottom when horizontal).
    series : mapping
        Series name → shares in %, aligned with ``categories``; NaN draws no bar.
    colors : mapping
        Series name → colour.
    title : str
        Chart title.
    axis_title : str
        Title of the value axis (with its unit).
    horizontal : bool, default True
        Horizontal bars (long labels) or vertical ones.
    """
    fig = go.Figure()
    names = list(series)
    wrapped = [wrap_label(c) for c in categories]
    for name in names:
        values = list(series[name])
        texts = _pct_texts(values)
        fig.add_bar(
            x=values if horizontal else wrapped,
            y=wrapped if horizontal else values,
            name=name,
            orientation="h" if horizontal else "v",
            marker_color=colors[name],
            text=texts,
            textposition="outside",
            cliponaxis=False,
            customdata=texts,
            hovertemplate=f"{name}<br>%{{{'y' if horizontal else 'x'}}} : %{{customdata}}"
            "<extra></extra>",
        )
    top = max([v for s in series.values() for v in s if pd.notna(v)] or [1.0])
    rows = len(categories) * max(1, len(names))
    height = max(300, 22 * rows + 40 * len(categories) // 2 + 110) if horizontal else 360
    french_layout(fig, height=height, title=title)
    fig.update_layout(barmode="group", bargap=0.25)
    value_axis = {"title": axis_title, "range": [0, top * 1.18], "ticksuffix": " %"}
    if horizontal:
        fig.update_xaxes(**value_axis)
        # categories read top-down; within a group, the first series is on top
        fig.update_yaxes(title=None, autorange="reversed")
    else:
        fig.update_yaxes(**value_axis)
        fig.update_xaxes(title=None)
    return fig


def wrap_label(text: str, width: int = 28) -> str:
    """Break a long axis label into lines of about ``width`` characters (Plotly ``<br>``)."""
    lines, current = [], ""
    for word in str(text).split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    lines.append(current)
    return "<br>".join(lines)


def flows_by_year(
    years: Sequence[int], entrants: Sequence[float], leavers: Sequence[float], title: str
) -> go.Figure:
    """Entrants and leavers per year (bars); a year without data has no bar."""
    fig = go.Figure()
    labels = [str(y) for y in years]
    for name, values, color in (
        ("Entrants (attributions)", entrants, ENTRANTS_COLOR),
        ("Sortants (départs)", leavers, LEAVERS_COLOR),
    ):
        texts = [fmt_int(v) for v in values]
        fig.add_bar(
            x=labels,
            y=list(values),
            name=name,
            marker_color=color,
            text=texts,
            textposition="outside",
            cliponaxis=False,
            customdata=texts,
            hovertemplate=f"{name} en %{{x}} : %{{customdata}} ménages<extra></extra>",
        )
    french_layout(fig, height=340, title=title)
    fig.update_layout(barmode="group")
    fig.update_xaxes(title="Année", type="category")
    fig.update_yaxes(title="Ménages", **count_axis([*entrants, *leavers]))
    return fig


def vacancy_lines(frame: pd.DataFrame, title: str) -> go.Figure:
    """Vacancy rates by year: at 1 January, over 3 months, mean over the year (gaps = missing)."""
    fig = go.Figure()
    years = frame["year"].astype(int).astype(str)
    for column, name, color, dash in (
        ("vacancy_rate_pct", "Vacance au 1er janvier", CATEGORICAL[0], "solid"),
        ("long_vacancy_rate_pct", "dont vacance de plus de 3 mois", CATEGORICAL[3], "solid"),
        ("mean_vacancy_rate_pct", "Vacance moyenne sur l'année", CATEGORICAL[4], "dot"),
    ):
        texts = _pct_texts(frame[column])
        fig.add_scatter(
            x=years,
            y=frame[column],
            name=name,
            mode="lines+markers",
            line={"color": color, "dash": dash, "width": 2.2},
            connectgaps=False,
            customdata=texts,
            hovertemplate=f"{name} %{{x}} : %{{customdata}}<extra></extra>",
        )
    french_layout(fig, height=340, title=title)
    fig.update_xaxes(title="Année", type="category")
    fig.update_yaxes(title="Part des logements (%)", ticksuffix=" %", rangemode="tozero")
    return fig


def rotation_bars(frame: pd.DataFrame, title: str) -> go.Figure:
    """Rotation rate by year (departures / dwellings)."""
    texts = _pct_texts(frame["rotation_rate_pct"])
    fig = go.Figure(
        go.Bar(
            x=frame["year"].astype(int).astype(str),
            y=frame["rotation_rate_pct"],
            marker_color=LEAVERS_COLOR,
            text=texts,
            textposition="outside",
            cliponaxis=False,
            customdata=texts,
            hovertemplate="Rotation %{x} : %{customdata}<extra></extra>",
            name="Taux de rotation",
        )
    )
    french_layout(fig, height=340, title=title)
    fig.update_layout(showlegend=False)
    fig.update_xaxes(title="Année", type="category")
    top = frame["rotation_rate_pct"].max()
    fig.update_yaxes(
        title="Départs / logements (%)",
        ticksuffix=" %",
        range=[0, (top if pd.notna(top) else 1) * 1.2],
    )
    return fig


EFFECT_COLORS = {"renforce": CATEGORICAL[3], "corrige": CATEGORICAL[2], "neutre": "#8c8c8c"}
EFFECT_LABELS = {
    "renforce": "l'accueil renforce l'occupation",
    "corrige": "l'accueil corrige l'occupation",
    "neutre": "écart faible (neutre)",
}
NOT_COMPARED = "#cccccc"


def intake_dumbbell(frame: pd.DataFrame, title: str) -> go.Figure:
    """Sitting tenants (circle) against entrants (diamond), one line per territory.

    Parameters
    ----------
    frame : DataFrame
        ``name``, ``sitting_pct``, ``entrants_pct``, ``effect`` (renforce / corrige / neutre or
        missing), one row per territory, in display order (top first).
    title : str
        Chart title.
    """
    fig = go.Figure()
    names = frame["name"].tolist()
    for effect, color in [*EFFECT_COLORS.items(), (None, NOT_COMPARED)]:
        part = frame[frame["effect"] == effect] if effect else frame[frame["effect"].isna()]
        if part.empty:
            continue
        xs, ys = [], []
        for _, row in part.iterrows():
            xs += [row["sitting_pct"], row["entrants_pct"], None]
            ys += [row["name"], row["name"], None]
        fig.add_scatter(
            x=xs,
            y=ys,
            mode="lines",
            line={"color": color, "width": 3},
            hoverinfo="skip",
            name=EFFECT_LABELS.get(effect, "non comparable (moins de 5 entrants)"),
        )
    for column, label, symbol, color in (
        ("sitting_pct", "Locataires en place", "circle", SITTING_COLOR),
        ("entrants_pct", "Entrants", "diamond", ENTRANTS_COLOR),
    ):
        texts = _pct_texts(frame[column])
        fig.add_scatter(
            x=frame[column],
            y=names,
            mode="markers",
            name=label,
            marker={
                "symbol": symbol,
                "size": 10,
                "color": color,
                "line": {"width": 1, "color": "#333333"},
            },
            customdata=texts,
            hovertemplate=f"%{{y}}<br>{label} : %{{customdata}}<extra></extra>",
        )
    french_layout(fig, height=max(300, 26 * len(frame) + 140), title=title)
    fig.update_xaxes(title="Part des ménages (%)", ticksuffix=" %", range=[-3, 103])
    fig.update_yaxes(title=None, autorange="reversed", categoryorder="array", categoryarray=names)
    return fig
