"""The rules of the secret statistique, read from ``config/disclosure.toml``.

:func:`load_rules` checks every value and returns a frozen :class:`DisclosureRules`: the
thresholds (small base, dominance), the insider rule, the minimum size of a group whose median is
published, the public cotation's pillar rule, the marker of a masked cell, the published precision
of each kind of figure and the scope (which family of figures each rule applies to). Every reason
shown to a user is written here, from these values.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from config import ConfigError, load_toml

CONFIG_FILE = "disclosure.toml"
RULE_CODES = ("small_base", "dominance", "insider", "complementary", "residence", "group_size",
              "pillar", "none")  # fmt: skip
PRECISIONS = ("share", "points", "score", "mean", "years", "robust_z")


@dataclass(frozen=True)
class ScopeEntry:
    """A family of figures and the rules it is published under."""

    code: str
    label: str
    rules: tuple[str, ...]


@dataclass(frozen=True)
class DisclosureRules:
    """Thresholds, precision and scope of the secret statistique.

    Attributes
    ----------
    min_households : int
        Fewest households with a known answer a published figure may be computed on.
    dominance_pct : float
        Largest share of a figure (dwellings or households) one bailleur may hold.
    insider : bool
        Whether a bailleur subtracting its own residences must not recover another residence.
    min_group_residences : int
        Fewest residences behind a published median or quartile of a group.
    pillar : str
        Code of the cotation pillar published as one value.
    min_known_indicators : int
        Fewest known OPS indicators for that pillar to be published.
    marker : str
        What a masked cell reads (« s »).
    decimals : dict
        Published decimals by kind (``share``, ``points``, ``score``, ``mean``, ``years``,
        ``robust_z``).
    scope : tuple of ScopeEntry
        The families of figures and their rules.
    """

    min_households: int
    dominance_pct: float
    insider: bool
    min_group_residences: int
    pillar: str
    min_known_indicators: int
    marker: str
    decimals: dict[str, int]
    scope: tuple[ScopeEntry, ...]

    # --- Reasons, in French ---------------------------------------------------------------------

    @property
    def small_base_reason(self) -> str:
        """Why a figure on too few households is masked."""
        return (
            f"secret statistique : moins de {self.min_households} ménages ayant répondu à la "
            "question"
        )

    @property
    def dominance_reason(self) -> str:
        """Why a figure dominated by one bailleur is masked."""
        return (
            f"règle de dominance : un bailleur détient plus de {_pct(self.dominance_pct)} des "
            "logements ou des ménages concernés"
        )

    @property
    def residence_reason(self) -> str:
        """Why the figures of a residence are masked (one bailleur holds it whole)."""
        return (
            "règle de dominance : chiffre d'une seule résidence, donc d'un seul bailleur "
            "(réservé à ce bailleur et au service habitat)"
        )

    @property
    def insider_reason(self) -> str:
        """Why a figure that a bailleur could reduce to another residence is masked."""
        return (
            "secret statistique : un bailleur qui en retirerait ses propres résidences "
            "retrouverait les chiffres d'une résidence d'un autre bailleur ou de moins de "
            f"{self.min_households} ménages"
        )

    @property
    def complementary_reason(self) -> str:
        """Why a figure that passes the rules is masked too (secondary suppression)."""
        return (
            "secret secondaire : masqué pour qu'un chiffre masqué ne puisse être déduit du total "
            "et des autres chiffres publiés"
        )

    @property
    def group_reason(self) -> str:
        """Why the median of a small group of residences is masked."""
        return (
            f"secret statistique : moins de {self.min_group_residences} résidences évaluées dans "
            "le groupe"
        )

    @property
    def pillar_reason(self) -> str:
        """Why a residence's occupation pillar is withheld from its cotation."""
        return (
            f"occupation : secret statistique (moins de {self.min_households} ménages enquêtés "
            f"ou moins de {self.min_known_indicators} indicateurs d'enquête connus) ; la note est "
            "calculée sur les autres piliers"
        )

    def scope_of(self, code: str) -> ScopeEntry:
        """The scope entry ``code`` (``ops``, ``entrants``…)."""
        for entry in self.scope:
            if entry.code == code:
                return entry
        raise KeyError(f"famille de chiffres inconnue : « {code} ».")


