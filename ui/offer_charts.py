"""Plotly charts of « Offre et demande »: available dwellings, time to re-let, demand against
attributions. Figures only (no Streamlit), French texts."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from ui.charts import CATEGORICAL, french_layout
from ui.fmt import fmt_int, fmt_number
from ui.stock_charts import count_axis as counts

RECENT_COLOR = CATEGORICAL[5]
LONG_COLOR = CATEGORICAL[3]
DEMAND_COLOR = CATEGORICAL[4]
ATTRIBUTION_COLOR = CATEGORICAL[2]


def offer_bars(
    labels: Sequence[str],
    recent: Sequence[float],
    long: Sequence[float],
    title: str,
    horizontal: bool = False,
) -> go.Figure:
    """Available dwellings per category, split into vacant for less / more than 3 months."""
    fig = go.Figure()
    for name, values, color in (
        ("vacants depuis 3 mois ou moins", recent, RECENT_COLOR),
        ("vacants depuis plus de 3 mois", long, LONG_COLOR),
    ):
        texts = [fmt_int(v) for v in values]
        axis = (
            {"x": list(values), "y": list(labels)}
            if horizontal
            else {"x": list(labels), "y": list(values)}
        )
        fig.add_bar(
            **axis,
            name=name,
            marker_color=color,
            orientation="h" if horizontal else "v",
            text=texts,
            textposition="inside",
            customdata=texts,
            hovertemplate=f"%{{{'y' if horizontal else 'x'}}} : %{{customdata}} logements "
            f"{name}<extra></extra>",
        )
    height = max(320, 28 * len(labels) + 130) if horizontal else 340
    french_layout(fig, height=height, title=title)
    fig.update_layout(
        barmode="stack",
        legend={"traceorder": "normal"},
        uniformtext={"minsize": 10, "mode": "hide"},
    )
    count_axis = {
        "title": "Logements disponibles",
        **counts([a + b for a, b in zip(recent, long, strict=True)]),
    }
    if horizontal:
        fig.update_xaxes(**count_axis)
        fig.update_yaxes(title=None, autorange="reversed", type="category")
    else:
        fig.update_yaxes(**count_axis)
        fig.update_xaxes(title=None, type="category")
    return fig


def relet_bars(frame: pd.DataFrame, labels: Sequence[str], title: str) -> go.Figure:
    """Median time to re-let per group, with the interquartile range as error bars.

    Parameters
    ----------
    frame : DataFrame
        :func:`services.offer.relet_times` rows (``q1_days``, ``median_days``, ``q3_days``,
        ``long_vacancy_pct``), aligned with ``labels``.
    labels : sequence of str
        Group labels.
    title : str
        Chart title.
    """
    median = frame["median_days"].astype(float)
    plus = (frame["q3_days"] - median).fillna(0).clip(lower=0)
    minus = (median - frame["q1_days"]).fillna(0).clip(lower=0)
    texts = [fmt_number(v, 0, "j") for v in median]
    long_texts = [fmt_number(v, 0, "%") for v in frame["long_vacancy_pct"]]
    fig = go.Figure(
        go.Bar(
            y=list(labels),
            x=median,
            orientation="h",
            marker_color=CATEGORICAL[0],
            error_x={
                "type": "data",
                "array": plus,
                "arrayminus": minus,
                "color": "#555555",
                "thickness": 1.2,
            },
            text=texts,
            textposition="inside",
            insidetextanchor="start",
            customdata=list(zip(texts, long_texts, strict=True)),
            hovertemplate="%{y} : médiane %{customdata[0]} ; encore vacants après 3 mois : "
            "%{customdata[1]}<extra></extra>",
            name="Délai médian",
        )
    )
    french_layout(fig, height=max(300, 34 * len(labels) + 120), title=title)
    fig.update_layout(showlegend=False)
    fig.update_xaxes(
        title="Jours entre le départ et la relocation (médiane, 1er–3e quartile)",
        rangemode="tozero",
    )
    fig.update_yaxes(title=None, autorange="reversed", type="category")
    return fig


def demand_bars(
    labels: Sequence[str],
    demands: Sequence[float],
    attributions: Sequence[float],
    pressure: Sequence[float],
    title: str,
) -> go.Figure:
    """Active demands against attributions of the last 12 months, pressure written above."""
    fig = go.Figure()
    for name, values, color in (
        ("Demandes actives", demands, DEMAND_COLOR),
        ("Attributions des 12 derniers mois", attributions, ATTRIBUTION_COLOR),
    ):
        texts = [fmt_int(v) for v in values]
        fig.add_bar(
            x=list(labels),
            y=list(values),
            name=name,
            marker_color=color,
            text=texts,
            textposition="outside",
            cliponaxis=False,
            customdata=texts,
            hovertemplate=f"%{{x}} — {name} : %{{customdata}}<extra></extra>",
        )
    top = max([v for v in [*demands, *attributions] if pd.notna(v)] or [1.0])
    for label, ratio in zip(labels, pressure, strict=True):
        fig.add_annotation(
            x=label,
            y=top * 1.22,
            showarrow=False,
            text=f"pression {fmt_number(ratio, 1)}",
            font={"size": 12, "color": "#333333"},
        )
    french_layout(fig, height=380, title=title)
    fig.update_layout(barmode="group")
    fig.update_xaxes(title=None, type="category")
    fig.update_yaxes(
        title="Demandes, attributions",
        range=[0, top * 1.3],
        **{k: v for k, v in counts([top]).items() if k != "rangemode"},
    )
    return fig
