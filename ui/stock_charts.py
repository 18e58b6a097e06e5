"""Charts of the *Tableau de bord du parc social*: profiles of entrants, leavers and sitting
tenants, flows by year, vacancy and rotation. Figures only (no Streamlit), French texts.

Vega-Lite charts finished by :func:`ui.chart_theme.finish`; value labels and tooltips are
written by :mod:`ui.fmt`. A missing value draws no bar and breaks a line: it is never zero.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import altair as alt
import pandas as pd

from ui import cache
from ui.chart_theme import (
    LABEL_COLOR,
    WRAPPED_LABELS,
    colors,
    count_axis,
    finish,
    grouped_bars,
    legend_columns,
    pct_axis,
    top_legend,
    wrap,
)
from ui.charts import CATEGORICAL
from ui.fmt import fmt_int, fmt_number

ENTRANTS_COLOR = CATEGORICAL[1]  # orange
LEAVERS_COLOR = CATEGORICAL[2]  # bluish green
SITTING_COLOR = CATEGORICAL[0]  # blue
# A line with a missing year stops there instead of joining its neighbours.
BREAK = "break-paths-show-domains"


def _pct_texts(values: Sequence[float]) -> list[str]:
    return [fmt_number(v, 1, "%") if pd.notna(v) else "" for v in values]


@cache.figure
def grouped_shares(
    categories: Sequence[str],
    series: Mapping[str, Sequence[float]],
    colors_of: Mapping[str, str],
    *,
    title: str,
    axis_title: str = "Part des ménages (%)",
    horizontal: bool = True,
) -> alt.TopLevelMixin:
    """Shares of several groups of households side by side, one group of bars per category.

    Parameters
    ----------
    categories : sequence of str
        Category labels, in reading order (top to bottom when horizontal).
    series : mapping
        Series name → shares in %, aligned with ``categories``; NaN draws no bar.
    colors_of : mapping
        Series name → colour.
    title : str
        Chart title.
    axis_title : str
        Title of the value axis (with its unit).
    horizontal : bool, default True
        Horizontal bars (long labels) or vertical ones.
    """
    names = list(series)
    # Long category names on several lines, not cut.
    wrapped = [wrap(c, 30 if horizontal else 16) for c in categories]
    data = pd.concat(
        [
            pd.DataFrame(
                {
                    "category": wrapped,
                    "series": name,
                    "value": pd.to_numeric(pd.Series(list(values)), errors="coerce"),
                    "text": _pct_texts(list(values)),
                }
            )
            for name, values in series.items()
        ],
        ignore_index=True,
    )
    top = data["value"].max()
    domain = [0, (top if pd.notna(top) and top > 0 else 1.0) * 1.18]
    color = alt.Color(
        "series:N",
        scale=colors({n: colors_of[n] for n in names}),
        legend=top_legend(legend_columns(names)),
    )
    tooltip = [
        alt.Tooltip("category:N", title="Indicateur"),
        alt.Tooltip("series:N", title="Ménages"),
        alt.Tooltip("text:N", title="Part"),
    ]
    category = alt.Y if horizontal else alt.X
    amount = alt.X if horizontal else alt.Y
    offset = alt.YOffset if horizontal else alt.XOffset
    enc = {
        "category": category(
            "category:N",
            sort=wrapped,
            title=None,
            axis=alt.Axis(labelExpr=WRAPPED_LABELS, labelAngle=0),
        ),
        "value": amount(
            "value:Q", scale=alt.Scale(domain=domain, nice=False), axis=pct_axis(axis_title)
        ),
        "offset": offset("series:N", sort=names),
    }
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(enc["category"], enc["value"], enc["offset"], color, tooltip=tooltip)
    )
    text = alt.Chart(data).mark_text(
        color=LABEL_COLOR,
        fontSize=11,
        **({"align": "left", "dx": 3} if horizontal else {"baseline": "bottom", "dy": -2}),
    )
    labels = text.encode(enc["category"], enc["value"], enc["offset"], text="text:N")
    # Each category's bars are at least as tall as its label's lines.
    lines = max(label.count("\n") + 1 for label in wrapped) if wrapped else 1
    step = alt.Step(max(12, -(-lines * 15 // max(len(names), 1))), **{"for": "offset"})
    chart = alt.layer(bars, labels)
    if horizontal:
        return finish(chart.properties(height=step), title=title)
    return finish(chart, title=title, height=280)


@cache.figure
def flows_by_year(
    years: Sequence[int], entrants: Sequence[float], leavers: Sequence[float], title: str
) -> alt.TopLevelMixin:
    """Entrants and leavers per year (bars); a year without data has no bar."""
    series = {"Entrants (attributions)": ENTRANTS_COLOR, "Sortants (départs)": LEAVERS_COLOR}
    data = pd.concat(
        [
            pd.DataFrame(
                {
                    "year": [str(int(y)) for y in years],
                    "series": name,
                    "value": pd.to_numeric(pd.Series(list(values)), errors="coerce"),
                    "text": [fmt_int(v) if pd.notna(v) else "" for v in values],
                }
            )
            for name, values in zip(series, (entrants, leavers), strict=True)
        ],
        ignore_index=True,
    )
    x = alt.X("year:N", title="Année", axis=alt.Axis(labelAngle=0))
    y = alt.Y("value:Q", axis=count_axis("Ménages"))
    offset = alt.XOffset("series:N", sort=list(series))
    tooltip = [
        alt.Tooltip("series:N", title="Flux"),
        alt.Tooltip("year:N", title="Année"),
        alt.Tooltip("text:N", title="Ménages"),
    ]
    bars, labels = grouped_bars(data, (x, y), offset, series, tooltip, baseline="bottom", dy=-2)
    return finish(alt.layer(bars, labels), title=title, height=240)


@cache.figure
def vacancy_lines(frame: pd.DataFrame, title: str) -> alt.TopLevelMixin:
    """Vacancy rates by year: at 1 January, over 3 months, mean over the year (gaps = missing)."""
    series = {
        "Vacance au 1er janvier": ("vacancy_rate_pct", CATEGORICAL[0], [1, 0]),
        "dont vacance de plus de 3 mois": ("long_vacancy_rate_pct", CATEGORICAL[3], [1, 0]),
        "Vacance moyenne sur l'année": ("mean_vacancy_rate_pct", CATEGORICAL[4], [2, 3]),
    }
    data = pd.concat(
        [
            pd.DataFrame(
                {
                    "year": frame["year"].astype(int).astype(str).to_numpy(),
                    "series": name,
                    "value": frame[column].astype(float).to_numpy(),
                    "text": _pct_texts(frame[column]),
                }
            )
            for name, (column, _, _) in series.items()
        ],
        ignore_index=True,
    )
    names = list(series)
    encode = {
        "x": alt.X("year:O", title="Année", axis=alt.Axis(labelAngle=0)),
        "y": alt.Y("value:Q", axis=pct_axis("Part des logements (%)", 1)),
        "color": alt.Color(
            "series:N",
            scale=colors({n: c for n, (_, c, _) in series.items()}),
            legend=top_legend(symbolType="stroke", symbolStrokeWidth=3),
        ),
        "tooltip": [
            alt.Tooltip("series:N", title="Vacance"),
            alt.Tooltip("year:O", title="Année"),
            alt.Tooltip("text:N", title="Taux"),
        ],
    }
    dash = alt.StrokeDash(
        "series:N",
        scale=alt.Scale(domain=names, range=[d for *_, d in series.values()]),
        legend=None,
    )
    lines = (
        alt.Chart(data).mark_line(strokeWidth=2.2, invalid=BREAK).encode(**encode, strokeDash=dash)
    )
    points = alt.Chart(data).mark_point(filled=True, size=40).encode(**encode)
    return finish(alt.layer(lines, points), title=title, height=240)


@cache.figure
def rotation_bars(frame: pd.DataFrame, title: str) -> alt.TopLevelMixin:
    """Rotation rate by year (departures / dwellings)."""
    data = pd.DataFrame(
        {
            "year": frame["year"].astype(int).astype(str).to_numpy(),
            "value": frame["rotation_rate_pct"].astype(float).to_numpy(),
            "text": _pct_texts(frame["rotation_rate_pct"]),
        }
    )
    top = data["value"].max()
    domain = [0, (top if pd.notna(top) and top > 0 else 1.0) * 1.2]
    x = alt.X("year:N", title="Année", axis=alt.Axis(labelAngle=0))
    y = alt.Y(
        "value:Q",
        scale=alt.Scale(domain=domain, nice=False),
        axis=pct_axis("Départs / logements (%)", 1),
    )
    tooltip = [alt.Tooltip("year:N", title="Année"), alt.Tooltip("text:N", title="Rotation")]
    bars = alt.Chart(data).mark_bar(color=LEAVERS_COLOR).encode(x, y, tooltip=tooltip)
    labels = (
        alt.Chart(data)
        .mark_text(baseline="bottom", dy=-2, fontSize=11, color=LABEL_COLOR)
        .encode(x, y, text="text:N")
    )
    return finish(alt.layer(bars, labels), title=title, height=240)


EFFECT_COLORS = {"renforce": CATEGORICAL[3], "corrige": CATEGORICAL[2], "neutre": "#8c8c8c"}
EFFECT_LABELS = {
    "renforce": "l'accueil renforce l'occupation",
    "corrige": "l'accueil corrige l'occupation",
    "neutre": "écart faible (neutre)",
}
NOT_COMPARED = "#cccccc"
NOT_COMPARED_LABEL = "non comparable (moins de 5 entrants)"


@cache.figure
def intake_dumbbell(frame: pd.DataFrame, title: str) -> alt.TopLevelMixin:
    """Sitting tenants (circle) against entrants (diamond), one line per territory.

    Parameters
    ----------
    frame : DataFrame
        ``name``, ``sitting_pct``, ``entrants_pct``, ``effect`` (renforce / corrige / neutre or
        missing), one row per territory, in display order (top first).
    title : str
        Chart title.
    """
    names = frame["name"].astype(str).tolist()
    effects = frame["effect"].map(EFFECT_LABELS).fillna(NOT_COMPARED_LABEL)
    segments = pd.DataFrame(
        {
            "name": names,
            "sitting": frame["sitting_pct"].astype(float).to_numpy(),
            "entrants": frame["entrants_pct"].astype(float).to_numpy(),
            "effect": effects.to_numpy(),
        }
    )
    kinds = {"Locataires en place": ("sitting_pct", SITTING_COLOR, "circle")}
    kinds["Entrants"] = ("entrants_pct", ENTRANTS_COLOR, "diamond")
    points = pd.concat(
        [
            pd.DataFrame(
                {
                    "name": names,
                    "kind": kind,
                    "value": frame[column].astype(float).to_numpy(),
                    "text": _pct_texts(frame[column]),
                }
            )
            for kind, (column, _, _) in kinds.items()
        ],
        ignore_index=True,
    )
    y = alt.Y("name:N", sort=names, title=None)
    x_scale = alt.Scale(domain=[0, 100], nice=False)
    effect_colors = {**{EFFECT_LABELS[k]: c for k, c in EFFECT_COLORS.items()}}
    effect_colors[NOT_COMPARED_LABEL] = NOT_COMPARED
    present = {k: v for k, v in effect_colors.items() if k in set(effects)}
    rules = (
        alt.Chart(segments)
        .mark_rule(strokeWidth=3)
        .encode(
            y,
            x=alt.X("sitting:Q", scale=x_scale, axis=pct_axis("Part des ménages (%)")),
            x2="entrants:Q",
            color=alt.Color(
                "effect:N", scale=colors(present), legend=top_legend(legend_columns(present))
            ),
        )
    )
    marks = (
        alt.Chart(points)
        .mark_point(filled=True, size=80, stroke="#333333", strokeWidth=1, opacity=1)
        .encode(
            y,
            x=alt.X("value:Q", scale=x_scale),
            shape=alt.Shape(
                "kind:N",
                scale=alt.Scale(domain=list(kinds), range=[s for *_, s in kinds.values()]),
                legend=top_legend(legend_columns(kinds)),
            ),
            fill=alt.Fill(
                "kind:N",
                scale=alt.Scale(domain=list(kinds), range=[c for _, c, _ in kinds.values()]),
                legend=top_legend(legend_columns(kinds)),
            ),
            tooltip=[
                alt.Tooltip("name:N", title="Territoire"),
                alt.Tooltip("kind:N", title="Ménages"),
                alt.Tooltip("text:N", title="Part"),
            ],
        )
    )
    chart = alt.layer(rules, marks).resolve_legend(color="independent")
    return finish(chart.properties(height=alt.Step(24)), title=title)
