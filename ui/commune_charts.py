"""Chart of the panel beside the territory map: the main occupancy shares over the OPS surveys.

Vega-Lite (:mod:`ui.chart_theme`): the legend sits above the plot (never over the axis title),
years read ``2024``, shares ``40 %``; a masked survey breaks the line, it is never zero.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from ui import cache
from ui.chart_theme import colors, finish, pct_axis, top_legend, year_axis
from ui.charts import CATEGORICAL
from ui.fmt import fmt_number


@cache.figure
def occupancy_history_chart(history: pd.DataFrame) -> alt.TopLevelMixin:
    """One line per share over the surveys.

    Parameters
    ----------
    history : DataFrame
        ``survey_year``, ``label`` and ``value`` (%, NaN when masked or missing).
    """
    labels = list(dict.fromkeys(history["label"]))
    data = pd.DataFrame(
        {
            "year": history["survey_year"].astype(int).to_numpy(),
            "series": history["label"].to_numpy(),
            "value": history["value"].astype(float).to_numpy(),
            "text": [fmt_number(v, 1, "%") for v in history["value"]],
        }
    )
    years = sorted(data["year"].unique().tolist())
    palette = {label: CATEGORICAL[i % len(CATEGORICAL)] for i, label in enumerate(labels)}
    encode = {
        "x": alt.X("year:Q", axis=year_axis("Enquête OPS", values=years)),
        "y": alt.Y("value:Q", axis=pct_axis("Part des ménages (%)"), scale=alt.Scale(zero=True)),
        "color": alt.Color(
            "series:N",
            scale=colors(palette),
            legend=top_legend(symbolType="stroke", symbolStrokeWidth=3),
        ),
        "tooltip": [
            alt.Tooltip("series:N", title="Part"),
            alt.Tooltip("year:O", title="Enquête OPS"),
            alt.Tooltip("text:N", title="Valeur"),
        ],
    }
    lines = alt.Chart(data).mark_line(strokeWidth=2, invalid="break-paths-show-domains")
    points = alt.Chart(data).mark_point(filled=True, size=36)
    chart = alt.layer(lines.encode(**encode), points.encode(**encode))
    return finish(chart, title="Occupation du parc social (OPS)", height=180)
