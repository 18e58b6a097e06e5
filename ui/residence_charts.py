"""Charts of the fiche résidence: contributions, peers, occupancy history, flows.

Vega-Lite charts finished by :func:`ui.chart_theme.finish` (French numbers, Okabe-Ito colours),
each with its unit on the value axis. They are built from the tables of
:class:`services.residence_card.ResidenceCard`; a masked value (NaN) is never drawn as zero.
The waterfalls and the boxes are computed here (bars from one running total to the next;
quartiles and whiskers at 1,5 × the interquartile range), so that every tooltip is French.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from ui import cache
from ui.chart_theme import (
    LABEL_COLOR,
    colors,
    finish,
    legend_columns,
    number_axis,
    pct_axis,
    top_legend,
    year_axis,
)
from ui.charts import CATEGORICAL
from ui.fmt import fmt_number, fmt_signed

UP = "#0072B2"  # Okabe-Ito blue: pulls the score up
DOWN = "#D55E00"  # Okabe-Ito vermillion: pulls it down
TOTAL = "#4d4d4d"
SELECTED = "#D55E00"
BOX = "#56B4E9"
FLOW_COLORS = {"entrants": CATEGORICAL[0], "sitting": CATEGORICAL[1], "leavers": CATEGORICAL[2]}
MIDPOINT = 50.0
N_TOP_INDICATORS = 7
POINTS_AXIS = "Points de la note (sur 100)"


def _waterfall(rows: pd.DataFrame, domain: list[float], title: str) -> alt.TopLevelMixin:
    """Horizontal waterfall of ``rows`` (``label``, ``start``, ``end``, ``kind``, ``text``,
    ``detail``), top to bottom in their order."""
    step_colors = {"hausse": UP, "baisse": DOWN, "total": TOTAL}
    y = alt.Y("label:N", sort=list(rows["label"]), title=None)
    x_scale = alt.Scale(domain=domain, nice=False)
    bars = (
        alt.Chart(rows)
        .mark_bar(size=18)
        .encode(
            y,
            x=alt.X(
                "start:Q",
                scale=x_scale,
                axis=number_axis(POINTS_AXIS, values=list(range(0, 101, 10))),
            ),
            x2="end:Q",
            color=alt.Color("kind:N", scale=colors(step_colors), legend=None),
            tooltip=[
                alt.Tooltip("label:N", title="Élément"),
                alt.Tooltip("detail:N", title="Points"),
            ],
        )
    )
    labels = (
        alt.Chart(rows)
        .mark_text(align="left", dx=3, fontSize=11, color=LABEL_COLOR)
        .encode(y, x=alt.X("right:Q", scale=x_scale), text="text:N")
    )
    chart = alt.layer(bars, labels).properties(height=alt.Step(26))
    return finish(chart, title=title)


def _steps(labels: list[str], values: list[float], first_total: bool) -> pd.DataFrame:
    """Running bars: each value starts where the previous one ended; the first (when
    ``first_total``) and the last start from 0."""
    starts, ends, kinds = [], [], []
    running = 0.0
    for i, value in enumerate(values):
        is_total = i == len(values) - 1 or (first_total and i == 0)
        start = 0.0 if is_total else running
        end = value if is_total else running + value
        running = end
        starts.append(start)
        ends.append(end)
        kinds.append("total" if is_total else ("hausse" if value >= 0 else "baisse"))
    return pd.DataFrame(
        {
            "label": labels,
            "start": starts,
            "end": ends,
            "right": np.maximum(starts, ends),
            "kind": kinds,
        }
    )


@cache.figure
def pillar_waterfall(pillars: pd.DataFrame, score: float) -> alt.TopLevelMixin:
    """Points brought by each pillar, summing to the score (horizontal waterfall).

    Parameters
    ----------
    pillars : pandas.DataFrame
        ``label``, ``pillar_score``, ``weight_pct`` and ``contribution_pts`` of each pillar. A
        pillar without a score (unknown, or withheld by the secret statistique) has no part
        in the note: it is left out, not drawn as a bar of 0 points at 0 %.
    score : float
        The score (/ 100), drawn as the total.
    """
    pillars = pillars[pillars["pillar_score"].notna()]
    labels = [f"{r.label} ({fmt_number(r.weight_pct, 0)} %)" for r in pillars.itertuples()]
    values = pillars["contribution_pts"].astype(float).tolist()
    rows = _steps([*labels, "Note"], [*values, float(score)], first_total=False)
    rows["text"] = [*[fmt_signed(v, 1) for v in values], fmt_number(score, 1)]
    rows["detail"] = [
        *[f"{fmt_signed(v, 1)} points" for v in values],
        fmt_number(score, 1, "/ 100"),
    ]
    return _waterfall(rows, [0, 112], "Contribution de chaque pilier à la note")


@cache.figure
def impact_waterfall(
    indicators: pd.DataFrame, score: float, n_top: int = N_TOP_INDICATORS
) -> alt.TopLevelMixin:
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
    impacts = top["impact_pts"].astype(float).tolist()
    labels = ["Milieu d'échelle", *top["label"], "Autres indicateurs", "Note"]
    rows = _steps(labels, [MIDPOINT, *impacts, rest, float(score)], first_total=True)
    changes = [*impacts, rest]
    rows["text"] = [
        fmt_number(MIDPOINT, 0),
        *[fmt_signed(v, 1) for v in changes],
        fmt_number(score, 1),
    ]
    pillars = [f" (pilier {p.lower()})" for p in top["pillar_label"]]
    rows["detail"] = [
        fmt_number(MIDPOINT, 0, "/ 100"),
        *[f"{fmt_signed(v, 1)} points{p}" for v, p in zip(impacts, pillars, strict=True)],
        f"{fmt_signed(rest, 1)} points",
        fmt_number(score, 1, "/ 100"),
    ]
    low = min(0.0, float(np.nanmin(rows["start"].to_numpy()[:-1])) - 5)
    return _waterfall(
        rows, [low, 112], "Indicateurs qui éloignent le plus la note du milieu d'échelle"
    )


def box_stats(values: pd.Series) -> dict[str, float]:
    """Quartiles, whiskers (last values within 1,5 × the interquartile range) of ``values``."""
    v = values.dropna().astype(float).to_numpy()
    q1, median, q3 = np.percentile(v, [25, 50, 75])
    spread = 1.5 * (q3 - q1)
    inside = v[(v >= q1 - spread) & (v <= q3 + spread)]
    return {
        "q1": float(q1),
        "median": float(median),
        "q3": float(q3),
        "low": float(inside.min()),
        "high": float(inside.max()),
    }


def _quartile_marks(
    boxes: pd.DataFrame,
    y: alt.Y,
    x_scale: alt.Scale,
    legend: alt.Scale,
    columns: int,
    group: str,
    tooltip: list,
    x_axis: alt.Axis | alt.UndefinedType = alt.Undefined,
) -> list[alt.Chart]:
    """The box from ``q1`` to ``q3`` of each row of ``boxes``, in the legend as ``group``, and
    its median tick."""
    box = (
        alt.Chart(boxes)
        .mark_bar(size=14, opacity=0.55, stroke="#2b6c99", strokeWidth=1)
        .encode(
            y,
            x=alt.X("q1:Q", scale=x_scale, axis=x_axis),
            x2="q3:Q",
            color=alt.Color("kind:N", scale=legend, legend=top_legend(columns)),
            tooltip=tooltip,
        )
        .transform_calculate(kind=f"{group!r}")
    )
    median = (
        alt.Chart(boxes)
        .mark_tick(color="#2b6c99", thickness=2, size=14)
        .encode(y, x=alt.X("median:Q", scale=x_scale), tooltip=tooltip)
    )
    return [box, median]


@cache.figure
def peer_boxes(comparison: pd.DataFrame, show_residence: bool, name: str) -> alt.TopLevelMixin:
    """The peer group's values of each fragility indicator, the residence marked.

    The index (points, 0 to 100) and the shares (%, 0 to 100) share one axis from 0 to 100.

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
    first = values["unit"] == "points"
    values = pd.concat([values[first], values[~first]])
    order = list(dict.fromkeys(values["label"]))
    rows, outliers = [], []
    for label in order:
        part = values[values["label"] == label]
        peers = part.loc[~part["is_selected"], "value"].dropna()
        if peers.empty:
            continue
        unit = "points" if part["unit"].iloc[0] == "points" else "%"
        stats = box_stats(peers)
        rows.append(
            {
                "label": label,
                **stats,
                "summary": f"médiane {fmt_number(stats['median'], 1, unit)}, de "
                f"{fmt_number(stats['q1'], 1)} à {fmt_number(stats['q3'], 1, unit)} pour la "
                "moitié des résidences",
            }
        )
        if show_residence:
            far = peers[(peers < stats["low"]) | (peers > stats["high"])]
            outliers += [{"label": label, "value": float(v)} for v in far]
    boxes = pd.DataFrame(rows)
    y = alt.Y("label:N", sort=order, title=None)
    x_scale = alt.Scale(domain=[0, 100], nice=False)
    x_axis = number_axis("Indice de fragilité (points) ou part des ménages / logements (%)")
    group = "Résidences comparables"
    legend = colors({group: BOX, name: SELECTED})
    columns = legend_columns([group, name])
    tooltip = [alt.Tooltip("label:N", title="Indicateur"), alt.Tooltip("summary:N", title=group)]
    whiskers = (
        alt.Chart(boxes)
        .mark_rule(color="#2b6c99")
        .encode(y, x=alt.X("low:Q", scale=x_scale, axis=x_axis), x2="high:Q", tooltip=tooltip)
    )
    layers = [whiskers, *_quartile_marks(boxes, y, x_scale, legend, columns, group, tooltip)]
    if outliers:
        dots = alt.Chart(pd.DataFrame(outliers)).mark_point(color=BOX, size=14, opacity=0.8)
        layers.append(dots.encode(y, x=alt.X("value:Q", scale=x_scale)))
    mine = values[values["is_selected"] & values["value"].notna()]
    if show_residence and len(mine):
        layers.append(_residence_marks(mine, name, y, x_scale, legend, columns, round_to=None))
    return finish(alt.layer(*layers).properties(height=alt.Step(30)))


