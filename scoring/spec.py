"""The specification of a composite index: an explicit, immutable, validated object.

A spec gathers what the cotation needs and nothing else: the pillars (code, French label,
weight), the indicators (code, label, description, pillar, unit, direction, source, weight,
optional normalisation override, fixed bounds and treatment) and the method choices
(:class:`~scoring.method.Method`: normalisation, treatment of extreme values, aggregation,
minimum coverage, classes). It is built from ``config/indicators.toml`` and a
profile of ``config/profiles/`` (see :mod:`scoring.catalogue` and :mod:`scoring.profiles`) and is
validated when it is created: an invalid spec cannot exist. Every problem is reported in French
and names the offending code.

Changing weights never mutates a spec: :meth:`IndexSpec.with_weights` returns a new one (this is
what the weight sliders call on every move); :meth:`IndexSpec.with_method` does the same for the
method choices (the method panel of the cotation page).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from config import ConfigError
from scoring.method import (
    AGGREGATIONS,
    CLASS_METHODS,
    CLASSES,
    DEFAULT_THRESHOLDS,
    INDICATOR_TREATMENTS,
    NORMALISATIONS,
    NOT_RATED,
    NOT_RATED_LABEL,
    TREATMENTS,
    Method,
    method_problems,
)
from scoring.method import fmt_value as _fmt
from scoring.method import is_number as _is_number

__all__ = [
    "AGGREGATIONS",
    "CLASSES",
    "CLASS_METHODS",
    "DEFAULT_THRESHOLDS",
    "INDICATOR_TREATMENTS",
    "NORMALISATIONS",
    "NOT_RATED",
    "NOT_RATED_LABEL",
    "TREATMENTS",
    "IndexSpec",
    "Indicator",
    "Method",
    "Pillar",
    "SpecError",
    "block_weights",
    "nominal_weights",
    "validate_spec",
]

_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
_RESERVED_PILLARS = {"class"}


class SpecError(ConfigError):
    """An invalid catalogue, profile or spec. The message is in French and lists every problem.

    Attributes
    ----------
    problems : list of str
        One French sentence per problem, each naming the offending code.
    """

    def __init__(self, problems: list[str] | str, context: str = "") -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        head = f"{context} : " if context else ""
        if len(self.problems) == 1:
            message = head + self.problems[0]
        else:
            message = head + f"{len(self.problems)} problèmes\n- " + "\n- ".join(self.problems)
        super().__init__(message)


@dataclass(frozen=True)
class Pillar:
    """A pillar of the index (Patrimoine, Occupation, Équipements, Environnement).

    Parameters
    ----------
    code : str
        Identifier (lowercase ASCII), used in column names such as ``score_<code>``.
    label : str
        French label.
    description : str
        French description, printed by the *Méthode* page.
    weight : float
        Relative weight of the pillar in the overall score (renormalised to sum to 1).
    """

    code: str
    label: str
    description: str = ""
    weight: float = 1.0


@dataclass(frozen=True)
class Indicator:
    """An indicator of the catalogue.

    Parameters
    ----------
    code : str
        Identifier; also the column name in the indicator table.
    label, description : str
        French label and description (the description says how the value is derived).
    pillar : str
        Code of the pillar it belongs to.
    unit : str
        Unit of the raw value, in French.
    direction : int
        ``+1`` when a higher value makes the residence more attractive, ``-1`` otherwise.
    source : str
        Where the value comes from (RPLS, OPS, PSP, BPE, bailleur, Grand Poitiers…).
    weight : float
        Relative weight within its pillar (renormalised over the available indicators).
    normalisation : str, optional
        Overrides the method's normalisation for this indicator.
    bounds : tuple of float, optional
        Fixed ``(lower, upper)`` bounds used by the ``goalposts`` normalisation, and checked
        against the data when the index is fitted (plausible range).
    treatment : str, optional
        What the catalogue says of the treatment of extreme values of this indicator (see
        :data:`INDICATOR_TREATMENTS`): ``goalposts`` when its bounds are authoritative (with the
        treatment on, it is normalised between them, values outside clipped), ``none`` when it
        must never be treated; by default the skewness and kurtosis rule decides.
    """

    code: str
    label: str
    pillar: str
    direction: int
    weight: float
    description: str = ""
    unit: str = ""
    source: str = ""
    normalisation: str | None = None
    bounds: tuple[float, float] | None = None
    treatment: str | None = None


def _pillar_problems(pillars: tuple[Pillar, ...]) -> list[str]:
    problems = []
    seen: set[str] = set()
    for pillar in pillars:
        if not isinstance(pillar.code, str) or not _CODE.match(pillar.code):
            problems.append(
                f"pilier « {pillar.code} » : code invalide, attendu des minuscules sans accent, "
                "chiffres ou « _ »."
            )
        elif pillar.code in _RESERVED_PILLARS:
            problems.append(f"pilier « {pillar.code} » : code réservé, choisir un autre code.")
        if pillar.code in seen:
            problems.append(f"pilier « {pillar.code} » défini deux fois.")
        seen.add(pillar.code)
        if not _is_number(pillar.weight) or not math.isfinite(pillar.weight):
            problems.append(f"pilier « {pillar.code} » : poids « {pillar.weight} » invalide.")
        elif pillar.weight < 0:
            problems.append(
                f"pilier « {pillar.code} » : poids négatif ({_fmt(pillar.weight)}), attendu un "
                "nombre positif ou nul."
            )
    if not pillars:
        problems.append("aucun pilier défini.")
    elif all(_is_number(p.weight) and p.weight == 0 for p in pillars):
        problems.append("tous les poids des piliers sont nuls : au moins un pilier doit compter.")
    return problems


def _indicator_problems(ind: Indicator, pillar_codes: list[str]) -> list[str]:
    problems = []
    name = f"indicateur « {ind.code} »"
    if not isinstance(ind.code, str) or not _CODE.match(ind.code):
        problems.append(
            f"{name} : code invalide, attendu des minuscules sans accent, chiffres ou « _ »."
        )
    if ind.pillar not in pillar_codes:
        problems.append(
            f"{name} : pilier « {ind.pillar} » inconnu (piliers définis : "
            + ", ".join(pillar_codes)
            + ")."
        )
    if not (_is_number(ind.direction) and ind.direction in (1, -1)):
        problems.append(
            f"{name} : sens « {_fmt(ind.direction)} » invalide, attendu +1 (plus la valeur est "
            "élevée, plus la résidence est attractive) ou -1 (l'inverse)."
        )
    if not _is_number(ind.weight) or not math.isfinite(ind.weight):
        problems.append(f"{name} : poids « {ind.weight} » invalide, attendu un nombre.")
    elif ind.weight < 0:
        problems.append(
            f"{name} : poids négatif ({_fmt(ind.weight)}), attendu un nombre positif ou nul."
        )
    if ind.normalisation is not None and ind.normalisation not in NORMALISATIONS:
        problems.append(
            f"{name} : normalisation « {ind.normalisation} » inconnue, attendu l'une de : "
            + ", ".join(NORMALISATIONS)
            + "."
        )
    if ind.bounds is not None:
        b = ind.bounds
        valid = (
            isinstance(b, tuple)
            and len(b) == 2
            and all(_is_number(v) and math.isfinite(v) for v in b)
            and b[0] < b[1]
        )
        if not valid:
            shown = ", ".join(_fmt(v) for v in b) if isinstance(b, tuple) else b
            problems.append(
                f"{name} : bornes [{shown}] invalides, attendu [minimum, maximum] avec "
                "minimum < maximum."
            )
    problems += _indicator_treatment_problems(ind, name)
    return problems


def _indicator_treatment_problems(ind: Indicator, name: str) -> list[str]:
    if ind.treatment is None:
        return []
    if ind.treatment not in INDICATOR_TREATMENTS:
        return [
            f"{name} : traitement « {ind.treatment} » inconnu, attendu l'un de : "
            + ", ".join(INDICATOR_TREATMENTS)
            + " (ou rien : la règle d'asymétrie et d'aplatissement décide)."
        ]
    if ind.treatment == "goalposts" and ind.bounds is None:
        return [f"{name} : traitement par bornes du catalogue sans bornes (clé « bounds »)."]
    if ind.treatment == "goalposts" and ind.normalisation not in (None, "goalposts"):
        return [
            f"{name} : traitement par bornes du catalogue incompatible avec la normalisation "
            f"« {ind.normalisation} » imposée à l'indicateur."
        ]
    return []


@dataclass(frozen=True)
class IndexSpec:
    """A complete, validated specification of the cotation.

    Parameters
    ----------
    name : str
        Identifier of the profile (file name without ``.toml``).
    pillars : tuple of Pillar
        The pillars, in display order.
    indicators : tuple of Indicator
        The indicators, in catalogue order (also the column order of the indicator table).
    method : Method
        Method choices.
    label, author, date, comment : str
        French title, author, ISO date (``AAAA-MM-JJ``) and reason of the profile.

    Raises
    ------
    SpecError
        When anything is invalid; the French message lists every problem and names the codes.
    """

    name: str
    pillars: tuple[Pillar, ...]
    indicators: tuple[Indicator, ...]
    method: Method = field(default_factory=Method)
    label: str = ""
    author: str = ""
    date: str = ""
    comment: str = ""

    def __post_init__(self) -> None:
        problems = validate_spec(self)
        if problems:
            raise SpecError(problems, f"profil « {self.name} »")

    # --- Lookups ------------------------------------------------------------------------------

    @cached_property
    def codes(self) -> tuple[str, ...]:
        """Indicator codes, in catalogue order."""
        return tuple(i.code for i in self.indicators)

    @cached_property
    def pillar_codes(self) -> tuple[str, ...]:
        """Pillar codes, in display order."""
        return tuple(p.code for p in self.pillars)

    def indicator(self, code: str) -> Indicator:
        """Return the indicator ``code``."""
        for ind in self.indicators:
            if ind.code == code:
                return ind
        raise KeyError(f"indicateur inconnu : « {code} »")

    def pillar(self, code: str) -> Pillar:
        """Return the pillar ``code``."""
        for pillar in self.pillars:
            if pillar.code == code:
                return pillar
        raise KeyError(f"pilier inconnu : « {code} »")

    def normalisation_of(self, code: str) -> str:
        """Normalisation applied to indicator ``code``.

        Its override; else ``goalposts`` when the treatment of extreme values is on and the
        catalogue makes its bounds authoritative; else the method's.
        """
        ind = self.indicator(code)
        if ind.normalisation:
            return ind.normalisation
        if ind.treatment == "goalposts" and self.method.treatment != "none":
            return "goalposts"
        return self.method.normalisation

    # --- Arrays used by the engine (read-only) -----------------------------------------------

    @cached_property
    def pillar_of(self) -> np.ndarray:
        """Position of each indicator's pillar in :attr:`pillars`, shape ``(k,)``."""
        pos = {code: i for i, code in enumerate(self.pillar_codes)}
        return _frozen(np.array([pos[i.pillar] for i in self.indicators], dtype=np.intp))

    @cached_property
    def indicator_weights(self) -> np.ndarray:
        """Raw indicator weights, shape ``(k,)``."""
        return _frozen(np.array([float(i.weight) for i in self.indicators]))

    @cached_property
    def pillar_weights(self) -> np.ndarray:
        """Pillar weights renormalised to sum to 1, shape ``(p,)``."""
        w = np.array([float(p.weight) for p in self.pillars])
        return _frozen(w / w.sum())

    @cached_property
    def block_weights(self) -> np.ndarray:
        """Indicator weights laid out per pillar, shape ``(k, p)``: ``W[j, pillar(j)] = w_j``."""
        return _frozen(block_weights(self.indicator_weights, self.pillar_of, len(self.pillars)))

    @cached_property
    def nominal_weights(self) -> np.ndarray:
        """Share of each indicator in the overall score when nothing is missing (sums to 1)."""
        return _frozen(nominal_weights(self.indicator_weights, self.pillar_of, self.pillar_weights))

    @cached_property
    def directions(self) -> np.ndarray:
        """Direction of each indicator (+1 or -1), shape ``(k,)``."""
        return _frozen(np.array([int(i.direction) for i in self.indicators], dtype=np.int8))

    @cached_property
    def normalisation_key(self) -> tuple:
        """What the fitted normalisation depends on; two specs with equal keys share it."""
        return (
            tuple(
                (i.code, int(i.direction), self.normalisation_of(i.code), i.bounds, i.treatment)
                for i in self.indicators
            ),
            float(self.method.zscore_span),
            self.method.treatment_key,
        )

    # --- New specs ----------------------------------------------------------------------------

    def with_weights(
        self,
        pillars: Mapping[str, float] | None = None,
        indicators: Mapping[str, float] | None = None,
    ) -> IndexSpec:
        """Return a new spec with some pillar and/or indicator weights replaced.

        Parameters
        ----------
        pillars : mapping of str to float, optional
            New weights by pillar code; pillars not named keep theirs.
        indicators : mapping of str to float, optional
            New weights by indicator code; indicators not named keep theirs.

        Raises
        ------
        SpecError
            Unknown code, or a resulting spec that is invalid (negative weight, all weights of a
            pillar zero…).
        """
        pillars = dict(pillars or {})
        indicators = dict(indicators or {})
        unknown = [f"pilier « {c} » inconnu." for c in pillars if c not in self.pillar_codes]
        unknown += [f"indicateur « {c} » inconnu." for c in indicators if c not in self.codes]
        if unknown:
            raise SpecError(unknown, f"profil « {self.name} »")
        new_pillars = tuple(
            dataclasses.replace(p, weight=_as_weight(pillars[p.code])) if p.code in pillars else p
            for p in self.pillars
        )
        new_indicators = tuple(
            dataclasses.replace(i, weight=_as_weight(indicators[i.code]))
            if i.code in indicators
            else i
            for i in self.indicators
        )
        return dataclasses.replace(self, pillars=new_pillars, indicators=new_indicators)

    def with_method(self, **changes: object) -> IndexSpec:
        """Return a new spec with some method choices replaced (e.g. ``normalisation="rank"``).

        Parameters
        ----------
        **changes
            New values of fields of :class:`Method` (``normalisation``, ``aggregation``,
            ``min_coverage``, ``class_method``, ``thresholds``, ``zscore_span``,
            ``treatment``, ``winsor_max``, ``skew_threshold``, ``kurtosis_threshold``); the
            others, the weights and the metadata are kept.

        Raises
        ------
        SpecError
            Unknown field, unknown value, or a resulting spec that is invalid (e.g. the
            ``goalposts`` normalisation for an indicator without bounds).
        """
        if "thresholds" in changes and changes["thresholds"] is not None:
            changes["thresholds"] = tuple(changes["thresholds"])  # type: ignore[arg-type]
        try:
            method = dataclasses.replace(self.method, **changes)
        except TypeError as exc:
            raise SpecError(
                f"réglage de méthode inconnu ({exc}).", f"profil « {self.name} »"
            ) from None
        return dataclasses.replace(self, method=method)

    def with_metadata(self, **changes: str) -> IndexSpec:
        """Return a new spec with other ``name``, ``label``, ``author``, ``date`` or ``comment``."""
        allowed = {"name", "label", "author", "date", "comment"}
        unknown = sorted(set(changes) - allowed)
        if unknown:
            raise SpecError(
                f"champ(s) inconnu(s) : {', '.join(unknown)}.", f"profil « {self.name} »"
            )
        return dataclasses.replace(self, **changes)


