"""Rebalancing flags: which residences' intake should be rebalanced, compared with their peers.

Each residence's occupancy fragility is compared with the other residences of its peer group by a
robust z-score: ``(fragility − group median) / group scale``, where the scale is the median
absolute deviation times 1.4826 (so that it equals the standard deviation of a normal
distribution). Two guards keep the score meaningful:

- when more than half of a group share the median value, the MAD is zero and the mean absolute
  deviation times 1.2533 (√(π/2), the same normal consistency) is used instead;
- no group scale may fall below ``min_scale_ratio`` times the median scale of the groups, so a
  group that happens to be very homogeneous does not turn small gaps into large scores.

Only *evaluable* residences enter the medians and scales: a fragility index, a peer group and,
when the household counts are given, at least ``min_households`` surveyed households (the
secret statistique). A group with fewer than ``min_group_size`` evaluable residences is either
not evaluated or compared with the whole parc (``small_group``).

Because every comparison is made within the peer group, a group that is fragile as a whole gets
no flag for that reason alone: the flags point at residences that stand out from their peers.

The decision itself (evaluability, reference, robust statistics, rules) is in
:mod:`scoring.flag_decision`; this module checks the inputs, explains each flag by the indicators
furthest from the reference and assembles the result. The settings live in
:mod:`scoring.flag_settings` (re-exported here) and the French wording in :mod:`scoring.flag_texts`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scoring.flag_decision import (
    MAD_TO_SD,
    MEAN_AD_TO_SD,
    FlagDecision,
    Reference,
    center_scale,
    decide,
    not_evaluated_reasons,
    references,
    zscore,
)
from scoring.flag_settings import (
    CONFIG_FILE,
    FlagSettings,
    FlagTexts,
    IndicatorSpec,
    flag_settings_from_mapping,
    load_flag_settings,
)
from scoring.flag_texts import with_unit, write_texts

__all__ = [
    "CONFIG_FILE",
    "FLAGS",
    "MAD_TO_SD",
    "MEAN_AD_TO_SD",
    "RULES",
    "FlagSettings",
    "FlagTexts",
    "IndicatorSpec",
    "flag_rebalancing",
    "flag_settings_from_mapping",
    "indicator_deviations",
    "load_flag_settings",
    "robust_zscore",
]

FLAGS = ("rebalance", "capacity", "balanced", "not_evaluated")
RULES = ("level", "rise", "level_and_rise", "capacity")


# --- Robust z-score ------------------------------------------------------------------------------


def robust_zscore(
    values: pd.Series, groups: pd.Series, min_scale_ratio: float = 0.2
) -> pd.DataFrame:
    """Robust z-score of ``values`` within each group (median / scaled MAD).

    Parameters
    ----------
    values : pandas.Series
        Numeric values indexed by ``residence_id``; NaN rows get NaN.
    groups : pandas.Series
        Group of each residence (missing → NaN scores).
    min_scale_ratio : float, default 0.2
        Floor of a group scale as a share of the median group scale.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``values``: ``median`` and ``scale`` of the group, ``robust_z``.
    """
    values = _numeric_series(values, "values")
    groups = _series(groups, "groups").reindex(values.index)
    usable = values.notna() & groups.notna()
    codes, _ = pd.factorize(groups[usable], sort=True)
    median, scale = center_scale(values[usable].to_frame("v"), codes, min_scale_ratio)
    out = pd.DataFrame(np.nan, index=values.index, columns=["median", "scale", "robust_z"])
    row_median = median["v"].to_numpy()[codes]
    row_scale = scale["v"].to_numpy()[codes]
    out.loc[usable, "median"] = row_median
    out.loc[usable, "scale"] = row_scale
    out.loc[usable, "robust_z"] = zscore(values[usable].to_numpy(float), row_median, row_scale)
    return out


# --- Input checks ---------------------------------------------------------------------------------


def _series(values: object, name: str) -> pd.Series:
    if not isinstance(values, pd.Series):
        raise TypeError(
            f"{name} : attendu une Series indexée par residence_id, reçu {type(values).__name__}."
        )
    duplicated = values.index[values.index.duplicated()]
    if len(duplicated):
        raise ValueError(
            f"{name} : residence_id en double : "
            + ", ".join(map(str, duplicated.unique()[:5]))
            + "."
        )
    return values


def _numeric_series(values: object, name: str) -> pd.Series:
    values = _series(values, name)
    if not (pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values)):
        converted = pd.to_numeric(values, errors="coerce")
        bad = values.notna() & converted.isna()
        if bad.any():
            first = values.index[bad.to_numpy()][0]
            raise ValueError(
                f"{name} : valeur non numérique « {values[first]} » pour la résidence {first}."
            )
        values = converted
    return pd.Series(
        values.to_numpy(dtype=float, na_value=np.nan), index=values.index, name=values.name
    )


def _numeric_frame(frame: object, name: str) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(
            f"{name} : attendu un DataFrame indexé par residence_id, reçu {type(frame).__name__}."
        )
    return pd.DataFrame(
        {str(c): _numeric_series(frame[c], f"{name}[{c}]") for c in frame.columns},
        index=frame.index,
    )


def _settings(settings: object) -> FlagSettings:
    if settings is None:
        return load_flag_settings()
    resolved = getattr(settings, "flags", settings)
    if not isinstance(resolved, FlagSettings):
        raise TypeError(
            f"settings : attendu FlagSettings ou PeerSettings, reçu {type(settings).__name__}."
        )
    return resolved


# --- Flags and their explanation -----------------------------------------------------------------


def _deviations(
    indicators: pd.DataFrame,
    reference: Reference,
    settings: FlagSettings,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Values, reference medians and signed robust deviations (by direction) of indicators."""
    values = indicators.to_numpy(dtype=float)
    median, scale = reference.row_stats(indicators, settings.min_scale_ratio)
    directions = np.array(
        [(settings.indicator(c).direction if settings.indicator(c) else 1) for c in indicators],
        dtype=float,
    )
    deviation = directions * zscore(values, median, scale)
    return values, median, deviation