@cache.figure
def quartile_boxes(
    quartiles: pd.DataFrame, own: pd.DataFrame | None, name: str
) -> alt.TopLevelMixin:
    """The peer group's quartiles of each fragility indicator (no whiskers, no points).

    What a viewer who does not see every residence is shown of the group: boxes built from the
    published quartiles (:func:`services.disclosure.groups.group_quartiles`), never from the
    residences' values. The index (points) and the shares (%) share one axis from 0 to 100.

    Parameters
    ----------
    quartiles : pandas.DataFrame
        ``label``, ``unit``, ``q1``, ``median``, ``q3`` of each indicator (NaN: withheld).
    own : pandas.DataFrame, optional
        ``label``, ``unit``, ``value`` and ``is_selected`` of the residence, for a viewer who
        sees it (:func:`services.peers.peer_comparison` rows of kind ``fragilité``).
    name : str
        The residence's name, for the legend.
    """
    shown = quartiles.dropna(subset=["median"])
    first = shown["unit"] == "points"
    shown = pd.concat([shown[first], shown[~first]])
    order = list(dict.fromkeys(shown["label"]))
    units = ["points" if u == "points" else "%" for u in shown["unit"]]
    boxes = pd.DataFrame(
        {
            "label": shown["label"].to_numpy(),
            "q1": shown["q1"].astype(float).to_numpy(),
            "median": shown["median"].astype(float).to_numpy(),
            "q3": shown["q3"].astype(float).to_numpy(),
            "summary": [
                f"médiane {fmt_number(m, 1, u)}, de {fmt_number(a, 1)} à {fmt_number(b, 1, u)} "
                "pour la moitié des résidences"
                for m, a, b, u in zip(shown["median"], shown["q1"], shown["q3"], units, strict=True)
            ],
        }
    )
    y = alt.Y("label:N", sort=order, title=None)
    x_scale = alt.Scale(domain=[0, 100], nice=False)
    x_axis = number_axis("Indice de fragilité (points) ou part des ménages / logements (%)")
    group = "Résidences comparables (quartiles)"
    mine = None
    if own is not None:
        mine = own[own["is_selected"] & own["value"].notna() & own["label"].isin(order)]
    names = [group, name] if mine is not None and len(mine) else [group]
    legend = colors({n: c for n, c in ((group, BOX), (name, SELECTED)) if n in names})
    columns = legend_columns(names)
    tooltip = [alt.Tooltip("label:N", title="Indicateur"), alt.Tooltip("summary:N", title=group)]
    layers = _quartile_marks(boxes, y, x_scale, legend, columns, group, tooltip, x_axis)
    if mine is not None and len(mine):
        layers.append(_residence_marks(mine, name, y, x_scale, legend, columns, round_to=1))
    return finish(alt.layer(*layers).properties(height=alt.Step(30)))


