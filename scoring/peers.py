"""Peer groups and rebalancing flags: the public API, and the settings of ``config/peers.toml``.

The source document (Grand Poitiers, action 1.5) asks for attribution guidance at the scale of
the residence: residences of one quartier do not live the same way, and their capacity to receive
precarious households differs. This module compares each residence with residences *like it*:

- :class:`PeerGroups` forms groups of structurally similar residences and names them in French;
- :func:`bootstrap_stability` measures how stable those groups are;
- :func:`flag_rebalancing` flags, within each group, the residences whose occupancy fragility
  stands out (``rebalance``) or which can receive more priority households (``capacity``), with
  a French reason, recommendation and explanation.

Choosing the features and computing the fragility index are the caller's job (``services/``);
:func:`load_peer_settings` gives it the configured features, indicator weights and thresholds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields

from config import ConfigError, load_toml
from scoring.flags import (
    FLAGS,
    RULES,
    FlagSettings,
    FlagTexts,
    IndicatorSpec,
    flag_rebalancing,
    flag_settings_from_mapping,
    indicator_deviations,
    load_flag_settings,
    robust_zscore,
)
from scoring.peer_groups import (
    GroupingSettings,
    PeerGroups,
    PeerStability,
    bootstrap_stability,
    grouping_settings_from_mapping,
    load_grouping_settings,
)
from scoring.peer_names import FeatureSpec, NamingSettings, format_period, name_groups

CONFIG_FILE = "peers.toml"

__all__ = [
    "FLAGS",
    "RULES",
    "AttributionRules",
    "FeatureSpec",
    "FlagSettings",
    "FlagTexts",
    "GroupingSettings",
    "IndicatorSpec",
    "NamingSettings",
    "PeerGroups",
    "PeerSettings",
    "PeerStability",
    "bootstrap_stability",
    "flag_rebalancing",
    "format_period",
    "indicator_deviations",
    "load_flag_settings",
    "load_grouping_settings",
    "load_peer_settings",
    "name_groups",
    "peer_settings_from_mapping",
    "robust_zscore",
]


@dataclass(frozen=True)
class AttributionRules:
    """Legal attribution targets (CCH L441-1) read by the services beside the flags.

    Parameters
    ----------
    q1_outside_qpv_min_pct : float, default 25.0
        Least share of attributions outside QPV going to first-quartile households.
    q2_q4_in_qpv_min_pct : float, default 50.0
        Least share of attributions in QPV going to households of quartiles 2 to 4.
    window_years : int, default 2
        Attribution years counted for a residence (the span between two OPS surveys).
    """

    q1_outside_qpv_min_pct: float = 25.0
    q2_q4_in_qpv_min_pct: float = 50.0
    window_years: int = 2

    def __post_init__(self) -> None:
        for name in ("q1_outside_qpv_min_pct", "q2_q4_in_qpv_min_pct"):
            value = getattr(self, name)
            if not 0 <= value <= 100:
                raise ConfigError(f"[attributions] {name} = {value} : attendu entre 0 et 100.")
        if self.window_years < 1:
            raise ConfigError(f"[attributions] window_years = {self.window_years} : attendu ≥ 1.")


@dataclass(frozen=True)
class PeerSettings:
    """Everything ``config/peers.toml`` holds: groups, fragility and flags, attribution rules."""

    grouping: GroupingSettings = field(default_factory=GroupingSettings)
    flags: FlagSettings = field(default_factory=FlagSettings)
    attributions: AttributionRules = field(default_factory=AttributionRules)

    @property
    def fragility_indicators(self) -> tuple[IndicatorSpec, ...]:
        """The indicators of the occupancy fragility index, with their weights."""
        return self.flags.indicators


def peer_settings_from_mapping(data: Mapping) -> PeerSettings:
    """Build :class:`PeerSettings` from the content of ``peers.toml``.

    Parameters
    ----------
    data : mapping
        The parsed file.

    Raises
    ------
    ConfigError
        With a French message naming the offending table and key.
    """
    unknown = sorted(set(data) - {"groups", "fragility", "flags", "attributions"})
    if unknown:
        raise ConfigError(
            f"config/{CONFIG_FILE} : table(s) inconnue(s) {', '.join(unknown)} ; "
            "tables possibles : groups, fragility, flags, attributions."
        )
    attributions = dict(data.get("attributions", {}))
    known = {f.name for f in fields(AttributionRules)}
    if set(attributions) - known:
        raise ConfigError(
            f"config/{CONFIG_FILE}, [attributions] : clé(s) inconnue(s) "
            f"{', '.join(sorted(set(attributions) - known))}."
        )
    return PeerSettings(
        grouping=grouping_settings_from_mapping(data),
        flags=flag_settings_from_mapping(data),
        attributions=AttributionRules(**attributions),
    )


def load_peer_settings() -> PeerSettings:
    """Read ``config/peers.toml``.

    Returns
    -------
    PeerSettings

    Raises
    ------
    ConfigError
        When the file is missing, unreadable or holds an invalid value.
    """
    return peer_settings_from_mapping(load_toml(CONFIG_FILE))
