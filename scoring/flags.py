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
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields

import numpy as np
import pandas as pd

from config import ConfigError, load_toml

CONFIG_FILE = "peers.toml"
FLAGS = ("rebalance", "capacity", "balanced", "not_evaluated")
RULES = ("level", "rise", "level_and_rise", "capacity")
MAD_TO_SD = 1.4826
MEAN_AD_TO_SD = math.sqrt(math.pi / 2)
_MINUS = "\u2212"


# --- Settings -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorSpec:
    """One OPS (or residence) indicator of the occupancy fragility index.

    Parameters
    ----------
    column : str
        Column name (``res_below_40_pct``…).
    label : str
        French label.
    weight : float, default 1.0
        Weight in the fragility index (used by the caller with the cotation engine).
    direction : {1, -1}
        1 when a higher value means a more fragile occupancy, -1 otherwise.
    unit : str, default "%"
        Unit shown after values.
    source : {"ops", "residences"}
        Table the indicator comes from.
    profile : str
        French plural naming the households the indicator counts (« familles monoparentales »),
        used to name an over-represented profile; empty for indicators that are not a household
        profile (vacancy, tranquillity).
    optional : bool
        Whether the index is computed without it when it is missing.
    """

    column: str
    label: str
    weight: float = 1.0
    direction: int = 1
    unit: str = "%"
    source: str = "ops"
    profile: str = ""
    optional: bool = False

    def __post_init__(self) -> None:
        where = f"indicateur de fragilité « {self.column} »"
        if self.direction not in (1, -1):
            raise ConfigError(f"{where} : sens « {self.direction} » invalide, attendu + ou -.")
        if not (isinstance(self.weight, int | float) and self.weight >= 0):
            raise ConfigError(f"{where} : poids « {self.weight} » invalide, attendu un nombre ≥ 0.")
        if self.source not in ("ops", "residences"):
            raise ConfigError(
                f"{where} : source « {self.source} » inconnue, attendu ops ou residences."
            )


@dataclass(frozen=True)
class FlagTexts:
    """French recommendation texts, editable by the working group.

    ``rebalance`` may use ``{profile}``, ``{value}`` and ``{median}`` (the over-represented
    profile and its values in the residence and in the group).
    """

    rebalance: str = (
        "Orienter les prochaines attributions vers des ménages hors premier quartile de "
        "ressources et en emploi ; éviter d'ajouter des {profile}, profil sur-représenté "
        "({value} contre {median} en médiane du groupe)."
    )
    rebalance_generic: str = (
        "Orienter les prochaines attributions vers des ménages hors premier quartile de "
        "ressources et en emploi, sans ajouter aux profils déjà les plus représentés."
    )
    capacity: str = (
        "La résidence peut accueillir davantage de ménages prioritaires ou du premier quartile "
        "de ressources."
    )
    balanced: str = (
        "Poursuivre les attributions selon les orientations de la fiche territoriale du "
        "quartier ou de la commune."
    )
    not_evaluated: str = (
        "Compléter les données de la résidence avant toute préconisation à son échelle."
    )
    not_evaluated_small: str = (
        "Pas de préconisation à l'échelle de la résidence : trop peu de ménages enquêtés."
    )

    def __post_init__(self) -> None:
        for f in fields(self):
            text = getattr(self, f.name)
            try:
                text.format(profile="p", value="v", median="m")
            except (KeyError, IndexError, ValueError, AttributeError) as exc:
                raise ConfigError(
                    f"[flags.texts] {f.name} : texte invalide ({exc!r}) ; seules les variables "
                    "{profile}, {value} et {median} sont disponibles."
                ) from exc