def _residence_marks(
    mine: pd.DataFrame,
    name: str,
    y: alt.Y,
    x_scale: alt.Scale,
    legend: alt.Scale,
    columns: int,
    round_to: int | None,
) -> alt.Chart:
    """The residence's own values as black-edged diamonds over the group's boxes.

    ``mine`` has ``label``, ``value`` and ``unit``; ``round_to`` rounds the plotted values (the
    public's chart carries only published precision), None keeps them.
    """
    values = mine["value"].astype(float)
    points = pd.DataFrame(
        {
            "label": mine["label"].to_numpy(),
            "value": (values if round_to is None else values.round(round_to)).to_numpy(),
            "kind": name,
            "text": [
                fmt_number(v, 1, "points" if u == "points" else "%")
                for v, u in zip(mine["value"], mine["unit"], strict=True)
            ],
        }
    )
    return (
        alt.Chart(points)
        .mark_point(shape="diamond", filled=True, size=130, stroke="#000000", strokeWidth=1)
        .encode(
            y,
            x=alt.X("value:Q", scale=x_scale),
            color=alt.Color("kind:N", scale=legend, legend=top_legend(columns)),
            tooltip=[alt.Tooltip("label:N", title="Indicateur"), alt.Tooltip("text:N", title=name)],
        )
    )


