"""Charts of « Offre et demande »: available dwellings, time to re-let, demand against
attributions. Figures only (no Streamlit), French texts, Vega-Lite (:mod:`ui.chart_theme`)."""

from __future__ import annotations

from collections.abc import Sequence

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
    number_axis,
    top_legend,
)
from ui.charts import CATEGORICAL
from ui.fmt import fmt_int, fmt_number

RECENT_COLOR = CATEGORICAL[5]
LONG_COLOR = CATEGORICAL[3]
DEMAND_COLOR = CATEGORICAL[4]
ATTRIBUTION_COLOR = CATEGORICAL[2]


def _counts(values: Sequence[float]) -> pd.Series:
    return pd.to_numeric(pd.Series(list(values), dtype=object), errors="coerce")


@cache.figure
def offer_bars(
    labels: Sequence[str],
    recent: Sequence[float],
    long: Sequence[float],
    title: str,
    horizontal: bool = False,
) -> alt.TopLevelMixin:
    """Available dwellings per category, split into vacant for less / more than 3 months."""
    series = {
        "vacants depuis 3 mois ou moins": RECENT_COLOR,
        "vacants depuis plus de 3 mois": LONG_COLOR,
    }
    totals = _counts(recent).fillna(0) + _counts(long).fillna(0)
    # A number is written inside its segment only when the segment is wide enough for it.
    room = 0.06 * float(totals.max() or 1)
    data = pd.concat(
        [
            pd.DataFrame(
                {
                    "category": [str(label) for label in labels],
                    "series": name,
                    "order": i,
                    "value": _counts(values).to_numpy(),
                    "text": [fmt_int(v) if pd.notna(v) and v >= room else "" for v in values],
                }
            )
            for i, (name, values) in enumerate(zip(series, (recent, long), strict=True))
        ],
        ignore_index=True,
    )
    category = (alt.Y if horizontal else alt.X)(
        "category:N",
        sort=[str(label) for label in labels],
        title=None,
        **({} if horizontal else {"axis": alt.Axis(labelAngle=0)}),
    )
    amount = (alt.X if horizontal else alt.Y)(
        "value:Q", stack="zero", axis=count_axis("Logements disponibles")
    )
    tooltip = [
        alt.Tooltip("category:N", title="Catégorie"),
        alt.Tooltip("series:N", title="Logements"),
        alt.Tooltip("text:N", title="Nombre"),
    ]
    legend = top_legend(legend_columns(series, 40 if horizontal else 60))
    color = alt.Color("series:N", scale=colors(series), legend=legend)
    order = alt.Order("order:Q")
    bars = alt.Chart(data).mark_bar().encode(category, amount, color, order, tooltip=tooltip)
    labels_layer = (
        alt.Chart(data)
        .mark_text(color="#ffffff", fontSize=11, **({"dx": -10} if horizontal else {"dy": 8}))
        .encode(category, amount, order, text="text:N")
    )
    chart = alt.layer(bars, labels_layer)
    if horizontal:
        return finish(chart.properties(height=alt.Step(24)), title=title)
    return finish(chart, title=title, height=260)


@cache.figure
def relet_bars(frame: pd.DataFrame, labels: Sequence[str], title: str) -> alt.TopLevelMixin:
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
    data = pd.DataFrame(
        {
            "group": [str(label) for label in labels],
            "median": frame["median_days"].astype(float).to_numpy(),
            "q1": frame["q1_days"].astype(float).to_numpy(),
            "q3": frame["q3_days"].astype(float).to_numpy(),
            "text": [fmt_number(v, 0, "j") for v in frame["median_days"]],
            "range": [
                f"{fmt_number(a, 0)} à {fmt_number(b, 0, 'j')}"
                for a, b in zip(frame["q1_days"], frame["q3_days"], strict=True)
            ],
            "long": [fmt_number(v, 0, "%") for v in frame["long_vacancy_pct"]],
        }
    )
    y = alt.Y("group:N", sort=list(data["group"]), title=None)
    x_title = "Jours entre le départ et la relocation (médiane, 1er–3e quartile)"
    tooltip = [
        alt.Tooltip("group:N", title="Groupe"),
        alt.Tooltip("text:N", title="Délai médian"),
        alt.Tooltip("range:N", title="1er–3e quartile"),
        alt.Tooltip("long:N", title="Encore vacants après 3 mois"),
    ]
    bars = (
        alt.Chart(data)
        .mark_bar(color=CATEGORICAL[0])
        .encode(y, x=alt.X("median:Q", axis=number_axis(x_title)), tooltip=tooltip)
    )
    spread = (
        alt.Chart(data).mark_rule(color="#555555", strokeWidth=1.2).encode(y, x="q1:Q", x2="q3:Q")
    )
    labels_layer = (
        alt.Chart(data)
        .mark_text(align="left", dx=4, color="#ffffff", fontSize=11)
        .encode(y, x=alt.datum(0), text="text:N")
    )
    chart = alt.layer(bars, spread, labels_layer).properties(height=alt.Step(28))
    return finish(chart, title=title)


@cache.figure
def demand_bars(
    labels: Sequence[str],
    demands: Sequence[float],
    attributions: Sequence[float],
    pressure: Sequence[float],
    title: str,
) -> alt.TopLevelMixin:
    """Active demands against attributions of the last 12 months, pressure written above."""
    series = {
        "Demandes actives": DEMAND_COLOR,
        "Attributions des 12 derniers mois": ATTRIBUTION_COLOR,
    }
    categories = [str(label) for label in labels]
    data = pd.concat(
        [
            pd.DataFrame(
                {
                    "category": categories,
                    "series": name,
                    "value": _counts(values).to_numpy(),
                    "text": [fmt_int(v) for v in values],
                }
            )
            for name, values in zip(series, (demands, attributions), strict=True)
        ],
        ignore_index=True,
    )
    top = data["value"].max()
    top = float(top) if pd.notna(top) and top > 0 else 1.0
    y_scale = alt.Scale(domain=[0, top * 1.3], nice=False)
    x = alt.X("category:N", sort=categories, title=None, axis=alt.Axis(labelAngle=0))
    y = alt.Y("value:Q", scale=y_scale, axis=count_axis("Demandes, attributions"))
    offset = alt.XOffset("series:N", sort=list(series))
    tooltip = [
        alt.Tooltip("category:N", title="Typologie"),
        alt.Tooltip("series:N", title="Série"),
        alt.Tooltip("text:N", title="Nombre"),
    ]
    bars, values = grouped_bars(data, (x, y), offset, series, tooltip, baseline="bottom", dy=-2)
    ratios = pd.DataFrame(
        {
            "category": categories,
            "at": top * 1.22,
            "text": [f"pression {fmt_number(r, 1)}" for r in pressure],
        }
    )
    pressure_layer = (
        alt.Chart(ratios)
        .mark_text(fontSize=12, color=LABEL_COLOR)
        .encode(x, alt.Y("at:Q", scale=y_scale), text="text:N")
    )
    return finish(alt.layer(bars, values, pressure_layer), title=title, height=280)
