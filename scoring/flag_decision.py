"""The decision of the rebalancing flags: who is evaluated, against which reference, which flag.

Each residence's occupancy fragility is compared with the evaluable residences of its reference
(its peer group, or the whole parc when the group is too small) by a robust z-score, then the rules
of :class:`scoring.flag_settings.FlagSettings` give its flag. The robust statistics are here too:
the median and a scale equal to the MAD times 1.4826, or the mean absolute deviation times 1.2533
when the MAD is zero, floored at a share of the median scale of the groups.

Pure arrays in, arrays out: the input checks, the explanations and the public
:func:`scoring.flags.flag_rebalancing` are in :mod:`scoring.flags`, the French texts in
:mod:`scoring.flag_texts`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scoring.flag_settings import FlagSettings

MAD_TO_SD = 1.4826
MEAN_AD_TO_SD = math.sqrt(math.pi / 2)


# --- Robust statistics ----------------------------------------------------------------------------


def center_scale(
    values: pd.DataFrame, keys: np.ndarray, min_scale_ratio: float
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Median and robust scale of each column within each key (keys index the result)."""
    median = values.groupby(keys).median()
    deviation = (values - median.reindex(keys).to_numpy()).abs()
    mad = deviation.groupby(keys).median()
    mean_ad = deviation.groupby(keys).mean()
    scale = (MAD_TO_SD * mad).where(mad > 0, MEAN_AD_TO_SD * mean_ad)
    floor = (min_scale_ratio * scale.where(scale > 0).median()).fillna(0.0)
    return median, scale.clip(lower=floor, axis=1)