@cache.figure
def occupancy_lines(occupancy: pd.DataFrame, indicators: list[str]) -> alt.TopLevelMixin:
    """The main OPS shares of the residence over the surveys (one line each).

    Parameters
    ----------
    occupancy : pandas.DataFrame
        ``survey_year``, ``indicator``, ``label``, ``value``, ``n_households``.
    indicators : list of str
        The share columns drawn, in legend order.
    """
    drawn = [
        code
        for code in indicators
        if occupancy.loc[occupancy["indicator"] == code, "value"].notna().any()
    ]
    rows = occupancy[occupancy["indicator"].isin(drawn)].sort_values("survey_year")
    labels = {
        code: occupancy.loc[occupancy["indicator"] == code, "label"].iloc[0] for code in drawn
    }
    series = {labels[c]: CATEGORICAL[indicators.index(c) % len(CATEGORICAL)] for c in drawn}
    data = pd.DataFrame(
        {
            "year": rows["survey_year"].astype(int).to_numpy(),
            "series": rows["indicator"].map(labels).to_numpy(),
            "value": rows["value"].astype(float).to_numpy(),
            "text": [
                f"{fmt_number(v, 1, '%')} ({fmt_number(n, 0)} ménages enquêtés)"
                for v, n in zip(rows["value"], rows["n_households"], strict=True)
            ],
        }
    )
    years = sorted(data["year"].unique().tolist())
    encode = {
        "x": alt.X("year:Q", axis=year_axis("Enquête OPS (1er janvier)", values=years)),
        "y": alt.Y("value:Q", axis=pct_axis("Part des ménages (%)")),
        "color": alt.Color(
            "series:N",
            scale=colors(series),
            legend=top_legend(symbolType="stroke", symbolStrokeWidth=3),
        ),
        "tooltip": [
            alt.Tooltip("series:N", title="Part"),
            alt.Tooltip("year:O", title="Enquête"),
            alt.Tooltip("text:N", title="Valeur"),
        ],
    }
    lines = alt.Chart(data).mark_line(strokeWidth=2, invalid="break-paths-show-domains")
    points = alt.Chart(data).mark_point(filled=True, size=40)
    chart = alt.layer(lines.encode(**encode), points.encode(**encode))
    return finish(chart, title="Occupation au fil des enquêtes", height=260)


@cache.figure
def flow_bars(flows: pd.DataFrame, counts: dict) -> alt.TopLevelMixin:
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
    kinds = [k for k in names if flows[f"{k}_pct"].notna().any()]
    data = pd.concat(
        [
            pd.DataFrame(
                {
                    "label": flows["label"].to_numpy(),
                    "series": names[kind],
                    "value": flows[f"{kind}_pct"].astype(float).to_numpy(),
                    "text": [
                        fmt_number(v, 0, "%") if pd.notna(v) else "" for v in flows[f"{kind}_pct"]
                    ],
                }
            )
            for kind in kinds
        ],
        ignore_index=True,
    )
    series = {names[k]: FLOW_COLORS[k] for k in kinds}
    y = alt.Y("label:N", sort=list(flows["label"]), title=None)
    x = alt.X(
        "value:Q",
        scale=alt.Scale(domain=[0, 112], nice=False),
        axis=pct_axis("Part des ménages (%)", values=list(range(0, 101, 20))),
    )
    offset = alt.YOffset("series:N", sort=list(series))
    tooltip = [
        alt.Tooltip("label:N", title="Part"),
        alt.Tooltip("series:N", title="Ménages"),
        alt.Tooltip("text:N", title="Valeur"),
    ]
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(y, x, offset, alt.Color("series:N", scale=colors(series), legend=top_legend()))
        .encode(tooltip=tooltip)
    )
    labels = (
        alt.Chart(data)
        .mark_text(align="left", dx=3, fontSize=11, color=LABEL_COLOR)
        .encode(y, x, offset, text="text:N")
    )
    chart = alt.layer(bars, labels).properties(height=alt.Step(11, **{"for": "offset"}))
    return finish(chart, title="Qui entre, qui est en place, qui part")
