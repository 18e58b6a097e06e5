"""Plotly charts of the SRU page: rates against the target, trajectory, progress of the CMS.

Figures only (no Streamlit); every text in French and every number formatted by ``ui.fmt``.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ui.charts import CATEGORICAL, french_layout
from ui.fmt import fmt_int, fmt_number
from ui.sru_map import rate_classes, rate_colors

TARGET_COLOR = "#333333"
AGREED_COLOR = CATEGORICAL[5]  # sky blue
DELIVERED_COLOR = CATEGORICAL[0]  # blue
OBJECTIVE_COLOR = "#bdbdbd"


def _target_line(fig: go.Figure, target_pct: float, axis: str = "y") -> None:
    label = f"Taux cible {fmt_number(target_pct, 0, '%')}"
    if axis == "y":
        fig.add_hline(
            y=target_pct,
            layer="below",
            line={"color": TARGET_COLOR, "dash": "dash", "width": 1.5},
            annotation={"text": label, "xanchor": "left", "x": 0, "yanchor": "bottom"},
        )
    else:
        fig.add_vline(
            x=target_pct,
            layer="below",
            line={"color": TARGET_COLOR, "dash": "dash", "width": 1.5},
            annotation={"text": label, "yanchor": "bottom", "y": 1.0, "xanchor": "left"},
        )


def rate_bars(situation: pd.DataFrame, target_pct: float, year: int) -> go.Figure:
    """Horizontal bars of the subject communes' rates, coloured like the map, target line."""
    subject = situation[situation["is_subject"]].sort_values("sru_rate_pct", ascending=True)
    colors = rate_colors(subject["sru_rate_pct"], rate_classes(target_pct))
    texts = [fmt_number(v, 1, "%") for v in subject["sru_rate_pct"]]
    fig = go.Figure(
        go.Bar(
            x=subject["sru_rate_pct"],
            y=subject["commune_name"],
            orientation="h",
            marker={"color": list(colors), "line": {"color": "#4d4d4d", "width": 0.6}},
            text=texts,
            textposition="outside",
            cliponaxis=False,
            customdata=list(zip(texts, subject["status"], strict=True)),
            hovertemplate="%{y} : %{customdata[0]} (%{customdata[1]})<extra></extra>",
        )
    )
    french_layout(fig, height=max(300, 34 * len(subject) + 90))
    top = float(subject["sru_rate_pct"].max()) if len(subject) else target_pct
    _target_line(fig, target_pct, axis="x")
    fig.update_xaxes(
        title=f"Taux SRU au 1er janvier {year} (%)",
        range=[0, max(top, target_pct) * 1.15],
        ticksuffix=" %",
    )
    fig.update_yaxes(title=None)
    fig.update_layout(showlegend=False, margin={"t": 30})
    return fig


def trajectory_figure(
    trajectory: pd.DataFrame, history: pd.DataFrame, target_pct: float, name: str
) -> go.Figure:
    """Rate needed each year to reach the target against the CMS pace, with the observed rates.

    Parameters
    ----------
    trajectory : DataFrame
        Rows of :func:`services.sru_progress.sru_trajectory` for one commune (year = end of year).
    history : DataFrame
        The commune's inventory rows (``year`` = 1 January, ``sru_rate_pct``).
    target_pct : float
        The target.
    name : str
        The commune's name.
    """
    # A trajectory year describes 31 December, i.e. the inventory of 1 January of the next year.
    x = trajectory["year"].astype(int) + 1
    fig = go.Figure()
    fig.add_scatter(
        x=x,
        y=trajectory["required_rate_pct"],
        mode="lines+markers",
        name="Taux nécessaire pour atteindre le taux cible",
        line={"color": CATEGORICAL[3], "width": 2.5},
        customdata=[fmt_number(v, 2, "%") for v in trajectory["required_rate_pct"]],
        hovertemplate="1er janvier %{x} : %{customdata}<extra>Taux nécessaire</extra>",
    )
    fig.add_scatter(
        x=x,
        y=trajectory["cms_pace_rate_pct"],
        mode="lines+markers",
        name="Au rythme du CMS",
        line={"color": CATEGORICAL[0], "width": 2.5, "dash": "dot"},
        customdata=[fmt_number(v, 2, "%") for v in trajectory["cms_pace_rate_pct"]],
        hovertemplate="1er janvier %{x} : %{customdata}<extra>Rythme du CMS</extra>",
    )
    fig.add_scatter(
        x=history["year"].astype(int),
        y=history["sru_rate_pct"],
        mode="lines+markers",
        name="Taux observé (inventaire)",
        line={"color": "#000000", "width": 1.5},
        marker={"size": 7, "symbol": "square"},
        customdata=[fmt_number(v, 1, "%") for v in history["sru_rate_pct"]],
        hovertemplate="1er janvier %{x} : %{customdata}<extra>Taux observé</extra>",
    )
    french_layout(fig, height=430, title=f"{name} : trajectoire vers le taux cible")
    _target_line(fig, target_pct)
    fig.update_xaxes(title="Au 1er janvier", dtick=2, tickformat="d")
    fig.update_yaxes(title="Taux SRU (%)", ticksuffix=" %", tickformat=".1f")
    fig.update_layout(legend={"y": -0.22, "yanchor": "top"}, margin={"b": 10})
    return fig


