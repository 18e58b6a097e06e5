"""The product's palettes, and the style of the charts still drawn with Plotly.

Colours: Okabe-Ito for categories, ColorBrewer for the ordered cotation classes and the
rebalancing flags; every chart and map uses them. Most charts are Vega-Lite
(:mod:`ui.chart_theme`); the few still drawn with Plotly (the cotation comparison tabs) go
through :func:`french_layout` so that decimals use a comma, thousands a thin space, and fonts and
margins are the same everywhere.
"""

from __future__ import annotations

import plotly.express as px
import plotly.graph_objects as go

# The palettes are shared with the maps and the static exports; re-exported here for the charts.
from services.map_style import CATEGORICAL as CATEGORICAL
from services.map_style import CLASS_COLORS as CLASS_COLORS
from services.map_style import FLAG_COLORS as FLAG_COLORS
from services.map_style import FLAG_LABELS as FLAG_LABELS

# plotly.express picks its colours itself: make it use the same palette as every chart.
px.defaults.color_discrete_sequence = list(CATEGORICAL)
# The toolbar of plotly.js only speaks English: hidden; every chart has its table and CSV.
PLOTLY_CONFIG = {"displaylogo": False, "displayModeBar": False}


def french_layout(fig: go.Figure, height: int = 360, title: str | None = None) -> go.Figure:
    """Apply the product's layout: French separators, palette, compact margins.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
        The figure, modified in place and returned.
    height : int, default 360
        Height in pixels.
    title : str, optional
        Figure title (French).
    """
    fig.update_layout(
        separators=", ",
        colorway=list(CATEGORICAL),
        height=height,
        margin={"l": 10, "r": 10, "t": 40 if title else 10, "b": 50},
        title={"text": title, "x": 0, "font": {"size": 15}} if title else None,
        legend={"orientation": "h", "yanchor": "top", "y": -0.28, "x": 0, "title": None},
        font={"family": "sans-serif", "size": 13},
        plot_bgcolor="white",
        hoverlabel={"font_size": 13},
    )
    fig.update_xaxes(gridcolor="#eeeeee", zerolinecolor="#cccccc")
    fig.update_yaxes(gridcolor="#eeeeee", zerolinecolor="#cccccc")
    return fig
