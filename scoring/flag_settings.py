"""Settings of the rebalancing flags: thresholds, fragility indicators and French texts.

Read from ``[flags]``, ``[flags.texts]`` and ``[fragility.indicators.*]`` of ``config/peers.toml``
by :func:`load_flag_settings`; every problem is reported in French and names the table and key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields

from config import ConfigError, load_toml

CONFIG_FILE = "peers.toml"


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


def checked_keys(cls: type, table: Mapping, where: str, exclude: tuple[str, ...] = ()) -> dict:
    """Return ``table`` as keyword arguments of ``cls``; refuse keys ``cls`` does not know.

    Raises
    ------
    ConfigError
        French message naming the table (``where``), the unknown keys and the possible ones.
    """
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
    texts = FlagTexts(**checked_keys(FlagTexts, section.pop("texts", {}), "[flags.texts]"))
    indicators = []
    for column, table in data.get("fragility", {}).get("indicators", {}).items():
        kwargs = checked_keys(IndicatorSpec, table, f"[fragility.indicators.{column}]")
        sign = kwargs.get("direction", "+")
        if sign not in ("+", "-"):
            raise ConfigError(
                f"config/{CONFIG_FILE}, [fragility.indicators.{column}] direction = « {sign} » : "
                "attendu « + » (plus élevé = plus fragile) ou « - »."
            )
        kwargs["direction"] = 1 if sign == "+" else -1
        indicators.append(IndicatorSpec(column=column, **kwargs))
    kwargs = checked_keys(FlagSettings, section, "[flags]", exclude=("indicators",))
    if "capacity_classes" in kwargs:
        kwargs["capacity_classes"] = tuple(kwargs["capacity_classes"])
    return FlagSettings(indicators=tuple(indicators), texts=texts, **kwargs)


def load_flag_settings() -> FlagSettings:
    """Read ``[flags]`` and ``[fragility]`` of ``config/peers.toml``."""
    return flag_settings_from_mapping(load_toml(CONFIG_FILE))