def _label(column: str, settings: FlagSettings, labels: Mapping[str, str] | None) -> str:
    if labels and column in labels:
        return labels[column]
    spec = settings.indicator(column)
    return spec.label if spec else column


def _unit(column: str, settings: FlagSettings) -> str:
    spec = settings.indicator(column)
    if spec is not None:
        return spec.unit
    return "%" if column.endswith("_pct") else ""


def _ranked(deviation: np.ndarray, flag: np.ndarray, n: int) -> np.ndarray:
    """Column positions of the ``n`` indicators that best explain each row's flag (-1 = none)."""
    key = np.full(deviation.shape, -np.inf)
    with np.errstate(invalid="ignore"):
        up = (flag == "rebalance")[:, None] & (deviation > 0)
        down = (flag == "capacity")[:, None] & (deviation < 0)
    other = (flag == "balanced")[:, None] & ~np.isnan(deviation)
    key[up] = deviation[up]
    key[down] = -deviation[down]
    key[other] = np.abs(deviation[other])
    order = np.argsort(-key, axis=1, kind="stable")[:, :n]
    chosen = np.take_along_axis(key, order, axis=1)
    return np.where(np.isfinite(chosen), order, -1)


def flag_rebalancing(
    fragility: pd.Series,
    groups: pd.Series,
    attractiveness_class: pd.Series | None = None,
    settings: FlagSettings | None = None,
    *,
    previous: pd.Series | None = None,
    n_households: pd.Series | None = None,
    indicators: pd.DataFrame | None = None,
    labels: Mapping[str, str] | None = None,
    group_names: Mapping | pd.Series | None = None,
) -> pd.DataFrame:
    """Flag the residences whose intake should be rebalanced, compared with their peer group.

    Rules, in order (thresholds from ``settings``):

    - ``not_evaluated``: no peer group, no fragility index, unknown household count or fewer
      than ``min_households`` households, or (with ``small_group = "not_evaluated"``) a group
      with fewer than ``min_group_size`` evaluable residences; ``not_evaluated_reason`` says
      which;
    - ``rebalance``: robust z ≥ ``rebalance_z``, or fragility up by more than ``rise_min`` since
      the previous survey while already above the group median;
    - ``capacity``: robust z ≤ ``capacity_z`` and an attractiveness class in
      ``capacity_classes`` (never without the class);
    - ``balanced`` otherwise.

    Parameters
    ----------
    fragility : pandas.Series
        Occupancy fragility index of the latest survey, indexed by ``residence_id``.
    groups : pandas.Series
        Peer group of each residence (``PeerGroups.labels_``).
    attractiveness_class : pandas.Series, optional
        Attractiveness class (A–E) from the cotation; required for the capacity flag.
    settings : FlagSettings or PeerSettings, optional
        ``config/peers.toml`` when absent.
    previous : pandas.Series, optional
        Fragility index of the previous survey (rising rule).
    n_households : pandas.Series, optional
        Households surveyed in the latest survey (secret statistique rule).
    indicators : pandas.DataFrame, optional
        Indicator values of the latest survey (columns such as ``single_parent_pct``), used to
        explain each flag and to name the over-represented profile.
    labels : mapping, optional
        French labels of indicator columns, overriding the configured ones.
    group_names : mapping or pandas.Series, optional
        French name of each group (``PeerGroups.names_``), quoted in the reasons.

    Returns
    -------
    pandas.DataFrame
        One row per residence of ``groups`` or ``fragility`` (groups' order first), indexed by
        ``residence_id``, with columns ``group``, ``group_name``, ``reference`` (``group``,
        ``epci`` or None), ``n_households``, ``fragility``, ``previous_fragility``,
        ``fragility_change``, ``group_median`` and ``group_scale`` (of the reference),
        ``robust_z``, ``attractiveness_class``, ``flag`` (``rebalance``, ``capacity``,
        ``balanced``, ``not_evaluated``), ``rule`` (``level``, ``rise``, ``level_and_rise``,
        ``capacity`` or None), ``reason``, ``recommendation`` and ``explanation`` (French),
        ``explained`` (tuple of the indicator columns quoted), ``profile`` (column of the
        over-represented profile of a ``rebalance`` residence, or None) and
        ``not_evaluated_reason``.
    """
    s = _settings(settings)
    fragility = _numeric_series(fragility, "fragility")
    groups = _series(groups, "groups")
    index = groups.index.append(fragility.index.difference(groups.index, sort=False))
    index = index.rename("residence_id")
    group = groups.reindex(index)
    frag = fragility.reindex(index)
    prev = (
        _numeric_series(previous, "previous").reindex(index)
        if previous is not None
        else pd.Series(np.nan, index=index)
    )
    households = (
        _numeric_series(n_households, "n_households").reindex(index)
        if n_households is not None
        else None
    )
    classes = (
        _series(attractiveness_class, "attractiveness_class").reindex(index)
        if attractiveness_class is not None
        else None
    )

    decision = decide(group, frag, prev, households, classes, s)
    explained = _explain(indicators, index, decision, s, labels)
    name_of = dict(group_names.items()) if group_names is not None else {}
    group_name = np.array(
        [
            None if pd.isna(g) else str(name_of.get(g, f"groupe {g}"))
            for g in group.to_numpy(dtype=object)
        ],
        dtype=object,
    )
    reason, recommendation = write_texts(
        decision, explained.recommendation, group_name, households is not None, s
    )
    d = decision
    if pd.api.types.is_integer_dtype(groups.dtype):
        group = groups.astype("Int64").reindex(index)
    return pd.DataFrame(
        {
            "group": group.array,
            "group_name": group_name,
            "reference": d.reference.kind,
            "n_households": households.to_numpy(float) if households is not None else np.nan,
            "fragility": d.value,
            "previous_fragility": prev.to_numpy(float),
            "fragility_change": d.change,
            "group_median": np.where(d.evaluated, d.median, np.nan),
            "group_scale": np.where(d.evaluated, d.scale, np.nan),
            "robust_z": d.z,
            "attractiveness_class": d.classes,
            "flag": d.flag,
            "rule": d.rule,
            "reason": reason,
            "recommendation": recommendation,
            "explanation": explained.text,
            "explained": explained.columns,
            "profile": explained.profile,
            "not_evaluated_reason": np.where(d.evaluated, None, d.reasons),
        },
        index=index,
    )