def _pct(value: float) -> str:
    return f"{value:g}".replace(".", ",") + " %"


def _fail(where: str, message: str) -> ConfigError:
    return ConfigError(f"config/{CONFIG_FILE}, {where} : {message}")


def _section(raw: dict, name: str) -> dict:
    part = raw.get(name)
    if not isinstance(part, dict):
        raise _fail(f"[{name}]", "section manquante.")
    return part


def _int(section: dict, name: str, key: str, low: int) -> int:
    value = section.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise _fail(f"[{name}] « {key} »", f"attendu un entier ≥ {low}, reçu « {value} ».")
    return value


def _scope(raw: dict) -> tuple[ScopeEntry, ...]:
    entries = raw.get("scope")
    if not isinstance(entries, list) or not entries:
        raise _fail("[[scope]]", "au moins une famille de chiffres attendue.")
    out = []
    for position, entry in enumerate(entries, start=1):
        where = f"[[scope]] n° {position}"
        code, label, rules = entry.get("code"), entry.get("label"), entry.get("rules")
        if not isinstance(code, str) or not code:
            raise _fail(where, "« code » manquant.")
        if not isinstance(label, str) or not label.strip():
            raise _fail(f"{where} ({code})", "« label » manquant.")
        if not isinstance(rules, list) or not rules:
            raise _fail(f"{where} ({code})", "« rules » : liste de règles attendue.")
        unknown = sorted(set(rules) - set(RULE_CODES))
        if unknown:
            raise _fail(
                f"{where} ({code}) « rules »",
                f"règle(s) inconnue(s) {', '.join(unknown)} (attendu : {', '.join(RULE_CODES)}).",
            )
        out.append(ScopeEntry(code, label, tuple(rules)))
    return tuple(out)


def parse_rules(raw: dict) -> DisclosureRules:
    """Check the content of ``config/disclosure.toml`` and build the rules.

    Parameters
    ----------
    raw : dict
        The parsed TOML.

    Raises
    ------
    ConfigError
        French message naming the section, the key and the value received.
    """
    thresholds = _section(raw, "thresholds")
    n = _int(thresholds, "thresholds", "min_households", 1)
    pct = thresholds.get("dominance_pct")
    if isinstance(pct, bool) or not isinstance(pct, int | float) or not 50 <= pct <= 100:
        raise _fail(
            "[thresholds] « dominance_pct »",
            f"attendu un pourcentage entre 50 et 100, reçu « {pct} ».",
        )
    insider = _section(raw, "insider").get("enabled")
    if not isinstance(insider, bool):
        raise _fail("[insider] « enabled »", f"attendu true ou false, reçu « {insider} ».")
    groups = _section(raw, "groups")
    cotation = _section(raw, "cotation")
    pillar = cotation.get("pillar")
    if not isinstance(pillar, str) or not pillar:
        raise _fail("[cotation] « pillar »", f"code de pilier attendu, reçu « {pillar} ».")
    publication = _section(raw, "publication")
    marker = publication.get("marker")
    if not isinstance(marker, str) or not marker.strip():
        raise _fail("[publication] « marker »", f"texte attendu, reçu « {marker} ».")
    decimals = {k: _int(publication, "publication", f"{k}_decimals", 0) for k in PRECISIONS}
    return DisclosureRules(
        min_households=n,
        dominance_pct=float(pct),
        insider=insider,
        min_group_residences=_int(groups, "groups", "min_residences", 1),
        pillar=pillar,
        min_known_indicators=_int(cotation, "cotation", "min_known_indicators", 1),
        marker=marker.strip(),
        decimals=decimals,
        scope=_scope(raw),
    )


@lru_cache(maxsize=1)
def _cached() -> DisclosureRules:
    return parse_rules(load_toml(CONFIG_FILE))


def load_rules() -> DisclosureRules:
    """The rules of ``config/disclosure.toml`` (read once per process).

    Raises
    ------
    ConfigError
        When a value is missing or out of range (French message).
    """
    return _cached()
