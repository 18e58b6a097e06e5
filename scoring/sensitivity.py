"""Sensitivity: is the ranking robust to the choice of weights (and of normalisation)?

Monte Carlo over weights: each draw takes pillar weights from a Dirichlet distribution centred on
the profile's pillar shares, and within each pillar indicator weights from a Dirichlet centred on
the profile's shares; ``concentration`` is the sum of the Dirichlet parameters (the larger, the
closer the draws stay to the profile: a share ``w`` varies with standard deviation
``sqrt(w (1 − w) / (concentration + 1))``). Zero weights stay zero. Optionally each draw also
picks a normalisation method at random among ``methods``.

For each residence: median rank, 5–95 % rank interval and share of the draws in which it keeps
the class it has under the profile. For each indicator: its *effective weight*, its share of the
variance of the score (in the spirit of the JRC/COINr effective weights): with ``c_j`` the
points brought by indicator ``j`` (see :mod:`scoring.explain`), ``score = Σ c_j`` hence
``Var(score) = Σ Cov(c_j, score)`` and the effective weight of ``j`` is
``Cov(c_j, score) / Var(score)``; they sum to 1 and may differ widely from the nominal weights
when indicators are correlated or have different spreads.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scoring.aggregate import aggregate_arrays
from scoring.classify import class_codes, quantile_thresholds, rank_descending
from scoring.explain import contribution_matrix
from scoring.index import CompositeIndex
from scoring.normalise import NormalisedTable
from scoring.spec import NORMALISATIONS, IndexSpec, SpecError

DEFAULT_DRAWS = 1000
DEFAULT_CONCENTRATION = 50.0


@dataclass(frozen=True, eq=False)
class SensitivityResult:
    """Outcome of :func:`run_sensitivity`.

    Attributes
    ----------
    residences : pandas.DataFrame
        Indexed by residence: ``score``, ``score_class`` and ``rank`` under the profile,
        ``rank_median``, ``rank_p05``, ``rank_p95`` (over the draws where the residence is
        rated), ``class_kept_pct`` (share of draws with the same class, ``NC`` included) and
        ``rated_pct`` (share of draws where it is rated).
    indicators : pandas.DataFrame
        Indexed by indicator code: ``pillar``, ``nominal_weight_pct`` (share of the score when
        nothing is missing), ``effective_weight_pct`` (share of the variance of the score under
        the profile), ``effective_weight_median_pct``, ``effective_weight_p05_pct`` and
        ``effective_weight_p95_pct`` over the draws.
    n_draws : int
    concentration : float
    methods : tuple of str
        Normalisation methods drawn (the profile's only, by default).
    """

    residences: pd.DataFrame
    indicators: pd.DataFrame
    n_draws: int
    concentration: float
    methods: tuple[str, ...]


def variance_shares(contributions: np.ndarray, score: np.ndarray) -> np.ndarray:
    """Share of the variance of ``score`` carried by each column of ``contributions``.

    Parameters
    ----------
    contributions : numpy.ndarray, shape (n, k)
        Points of each indicator; rows sum to ``score``.
    score : numpy.ndarray, shape (n,)
        Scores; rows with a NaN score are ignored.

    Returns
    -------
    numpy.ndarray, shape (k,)
        ``Cov(c_j, score) / Var(score)``; sums to 1; NaN when the score does not vary.
    """
    rated = ~np.isnan(score)
    c = contributions[rated]
    y = score[rated]
    if y.size < 2:
        return np.full(contributions.shape[1], np.nan)
    yc = y - y.mean()
    variance = yc @ yc
    if variance <= 1e-12 * max(1.0, float(y @ y)):
        return np.full(contributions.shape[1], np.nan)
    return ((c - c.mean(axis=0)).T @ yc) / variance


def effective_weights(index: CompositeIndex) -> pd.Series:
    """Effective weight of each indicator (share of the variance of the score), in %.

    Parameters
    ----------
    index : CompositeIndex
        A fitted index; its reference population and spec are used.

    Returns
    -------
    pandas.Series
        Indexed by indicator code, summing to 100.
    """
    table = index.normalise()
    spec = index.spec
    agg = aggregate_arrays(
        table,
        spec.indicator_weights,
        spec.pillar_weights,
        spec.pillar_of,
        aggregation=spec.method.aggregation,
        min_coverage=spec.method.min_coverage,
        with_shares=True,
        withheld=spec.withheld_mask,
    )
    contributions = contribution_matrix(table, agg, spec.pillar_of, spec.method.aggregation)
    shares = variance_shares(contributions, agg.score)
    return pd.Series(
        shares * 100.0, index=pd.Index(spec.codes, name="code"), name="effective_weight_pct"
    )


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


def _check_arguments(
    spec: IndexSpec, n_draws: int, concentration: float, methods: Sequence[str]
) -> None:
    problems = []
    if not isinstance(n_draws, int) or n_draws < 1:
        problems.append(f"nombre de tirages « {n_draws} » invalide, attendu un entier positif.")
    if not (isinstance(concentration, int | float) and concentration > 0):
        problems.append(
            f"concentration « {concentration} » invalide, attendu un nombre strictement positif."
        )
    unknown = [m for m in methods if m not in NORMALISATIONS]
    if unknown:
        problems.append(
            "normalisation(s) inconnue(s) : "
            + ", ".join(f"« {m} »" for m in unknown)
            + f" (attendu : {', '.join(NORMALISATIONS)})."
        )
    if problems:
        raise SpecError(problems, f"analyse de sensibilité du profil « {spec.name} »")


def run_sensitivity(
    table: pd.DataFrame,
    spec: IndexSpec,
    *,
    n_draws: int = DEFAULT_DRAWS,
    concentration: float = DEFAULT_CONCENTRATION,
    methods: Sequence[str] | None = None,
    seed: int | None = 0,
) -> SensitivityResult:
    """Monte Carlo sensitivity of the ranking to the weights (and normalisation).

    Parameters
    ----------
    table : pandas.DataFrame
        The reference population's indicator table (one row per residence, one column per
        indicator code).
    spec : IndexSpec
        The profile at the centre of the draws.
    n_draws : int, default 1000
        Number of draws.
    concentration : float, default 50
        Dirichlet concentration (larger = draws closer to the profile).
    methods : sequence of str, optional
        Normalisation methods to draw from, uniformly (indicators with a normalisation override
        keep it). By default only the profile's method.
    seed : int or None, default 0
        Seed of the random generator (None for a fresh one).

    Returns
    -------
    SensitivityResult
    """
    methods = tuple(methods) if methods else (spec.method.normalisation,)
    _check_arguments(spec, n_draws, concentration, methods)
    rng = np.random.default_rng(seed)
    nominal_index = CompositeIndex(spec).fit(table)
    nominal = nominal_index.transform()
    tables: dict[str, NormalisedTable] = {spec.method.normalisation: nominal_index.reference_}
    for method in methods:
        if method not in tables:
            refitted = CompositeIndex(spec.with_method(normalisation=method)).fit(table)
            tables[method] = refitted.reference_
    nominal_codes = np.asarray(nominal["score_class"].cat.codes, dtype=np.int8)
    indicator_w, pillar_w = draw_weights(spec, n_draws, concentration, rng)
    picks = rng.integers(len(methods), size=n_draws) if len(methods) > 1 else np.zeros(n_draws, int)
    n = len(nominal)
    ranks = np.zeros((n_draws, n))
    kept = np.zeros(n)
    rated = np.zeros(n)
    effective = np.zeros((n_draws, len(spec.codes)))
    fixed_thresholds = spec.method.class_method == "thresholds"
    for d in range(n_draws):
        normalised = tables[methods[picks[d]]]
        agg = aggregate_arrays(
            normalised,
            indicator_w[d],
            pillar_w[d],
            spec.pillar_of,
            aggregation=spec.method.aggregation,
            min_coverage=spec.method.min_coverage,
            with_shares=True,
            withheld=spec.withheld_mask,
        )
        thresholds = spec.method.thresholds if fixed_thresholds else quantile_thresholds(agg.score)
        kept += class_codes(agg.score, thresholds) == nominal_codes
        rated += agg.is_rated
        ranks[d] = rank_descending(agg.score)
        contributions = contribution_matrix(
            normalised, agg, spec.pillar_of, spec.method.aggregation
        )
        effective[d] = variance_shares(contributions, agg.score)
    ranks[ranks == 0] = np.nan
    residences = nominal[["score", "score_class", "rank"]].copy()
    with warnings.catch_warnings():
        # "All-NaN slice" for residences never rated in any draw: their statistics stay NaN.
        warnings.simplefilter("ignore", category=RuntimeWarning)
        residences["rank_median"] = np.nanmedian(ranks, axis=0)
        residences["rank_p05"] = np.nanpercentile(ranks, 5, axis=0)
        residences["rank_p95"] = np.nanpercentile(ranks, 95, axis=0)
        eff_median = np.nanmedian(effective, axis=0) * 100.0
        eff_p05 = np.nanpercentile(effective, 5, axis=0) * 100.0
        eff_p95 = np.nanpercentile(effective, 95, axis=0) * 100.0
    residences["class_kept_pct"] = kept / n_draws * 100.0
    residences["rated_pct"] = rated / n_draws * 100.0
    indicators = pd.DataFrame(
        {
            "pillar": [i.pillar for i in spec.indicators],
            "nominal_weight_pct": spec.nominal_weights * 100.0,
            "effective_weight_pct": effective_weights(nominal_index).to_numpy(),
            "effective_weight_median_pct": eff_median,
            "effective_weight_p05_pct": eff_p05,
            "effective_weight_p95_pct": eff_p95,
        },
        index=pd.Index(spec.codes, name="code"),
    )
    return SensitivityResult(
        residences=residences,
        indicators=indicators,
        n_draws=n_draws,
        concentration=float(concentration),
        methods=methods,
    )
