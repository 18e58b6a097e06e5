"""Classes and colours of every map of the dashboard, in one place.

The interactive maps (folium, ``ui/``) and the static snapshots (matplotlib, ``reports/``) both
take the class and the colour of each territory or residence from the functions below, so that
a snapshot can never disagree with the map it was taken from.

- Territory map: an indicator per commune or quartier in quantile or Jenks classes
  (:func:`indicator_style`), sequential YlGnBu palette (ColorBrewer); a figure hidden by the
  secret statistique gets its own grey (hatched on snapshots), a missing one a lighter grey.
  Under residence points the classes are greys (``muted``): no hue competes with the points'
  colours; a missing figure is then white, a hidden one pale beige.
- SRU map: five classes set around the target (:func:`sru_style`), diverging PuOr palette;
  communes not subject to article 55 are white.
- Residence points: by cotation class (RdYlBu), by rebalancing flag, QPV only
  (:func:`residence_point_style`) or by peer group (Okabe-Ito, :func:`group_point_style`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from services.classify import Classification
from services.fmt import fmt_number
from services.peers import FLAG_LABELS as FLAG_LABELS  # the flags' French names, one source

NO_DATA = "#d9d9d9"
MASKED = "#a6a6a6"
MASKED_HATCH = "////"
MASKED_LABEL = "secret statistique"
MISSING_LABEL = "non disponible"
OUTLINE = "#4d4d4d"
QPV_COLOR = "#d95f02"

# Okabe-Ito, safe for the common forms of colour blindness.
CATEGORICAL = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#D55E00",
    "#CC79A7",
    "#56B4E9",
    "#F0E442",
    "#000000",
)
# Cotation classes, A (most attractive) to E, and NC (non cotée): ColorBrewer RdYlBu.
CLASS_COLORS = {
    "A": "#2c7bb6",
    "B": "#abd9e9",
    "C": "#ffffbf",
    "D": "#fdae61",
    "E": "#d7191c",
    "NC": "#bdbdbd",
}
# Rebalancing flags.
FLAG_COLORS = {
    "rebalance": "#d7191c",
    "capacity": "#2c7bb6",
    "balanced": "#a6d96a",
    "not_evaluated": "#bdbdbd",
}
# Sequential classes, light to dark (ColorBrewer YlGnBu), by number of classes.
SEQUENTIAL = {
    1: ("#41b6c4",),
    2: ("#a1dab4", "#2c7fb8"),
    3: ("#edf8b1", "#7fcdbb", "#2c7fb8"),
    4: ("#ffffcc", "#a1dab4", "#41b6c4", "#225ea8"),
    5: ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"),
    6: ("#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8", "#253494"),
    7: ("#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84"),
}
# SRU map: distances below the target (points) of the lower class bounds, furthest first.
SRU_CLASS_GAPS = (10.0, 5.0, 2.0)
SRU_BELOW_COLORS = ("#b35806", "#e08214", "#fdb863", "#fee0b6")
SRU_REACHED_COLOR = "#8073ac"
SRU_NOT_SUBJECT_COLOR = "#fafafa"
# Muted classes (under residence points): grey levels from light to mid.
MUTED_LIGHT, MUTED_DARK = 242, 89
MUTED_NO_DATA = "#ffffff"
MUTED_MASKED = "#f3e6d3"


@dataclass(frozen=True)
class LegendEntry:
    """One line of a legend.

    Attributes
    ----------
    color : str
        Swatch colour (``#rrggbb``).
    label : str
        French label, without the count.
    count : int, optional
        Territories or residences drawn with this colour (static maps print it).
    hatch : str
        Matplotlib hatch of the swatch on static maps (``""``: none).
    """

    color: str
    label: str
    count: int | None = None
    hatch: str = ""


@dataclass(frozen=True)
class AreaStyle:
    """Class and fill colour of every territory of a classed map, with the legend.

    Attributes
    ----------
    fill : pandas.Series
        Colour of each territory (index: territory code).
    class_index : pandas.Series
        Class of each territory (``Int64``, 0 = first legend line; NA when not classed).
    is_masked : pandas.Series
        Whether the territory's figure is hidden by the secret statistique (hatched).
    legend : list of LegendEntry
        The legend lines, in order, with their counts.
    classes : Classification, optional
        The class bounds (None for maps with fixed classes).
    """

    fill: pd.Series
    class_index: pd.Series
    is_masked: pd.Series
    legend: list[LegendEntry]
    classes: Classification | None = None


@dataclass(frozen=True)
class PointStyle:
    """Colour and size of each residence point, with the legend.

    Attributes
    ----------
    color : pandas.Series
        Fill colour (index: ``residence_id``); only the residences drawn are present.
    radius : pandas.Series
        Radius in screen pixels (folium) — snapshots scale it to points.
    legend : list of LegendEntry
        The legend lines with their counts.
    title : str
        Title of the legend block.
    """

    color: pd.Series
    radius: pd.Series
    legend: list[LegendEntry]
    title: str


def class_colors(n_classes: int, muted: bool = False) -> list[str]:
    """Colours of ``n_classes`` sequential classes, light to dark.

    Parameters
    ----------
    n_classes : int
        Number of classes (1 to 7; clipped).
    muted : bool, default False
        Evenly spaced greys instead of yellow-green-blue, under coloured points.
    """
    n = max(1, min(n_classes, 7))
    if not muted:
        return list(SEQUENTIAL[n])
    if n == 1:
        return ["#a5a5a5"]
    step = (MUTED_LIGHT - MUTED_DARK) / (n - 1)
    levels = [round(MUTED_LIGHT - i * step) for i in range(n)]
    return [f"#{v:02x}{v:02x}{v:02x}" for v in levels]


def class_labels(classes: Classification, decimals: int, unit: str) -> list[str]:
    """French labels of the classes (``de 12,0 à 19,6 %``)."""
    labels = []
    for i in range(classes.n_classes):
        low, high = classes.bounds[i], classes.bounds[i + 1]
        if low == high:
            labels.append(fmt_number(low, decimals, unit))
        else:
            labels.append(f"de {fmt_number(low, decimals)} à {fmt_number(high, decimals, unit)}")
    return labels


def indicator_style(
    values: pd.DataFrame,
    classes: Classification,
    decimals: int,
    unit: str,
    muted: bool = False,
) -> AreaStyle:
    """Classes and colours of an indicator mapped per territory.

    Parameters
    ----------
    values : pandas.DataFrame
        Indexed by territory code: ``value`` (NaN when missing or masked) and ``is_masked``
        (output of :func:`services.map_indicators.map_values`).
    classes : Classification
        The class bounds (:func:`services.classify.classify_values` of ``values["value"]``).
    decimals, unit
        How the bounds are printed.
    muted : bool, default False
        Greys (see :func:`class_colors`), when residence points are drawn over the territories.

    Returns
    -------
    AreaStyle
        Legend: one line per class, then « secret statistique » and « non disponible » when
        some territory is so.
    """
    colors = class_colors(classes.n_classes, muted)
    masked_color = MUTED_MASKED if muted else MASKED
    missing_color = MUTED_NO_DATA if muted else NO_DATA
    index = classes.classify(values["value"])
    masked = values["is_masked"].fillna(False).astype(bool)
    fill = pd.Series(
        [
            masked_color if hidden else (missing_color if pd.isna(i) else colors[int(i)])
            for i, hidden in zip(index, masked, strict=True)
        ],
        index=values.index,
        dtype=object,
    )
    legend = [
        LegendEntry(color, label, int((index == i).sum()))
        for i, (color, label) in enumerate(
            zip(colors, class_labels(classes, decimals, unit), strict=False)
        )
    ]
    n_masked = int(masked.sum())
    n_missing = int((index.isna() & ~masked).sum())
    if n_masked:
        legend.append(LegendEntry(masked_color, MASKED_LABEL, n_masked, MASKED_HATCH))
    if n_missing:
        legend.append(LegendEntry(missing_color, MISSING_LABEL, n_missing))
    return AreaStyle(fill, index, masked, legend, classes)


@dataclass(frozen=True)
class RateClass:
    """A class of SRU rates: ``low <= rate < high`` (open ends as ±inf)."""

    low: float
    high: float
    color: str
    label: str


def rate_classes(target_pct: float) -> list[RateClass]:
    """The five SRU classes around ``target_pct``: for 20 %, under 10, 10–15, 15–18, 18–20,
    20 and over."""
    edges = [-np.inf, *(target_pct - g for g in SRU_CLASS_GAPS), target_pct, np.inf]
    classes = []
    for i, color in enumerate([*SRU_BELOW_COLORS, SRU_REACHED_COLOR]):
        low, high = edges[i], edges[i + 1]
        if np.isinf(low):
            label = f"moins de {fmt_number(high, 0, '%')}"
        elif np.isinf(high):
            label = f"{fmt_number(low, 0, '%')} et plus (taux cible atteint)"
        else:
            label = f"de {fmt_number(low, 0)} à moins de {fmt_number(high, 0, '%')}"
        classes.append(RateClass(float(low), float(high), color, label))
    return classes


def rate_class_index(rates: pd.Series, classes: Sequence[RateClass]) -> pd.Series:
    """Class of each SRU rate (``Int64``, NA when missing)."""
    values = rates.astype(float).to_numpy()
    out = np.full(values.shape, np.nan)
    for i, rate_class in enumerate(classes):
        out[(values >= rate_class.low) & (values < rate_class.high)] = i
    return pd.Series(out, index=rates.index).astype("Int64")


def rate_colors(rates: pd.Series, classes: Sequence[RateClass]) -> pd.Series:
    """Colour of each SRU rate (grey when missing)."""
    index = rate_class_index(rates, classes)
    return pd.Series(
        [NO_DATA if pd.isna(i) else classes[int(i)].color for i in index],
        index=rates.index,
        dtype=object,
    )


def sru_style(situation: pd.DataFrame, target_pct: float) -> AreaStyle:
    """Classes and colours of the SRU map.

    Parameters
    ----------
    situation : pandas.DataFrame
        ``commune_code``, ``sru_rate_pct``, ``is_subject`` (one row per commune).
    target_pct : float
        The SRU target.

    Returns
    -------
    AreaStyle
        Indexed by ``commune_code``; a commune not subject is white and has no class.
    """
    classes = rate_classes(target_pct)
    frame = situation.set_index("commune_code")
    subject = frame["is_subject"].astype(bool)
    index = rate_class_index(frame["sru_rate_pct"], classes).where(subject)
    fill = rate_colors(frame["sru_rate_pct"], classes).where(subject, SRU_NOT_SUBJECT_COLOR)
    legend = [LegendEntry(c.color, c.label, int((index == i).sum())) for i, c in enumerate(classes)]
    legend.append(
        LegendEntry(
            SRU_NOT_SUBJECT_COLOR, "commune non soumise à l'article 55", int((~subject).sum())
        )
    )
    n_missing = int((subject & frame["sru_rate_pct"].isna()).sum())
    if n_missing:
        legend.append(LegendEntry(NO_DATA, "taux non disponible", n_missing))
    masked = pd.Series(False, index=frame.index)
    return AreaStyle(fill.astype(object), index, masked, legend)


def point_radius(n_dwellings: pd.Series, base: float = 2.5) -> pd.Series:
    """Radius of a residence point from its dwellings (``base`` + √dwellings / 3, capped)."""
    return (base + n_dwellings.astype(float).clip(upper=400) ** 0.5 / 3).round(1)


RESIDENCE_LAYERS = {
    "none": "aucune",
    "qpv": "résidences en QPV",
    "class": "toutes, par classe de cotation",
    "flag": "toutes, par signalement",
}


def residence_point_style(
    mode: str, residences: pd.DataFrame, score_class: pd.Series, flags: pd.Series
) -> PointStyle | None:
    """Residence points of the territory map for ``mode`` (see :data:`RESIDENCE_LAYERS`).

    Parameters
    ----------
    mode : str
        ``none`` (no points: returns None), ``qpv``, ``class`` or ``flag``.
    residences : pandas.DataFrame
        ``residence_id``, ``n_dwellings``, ``is_qpv``.
    score_class : pandas.Series
        Cotation class of each residence (index ``residence_id``).
    flags : pandas.Series
        Flag of each residence (index ``residence_id``; missing = not evaluated).
    """
    if mode not in RESIDENCE_LAYERS:
        raise ValueError(
            f"couche de résidences inconnue : « {mode} » (attendu : {', '.join(RESIDENCE_LAYERS)})."
        )
    if mode == "none":
        return None
    ids = pd.Index(residences["residence_id"].astype(str), name="residence_id")
    radius = pd.Series(point_radius(residences["n_dwellings"]).to_numpy(), index=ids)
    if mode == "qpv":
        keep = residences["is_qpv"].to_numpy(dtype=bool)
        color = pd.Series(QPV_COLOR, index=ids[keep], dtype=object)
        legend = [LegendEntry(QPV_COLOR, "résidence en QPV", int(keep.sum()))]
        return PointStyle(color, radius[keep], legend, "Résidences")
    if mode == "class":
        codes = score_class.astype(str).reindex(ids).fillna("NC")
        codes = codes.where(codes.isin(list(CLASS_COLORS)), "NC")
        color = codes.map(CLASS_COLORS).astype(object)
        legend = [
            LegendEntry(CLASS_COLORS[c], f"classe {c}", int((codes == c).sum())) for c in "ABCDE"
        ]
        legend.append(LegendEntry(CLASS_COLORS["NC"], "non cotée", int((codes == "NC").sum())))
        return PointStyle(color, radius, legend, "Résidences par classe de cotation")
    known = flags.reindex(ids).fillna("not_evaluated")
    color = known.map(FLAG_COLORS).astype(object)
    legend = [
        LegendEntry(FLAG_COLORS[f], label, int((known == f).sum()))
        for f, label in FLAG_LABELS.items()
    ]
    return PointStyle(color, radius, legend, "Résidences par signalement")


def class_point_style(
    score_class: pd.Series, n_dwellings: pd.Series, labels: dict[str, str] | None = None
) -> PointStyle:
    """Residence points of the cotation map: colour by class, size by dwellings.

    Parameters
    ----------
    score_class : pandas.Series
        Class of each residence (``A``…``E``, ``NC``), index ``residence_id``.
    n_dwellings : pandas.Series
        Dwellings of each residence, same index.
    labels : dict, optional
        Legend label of each class code (``classe A``… by default).
    """
    codes = score_class.astype(str)
    codes = codes.where(codes.isin(list(CLASS_COLORS)), "NC")
    color = codes.map(CLASS_COLORS).astype(object)
    radius = point_radius(n_dwellings.reindex(codes.index), base=3.0)
    legend = []
    for code in CLASS_COLORS:
        n = int((codes == code).sum())
        if code == "NC" and n == 0:
            continue
        label = (labels or {}).get(code, "non cotée" if code == "NC" else f"classe {code}")
        legend.append(LegendEntry(CLASS_COLORS[code], label, n))
    return PointStyle(color, radius, legend, "Classe de cotation")


def group_color(group: int) -> str:
    """Okabe-Ito colour of a peer group (cycled beyond eight groups)."""
    return CATEGORICAL[int(group) % len(CATEGORICAL)]


def group_point_style(
    groups: pd.Series, selected: int, names: dict[int, str] | None = None
) -> PointStyle:
    """Residence points of the peer-group map: colour by group, the chosen group larger.

    Parameters
    ----------
    groups : pandas.Series
        Peer group of each residence (index ``residence_id``; NaN: no group, not drawn).
    selected : int
        The chosen group (drawn larger).
    names : dict, optional
        Name of each group, for the legend.
    """
    known = groups.dropna().astype(int)
    color = known.map(group_color).astype(object)
    radius = pd.Series(np.where(known == selected, 6.5, 3.0), index=known.index)
    legend = [
        LegendEntry(
            group_color(g),
            f"{g + 1} · {(names or {}).get(g, '')}".rstrip(" ·"),
            int((known == g).sum()),
        )
        for g in sorted(known.unique())
    ]
    return PointStyle(color, radius, legend, "Groupes de pairs")