@dataclass(frozen=True)
class _Explained:
    """Per-row explanation text, indicator columns quoted, over-represented profile."""

    text: np.ndarray
    columns: np.ndarray
    profile: np.ndarray
    recommendation: np.ndarray


def _explain(
    indicators: pd.DataFrame | None,
    index: pd.Index,
    d: FlagDecision,
    s: FlagSettings,
    labels: Mapping[str, str] | None,
) -> _Explained:
    """Quote the indicators furthest from the reference median, and name the profile."""
    n = len(index)
    text = np.full(n, "", dtype=object)
    quoted = np.empty(n, dtype=object)
    for i in range(n):
        quoted[i] = ()
    profile = np.full(n, None, dtype=object)
    recommendation = np.full(n, None, dtype=object)
    if indicators is None or indicators.shape[1] == 0:
        return _Explained(text, quoted, profile, recommendation)
    table = _numeric_frame(indicators, "indicators").reindex(index)
    columns = list(table.columns)
    values, median, deviation = _deviations(table, d.reference, s)
    names = [_label(c, s, labels) for c in columns]
    units = [_unit(c, s) for c in columns]
    top = _ranked(deviation, d.flag, s.n_explained)
    for i in np.flatnonzero(d.evaluated):
        picked = [j for j in top[i] if j >= 0]
        quoted[i] = tuple(columns[j] for j in picked)
        text[i] = " ; ".join(
            f"{names[j]} : {with_unit(values[i, j], units[j])} "
            f"(médiane {with_unit(median[i, j], units[j])})"
            for j in picked
        )
    profiled = [j for j, c in enumerate(columns) if (spec := s.indicator(c)) and spec.profile]
    if profiled:
        sub = np.where(np.isnan(deviation[:, profiled]), -np.inf, deviation[:, profiled])
        best = sub.argmax(axis=1)
        for i in np.flatnonzero(d.flag == "rebalance"):
            if sub[i, best[i]] > 0:
                j = profiled[best[i]]
                profile[i] = columns[j]
                recommendation[i] = s.texts.rebalance.format(
                    profile=s.indicator(columns[j]).profile,
                    value=with_unit(values[i, j], units[j]),
                    median=with_unit(median[i, j], units[j]),
                )
    return _Explained(text, quoted, profile, recommendation)


