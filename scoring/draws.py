"""The Monte Carlo draws of the uncertainty analysis: weights, normalisation, treatment.

Each draw is an alternative cotation a working group could reasonably have chosen:

- **weights**: pillar weights from a Dirichlet distribution centred on the profile's pillar
  shares, and within each pillar indicator weights from a Dirichlet centred on the profile's
  shares; ``concentration`` is the sum of the Dirichlet parameters (a share ``w`` varies with
  standard deviation ``sqrt(w (1 − w) / (concentration + 1))``). Zero weights stay zero;
- **variant**: a normalisation and a treatment of extreme values, picked uniformly among those
  given (indicators whose normalisation the catalogue imposes keep it).

:func:`plan_draws` draws everything once from a seed, so that the sensitivity analysis
(:mod:`scoring.sensitivity`) and the class certainty (:mod:`scoring.certainty`) run on the very
same draws; :func:`fit_variants` normalises the reference population once per variant.

Which normalisations are plausible alternatives depends on the classes
(:func:`uncertainty_normalisations`): fixed thresholds are set on the scale of the profile's
normalisation (a z-score keeps every residence near 50), so with them only the profile's
normalisation is drawn; classes by quintiles or natural breaks are recomputed on each draw's
scores, so every normalisation the profile allows is drawn.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scoring.index import CompositeIndex
from scoring.normalise import NormalisedTable
from scoring.spec import NORMALISATIONS, TREATMENTS, IndexSpec, SpecError

DEFAULT_DRAWS = 1000
DEFAULT_CONCENTRATION = 50.0
# Both choices of treatment are drawn by default: with and without it.
UNCERTAIN_TREATMENTS: tuple[str, ...] = ("winsorise", "none")


@dataclass(frozen=True, eq=False)
class DrawPlan:
    """The draws of an uncertainty analysis, made once from a seed.

    Attributes
    ----------
    indicator_weights : numpy.ndarray, shape (n_draws, k)
        Indicator weights, summing to 1 within each pillar.
    pillar_weights : numpy.ndarray, shape (n_draws, p)
        Pillar weights, summing to 1.
    variants : tuple of (str, str)
        The ``(normalisation, treatment)`` pairs drawn from.
    picks : numpy.ndarray of int, shape (n_draws,)
        The variant of each draw (position in ``variants``).
    concentration : float
        Dirichlet concentration of the weights.
    """

    indicator_weights: np.ndarray
    pillar_weights: np.ndarray
    variants: tuple[tuple[str, str], ...]
    picks: np.ndarray
    concentration: float

    @property
    def n_draws(self) -> int:
        """Number of draws."""
        return len(self.picks)

    @property
    def normalisations(self) -> tuple[str, ...]:
        """The normalisations drawn from, in order."""
        return tuple(dict.fromkeys(v[0] for v in self.variants))

    @property
    def treatments(self) -> tuple[str, ...]:
        """The treatments drawn from, in order."""
        return tuple(dict.fromkeys(v[1] for v in self.variants))


def draw_weights(
    spec: IndexSpec, n_draws: int, concentration: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Draw pillar and indicator weights from Dirichlet distributions centred on ``spec``.

    Parameters
    ----------
    spec : IndexSpec
        The profile whose weights are the centre of the draws.
    n_draws : int
        Number of draws.
    concentration : float
        Sum of the Dirichlet parameters (larger = closer to the profile).
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    indicator_weights : numpy.ndarray, shape (n_draws, k)
        Indicator weights, summing to 1 within each pillar.
    pillar_weights : numpy.ndarray, shape (n_draws, p)
        Pillar weights, summing to 1.
    """
    pillar_w = np.zeros((n_draws, len(spec.pillars)))
    positive = spec.pillar_weights > 0
    pillar_w[:, positive] = _dirichlet(spec.pillar_weights[positive], concentration, n_draws, rng)
    indicator_w = np.zeros((n_draws, len(spec.codes)))
    weights = spec.indicator_weights
    for p in range(len(spec.pillars)):
        members = np.flatnonzero((spec.pillar_of == p) & (weights > 0))
        indicator_w[:, members] = _dirichlet(weights[members], concentration, n_draws, rng)
    return indicator_w, pillar_w


def _dirichlet(
    weights: np.ndarray, concentration: float, n_draws: int, rng: np.random.Generator
) -> np.ndarray:
    if weights.size == 1:
        return np.ones((n_draws, 1))
    shares = weights / weights.sum()
    return rng.dirichlet(shares * concentration, size=n_draws)


