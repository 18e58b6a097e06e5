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
from dataclasses import dataclass, field

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
class PeerSettings:
    """Everything ``config/peers.toml`` holds: groups, fragility indicators and flags."""

    grouping: GroupingSettings = field(default_factory=GroupingSettings)
    flags: FlagSettings = field(default_factory=FlagSettings)

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
    unknown = sorted(set(data) - {"groups", "fragility", "flags"})
    if unknown:
        raise ConfigError(
            f"config/{CONFIG_FILE} : table(s) inconnue(s) {', '.join(unknown)} ; "
            "tables possibles : groups, fragility, flags (les objectifs légaux d'attribution "
            "sont dans config/stock.toml, [equality_rule])."
        )
    return PeerSettings(
        grouping=grouping_settings_from_mapping(data),
        flags=flag_settings_from_mapping(data),
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
