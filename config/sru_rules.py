"""The SRU rules of ``config/sru.toml``: target, threshold, catch-up shares, exemptions, CMS.

:func:`load_sru_rules` reads and checks them; every error names the section, the key and the value
received, in French, so that a jurist can correct the file without touching the code. The
computations that apply these rules live in :mod:`services.sru` and :mod:`services.sru_progress`
(through :mod:`services.sru_rules`); the demo generator (:mod:`geodata.demo.sru`) calibrates the
demo inventory on the same rules, which is why they are read here, below every other package.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from config import ConfigError, load_toml

CONFIG_FILE = "sru.toml"
STATUS_COMPLIANT = "conforme"
STATUS_DEFICIT = "déficitaire"
STATUS_EXEMPTED = "exemptée"


@dataclass(frozen=True)
class Modulation:
    """A catch-up share applying when the gap to the target is below a number of points."""

    gap_below_points: float
    share_pct: float
    label: str


@dataclass(frozen=True)
class CmsRules:
    """The CMS mutualisant: its period, total, announced uplift and optional per-commune table."""

    period: tuple[int, int]
    total_dwellings: int
    announced_uplift_pct: float
    objectives: Mapping[str, int]
    label: str
    legal_reference: str
    source: str


@dataclass(frozen=True)
class SruRules:
    """The SRU rules read from ``config/sru.toml``.

    Attributes
    ----------
    target_pct : float
        Target share of social dwellings among main residences (20.0).
    population_threshold : int
        Population from which a commune of the EPCI is subject (3,500).
    inventory_offset_years : int
        The period (start, end) uses the inventory of 1 January of ``start - offset``.
    default_share_pct : float
        Catch-up share of the missing dwellings when no modulation applies (33.0).
    modulations : tuple of Modulation
        Shares for communes close to the target, by increasing gap.
    exemptions : mapping
        ``(start, end) -> frozenset of commune codes`` exempted for that period.
    cms : CmsRules
        The CMS mutualisant.
    horizon_year : int
        Last year of the trajectory to the target.
    rp_growth_pct_per_year : float
        Assumed yearly growth of main residences in the trajectory.
    texts : mapping
        French labels and legal references, for the page and the fiches.
    """

    target_pct: float
    population_threshold: int
    inventory_offset_years: int
    default_share_pct: float
    modulations: tuple[Modulation, ...]
    exemptions: Mapping[tuple[int, int], frozenset[str]]
    cms: CmsRules
    horizon_year: int
    rp_growth_pct_per_year: float
    texts: Mapping[str, str]


# --- Configuration -----------------------------------------------------------------------------


def config_error(where: str, message: str) -> ConfigError:
    """The error of a wrong value of ``config/sru.toml``, located at ``where``."""
    return ConfigError(f"config/{CONFIG_FILE}, {where} : {message}")


def _section(config: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    section = config.get(name)
    if not isinstance(section, Mapping):
        raise config_error(f"[{name}]", "section manquante.")
    return section


def _number(section: Mapping[str, Any], key: str, where: str, low: float, high: float) -> float:
    value = section.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise config_error(f"{where} « {key} »", f"attendu un nombre, reçu « {value} ».")
    if not low <= value <= high:
        raise config_error(
            f"{where} « {key} »", f"attendu un nombre entre {low:g} et {high:g}, reçu {value:g}."
        )
    return float(value)


def _integer(section: Mapping[str, Any], key: str, where: str, low: int) -> int:
    value = section.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise config_error(f"{where} « {key} »", f"attendu un entier ≥ {low}, reçu « {value} ».")
    return value


def _period(value: object, where: str) -> tuple[int, int]:
    if (
        not isinstance(value, list | tuple)
        or len(value) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
        or value[0] > value[1]
    ):
        raise config_error(
            where, f"attendu une période [première année, dernière année], reçu « {value} »."
        )
    return int(value[0]), int(value[1])


def _codes(value: object, where: str) -> frozenset[str]:
    if not isinstance(value, list) or not all(
        isinstance(c, str) and len(c) == 5 and c.isalnum() for c in value
    ):
        raise config_error(
            where, f"attendu une liste de codes INSEE à 5 caractères, reçu « {value} »."
        )
    return frozenset(value)


def _modulations(catch_up: Mapping[str, Any]) -> tuple[Modulation, ...]:
    rows = catch_up.get("modulation", [])
    if not isinstance(rows, list):
        raise config_error("[[catch_up.modulation]]", "attendu une liste de modulations.")
    out = []
    for i, row in enumerate(rows, start=1):
        where = f"modulation n° {i}"
        gap = _number(row, "gap_below_points", where, 0.0, 100.0)
        share = _number(row, "share_pct", where, 0.0, 100.0)
        if share == 0.0:
            raise config_error(f"{where} « share_pct »", "la part à rattraper doit être positive.")
        if out and gap <= out[-1].gap_below_points:
            raise config_error(
                f"{where} « gap_below_points »",
                "les modulations doivent être rangées par écart strictement croissant "
                f"({gap:g} après {out[-1].gap_below_points:g}).",
            )
        out.append(Modulation(gap, share, str(row.get("label", ""))))
    return tuple(out)


def _exemptions(config: Mapping[str, Any]) -> dict[tuple[int, int], frozenset[str]]:
    rows = config.get("exemptions", [])
    if not isinstance(rows, list):
        raise config_error("[[exemptions]]", "attendu une liste d'exemptions.")
    out: dict[tuple[int, int], frozenset[str]] = {}
    for i, row in enumerate(rows, start=1):
        period = _period(row.get("period"), f"exemption n° {i} « period »")
        if period in out:
            raise config_error(
                f"exemption n° {i}", f"période {period[0]}-{period[1]} déclarée deux fois."
            )
        out[period] = _codes(row.get("communes"), f"exemption n° {i} « communes »")
    return out


def _cms(config: Mapping[str, Any]) -> CmsRules:
    cms = _section(config, "cms")
    period = _period(cms.get("period"), "[cms] « period »")
    total = _integer(cms, "total_dwellings", "[cms]", 0)
    uplift = _number(cms, "announced_uplift_pct", "[cms]", -100.0, 1000.0)
    table = cms.get("objectives", {})
    if not isinstance(table, Mapping):
        raise config_error("[cms.objectives]", "attendu une table « code INSEE = logements ».")
    objectives: dict[str, int] = {}
    for code in table:
        _codes([code], f"[cms.objectives] « {code} »")
        objectives[code] = _integer(table, code, "[cms.objectives]", 0)
    if objectives and sum(objectives.values()) != total:
        raise config_error(
            "[cms.objectives]",
            f"la somme des objectifs par commune ({sum(objectives.values())}) doit être égale à "
            f"l'objectif global « total_dwellings » ({total}).",
        )
    return CmsRules(
        period=period,
        total_dwellings=total,
        announced_uplift_pct=uplift,
        objectives=objectives,
        label=str(cms.get("label", "")),
        legal_reference=str(cms.get("legal_reference", "")),
        source=str(cms.get("source", "")),
    )


def load_sru_rules(config: Mapping[str, Any] | None = None) -> SruRules:
    """Read and check the SRU rules.

    Parameters
    ----------
    config : mapping, optional
        The parsed content of ``config/sru.toml`` (read from disk by default); tests pass their
        own mapping.

    Returns
    -------
    SruRules

    Raises
    ------
    ConfigError
        With a French message naming the section, the key and the value received.
    """
    config = load_toml(CONFIG_FILE) if config is None else config
    rule = _section(config, "rule")
    catch_up = _section(config, "catch_up")
    trajectory = _section(config, "trajectory")
    texts = {
        "rule_label": str(rule.get("label", "")),
        "rule_legal_reference": str(rule.get("legal_reference", "")),
        "catch_up_label": str(catch_up.get("label", "")),
        "catch_up_legal_reference": str(catch_up.get("legal_reference", "")),
        "catch_up_description": str(catch_up.get("description", "")),
        "horizon_label": str(trajectory.get("horizon_label", "")),
    }
    return SruRules(
        target_pct=_number(rule, "target_pct", "[rule]", 0.0, 100.0),
        population_threshold=_integer(rule, "population_threshold", "[rule]", 0),
        inventory_offset_years=_integer(rule, "inventory_offset_years", "[rule]", 0),
        default_share_pct=_number(catch_up, "default_share_pct", "[catch_up]", 0.0, 100.0),
        modulations=_modulations(catch_up),
        exemptions=_exemptions(config),
        cms=_cms(config),
        horizon_year=_integer(trajectory, "horizon_year", "[trajectory]", 1900),
        rp_growth_pct_per_year=_number(
            trajectory, "rp_growth_pct_per_year", "[trajectory]", -50.0, 50.0
        ),
        texts=texts,
    )