def _as_weight(value: object) -> float:
    return float(value) if _is_number(value) else value  # type: ignore[return-value]


def _frozen(array: np.ndarray) -> np.ndarray:
    array.setflags(write=False)
    return array


def block_weights(weights: np.ndarray, pillar_of: np.ndarray, n_pillars: int) -> np.ndarray:
    """Lay indicator weights out per pillar.

    Parameters
    ----------
    weights : numpy.ndarray, shape (k,)
        Indicator weights.
    pillar_of : numpy.ndarray of int, shape (k,)
        Pillar position of each indicator.
    n_pillars : int
        Number of pillars.

    Returns
    -------
    numpy.ndarray, shape (k, n_pillars)
        ``W[j, pillar_of[j]] = weights[j]``, zero elsewhere.
    """
    out = np.zeros((len(weights), n_pillars))
    out[np.arange(len(weights)), pillar_of] = weights
    return out


def nominal_weights(
    weights: np.ndarray, pillar_of: np.ndarray, pillar_weights: np.ndarray
) -> np.ndarray:
    """Share of each indicator in the overall score when no value is missing.

    Parameters
    ----------
    weights : numpy.ndarray, shape (k,)
        Indicator weights (relative within their pillar).
    pillar_of : numpy.ndarray of int, shape (k,)
        Pillar position of each indicator.
    pillar_weights : numpy.ndarray, shape (p,)
        Pillar weights (relative).

    Returns
    -------
    numpy.ndarray, shape (k,)
        ``pillar share × share within the pillar``; sums to 1.
    """
    per_pillar = np.bincount(pillar_of, weights=weights, minlength=len(pillar_weights))
    pillar_share = pillar_weights / pillar_weights.sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        within = np.where(per_pillar[pillar_of] > 0, weights / per_pillar[pillar_of], 0.0)
    return within * pillar_share[pillar_of]


