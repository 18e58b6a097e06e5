"""Sensitivity: is the ranking robust to the choice of weights (and of normalisation)?

Monte Carlo over weights (:mod:`scoring.draws`): each draw takes pillar and indicator weights
from Dirichlet distributions centred on the profile's shares. Optionally each draw also picks a
normalisation among ``methods`` and a treatment of extreme values among ``treatments``. The
classes of each draw are cut with the profile's class method on that draw's scores.

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
from scoring.certainty import certainty_frame, draw_class_codes
from scoring.classify import CLASS_CATEGORIES, rank_descending
from scoring.draws import (
    DEFAULT_CONCENTRATION,
    DEFAULT_DRAWS,
    draw_weights,
    fit_variants,
    plan_draws,
)
from scoring.explain import contribution_matrix
from scoring.index import CompositeIndex
from scoring.spec import IndexSpec

__all__ = [
    "DEFAULT_CONCENTRATION",
    "DEFAULT_DRAWS",
    "SensitivityResult",
    "draw_weights",
    "effective_weights",
    "run_sensitivity",
    "variance_shares",
]


@dataclass(frozen=True, eq=False)
class SensitivityResult:
    """Outcome of :func:`run_sensitivity`.

    Attributes
    ----------
    residences : pandas.DataFrame
        Indexed by residence: ``score``, ``score_class`` and ``rank`` under the profile,
        ``rank_median``, ``rank_p05``, ``rank_p95`` (over the draws where the residence is
        rated), ``class_kept_pct`` (share of draws with the same class, ``NC`` included),
        ``rated_pct`` (share of draws where it is rated), ``class_best`` and ``class_worst``
        (range of the class over the central 90 % of the draws where it is rated, see
        :mod:`scoring.certainty`).
    indicators : pandas.DataFrame
        Indexed by indicator code: ``pillar``, ``nominal_weight_pct`` (share of the score when
        nothing is missing), ``effective_weight_pct`` (share of the variance of the score under
        the profile), ``effective_weight_median_pct``, ``effective_weight_p05_pct`` and
        ``effective_weight_p95_pct`` over the draws.
    n_draws : int
    concentration : float
    methods : tuple of str
        Normalisation methods drawn (the profile's only, by default).
    treatments : tuple of str
        Treatments of extreme values drawn (the profile's only, by default).
    """

    residences: pd.DataFrame
    indicators: pd.DataFrame
    n_draws: int
    concentration: float
    methods: tuple[str, ...]
    treatments: tuple[str, ...] = ()


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
    )
    contributions = contribution_matrix(table, agg, spec.pillar_of, spec.method.aggregation)
    shares = variance_shares(contributions, agg.score)
    return pd.Series(
        shares * 100.0, index=pd.Index(spec.codes, name="code"), name="effective_weight_pct"
    )


def run_sensitivity(
    table: pd.DataFrame,
    spec: IndexSpec,
    *,
    n_draws: int = DEFAULT_DRAWS,
    concentration: float = DEFAULT_CONCENTRATION,
    methods: Sequence[str] | None = None,
    treatments: Sequence[str] | None = None,
    seed: int | None = 0,
) -> SensitivityResult:
    """Monte Carlo sensitivity of the ranking to the weights (and normalisation, treatment).

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
    treatments : sequence of str, optional
        Treatments of extreme values to draw from (``winsorise``, ``none``). By default only the
        profile's.
    seed : int or None, default 0
        Seed of the random generator (None for a fresh one). The same seed and choices give the
        same draws as :func:`scoring.certainty.class_certainty`.

    Returns
    -------
    SensitivityResult
    """
    plan = plan_draws(
        spec,
        n_draws=n_draws,
        concentration=concentration,
        normalisations=methods,
        treatments=treatments,
        seed=seed,
    )
    nominal_index = CompositeIndex(spec).fit(table)
    nominal = nominal_index.transform()
    tables = fit_variants(table, nominal_index, plan.variants)
    nominal_codes = np.asarray(nominal["score_class"].cat.codes, dtype=np.intp)
    n = len(nominal)
    ranks = np.zeros((n_draws, n))
    counts = np.zeros((len(CLASS_CATEGORIES), n), dtype=np.int64)
    positions = np.arange(n)
    effective = np.zeros((n_draws, len(spec.codes)))
    for d in range(n_draws):
        normalised = tables[plan.variants[plan.picks[d]]]
        agg, codes = draw_class_codes(
            normalised,
            spec,
            plan.indicator_weights[d],
            plan.pillar_weights[d],
            with_shares=True,
        )
        counts[codes, positions] += 1
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
    certainty = certainty_frame(counts, nominal_codes, nominal.index, n_draws)
    residences["class_kept_pct"] = certainty["class_probability_pct"]
    residences["rated_pct"] = certainty["rated_pct"]
    residences["class_best"] = certainty["class_best"]
    residences["class_worst"] = certainty["class_worst"]
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
        methods=plan.normalisations,
        treatments=plan.treatments,
    )
