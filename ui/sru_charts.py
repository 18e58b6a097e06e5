"""Charts of the SRU page: rates against the target, trajectory, progress of the CMS.

Figures only (no Streamlit): Vega-Lite charts finished by :func:`ui.chart_theme.finish`, every
text in French and every number written by ``ui.fmt``. The value of each bar of the rates chart
stands in a column at the right edge, where the dashed target line never crosses it.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from ui import cache
from ui.chart_theme import (
    LABEL_COLOR,
    colors,
    count_axis,
    finish,
    grouped_bars,
    legend_columns,
    pct_axis,
    top_legend,
    year_axis,
)
from ui.charts import CATEGORICAL
from ui.fmt import fmt_int, fmt_number
from ui.sru_map import rate_classes, rate_colors

TARGET_COLOR = "#333333"
AGREED_COLOR = CATEGORICAL[5]  # sky blue
DELIVERED_COLOR = CATEGORICAL[0]  # blue
OBJECTIVE_COLOR = "#bdbdbd"


def _target_rule(target_pct: float, axis: str) -> alt.LayerChart:
    """The dashed target line, its label at the top (vertical line) or left (horizontal)."""
    label = f"Taux cible {fmt_number(target_pct, 0, '%')}"
    data = pd.DataFrame({"target": [target_pct], "label": [label]})
    position = alt.X("target:Q") if axis == "x" else alt.Y("target:Q")
    rule = (
        alt.Chart(data)
        .mark_rule(color=TARGET_COLOR, strokeDash=[5, 4], strokeWidth=1.5)
        .encode(position)
    )
    if axis == "x":
        text = alt.Chart(data).mark_text(align="left", dx=4, baseline="bottom", dy=-2)
        text = text.encode(position, y=alt.value(0), text="label:N")
    else:
        text = alt.Chart(data).mark_text(align="left", baseline="bottom", dx=2, dy=-3)
        text = text.encode(position, x=alt.value(0), text="label:N")
    return alt.layer(rule, text.encode(color=alt.value(LABEL_COLOR)))


@cache.figure
def rate_bars(situation: pd.DataFrame, target_pct: float, year: int) -> alt.TopLevelMixin:
    """Horizontal bars of the subject communes' rates, coloured like the map, target line.

    The highest rate is on top; each value is written in a column at the right edge.
    """
    subject = situation[situation["is_subject"]].sort_values("sru_rate_pct", ascending=False)
    rates = subject["sru_rate_pct"].astype(float)
    top = float(rates.max()) if len(subject) and rates.notna().any() else target_pct
    right = max(top, target_pct) * 1.3
    data = pd.DataFrame(
        {
            "commune": subject["commune_name"].to_numpy(),
            "rate": rates.to_numpy(),
            "color": rate_colors(subject["sru_rate_pct"], rate_classes(target_pct)).to_numpy(),
            "text": [fmt_number(v, 1, "%") for v in rates],
            "status": subject["status"].to_numpy(),
            "right": right,
        }
    )
    y = alt.Y("commune:N", sort=list(data["commune"]), title=None)
    x_scale = alt.Scale(domain=[0, right], nice=False)
    tooltip = [
        alt.Tooltip("commune:N", title="Commune"),
        alt.Tooltip("text:N", title="Taux SRU"),
        alt.Tooltip("status:N", title="Situation"),
    ]
    bars = (
        alt.Chart(data)
        .mark_bar(stroke="#4d4d4d", strokeWidth=0.6)
        .encode(
            y,
            x=alt.X(
                "rate:Q",
                scale=x_scale,
                axis=pct_axis(f"Taux SRU au 1er janvier {year}", values=_ticks(right)),
            ),
            color=alt.Color("color:N", scale=None),
            tooltip=tooltip,
        )
    )
    values = (
        alt.Chart(data)
        .mark_text(align="right", baseline="middle", color=LABEL_COLOR)
        .encode(y, x=alt.X("right:Q", scale=x_scale), text="text:N", tooltip=tooltip)
    )
    chart = alt.layer(bars, _target_rule(target_pct, "x"), values).properties(height=alt.Step(26))
    return finish(chart)


def _ticks(right: float, step: float = 10.0) -> list[float]:
    """Round ticks from 0 up to ``right`` (every 10 %)."""
    return [i * step for i in range(int(right // step) + 1)]


@cache.figure
def trajectory_figure(
    trajectory: pd.DataFrame, history: pd.DataFrame, target_pct: float, name: str
) -> alt.TopLevelMixin:
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
    series = {
        "Taux nécessaire pour atteindre le taux cible": CATEGORICAL[3],
        "Au rythme du CMS": CATEGORICAL[0],
        "Taux observé (inventaire)": "#000000",
    }
    names = list(series)
    parts = [
        pd.DataFrame(
            {
                "year": x,
                "rate": trajectory["required_rate_pct"].astype(float),
                "series": names[0],
                "text": [fmt_number(v, 2, "%") for v in trajectory["required_rate_pct"]],
            }
        ),
        pd.DataFrame(
            {
                "year": x,
                "rate": trajectory["cms_pace_rate_pct"].astype(float),
                "series": names[1],
                "text": [fmt_number(v, 2, "%") for v in trajectory["cms_pace_rate_pct"]],
            }
        ),
        pd.DataFrame(
            {
                "year": history["year"].astype(int),
                "rate": history["sru_rate_pct"].astype(float),
                "series": names[2],
                "text": [fmt_number(v, 1, "%") for v in history["sru_rate_pct"]],
            }
        ),
    ]
    data = pd.concat(parts, ignore_index=True)
    color = alt.Color(
        "series:N",
        scale=colors(series),
        legend=top_legend(symbolType="stroke", symbolStrokeWidth=3),
    )
    encode = {
        "x": alt.X("year:Q", axis=year_axis("Au 1er janvier", tickMinStep=1)),
        "y": alt.Y("rate:Q", axis=pct_axis("Taux SRU", 1), scale=alt.Scale(zero=False)),
        "color": color,
        "tooltip": [
            alt.Tooltip("series:N", title="Série"),
            alt.Tooltip("year:O", title="Au 1er janvier"),
            alt.Tooltip("text:N", title="Taux"),
        ],
    }
    dash = alt.StrokeDash(
        "series:N", scale=alt.Scale(domain=names, range=[[1, 0], [2, 3], [1, 0]]), legend=None
    )
    lines = alt.Chart(data).mark_line(strokeWidth=2.2).encode(**encode, strokeDash=dash)
    shape = alt.Shape(
        "series:N", scale=alt.Scale(domain=names, range=["circle", "circle", "square"]), legend=None
    )
    points = alt.Chart(data).mark_point(filled=True, size=45).encode(**encode, shape=shape)
    chart = alt.layer(lines, points, _target_rule(target_pct, "y"))
    return finish(chart, title=f"{name} : trajectoire vers le taux cible", height=260)


@cache.figure
def cms_commune_figure(progress: pd.DataFrame, name: str) -> alt.TopLevelMixin:
    """Agreed and delivered dwellings of one commune, cumulated year by year, against the CMS.

    Parameters
    ----------
    progress : DataFrame
        Rows of :func:`services.sru_progress.cms_progress` for one commune (or the CMS total).
    name : str
        Name shown in the title.
    """
    years = progress["year"].astype(int).astype(str).to_numpy()
    series = {
        "Agréés (cumul)": AGREED_COLOR,
        "Livrés (cumul)": DELIVERED_COLOR,
        "Attendu à date (rythme linéaire)": TARGET_COLOR,
    }
    bars = pd.concat(
        [
            pd.DataFrame(
                {
                    "year": years,
                    "series": label,
                    "value": progress[column].astype(float).to_numpy(),
                    "text": [fmt_int(v) for v in progress[column]],
                }
            )
            for column, label in (
                ("cum_agreed", "Agréés (cumul)"),
                ("cum_delivered", "Livrés (cumul)"),
            )
        ],
        ignore_index=True,
    )
    expected = pd.DataFrame(
        {
            "year": years,
            "series": "Attendu à date (rythme linéaire)",
            "value": progress["expected_to_date"].astype(float).to_numpy(),
            "text": [fmt_number(v, 0) for v in progress["expected_to_date"]],
        }
    )
    objective = float(progress["cms_objective"].iloc[0])
    top = max(objective, float(progress[["cum_agreed", "cum_delivered"]].max().max() or 0))
    x = alt.X("year:N", title="Fin d'année", axis=alt.Axis(labelAngle=0))
    y_scale = alt.Scale(domain=[0, top * 1.2], nice=False)
    y = alt.Y("value:Q", scale=y_scale, axis=count_axis("Logements (cumul)"))
    color = alt.Color("series:N", scale=colors(series), legend=top_legend(legend_columns(series)))
    tooltip = [
        alt.Tooltip("series:N", title="Série"),
        alt.Tooltip("year:N", title="Fin d'année"),
        alt.Tooltip("text:N", title="Logements"),
    ]
    offset = alt.XOffset("series:N", sort=list(series)[:2])
    bar_layer = alt.Chart(bars).mark_bar().encode(x, y, color, offset, tooltip=tooltip)
    labels = (
        alt.Chart(bars)
        .mark_text(baseline="bottom", dy=-3, color=LABEL_COLOR)
        .encode(x, y, offset, text="text:N")
    )
    line = (
        alt.Chart(expected)
        .mark_line(strokeDash=[5, 4], point=True)
        .encode(x, y, color, tooltip=tooltip)
    )
    goal = pd.DataFrame(
        {"value": [objective], "label": [f"Objectif CMS : {fmt_int(objective)} logements"]}
    )
    rule = alt.Chart(goal).mark_rule(color="#7f7f7f").encode(y=alt.Y("value:Q", scale=y_scale))
    rule_label = (
        alt.Chart(goal)
        .mark_text(align="left", baseline="bottom", dx=2, dy=-3, color=LABEL_COLOR)
        .encode(y=alt.Y("value:Q", scale=y_scale), x=alt.value(0), text="label:N")
    )
    chart = alt.layer(bar_layer, labels, line, rule, rule_label)
    return finish(chart, title=f"{name} : logements agréés et livrés (cumul)", height=280)


@cache.figure
def cms_overview_figure(last: pd.DataFrame) -> alt.TopLevelMixin:
    """Every CMS commune: objective, agreed and delivered dwellings to date (horizontal bars).

    Parameters
    ----------
    last : DataFrame
        The table of :func:`ui.sru_tables.progress_table` without the total row.
    """
    rows = last.sort_values("Objectif CMS (logements)", ascending=False)
    series = {
        "Objectif CMS": ("Objectif CMS (logements)", OBJECTIVE_COLOR),
        "Agréés (cumul)": ("Agréés (cumul)", AGREED_COLOR),
        "Livrés (cumul)": ("Livrés (cumul)", DELIVERED_COLOR),
    }
    data = pd.concat(
        [
            pd.DataFrame(
                {
                    "commune": rows["Commune"].to_numpy(),
                    "series": label,
                    "value": rows[column].astype(float).to_numpy(),
                    "text": [fmt_int(v) for v in rows[column]],
                }
            )
            for label, (column, _) in series.items()
        ],
        ignore_index=True,
    )
    order = list(rows["Commune"])
    y = alt.Y("commune:N", sort=order, title=None)
    x = alt.X("value:Q", axis=count_axis("Logements"), scale=alt.Scale(nice=True))
    offset = alt.YOffset("series:N", sort=list(series))
    palette = {label: color for label, (_, color) in series.items()}
    tooltip = [
        alt.Tooltip("commune:N", title="Commune"),
        alt.Tooltip("series:N", title="Série"),
        alt.Tooltip("text:N", title="Logements"),
    ]
    bars, labels = grouped_bars(
        data, (y, x), offset, palette, tooltip, align="left", dx=3, baseline="middle"
    )
    year = last["Dernière année connue"].max() if len(last) else ""
    chart = alt.layer(bars, labels).properties(height=alt.Step(15, **{"for": "offset"}))
    return finish(
        chart,
        title=f"Objectif CMS, logements agréés et livrés par commune (cumul fin {year})",
    )