def validate_spec(spec: IndexSpec) -> list[str]:
    """Return the French list of problems of ``spec`` (empty when it is valid).

    Checks: pillars (codes, duplicates, negative weights, all zero), indicators (codes,
    duplicates, unknown pillar, direction not ±1, negative weight, unknown normalisation, bounds,
    ``goalposts`` without bounds), every pillar has indicators and not all their weights are
    zero, method choices, metadata (ISO date).
    """
    problems: list[str] = []
    if not isinstance(spec.name, str) or not spec.name:
        problems.append("nom du profil manquant.")
    pillars = tuple(spec.pillars)
    indicators = tuple(spec.indicators)
    problems += _pillar_problems(pillars)
    pillar_codes = [p.code for p in pillars]
    seen: set[str] = set()
    for ind in indicators:
        if ind.code in seen:
            problems.append(f"indicateur « {ind.code} » défini deux fois.")
        seen.add(ind.code)
        problems += _indicator_problems(ind, pillar_codes)
    clash = sorted(seen & set(pillar_codes))
    problems += [f"code « {c} » utilisé à la fois pour un pilier et un indicateur." for c in clash]
    if not indicators:
        problems.append("aucun indicateur défini.")
    for pillar in pillars:
        members = [i for i in indicators if i.pillar == pillar.code]
        if not members:
            problems.append(f"pilier « {pillar.code} » : aucun indicateur ne lui est rattaché.")
        elif all(_is_number(i.weight) and i.weight == 0 for i in members):
            problems.append(
                f"pilier « {pillar.code} » : tous les poids de ses indicateurs sont nuls."
            )
    if not isinstance(spec.method, Method):
        problems.append("méthode manquante.")
        return problems
    found = method_problems(spec.method)
    problems += found
    if not found:
        for ind in indicators:
            norm = ind.normalisation or spec.method.normalisation
            if norm == "goalposts" and ind.bounds is None:
                problems.append(
                    f"indicateur « {ind.code} » : normalisation par bornes fixes sans bornes "
                    "définies (clé « bounds » du catalogue)."
                )
    if spec.date:
        try:
            dt.date.fromisoformat(str(spec.date))
        except ValueError:
            problems.append(f"date « {spec.date} » invalide, attendu AAAA-MM-JJ.")
    return problems