def indicator_deviations(
    indicators: pd.DataFrame,
    groups: pd.Series,
    settings: FlagSettings | None = None,
    *,
    n_households: pd.Series | None = None,
    labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Compare every indicator of every residence with its peer group's median.

    Evaluability and references follow :func:`flag_rebalancing` (a peer group, at least
    ``min_households`` households when counts are given, groups of ``min_group_size``).

    Parameters
    ----------
    indicators : pandas.DataFrame
        Indicator values indexed by ``residence_id``.
    groups : pandas.Series
        Peer group of each residence.
    settings : FlagSettings or PeerSettings, optional
        ``config/peers.toml`` when absent.
    n_households : pandas.Series, optional
        Households surveyed (secret statistique).
    labels : mapping, optional
        French labels of the columns, overriding the configured ones.

    Returns
    -------
    pandas.DataFrame
        Long table with columns ``residence_id``, ``indicator``, ``label``, ``unit``, ``value``,
        ``group_median`` and ``deviation`` (robust z, positive = more fragile than the peers),
        for evaluated residences only, in input order then column order.
    """
    s = _settings(settings)
    table = _numeric_frame(indicators, "indicators")
    group = _series(groups, "groups").reindex(table.index)
    households = (
        _numeric_series(n_households, "n_households").reindex(table.index)
        if n_households is not None
        else None
    )
    reasons = not_evaluated_reasons(group, pd.Series(0.0, index=table.index), households, s)
    reference, _ = references(group, pd.isna(reasons), s)
    values, median, deviation = _deviations(table, reference, s)
    rows = np.flatnonzero(reference.kind != None)  # noqa: E711
    columns = list(table.columns)
    m = len(columns)
    return pd.DataFrame(
        {
            "residence_id": np.repeat(table.index.to_numpy()[rows], m),
            "indicator": np.tile(columns, rows.size),
            "label": np.tile([_label(c, s, labels) for c in columns], rows.size),
            "unit": np.tile([_unit(c, s) for c in columns], rows.size),
            "value": values[rows].ravel(),
            "group_median": median[rows].ravel(),
            "deviation": deviation[rows].ravel(),
        }
    )