def cms_commune_figure(progress: pd.DataFrame, name: str) -> go.Figure:
    """Agreed and delivered dwellings of one commune, cumulated year by year, against the CMS.

    Parameters
    ----------
    progress : DataFrame
        Rows of :func:`services.sru_progress.cms_progress` for one commune (or the CMS total).
    name : str
        Name shown in the title.
    """
    years = progress["year"].astype(int).astype(str)
    fig = go.Figure()
    for column, label, color in (
        ("cum_agreed", "Agréés (cumul)", AGREED_COLOR),
        ("cum_delivered", "Livrés (cumul)", DELIVERED_COLOR),
    ):
        texts = [fmt_int(v) for v in progress[column]]
        fig.add_bar(
            x=years,
            y=progress[column],
            name=label,
            marker_color=color,
            text=texts,
            textposition="outside",
            cliponaxis=False,
            hovertemplate=f"{label} fin %{{x}} : %{{text}} logements<extra></extra>",
        )
    fig.add_scatter(
        x=years,
        y=progress["expected_to_date"],
        name="Attendu à date (rythme linéaire)",
        mode="lines+markers",
        line={"color": TARGET_COLOR, "dash": "dash"},
        customdata=[fmt_number(v, 0) for v in progress["expected_to_date"]],
        hovertemplate="Attendu fin %{x} : %{customdata} logements<extra></extra>",
    )
    objective = float(progress["cms_objective"].iloc[0])
    top = max(objective, float(progress[["cum_agreed", "cum_delivered"]].max().max() or 0))
    french_layout(fig, height=380, title=f"{name} : logements agréés et livrés (cumul)")
    fig.add_hline(
        y=objective,
        line={"color": "#7f7f7f", "width": 1},
        annotation={
            "text": f"Objectif CMS : {fmt_int(objective)} logements",
            "x": 0,
            "xanchor": "left",
            "yanchor": "bottom",
        },
    )
    fig.update_xaxes(title="Fin d'année", type="category")
    fig.update_yaxes(title="Logements (cumul)", range=[0, top * 1.2])
    fig.update_layout(barmode="group", legend={"y": -0.2, "yanchor": "top"})
    return fig


def cms_overview_figure(last: pd.DataFrame) -> go.Figure:
    """Every CMS commune: objective, agreed and delivered dwellings to date (horizontal bars).

    Parameters
    ----------
    last : DataFrame
        The table of :func:`ui.sru_tables.progress_table` without the total row.
    """
    rows = last.sort_values("Objectif CMS (logements)")
    fig = go.Figure()
    # Horizontal groups are drawn bottom-up: the last trace is on top of each group.
    for column, label, color in (
        ("Livrés (cumul)", "Livrés (cumul)", DELIVERED_COLOR),
        ("Agréés (cumul)", "Agréés (cumul)", AGREED_COLOR),
        ("Objectif CMS (logements)", "Objectif CMS", OBJECTIVE_COLOR),
    ):
        texts = [fmt_int(v) for v in rows[column]]
        fig.add_bar(
            y=rows["Commune"],
            x=rows[column],
            name=label,
            orientation="h",
            marker_color=color,
            text=texts,
            textposition="outside",
            cliponaxis=False,
            hovertemplate=f"%{{y}} — {label} : %{{text}} logements<extra></extra>",
        )
    year = last["Dernière année connue"].max() if len(last) else ""
    french_layout(
        fig,
        height=max(380, 56 * len(rows) + 110),
        title=f"Objectif CMS, logements agréés et livrés par commune (cumul fin {year})",
    )
    fig.update_layout(barmode="group", bargap=0.22, legend_traceorder="reversed")
    fig.update_xaxes(title="Logements")
    fig.update_yaxes(title=None)
    return fig
