"""French names for peer groups, derived from what sets each group's centroid apart.

A name is assembled from phrase rules kept in ``config/peers.toml`` (one rule per feature):

- a *head* feature (the size of the residence) gives the noun: « Grands ensembles »,
  « Petites résidences » or the middle phrase;
- *level* features add a qualifier when the centroid is at least ``z_min`` standard deviations
  above (``high``) or below (``low``) the whole population, e.g. « à loyer modéré »;
- *share* features (booleans such as ``is_qpv``) add a qualifier from the share of residences in
  the group: « en QPV » at or above ``share_high``, « hors QPV » at or below ``share_low``;
- a *period* feature (the construction year) adds « années 1960-1975 »: the group's interquartile
  range rounded outwards to ``bracket`` years, left out when wider than ``max_width`` years.

Qualifiers are ranked by how far the centroid is from the population (absolute z), and at most
``max_qualifiers`` are kept. Phrases are chosen so that they agree with any head noun (« en… »,
« à… », « loin des… »), which keeps the grammar right whatever the combination. Names are made
unique by adding the next qualifiers of the groups that collide, then a number.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from config import ConfigError

NAMING_KINDS = ("head", "level", "share", "period", "none")
TRANSFORMS = ("none", "log1p")


@dataclass(frozen=True)
class FeatureSpec:
    """One structural or contextual feature used to form peer groups, and how it names them.

    Parameters
    ----------
    name : str
        Column name in the features table (``n_dwellings``, ``is_qpv``…).
    label : str
        French label shown to users.
    unit : str
        Unit in French, empty when none.
    weight : float, default 1.0
        Multiplier applied after standardisation (1 = the same say as every other feature).
    transform : {"none", "log1p"}
        Applied before standardisation; ``log1p`` tames skewed counts and distances.
    naming : {"head", "level", "share", "period", "none"}
        How the feature contributes to group names (see the module docstring).
    high, low, mid : str
        French phrases: ``high``/``low`` for level and share rules, ``mid`` for a head noun when
        the group is close to the population.
    share_high, share_low : float
        Thresholds of a share rule (proportion of residences with the feature, 0 to 1).
    prefix : str
        Word before a period, « années ».
    bracket : int
        Period rounding step in years.
    max_width : int
        Widest period still named, in years.
    """

    name: str
    label: str
    unit: str = ""
    weight: float = 1.0
    transform: str = "none"
    naming: str = "level"
    high: str = ""
    low: str = ""
    mid: str = ""
    share_high: float = 0.5
    share_low: float = 0.1
    prefix: str = "années"
    bracket: int = 5
    max_width: int = 30

    def __post_init__(self) -> None:
        where = f"caractéristique « {self.name} »"
        if self.naming not in NAMING_KINDS:
            raise ConfigError(
                f"{where} : règle de nommage « {self.naming} » inconnue, "
                f"attendu l'une de {', '.join(NAMING_KINDS)}."
            )
        if self.transform not in TRANSFORMS:
            raise ConfigError(
                f"{where} : transformation « {self.transform} » inconnue, "
                f"attendu l'une de {', '.join(TRANSFORMS)}."
            )
        if not (isinstance(self.weight, int | float) and math.isfinite(self.weight)):
            raise ConfigError(f"{where} : poids « {self.weight} » invalide, attendu un nombre.")
        if self.weight <= 0:
            raise ConfigError(f"{where} : poids {self.weight} invalide, attendu un nombre > 0.")
        if not 0 <= self.share_low <= self.share_high <= 1:
            raise ConfigError(
                f"{where} : seuils de part invalides ({self.share_low}, {self.share_high}), "
                "attendu 0 ≤ share_low ≤ share_high ≤ 1."
            )
        if self.bracket < 1 or self.max_width < 0:
            raise ConfigError(f"{where} : bracket doit être ≥ 1 et max_width ≥ 0.")


@dataclass(frozen=True)
class NamingSettings:
    """Global naming rules.

    Parameters
    ----------
    z_min : float, default 0.5
        Smallest distance (in population standard deviations) for a level qualifier or a head
        noun other than ``mid``.
    max_qualifiers : int, default 2
        Qualifiers kept in a name before disambiguation.
    default_head : str
        Head noun when no feature has the ``head`` rule.
    """

    z_min: float = 0.5
    max_qualifiers: int = 2
    default_head: str = "Résidences"

    def __post_init__(self) -> None:
        if self.z_min < 0 or self.max_qualifiers < 0:
            raise ConfigError("[groups.naming] : z_min et max_qualifiers doivent être ≥ 0.")


def default_spec(name: str, label: str | None = None) -> FeatureSpec:
    """Return the naming rule of a feature absent from the configuration.

    Parameters
    ----------
    name : str
        Column name.
    label : str, optional
        French label; the column name when absent.
    """
    text = label or name
    return FeatureSpec(
        name=name,
        label=text,
        high=f"{text} au-dessus de la moyenne",
        low=f"{text} en dessous de la moyenne",
    )


def _qualifier(spec: FeatureSpec, z: float, share: float, z_min: float) -> str:
    if spec.naming == "share":
        if share >= spec.share_high and spec.high:
            return spec.high
        if share <= spec.share_low and spec.low:
            return spec.low
        return ""
    if spec.naming == "level":
        if z >= z_min and spec.high:
            return spec.high
        if z <= -z_min and spec.low:
            return spec.low
    return ""


def _head(spec: FeatureSpec | None, z: float, naming: NamingSettings) -> str:
    if spec is None:
        return naming.default_head
    if z >= naming.z_min and spec.high:
        return spec.high
    if z <= -naming.z_min and spec.low:
        return spec.low
    return spec.mid or naming.default_head


def format_period(spec: FeatureSpec, q25: float, q75: float) -> str:
    """Return « années 1960-1975 » from a group's interquartile range of construction years.

    Parameters
    ----------
    spec : FeatureSpec
        The period rule (prefix, bracket, max_width).
    q25, q75 : float
        First and third quartiles of the group's construction years.

    Returns
    -------
    str
        The period, or an empty string when the range is wider than ``max_width`` or unknown.
    """
    if not (math.isfinite(q25) and math.isfinite(q75)):
        return ""
    step = spec.bracket
    low = int(math.floor(q25 / step) * step)
    high = int(math.ceil(q75 / step) * step)
    if high == low:
        high = low + step
    if high - low > spec.max_width:
        return ""
    return f"{spec.prefix} {low}-{high}"


def _compose(head: str, qualifiers: list[str], period: str) -> str:
    name = head
    if qualifiers:
        name += " " + qualifiers[0]
        for extra in qualifiers[1:]:
            name += ", " + extra
    if period:
        name += ", " + period
    return name


def name_groups(
    centroid_z: pd.DataFrame,
    shares: pd.DataFrame,
    q25: pd.DataFrame,
    q75: pd.DataFrame,
    specs: Mapping[str, FeatureSpec],
    naming: NamingSettings | None = None,
) -> pd.Series:
    """Give each group a unique French name from what sets its centroid apart.

    Parameters
    ----------
    centroid_z : pandas.DataFrame
        One row per group (index = group label), one column per feature: the centroid's distance
        to the population mean in population standard deviations.
    shares : pandas.DataFrame
        Group means of the raw features (a share between 0 and 1 for booleans).
    q25, q75 : pandas.DataFrame
        Group quartiles of the raw features (used by the period rule).
    specs : mapping of str to FeatureSpec
        Naming rule of each feature; features without a rule get :func:`default_spec`.
    naming : NamingSettings, optional
        Global rules; defaults of :class:`NamingSettings` when absent.

    Returns
    -------
    pandas.Series
        Group name (str) indexed like ``centroid_z``.
    """
    naming = naming or NamingSettings()
    columns = list(centroid_z.columns)
    rules = {c: specs.get(c) or default_spec(c) for c in columns}
    head_col = next((c for c in columns if rules[c].naming == "head"), None)
    period_col = next((c for c in columns if rules[c].naming == "period"), None)
    qualifier_cols = [c for c in columns if rules[c].naming in ("level", "share")]

    heads: dict[object, str] = {}
    periods: dict[object, str] = {}
    candidates: dict[object, list[str]] = {}
    for group in centroid_z.index:
        z_row = centroid_z.loc[group]
        heads[group] = _head(
            rules[head_col] if head_col else None,
            float(z_row[head_col]) if head_col else 0.0,
            naming,
        )
        periods[group] = (
            format_period(
                rules[period_col],
                float(q25.at[group, period_col]),
                float(q75.at[group, period_col]),
            )
            if period_col
            else ""
        )
        ranked = []
        for position, col in enumerate(qualifier_cols):
            z = float(z_row[col])
            phrase = _qualifier(rules[col], z, float(shares.at[group, col]), naming.z_min)
            if phrase:
                ranked.append((-abs(z), position, phrase))
        candidates[group] = [phrase for _, _, phrase in sorted(ranked)]

    n_kept = {g: min(naming.max_qualifiers, len(candidates[g])) for g in centroid_z.index}
    names: dict[object, str] = {}
    for _ in range(len(qualifier_cols) + 1):
        names = {
            g: _compose(heads[g], candidates[g][: n_kept[g]], periods[g]) for g in centroid_z.index
        }
        counts = pd.Series(names).value_counts()
        clashing = [g for g, n in names.items() if counts[n] > 1]
        extendable = [g for g in clashing if n_kept[g] < len(candidates[g])]
        if not extendable:
            break
        for g in extendable:
            n_kept[g] += 1

    counts = pd.Series(names).value_counts()
    seen: dict[str, int] = {}
    unique = {}
    for g in centroid_z.index:
        name = names[g]
        if counts[name] > 1:
            seen[name] = seen.get(name, 0) + 1
            name = f"{name} ({seen[name]})"
        unique[g] = name
    return pd.Series(unique, name="group_name", dtype=object).rename_axis("group")
