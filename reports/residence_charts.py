"""The charts of the printed fiche résidence, drawn with matplotlib as SVG (vector, kept inside
the page margins by the layout).

Same reading as on screen: each pillar brings its points to the score; each indicator pulls the
score above (blue) or below (orange) what it would bring at mid-scale.
"""

from __future__ import annotations

import io

import matplotlib
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from services.fmt import fmt_number

UP = "#0072B2"
DOWN = "#D55E00"
TOTAL = "#4d4d4d"
WIDTH_IN = 3.4
RC = {"font.family": "DejaVu Sans", "font.size": 7.5, "svg.fonttype": "none"}


def _svg(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    with matplotlib.rc_context(RC):
        fig.savefig(buffer, format="svg")
    return buffer.getvalue()


def _figure(n_bars: int) -> tuple[Figure, object]:
    with matplotlib.rc_context(RC):
        fig = Figure(figsize=(WIDTH_IN, 0.35 + 0.24 * n_bars), layout="constrained")
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        ax.tick_params(axis="y", length=0)
    return fig, ax


def pillar_chart(pillars: pd.DataFrame, score: float) -> bytes:
    """Points brought by each pillar and the score (horizontal bars, SVG)."""
    labels = [f"{r.label} ({fmt_number(r.weight_pct, 0)} %)" for r in pillars.itertuples()]
    values = pillars["contribution_pts"].to_numpy(dtype=float)
    with matplotlib.rc_context(RC):
        fig, ax = _figure(len(values) + 1)
        names = [*labels, "Note"]
        bars = [*values, score]
        colors = [UP] * len(values) + [TOTAL]
        ax.barh(range(len(bars)), bars, color=colors, height=0.62)
        for y, v in enumerate(bars):
            ax.text(v + 1, y, fmt_number(v, 1), va="center", fontsize=7)
        ax.set_yticks(range(len(bars)), names)
        ax.invert_yaxis()
        ax.set_xlim(0, 112)
        ax.set_xlabel("Points de la note (sur 100)")
    return _svg(fig)


def impact_chart(impacts: pd.DataFrame) -> bytes:
    """The indicators that move the score most from mid-scale, signed (SVG)."""
    values = impacts["impact_pts"].to_numpy(dtype=float)
    with matplotlib.rc_context(RC):
        fig, ax = _figure(len(values))
        ax.barh(range(len(values)), values, color=[UP if v >= 0 else DOWN for v in values],
                height=0.62)  # fmt: skip
        span = max(1.0, float(abs(values).max()) if len(values) else 1.0)
        for y, v in enumerate(values):
            text = ("+" if v > 0 else "−" if v < 0 else "") + fmt_number(abs(v), 1)
            ax.text(v + (0.03 if v >= 0 else -0.03) * span, y, text, va="center",
                    ha="left" if v >= 0 else "right", fontsize=7)  # fmt: skip
        ax.axvline(0, color="#999999", lw=0.6)
        ax.set_yticks(range(len(values)), list(impacts["label"]))
        ax.invert_yaxis()
        ax.set_xlim(-1.35 * span, 1.35 * span)
        ax.set_xlabel("Points")
    return _svg(fig)
