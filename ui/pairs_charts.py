"""Charts of the *Groupes de pairs* screen: fragility against attractiveness, residence by
residence (bailleurs, service habitat) or group medians (public). Vega-Lite, French numbers.

Colour: the group (Okabe-Ito, the same as on the map and in the legend beside the chart);
shape: the flag. The chosen group is drawn larger, opaque and outlined, on top.
"""

from __future__ import annotations

from collections.abc import Callable

import altair as alt
import numpy as np
import pandas as pd

from services.peers import FLAG_LABELS
from ui.chart_theme import colors, finish, number_axis, top_legend
from ui.fmt import fmt_int, fmt_number

FLAG_SHAPES = {
    "rebalance": "triangle-up",
    "capacity": "square",
    "balanced": "circle",
    "not_evaluated": "cross",
}
X_TITLE = "Note d'attractivité (sur 100, profil de référence)"
Y_TITLE = "Indice de fragilité d'occupation (points, 0 à 100)"
HEIGHT = 440


def residence_scatter(
    members: pd.DataFrame,
    selected: int,
    color_of: Callable[[int], str],
    number_of: Callable[[int], str],
    flag_texts: pd.Series,
) -> alt.TopLevelMixin:
    """One point per residence with a fragility index.

    Parameters
    ----------
    members : DataFrame
        :func:`ui.cache.peer_members` rows (``score``, ``fragility``, ``group``, ``flag``,
        ``residence_name``, ``commune_name``).
    selected : int
        The chosen group.
    color_of, number_of : callable
        Colour and displayed number of a group.
    flag_texts : Series
        The flag of each residence with its rule (``ui.flag_labels.flag_labels``).
    """
    shown = members.dropna(subset=["fragility", "score", "group"])
    groups = shown["group"].astype(int)
    chosen = (groups == selected).to_numpy()
    data = pd.DataFrame(
        {
            "score": shown["score"].astype(float).to_numpy(),
            "fragility": shown["fragility"].astype(float).to_numpy(),
            "group": [f"Groupe {number_of(g)}" for g in groups],
            "flag": shown["flag"].map(FLAG_LABELS).to_numpy(),
            "chosen": chosen,
            "name": shown["residence_name"].to_numpy(),
            "commune": shown["commune_name"].to_numpy(),
            "signal": flag_texts.reindex(shown.index).to_numpy(),
            "note": [fmt_number(v, 1, "/ 100") for v in shown["score"]],
            "index": [fmt_number(v, 1, "points") for v in shown["fragility"]],
        }
    ).sort_values("chosen", kind="stable")  # the chosen group drawn last, on top
    palette = {f"Groupe {number_of(g)}": color_of(g) for g in sorted(set(groups))}
    shapes = alt.Scale(
        domain=[FLAG_LABELS[f] for f in FLAG_SHAPES], range=list(FLAG_SHAPES.values())
    )
    chart = (
        alt.Chart(data)
        .mark_point(filled=True)
        .encode(
            x=alt.X("score:Q", axis=number_axis(X_TITLE), scale=alt.Scale(zero=False)),
            y=alt.Y("fragility:Q", axis=number_axis(Y_TITLE), scale=alt.Scale(zero=True)),
            color=alt.Color("group:N", scale=colors(palette), legend=None),
            shape=alt.Shape("flag:N", scale=shapes, legend=top_legend(4, title="Signalement")),
            size=alt.condition("datum.chosen", alt.value(110), alt.value(36)),
            opacity=alt.condition("datum.chosen", alt.value(0.95), alt.value(0.3)),
            stroke=alt.condition("datum.chosen", alt.value("#222222"), alt.value(None)),
            order=alt.Order("chosen:O"),
            tooltip=[
                alt.Tooltip("name:N", title="Résidence"),
                alt.Tooltip("commune:N", title="Commune"),
                alt.Tooltip("group:N", title="Groupe"),
                alt.Tooltip("note:N", title="Note"),
                alt.Tooltip("index:N", title="Fragilité"),
                alt.Tooltip("signal:N", title="Signalement"),
            ],
        )
    )
    return finish(
        chart, title="Fragilité d'occupation et attractivité des résidences", height=HEIGHT
    )


def group_scatter(
    medians: pd.DataFrame,
    selected: int,
    color_of: Callable[[int], str],
    number_of: Callable[[int], str],
) -> alt.TopLevelMixin:
    """One disc per group at the medians of its evaluated residences, sized by its residences.

    Parameters
    ----------
    medians : DataFrame
        Indexed by group: ``score``, ``fragility`` (NaN when masked: not drawn),
        ``n_residences``.
    selected : int
        The chosen group.
    color_of, number_of : callable
        Colour and displayed number of a group.
    """
    shown = medians.dropna(subset=["fragility"])
    data = pd.DataFrame(
        {
            "score": shown["score"].astype(float).to_numpy(),
            "fragility": shown["fragility"].astype(float).to_numpy(),
            "number": [number_of(g) for g in shown.index],
            "group": [f"Groupe {number_of(g)}" for g in shown.index],
            "size": (18 + 3 * np.sqrt(shown["n_residences"].astype(float))).to_numpy() ** 2,
            "chosen": (shown.index == selected),
            "note": [fmt_number(v, 1, "/ 100") for v in shown["score"]],
            "index": [fmt_number(v, 1, "points") for v in shown["fragility"]],
            "count": [fmt_int(v) for v in shown["n_residences"]],
        }
    )
    palette = {f"Groupe {number_of(g)}": color_of(g) for g in shown.index}
    x = alt.X("score:Q", axis=number_axis(X_TITLE), scale=alt.Scale(zero=False, padding=30))
    y = alt.Y("fragility:Q", axis=number_axis(Y_TITLE), scale=alt.Scale(zero=True, padding=30))
    tooltip = [
        alt.Tooltip("group:N", title="Groupe"),
        alt.Tooltip("count:N", title="Résidences"),
        alt.Tooltip("note:N", title="Note médiane"),
        alt.Tooltip("index:N", title="Fragilité médiane"),
    ]
    discs = (
        alt.Chart(data)
        .mark_circle(opacity=1, stroke="#000000")
        .encode(
            x,
            y,
            color=alt.Color("group:N", scale=colors(palette), legend=None),
            size=alt.Size("size:Q", scale=None),
            strokeWidth=alt.condition("datum.chosen", alt.value(3), alt.value(0.5)),
            tooltip=tooltip,
        )
    )
    numbers = (
        alt.Chart(data)
        .mark_text(color="#ffffff", fontSize=13, fontWeight="bold")
        .encode(x, y, text="number:N", tooltip=tooltip)
    )
    return finish(
        alt.layer(discs, numbers),
        title="Fragilité d'occupation et attractivité : médianes des groupes",
        height=HEIGHT,
    )