def zscore(values: np.ndarray, median: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """(values − median) / scale, 0 where the scale is 0 (every reference value equal)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (values - median) / scale
    return np.where(scale == 0, np.where(np.isnan(values - median), np.nan, 0.0), z)


# --- References: which residences are compared with which -----------------------------------------


@dataclass(frozen=True)
class Reference:
    """Per row: reference kind (``group``, ``epci`` or None) and the integer key of its group."""

    kind: np.ndarray
    codes: np.ndarray
    group_rows: np.ndarray
    epci_rows: np.ndarray

    def row_stats(self, values: pd.DataFrame, ratio: float) -> tuple[np.ndarray, np.ndarray]:
        """Reference median and scale of every column for every row (NaN when not evaluated)."""
        n, m = values.shape
        median = np.full((n, m), np.nan)
        scale = np.full((n, m), np.nan)
        if self.group_rows.any():
            codes = self.codes[self.group_rows]
            med, sc = center_scale(values[self.group_rows], codes, ratio)
            median[self.group_rows] = med.reindex(codes).to_numpy(float)
            scale[self.group_rows] = sc.reindex(codes).to_numpy(float)
        if self.epci_rows.any():
            pool = self.group_rows | self.epci_rows
            med, sc = center_scale(values[pool], np.zeros(int(pool.sum()), dtype=int), 0.0)
            median[self.epci_rows] = med.to_numpy(float)[0]
            scale[self.epci_rows] = sc.to_numpy(float)[0]
        return median, scale


def references(
    groups: pd.Series, evaluable: np.ndarray, settings: FlagSettings
) -> tuple[Reference, np.ndarray]:
    """Decide each row's reference; return it with the size of each row's evaluable group."""
    codes = np.full(len(groups), -1)
    evaluable_codes, _ = pd.factorize(groups[evaluable], sort=False)
    codes[evaluable] = evaluable_codes
    counts = np.bincount(codes[evaluable], minlength=max(codes.max() + 1, 0))
    sizes = np.where(evaluable, counts[np.clip(codes, 0, None)] if counts.size else 0, 0)
    small = evaluable & (sizes < settings.min_group_size)
    group_rows = evaluable & ~small
    epci_rows = small if settings.small_group == "epci" else np.zeros_like(small)
    kind = np.where(group_rows, "group", np.where(epci_rows, "epci", None)).astype(object)
    return Reference(kind, codes, group_rows, epci_rows), sizes


# --- Decision ------------------------------------------------------------------------------------


def not_evaluated_reasons(
    group: pd.Series,
    fragility: pd.Series,
    n_households: pd.Series | None,
    settings: FlagSettings,
) -> np.ndarray:
    reasons = np.full(len(group), None, dtype=object)

    def mark(mask: np.ndarray, text: object) -> None:
        free = mask & pd.isna(reasons)
        for i in np.flatnonzero(free):
            reasons[i] = text(i) if callable(text) else text

    mark(
        group.isna().to_numpy(),
        "Résidence sans groupe de pairs (caractéristiques structurelles manquantes).",
    )
    mark(
        fragility.isna().to_numpy(),
        "Indice de fragilité non calculé : données de l'enquête d'occupation (OPS) manquantes.",
    )
    if n_households is not None:
        counts = n_households.to_numpy(float)
        mark(
            np.isnan(counts),
            "Nombre de ménages enquêtés inconnu : le secret statistique ne peut être vérifié.",
        )
        with np.errstate(invalid="ignore"):
            few = counts < settings.min_households
        mark(
            few,
            lambda i: (
                f"Moins de {settings.min_households} ménages enquêtés ({int(counts[i])}) : "
                "résultat couvert par le secret statistique."
            ),
        )
    return reasons


@dataclass(frozen=True)
class FlagDecision:
    """Per-row arrays of the flag decision."""

    reference: Reference
    reasons: np.ndarray
    evaluated: np.ndarray
    value: np.ndarray
    median: np.ndarray
    scale: np.ndarray
    z: np.ndarray
    change: np.ndarray
    level: np.ndarray
    rising: np.ndarray
    low: np.ndarray
    classes: np.ndarray
    flag: np.ndarray
    rule: np.ndarray


def decide(
    group: pd.Series,
    fragility: pd.Series,
    previous: pd.Series,
    households: pd.Series | None,
    classes: pd.Series | None,
    s: FlagSettings,
) -> FlagDecision:
    """Apply the rules: evaluability, robust z within the reference, the three flags."""
    n = len(group)
    reasons = not_evaluated_reasons(group, fragility, households, s)
    evaluable = pd.isna(reasons)
    reference, sizes = references(group, evaluable, s)
    small = evaluable & (reference.kind == None)  # noqa: E711 (element-wise on an object array)
    for i in np.flatnonzero(small):
        reasons[i] = (
            f"Groupe de pairs trop petit pour une comparaison fiable : {sizes[i]} résidence(s) "
            f"évaluable(s), minimum {s.min_group_size}."
        )
    evaluated = reference.kind != None  # noqa: E711

    median, scale = reference.row_stats(fragility.to_frame("fragility"), s.min_scale_ratio)
    median, scale = median[:, 0], scale[:, 0]
    value = fragility.to_numpy(float)
    z = np.where(evaluated, zscore(value, median, scale), np.nan)
    change = value - previous.to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        rise = change / scale if s.rise_unit == "scale" else change
        level = evaluated & (z >= s.rebalance_z)
        rising = evaluated & (rise > s.rise_min) & (z > 0)
        low = evaluated & (z <= s.capacity_z) & ~(level | rising)
    class_values = (
        classes.to_numpy(dtype=object) if classes is not None else np.full(n, None, dtype=object)
    )
    eligible = np.array([c in s.capacity_classes for c in class_values], dtype=bool)
    capacity = low & eligible
    flag = np.select(
        [~evaluated, level | rising, capacity],
        ["not_evaluated", "rebalance", "capacity"],
        "balanced",
    ).astype(object)
    rule = np.select(
        [level & rising, level, rising, capacity],
        ["level_and_rise", "level", "rise", "capacity"],
        "",
    ).astype(object)
    rule[rule == ""] = None
    return FlagDecision(
        reference,
        reasons,
        evaluated,
        value,
        median,
        scale,
        z,
        change,
        level,
        rising,
        low,
        class_values,
        flag,
        rule,
    )