@dataclass(frozen=True)
class FlagSettings:
    """Thresholds of the rebalancing flags; every one adjustable by the working group.

    Parameters
    ----------
    rebalance_z : float, default 2.0
        Robust z at or above which intake should be rebalanced.
    rise_min : float, default 1.0
        Rise of fragility since the previous survey beyond which a residence already above its
        group median is flagged too.
    rise_unit : {"scale", "points"}
        Unit of ``rise_min``: the group scale (unit-free, the default) or index points.
    capacity_z : float, default -1.0
        Robust z at or below which a residence of a class in ``capacity_classes`` can receive
        more priority households.
    capacity_classes : tuple of str
        Attractiveness classes eligible for the capacity flag.
    min_households : int, default 11
        Fewest surveyed households for an evaluation (secret statistique).
    min_group_size : int, default 5
        Fewest evaluable residences for a group to serve as a reference.
    small_group : {"not_evaluated", "epci"}
        What happens in smaller groups: no evaluation, or comparison with the whole parc.
    min_scale_ratio : float, default 0.2
        Floor of a group scale, as a share of the median group scale.
    n_explained : int, default 3
        Indicators quoted in each explanation.
    indicators : tuple of IndicatorSpec
        The fragility indicators (labels, directions, profiles, weights).
    texts : FlagTexts
        Recommendation texts.
    """

    rebalance_z: float = 2.0
    rise_min: float = 1.0
    rise_unit: str = "scale"
    capacity_z: float = -1.0
    capacity_classes: tuple[str, ...] = ("A", "B", "C")
    min_households: int = 11
    min_group_size: int = 5
    small_group: str = "not_evaluated"
    min_scale_ratio: float = 0.2
    n_explained: int = 3
    indicators: tuple[IndicatorSpec, ...] = ()
    texts: FlagTexts = field(default_factory=FlagTexts)

    def __post_init__(self) -> None:
        if not self.capacity_z < 0 < self.rebalance_z:
            raise ConfigError(
                f"[flags] capacity_z = {self.capacity_z}, rebalance_z = {self.rebalance_z} : "
                "attendu capacity_z < 0 < rebalance_z."
            )
        if self.rise_unit not in ("scale", "points"):
            raise ConfigError(
                f"[flags] rise_unit = « {self.rise_unit} » : attendu « scale » ou « points »."
            )
        if self.rise_min < 0:
            raise ConfigError(f"[flags] rise_min = {self.rise_min} : attendu un nombre ≥ 0.")
        if self.small_group not in ("not_evaluated", "epci"):
            raise ConfigError(
                f"[flags] small_group = « {self.small_group} » : "
                "attendu « not_evaluated » ou « epci »."
            )
        if self.min_households < 0 or self.min_group_size < 2 or self.n_explained < 0:
            raise ConfigError(
                "[flags] min_households ≥ 0, min_group_size ≥ 2 et n_explained ≥ 0 attendus."
            )
        if not 0 <= self.min_scale_ratio < 1:
            raise ConfigError(
                f"[flags] min_scale_ratio = {self.min_scale_ratio} : attendu entre 0 et 1 (exclu)."
            )

    def indicator(self, column: str) -> IndicatorSpec | None:
        """Return the configured indicator ``column``, or ``None``."""
        return next((i for i in self.indicators if i.column == column), None)


def _check_keys(cls: type, table: Mapping, where: str, exclude: tuple[str, ...] = ()) -> dict:
    known = {f.name for f in fields(cls)} - set(exclude)
    unknown = sorted(set(table) - known)
    if unknown:
        raise ConfigError(
            f"config/{CONFIG_FILE}, {where} : clé(s) inconnue(s) {', '.join(unknown)} ; "
            f"clés possibles : {', '.join(sorted(known))}."
        )
    return dict(table)


def flag_settings_from_mapping(data: Mapping) -> FlagSettings:
    """Build :class:`FlagSettings` from the content of ``peers.toml``.

    Parameters
    ----------
    data : mapping
        The whole file; ``[flags]``, ``[flags.texts]`` and ``[fragility.indicators.*]`` are used.

    Raises
    ------
    ConfigError
        With a French message naming the offending table and key.
    """
    section = dict(data.get("flags", {}))
    texts = FlagTexts(**_check_keys(FlagTexts, section.pop("texts", {}), "[flags.texts]"))
    indicators = []
    for column, table in data.get("fragility", {}).get("indicators", {}).items():
        kwargs = _check_keys(IndicatorSpec, table, f"[fragility.indicators.{column}]")
        sign = kwargs.get("direction", "+")
        if sign not in ("+", "-"):
            raise ConfigError(
                f"config/{CONFIG_FILE}, [fragility.indicators.{column}] direction = « {sign} » : "
                "attendu « + » (plus élevé = plus fragile) ou « - »."
            )
        kwargs["direction"] = 1 if sign == "+" else -1
        indicators.append(IndicatorSpec(column=column, **kwargs))
    kwargs = _check_keys(FlagSettings, section, "[flags]", exclude=("indicators",))
    if "capacity_classes" in kwargs:
        kwargs["capacity_classes"] = tuple(kwargs["capacity_classes"])
    return FlagSettings(indicators=tuple(indicators), texts=texts, **kwargs)


