"""Plotly figures of the fiche résidence: contributions, peers, occupancy history, flows.

Every figure goes through :func:`ui.charts.french_layout` (decimal comma, Okabe-Ito colours) and
carries its unit on the value axis. Figures are built from the tables of
:class:`services.residence_card.ResidenceCard`; a masked value (NaN) is never drawn as zero.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ui.charts import CATEGORICAL, french_layout
from ui.fmt import fmt_number, fmt_signed

UP = "#0072B2"  # Okabe-Ito blue: pulls the score up
DOWN = "#D55E00"  # Okabe-Ito vermillion: pulls it down
TOTAL = "#4d4d4d"
SELECTED = "#D55E00"
BOX = "#56B4E9"
FLOW_COLORS = {"entrants": CATEGORICAL[0], "sitting": CATEGORICAL[1], "leavers": CATEGORICAL[2]}
MIDPOINT = 50.0
N_TOP_INDICATORS = 7


def pillar_waterfall(pillars: pd.DataFrame, score: float) -> go.Figure:
    """Points brought by each pillar, summing to the score (horizontal waterfall).

    Parameters
    ----------
    pillars : pandas.DataFrame
        ``label``, ``weight_pct`` and ``contribution_pts`` of each pillar.
    score : float
        The score (/ 100), drawn as the total.
    """
    labels = [f"{r.label} ({fmt_number(r.weight_pct, 0)} %)" for r in pillars.itertuples()]
    values = pillars["contribution_pts"].to_numpy(dtype=float)
    fig = go.Figure(
        go.Waterfall(
            orientation="h",
            y=[*labels, "Note"],
            x=[*values, score],
            measure=[*["relative"] * len(values), "total"],
            text=[*[fmt_signed(v, 1) for v in values], fmt_number(score, 1)],
            textposition="outside",
            cliponaxis=False,
            increasing={"marker": {"color": UP}},
            decreasing={"marker": {"color": DOWN}},
            totals={"marker": {"color": TOTAL}},
            connector={"line": {"color": "#bbbbbb", "width": 1}},
            hovertemplate="%{y} : %{x:.1f} points<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title="Points de la note (sur 100)", range=[0, 112])
    return french_layout(fig, height=260, title="Contribution de chaque pilier à la note")


def impact_waterfall(
    indicators: pd.DataFrame, score: float, n_top: int = N_TOP_INDICATORS
) -> go.Figure:
    """From mid-scale (50) to the score: the indicators that move it most, then the others.

    Parameters
    ----------
    indicators : pandas.DataFrame
        ``label``, ``pillar_label`` and ``impact_pts``, largest impact first.
    score : float
        The score (/ 100).
    n_top : int
        Indicators shown one by one.
    """
    known = indicators.dropna(subset=["impact_pts"])
    top = known.head(n_top)
    rest = float(known["impact_pts"].iloc[n_top:].sum())
    labels = ["Milieu d'échelle", *top["label"], "Autres indicateurs", "Note"]
    values = [MIDPOINT, *top["impact_pts"].to_numpy(dtype=float), rest, score]
    measures = ["absolute", *["relative"] * (len(top) + 1), "total"]
    texts = [
        fmt_number(MIDPOINT, 0),
        *[fmt_signed(v, 1) for v in values[1:-1]],
        fmt_number(score, 1),
    ]
    hover = ["", *top["pillar_label"].map(lambda p: f"pilier {p.lower()}"), "", ""]
    fig = go.Figure(
        go.Waterfall(
            orientation="h",
            y=labels,
            x=values,
            measure=measures,
            text=texts,
            customdata=hover,
            textposition="outside",
            cliponaxis=False,
            increasing={"marker": {"color": UP}},
            decreasing={"marker": {"color": DOWN}},
            totals={"marker": {"color": TOTAL}},
            connector={"line": {"color": "#bbbbbb", "width": 1}},
            hovertemplate="%{y} (%{customdata}) : %{x:+.1f} points<extra></extra>",
        )
    )
    low = min(0.0, float(np.nanmin(np.cumsum(values[:-1]))) - 5)
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title="Points de la note (sur 100)", range=[low, 112])
    return french_layout(
        fig,
        height=120 + 30 * len(labels),
        title="Indicateurs qui éloignent le plus la note du milieu d'échelle",
    )


def peer_boxes(comparison: pd.DataFrame, show_residence: bool, name: str) -> go.Figure:
    """The peer group's values of each fragility indicator, the residence marked.

    Parameters
    ----------
    comparison : pandas.DataFrame
        :func:`services.peers.peer_comparison` rows of kind ``fragilité``.
    show_residence : bool
        Draw the residence's own values (False for a role that may not see them; the group's
        individual values are then not drawn either, only the boxes).
    name : str
        The residence's name, for the legend.
    """
    values = comparison[comparison["kind"] == "fragilité"]
    units = list(dict.fromkeys(values["unit"]))
    panels = [u for u in units if u == "points"] + [u for u in units if u != "points"]
    counts = [values.loc[values["unit"] == u, "indicator"].nunique() for u in panels]
    fig = make_subplots(
        rows=len(panels),
        cols=1,
        row_heights=counts,
        vertical_spacing=0.16 if len(panels) > 1 else 0.05,
    )
    shown_legend = False
    for row, unit in enumerate(panels, start=1):
        part = values[values["unit"] == unit]
        peers = part[~part["is_selected"]]
        fig.add_trace(
            go.Box(
                x=peers["value"],
                y=peers["label"],
                orientation="h",
                name="Résidences comparables",
                marker={"color": BOX, "size": 4},
                line={"color": "#2b6c99"},
                fillcolor="rgba(86,180,233,0.35)",
                boxpoints="outliers" if show_residence else False,
                showlegend=row == 1,
                hovertemplate="%{x:.1f}<extra></extra>",
            ),
            row=row,
            col=1,
        )
        mine = part[part["is_selected"] & part["value"].notna()]
        if show_residence and len(mine):
            fig.add_trace(
                go.Scatter(
                    x=mine["value"],
                    y=mine["label"],
                    mode="markers",
                    name=name,
                    marker={
                        "color": SELECTED,
                        "size": 13,
                        "symbol": "diamond",
                        "line": {"color": "#000000", "width": 1},
                    },
                    showlegend=not shown_legend,
                    hovertemplate=f"{name} : %{{x:.1f}}<extra></extra>",
                ),
                row=row,
                col=1,
            )
            shown_legend = True
        title = {
            "points": "Indice de fragilité (points, 0 à 100)",
            "%": "Part des ménages ou des logements (%)",
        }.get(unit, unit.capitalize() if unit else "Valeur")
        fig.update_xaxes(title=title, row=row, col=1, rangemode="tozero")
        fig.update_yaxes(autorange="reversed", row=row, col=1)
    fig = french_layout(fig, height=130 + 42 * sum(counts) + 50 * len(panels))
    fig.update_layout(boxgap=0.35, legend={"y": -0.12})
    return fig


def quartile_boxes(quartiles: pd.DataFrame, own: pd.DataFrame | None, name: str) -> go.Figure:
    """The peer group's quartiles of each fragility indicator (no whiskers, no points).

    What a viewer who does not see every residence is shown of the group: boxes built from the
    published quartiles (:func:`services.disclosure.groups.group_quartiles`), never from the
    residences' values.

    Parameters
    ----------
    quartiles : pandas.DataFrame
        ``label``, ``unit``, ``q1``, ``median``, ``q3`` of each indicator (NaN: withheld).
    own : pandas.DataFrame, optional
        ``label``, ``unit`` and ``value`` of the residence, for a viewer who sees it.
    name : str
        The residence's name, for the legend.
    """
    shown = quartiles.dropna(subset=["median"])
    units = list(dict.fromkeys(shown["unit"]))
    panels = [u for u in units if u == "points"] + [u for u in units if u != "points"]
    counts = [int((shown["unit"] == u).sum()) for u in panels]
    fig = make_subplots(
        rows=max(len(panels), 1),
        cols=1,
        row_heights=counts or None,
        vertical_spacing=0.16 if len(panels) > 1 else 0.05,
    )
    for row, unit in enumerate(panels, start=1):
        part = shown[shown["unit"] == unit]
        fig.add_trace(
            go.Box(
                y=part["label"].tolist(),
                q1=part["q1"].tolist(),
                median=part["median"].tolist(),
                q3=part["q3"].tolist(),
                lowerfence=part["q1"].tolist(),
                upperfence=part["q3"].tolist(),
                orientation="h",
                name="Résidences comparables (quartiles)",
                line={"color": "#2b6c99"},
                fillcolor="rgba(86,180,233,0.35)",
                boxpoints=False,
                showlegend=row == 1,
                hoverinfo="skip",
            ),
            row=row,
            col=1,
        )
        mine = own[(own["unit"] == unit) & own["value"].notna()] if own is not None else None
        if mine is not None and len(mine):
            fig.add_trace(
                go.Scatter(
                    x=mine["value"].round(1),
                    y=mine["label"],
                    mode="markers",
                    name=name,
                    marker={"color": SELECTED, "size": 13, "symbol": "diamond"},
                    showlegend=row == 1,
                    hovertemplate=f"{name} : %{{x:.1f}}<extra></extra>",
                ),
                row=row,
                col=1,
            )
        title = {
            "points": "Indice de fragilité (points, 0 à 100)",
            "%": "Part des ménages ou des logements (%)",
        }.get(unit, unit.capitalize() if unit else "Valeur")
        fig.update_xaxes(title=title, row=row, col=1, rangemode="tozero")
        fig.update_yaxes(autorange="reversed", row=row, col=1)
    fig = french_layout(fig, height=130 + 42 * sum(counts) + 50 * len(panels))
    fig.update_layout(boxgap=0.35, legend={"y": -0.12})
    return fig


def occupancy_lines(occupancy: pd.DataFrame, indicators: list[str]) -> go.Figure:
    """The main OPS shares of the residence over the surveys (one line each).

    Parameters
    ----------
    occupancy : pandas.DataFrame
        ``survey_year``, ``indicator``, ``label``, ``value``, ``n_households``.
    indicators : list of str
        The share columns drawn, in legend order.
    """
    fig = go.Figure()
    years = sorted(occupancy["survey_year"].unique())
    for i, code in enumerate(indicators):
        rows = occupancy[occupancy["indicator"] == code].sort_values("survey_year")
        if rows["value"].notna().sum() == 0:
            continue
        fig.add_trace(
            go.Scatter(
                x=rows["survey_year"],
                y=rows["value"],
                customdata=rows["n_households"],
                name=rows["label"].iloc[0],
                mode="lines+markers",
                line={"color": CATEGORICAL[i % len(CATEGORICAL)], "width": 2},
                connectgaps=False,
                hovertemplate="%{x} : %{y:.1f} % (%{customdata:.0f} ménages enquêtés)"
                "<extra>%{fullData.name}</extra>",
            )
        )
    fig.update_xaxes(title="Enquête OPS (1er janvier)", tickvals=years, tickformat="d")
    fig.update_yaxes(title="Part des ménages (%)", ticksuffix=" %", rangemode="tozero")
    fig = french_layout(fig, height=460, title="Occupation au fil des enquêtes")
    fig.update_layout(legend={"y": -0.3}, margin={"b": 130})
    return fig


def flow_bars(flows: pd.DataFrame, counts: dict) -> go.Figure:
    """Entrants, sitting tenants and leavers side by side, measure by measure (horizontal).

    Parameters
    ----------
    flows : pandas.DataFrame
        ``label``, ``entrants_pct``, ``sitting_pct``, ``leavers_pct``.
    counts : dict
        ``entrants``, ``sitting``, ``leavers`` (households), ``period``, ``sitting_year``.
    """
    names = {
        "entrants": f"Entrants {counts['period']} ({fmt_number(counts['entrants'])} ménages)",
        "sitting": (
            f"Locataires en place, OPS {counts['sitting_year']} "
            f"({fmt_number(counts['sitting'])} ménages enquêtés)"
        ),
        "leavers": f"Sortants {counts['period']} ({fmt_number(counts['leavers'])} ménages)",
    }
    fig = go.Figure()
    for kind in ("entrants", "sitting", "leavers"):
        column = f"{kind}_pct"
        if flows[column].notna().sum() == 0:
            continue
        fig.add_trace(
            go.Bar(
                x=flows[column],
                y=flows["label"],
                orientation="h",
                name=names[kind],
                marker={"color": FLOW_COLORS[kind]},
                text=[fmt_number(v, 0, "%") if pd.notna(v) else "" for v in flows[column]],
                textposition="outside",
                textfont={"size": 11},
                cliponaxis=False,
                hovertemplate="%{y} : %{x:.1f} %<extra>" + names[kind] + "</extra>",
            )
        )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title="Part des ménages (%)", ticksuffix=" %", range=[0, 112])
    fig = french_layout(fig, height=620, title="Qui entre, qui est en place, qui part")
    fig.update_layout(barmode="group", bargap=0.3, bargroupgap=0.05, legend={"y": -0.12})
    return fig