def uncertainty_normalisations(spec: IndexSpec) -> tuple[str, ...]:
    """The normalisations the draws pick from by default for ``spec`` (see the module).

    The profile's own with fixed thresholds; with quintiles or natural breaks, every
    normalisation that gives a valid spec (``goalposts`` only when every indicator has bounds),
    the profile's first.
    """
    own = spec.method.normalisation
    if spec.method.class_method == "thresholds":
        return (own,)
    others = [m for m in NORMALISATIONS if m != own and _is_valid(spec, normalisation=m)]
    return (own, *others)


def _is_valid(spec: IndexSpec, **changes: str) -> bool:
    try:
        spec.with_method(**changes)
    except SpecError:
        return False
    return True


def check_draw_arguments(
    spec: IndexSpec,
    n_draws: int,
    concentration: float,
    normalisations: Sequence[str],
    treatments: Sequence[str],
) -> None:
    """Raise a French :class:`SpecError` naming every invalid argument of the draws."""
    problems = []
    if not isinstance(n_draws, int) or isinstance(n_draws, bool) or n_draws < 1:
        problems.append(f"nombre de tirages « {n_draws} » invalide, attendu un entier positif.")
    if not (isinstance(concentration, int | float) and concentration > 0):
        problems.append(
            f"concentration « {concentration} » invalide, attendu un nombre strictement positif."
        )
    unknown = [m for m in normalisations if m not in NORMALISATIONS]
    if unknown:
        problems.append(
            "normalisation(s) inconnue(s) : "
            + ", ".join(f"« {m} »" for m in unknown)
            + f" (attendu : {', '.join(NORMALISATIONS)})."
        )
    unknown = [t for t in treatments if t not in TREATMENTS]
    if unknown:
        problems.append(
            "traitement(s) inconnu(s) : "
            + ", ".join(f"« {t} »" for t in unknown)
            + f" (attendu : {', '.join(TREATMENTS)})."
        )
    if problems:
        raise SpecError(problems, f"analyse de sensibilité du profil « {spec.name} »")


def plan_draws(
    spec: IndexSpec,
    *,
    n_draws: int = DEFAULT_DRAWS,
    concentration: float = DEFAULT_CONCENTRATION,
    normalisations: Sequence[str] | None = None,
    treatments: Sequence[str] | None = None,
    seed: int | None = 0,
) -> DrawPlan:
    """Draw the weights and the variant of every draw.

    Parameters
    ----------
    spec : IndexSpec
        The profile at the centre of the draws.
    n_draws : int, default 1000
        Number of draws.
    concentration : float, default 50
        Dirichlet concentration (larger = draws closer to the profile).
    normalisations, treatments : sequence of str, optional
        What the variants are made of; by default the profile's own only.
    seed : int or None, default 0
        Seed of the random generator (None for a fresh one).

    Returns
    -------
    DrawPlan
    """
    normalisations = tuple(dict.fromkeys(normalisations or (spec.method.normalisation,)))
    treatments = tuple(dict.fromkeys(treatments or (spec.method.treatment,)))
    check_draw_arguments(spec, n_draws, concentration, normalisations, treatments)
    rng = np.random.default_rng(seed)
    indicator_w, pillar_w = draw_weights(spec, n_draws, concentration, rng)
    variants = tuple(itertools.product(normalisations, treatments))
    if len(variants) > 1:
        picks = rng.integers(len(variants), size=n_draws)
    else:
        picks = np.zeros(n_draws, dtype=int)
    return DrawPlan(indicator_w, pillar_w, variants, picks, float(concentration))


def fit_variants(
    table: pd.DataFrame, nominal: CompositeIndex, variants: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], NormalisedTable]:
    """The reference population normalised under each variant.

    Parameters
    ----------
    table : pandas.DataFrame
        The reference population's indicator table.
    nominal : CompositeIndex
        The profile's index fitted on ``table`` (its normalised reference is reused).
    variants : sequence of (str, str)
        ``(normalisation, treatment)`` pairs.
    """
    out: dict[tuple[str, str], NormalisedTable] = {}
    for normalisation, treatment in variants:
        spec = nominal.spec.with_method(normalisation=normalisation, treatment=treatment)
        if spec.normalisation_key == nominal.spec.normalisation_key:
            out[(normalisation, treatment)] = nominal.reference_
        else:
            out[(normalisation, treatment)] = CompositeIndex(spec).fit(table).reference_
    return out