def load_flag_settings() -> FlagSettings:
    """Read ``[flags]`` and ``[fragility]`` of ``config/peers.toml``."""
    return flag_settings_from_mapping(load_toml(CONFIG_FILE))


# --- French formatting of numbers -----------------------------------------------------------------


def _fr(value: float, decimals: int = 1) -> str:
    """French decimal: comma, narrow no-break space between thousands, true minus sign."""
    if -1000 < value < 1000:
        text = f"{value:.{decimals}f}"
    else:
        text = f"{value:,.{decimals}f}".replace(",", "\u202f")
    return text.replace(".", ",").replace("-", _MINUS)


def _signed(value: float) -> str:
    return ("+" if value >= 0 else "") + _fr(value, 2)


def _with_unit(value: float, unit: str) -> str:
    if unit == "%":
        return f"{_fr(value, 0)} %"
    return f"{_fr(value)} {unit}".rstrip()


# --- Robust statistics ----------------------------------------------------------------------------


def _center_scale(
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


def _zscore(values: np.ndarray, median: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """(values − median) / scale, 0 where the scale is 0 (every reference value equal)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (values - median) / scale
    return np.where(scale == 0, np.where(np.isnan(values - median), np.nan, 0.0), z)


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
    median, scale = _center_scale(values[usable].to_frame("v"), codes, min_scale_ratio)
    out = pd.DataFrame(np.nan, index=values.index, columns=["median", "scale", "robust_z"])
    row_median = median["v"].to_numpy()[codes]
    row_scale = scale["v"].to_numpy()[codes]
    out.loc[usable, "median"] = row_median
    out.loc[usable, "scale"] = row_scale
    out.loc[usable, "robust_z"] = _zscore(values[usable].to_numpy(float), row_median, row_scale)
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


# --- References: which residences are compared with which -----------------------------------------


@dataclass(frozen=True)
class _Reference:
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
            med, sc = _center_scale(values[self.group_rows], codes, ratio)
            median[self.group_rows] = med.reindex(codes).to_numpy(float)
            scale[self.group_rows] = sc.reindex(codes).to_numpy(float)
        if self.epci_rows.any():
            pool = self.group_rows | self.epci_rows
            med, sc = _center_scale(values[pool], np.zeros(int(pool.sum()), dtype=int), 0.0)
            median[self.epci_rows] = med.to_numpy(float)[0]
            scale[self.epci_rows] = sc.to_numpy(float)[0]
        return median, scale


def _references(
    groups: pd.Series, evaluable: np.ndarray, settings: FlagSettings
) -> tuple[_Reference, np.ndarray]:
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
    return _Reference(kind, codes, group_rows, epci_rows), sizes


# --- Flags ----------------------------------------------------------------------------------------


def _not_evaluated_reasons(
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


def _deviations(
    indicators: pd.DataFrame,
    reference: _Reference,
    settings: FlagSettings,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Values, reference medians and signed robust deviations (by direction) of indicators."""
    values = indicators.to_numpy(dtype=float)
    median, scale = reference.row_stats(indicators, settings.min_scale_ratio)
    directions = np.array(
        [(settings.indicator(c).direction if settings.indicator(c) else 1) for c in indicators],
        dtype=float,
    )
    deviation = directions * _zscore(values, median, scale)
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

    decision = _decide(group, frag, prev, households, classes, s)
    explained = _explain(indicators, index, decision, s, labels)
    name_of = dict(group_names.items()) if group_names is not None else {}
    group_name = np.array(
        [
            None if pd.isna(g) else str(name_of.get(g, f"groupe {g}"))
            for g in group.to_numpy(dtype=object)
        ],
        dtype=object,
    )
    reason, recommendation = _write(decision, explained, group_name, households is not None, s)
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
class _Decision:
    """Per-row arrays of the flag decision."""

    reference: _Reference
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


def _decide(
    group: pd.Series,
    fragility: pd.Series,
    previous: pd.Series,
    households: pd.Series | None,
    classes: pd.Series | None,
    s: FlagSettings,
) -> _Decision:
    """Apply the rules: evaluability, robust z within the reference, the three flags."""
    n = len(group)
    reasons = _not_evaluated_reasons(group, fragility, households, s)
    evaluable = pd.isna(reasons)
    reference, sizes = _references(group, evaluable, s)
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
    z = np.where(evaluated, _zscore(value, median, scale), np.nan)
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
    return _Decision(
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
    d: _Decision,
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
            f"{names[j]} : {_with_unit(values[i, j], units[j])} "
            f"(médiane {_with_unit(median[i, j], units[j])})"
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
                    value=_with_unit(values[i, j], units[j]),
                    median=_with_unit(median[i, j], units[j]),
                )
    return _Explained(text, quoted, profile, recommendation)


def _write(
    d: _Decision,
    explained: _Explained,
    group_name: np.ndarray,
    has_households: bool,
    s: FlagSettings,
) -> tuple[np.ndarray, np.ndarray]:
    """French reason and recommendation of every row."""
    n = len(d.flag)
    reason = np.empty(n, dtype=object)
    recommendation = np.empty(n, dtype=object)
    for i in range(n):
        if not d.evaluated[i]:
            reason[i] = d.reasons[i]
            few = has_households and d.reasons[i].startswith("Moins de")
            recommendation[i] = s.texts.not_evaluated_small if few else s.texts.not_evaluated
            continue
        of = (
            f"du groupe « {group_name[i]} »"
            if d.reference.kind[i] == "group"
            else f"de l'ensemble du parc (groupe « {group_name[i]} » trop petit)"
        )
        figures = f"indice {_fr(d.value[i])} contre {_fr(d.median[i])} en médiane {of}"
        z_text = f"écart robuste {_signed(d.z[i])}"
        if d.flag[i] == "rebalance":
            rise = _rise_text(d.change[i], d.scale[i], s)
            if d.level[i]:
                reason[i] = (
                    "Fragilité d'occupation nettement au-dessus des résidences comparables : "
                    f"{figures} ({z_text}, seuil {_signed(s.rebalance_z)})."
                )
                if d.rising[i]:
                    reason[i] += f" Elle est en outre en hausse de {rise}."
            else:
                reason[i] = (
                    f"Fragilité d'occupation en hausse de {rise}, alors qu'elle dépasse déjà la "
                    f"médiane {of} (indice {_fr(d.value[i])} contre {_fr(d.median[i])}, "
                    f"{z_text})."
                )
            recommendation[i] = explained.recommendation[i] or s.texts.rebalance_generic
        elif d.flag[i] == "capacity":
            reason[i] = (
                "Fragilité d'occupation nettement en dessous des résidences comparables : "
                f"{figures} ({z_text}, seuil {_signed(s.capacity_z)}), et attractivité de "
                f"classe {d.classes[i]}."
            )
            recommendation[i] = s.texts.capacity
        elif d.low[i]:
            known = not pd.isna(d.classes[i])
            why = (
                f"attractivité de classe {d.classes[i]}"
                if known
                else "classe d'attractivité inconnue"
            )
            reason[i] = (
                f"Fragilité d'occupation en dessous des résidences comparables ({figures}, "
                f"{z_text}), mais {why} : pas de capacité d'accueil supplémentaire signalée."
            )
            recommendation[i] = s.texts.balanced
        else:
            reason[i] = (
                f"Fragilité d'occupation proche des résidences comparables : {figures} ({z_text})."
            )
            recommendation[i] = s.texts.balanced
    return reason, recommendation


def _rise_text(change: float, scale: float, settings: FlagSettings) -> str:
    """French text of a rise and of the threshold it passed."""
    if settings.rise_unit == "scale":
        threshold = (
            f"{_fr(settings.rise_min * scale)} points, soit {_fr(settings.rise_min)} × "
            "la dispersion de référence"
        )
    else:
        threshold = f"{_fr(settings.rise_min)} points"
    return f"{_fr(change)} points depuis l'enquête précédente (seuil : {threshold})"


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
    reasons = _not_evaluated_reasons(group, pd.Series(0.0, index=table.index), households, s)
    reference, _ = _references(group, pd.isna(reasons), s)
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
