"""Aggregation: normalised indicators to pillar scores, pillar scores to the overall score.

- Pillar score: weighted mean of the residence's *available* normalised indicators, the weights
  renormalised over what is available (:func:`a_amean`); the geometric mean (:func:`a_gmean`)
  is computed on 1–100 (``1 + 0.99 z``) so that a zero does not collapse it, then mapped back.
- Overall score (0–100): weighted arithmetic mean of the pillar scores with the pillar weights,
  renormalised over the pillars that have at least one available indicator.
- Coverage: share of the nominal weight of the index (pillar share × share within the pillar)
  carried by the available indicators; the weight of a *withheld* value (an indicator marked
  ``withheld_when_missing``, secret statistique) leaves both sides of that share. Below the
  method's ``min_coverage`` the residence is *non cotée — données insuffisantes*: its score and
  pillar scores are NaN, never a misleading number.

Everything is a few passes over a :class:`~scoring.normalise.NormalisedTable`, so that changing
weights never re-normalises.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scoring.normalise import GEOMETRIC_SLOPE, NormalisedTable
from scoring.spec import IndexSpec, nominal_weights

# Coverage is a sum of floating shares: 0.7 computed as 0.69999999999 is still 0.7.
_COVERAGE_TOLERANCE = 1e-9
# A pillar whose remaining weight is below this share of its full weight has no indicator left.
_AVAILABILITY_TOLERANCE = 1e-12


def a_amean(values: np.ndarray, mask: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted arithmetic mean of each row over its available values.

    Parameters
    ----------
    values : numpy.ndarray, shape (n, k)
        Values, any number where missing (ignored).
    mask : numpy.ndarray, shape (n, k)
        1 where available, 0 where missing.
    weights : numpy.ndarray, shape (k,)
        Non-negative weights, renormalised over the available values of each row.

    Returns
    -------
    numpy.ndarray, shape (n,)
        NaN for rows with no available weighted value.
    """
    values = np.where(mask > 0, values, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (values @ weights) / (mask @ weights)


def a_gmean(values: np.ndarray, mask: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted geometric mean of values in [0, 100], computed on ``1 + 0.99 x`` and mapped back.

    Parameters are those of :func:`a_amean`. Equal values give that value; a 0 lowers the mean
    without collapsing it to 0.
    """
    logs = np.where(mask > 0, np.log1p(GEOMETRIC_SLOPE * np.where(mask > 0, values, 0.0)), 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_log = (logs @ weights) / (mask @ weights)
    return np.expm1(mean_log) / GEOMETRIC_SLOPE


@dataclass(frozen=True, eq=False)
class Aggregate:
    """Result of the aggregation of a normalised table.

    Attributes
    ----------
    pillars : numpy.ndarray, shape (n, p)
        Pillar scores (0–100); NaN when the pillar has no available indicator or the residence
        is not rated.
    score : numpy.ndarray, shape (n,)
        Overall score (0–100); NaN when the residence is not rated.
    coverage : numpy.ndarray, shape (n,)
        Share (0–1) of the nominal weight carried by available indicators.
    is_rated : numpy.ndarray of bool, shape (n,)
        Coverage reaches the minimum.
    pillar_share : numpy.ndarray, shape (n, p), optional
        Weight of each pillar in the residence's score (renormalised over available pillars);
        only with ``with_shares=True``.
    within_share : numpy.ndarray, shape (n, k), optional
        Weight of each indicator within its pillar (renormalised over available indicators);
        only with ``with_shares=True``.
    """

    pillars: np.ndarray
    score: np.ndarray
    coverage: np.ndarray
    is_rated: np.ndarray
    pillar_share: np.ndarray | None = None
    within_share: np.ndarray | None = None


def aggregate_arrays(
    table: NormalisedTable,
    indicator_weights: np.ndarray,
    pillar_weights: np.ndarray,
    pillar_of: np.ndarray,
    *,
    aggregation: str = "arithmetic",
    min_coverage: float = 0.7,
    with_shares: bool = False,
    withheld: np.ndarray | None = None,
) -> Aggregate:
    """Aggregate a normalised table with explicit weight arrays.

    Each indicator is read once, as a contiguous row; the availability of the indicators is
    accounted for from the positions of the missing values only. The cost is a few passes over
    the data, single-threaded, and each residence's result does not depend on the others.

    Parameters
    ----------
    table : NormalisedTable
        The normalised values and missing positions.
    indicator_weights : numpy.ndarray, shape (k,)
        Indicator weights (relative within each pillar).
    pillar_weights : numpy.ndarray, shape (p,)
        Pillar weights (relative).
    pillar_of : numpy.ndarray of int, shape (k,)
        Pillar position of each indicator.
    aggregation : {"arithmetic", "geometric"}
        Aggregation within the pillars.
    min_coverage : float
        Minimum coverage (0–1) for a residence to be rated.
    with_shares : bool, default False
        Also return the weight shares of pillars and indicators (for explanations).
    withheld : numpy.ndarray of bool, shape (k,), optional
        Indicators whose missing values are withheld: their nominal weight is taken out of the
        residence's coverage (numerator and denominator) instead of counting as missing.

    Returns
    -------
    Aggregate
    """
    n = len(table)
    weights = np.asarray(indicator_weights, dtype=float)
    pillar_w = np.asarray(pillar_weights, dtype=float)
    pillar_w = pillar_w / pillar_w.sum()
    n_pillars = len(pillar_w)
    weighted = np.flatnonzero(weights > 0)
    source = (
        table.values_by_indicator
        if aggregation == "arithmetic"
        else table.log_values_by_indicator()
    )
    numerator = np.zeros((n_pillars, n))
    full_weight = np.zeros(n_pillars)
    scratch = np.empty(n)
    for j in weighted:
        p = pillar_of[j]
        np.multiply(source[j], weights[j], out=scratch)
        numerator[p] += scratch
        full_weight[p] += weights[j]
    denominator = np.empty((n_pillars, n))
    denominator[:] = full_weight[:, None]
    nominal = nominal_weights(weights, pillar_of, pillar_w)
    coverage = np.ones(n)
    withheld_share = np.zeros(n)
    for j in weighted:
        rows = table.missing[j]
        if rows.size:
            denominator[pillar_of[j], rows] -= weights[j]
            coverage[rows] -= nominal[j]
            if withheld is not None and withheld[j]:
                withheld_share[rows] += nominal[j]
    if withheld_share.any():
        kept = 1.0 - withheld_share
        with np.errstate(invalid="ignore", divide="ignore"):
            coverage = np.where(kept > _COVERAGE_TOLERANCE, coverage / kept, 0.0)
    np.clip(coverage, 0.0, 1.0, out=coverage)
    # What is left of a pillar's weight is either 0 (give or take rounding) or at least one
    # indicator's weight.
    unavailable = denominator <= _AVAILABILITY_TOLERANCE * full_weight[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        pillars = np.divide(numerator, denominator, out=numerator)
    if aggregation == "geometric":
        np.expm1(pillars, out=pillars)
        pillars /= GEOMETRIC_SLOPE
    np.copyto(pillars, 0.0, where=unavailable)
    np.clip(pillars, 0.0, 100.0, out=pillars)
    score = np.zeros(n)
    available_weight = np.zeros(n)
    for p in np.flatnonzero(pillar_w > 0):
        np.multiply(pillars[p], pillar_w[p], out=scratch)
        score += scratch
        np.multiply(unavailable[p], -pillar_w[p], out=scratch)
        available_weight += scratch
    available_weight += pillar_w.sum()
    np.copyto(pillars, np.nan, where=unavailable)
    with np.errstate(invalid="ignore", divide="ignore"):
        score /= available_weight
    np.clip(score, 0.0, 100.0, out=score)
    is_rated = (coverage >= min_coverage - _COVERAGE_TOLERANCE) & (
        available_weight > _AVAILABILITY_TOLERANCE
    )
    not_rated = ~is_rated
    if not_rated.any():
        score[not_rated] = np.nan
        pillars[:, not_rated] = np.nan
    pillar_share = within_share = None
    if with_shares:
        with np.errstate(invalid="ignore", divide="ignore"):
            pillar_share = (~unavailable * pillar_w[:, None] / available_weight).T
            within_share = table.mask * weights / denominator.T[:, pillar_of]
        pillar_share[not_rated] = np.nan
        within_share[~np.isfinite(within_share)] = 0.0
    return Aggregate(
        pillars=pillars.T,
        score=score,
        coverage=coverage,
        is_rated=is_rated,
        pillar_share=pillar_share,
        within_share=within_share,
    )


def aggregate(table: NormalisedTable, spec: IndexSpec, *, with_shares: bool = False) -> Aggregate:
    """Aggregate a normalised table with the weights and method of ``spec``.

    Parameters
    ----------
    table : NormalisedTable
        Normalised with bounds fitted for ``spec`` (same indicators, same order).
    spec : IndexSpec
        Weights, aggregation and minimum coverage.
    with_shares : bool, default False
        Also return each indicator's weight within its pillar (for explanations).

    Returns
    -------
    Aggregate
    """
    if table.codes != spec.codes:
        raise ValueError("les indicateurs de la table normalisée ne sont pas ceux du profil.")
    return aggregate_arrays(
        table,
        spec.indicator_weights,
        spec.pillar_weights,
        spec.pillar_of,
        aggregation=spec.method.aggregation,
        min_coverage=spec.method.min_coverage,
        with_shares=with_shares,
        withheld=spec.withheld_mask,
    )
