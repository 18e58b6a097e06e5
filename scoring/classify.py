"""Classes A–E and ranks from overall scores.

- Classes by fixed thresholds (default 80 / 65 / 50 / 35: A from 80, B from 65, C from 50, D from
  35, E below), by quintiles of the reference population's scores (A = top 20 %) or by natural
  breaks (Jenks–Fisher: the five groups of scores that are as tight as possible, computed by the
  ``mapclassify`` library). A residence that is not rated gets the class ``"NC"`` (*non cotée —
  données insuffisantes*).
- Rank 1 is the most attractive residence; ties share the best rank (1, 2, 2, 4…); residences
  that are not rated have no rank.

Scores are compared after rounding to 1e-9 points so that two residences with the same values
never get different classes or ranks because of floating-point noise.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from scoring.spec import CLASSES, NOT_RATED

CLASS_CATEGORIES: tuple[str, ...] = (*CLASSES, NOT_RATED)
NOT_RATED_CODE = len(CLASSES)
_DECIMALS = 9
# Jenks–Fisher is exact and quadratic in the number of scores: beyond this many, it runs on that
# many evenly spaced quantiles of the scores (a deterministic summary of their distribution).
JENKS_MAX_VALUES = 2000


def comparable(score: np.ndarray) -> np.ndarray:
    """Scores rounded to 1e-9 points, the form in which they are compared."""
    return np.round(np.asarray(score, dtype=float), _DECIMALS)


def quantile_thresholds(reference_scores: np.ndarray) -> tuple[float, ...]:
    """Thresholds of classes A–D by quintiles of the reference scores (NaN ignored).

    Parameters
    ----------
    reference_scores : numpy.ndarray
        Scores of the reference population.

    Returns
    -------
    tuple of float
        The 80th, 60th, 40th and 20th percentiles (linear interpolation); NaN when no residence
        is rated.
    """
    rated = comparable(reference_scores)
    rated = rated[~np.isnan(rated)]
    if rated.size == 0:
        return (np.nan,) * (len(CLASSES) - 1)
    return tuple(float(q) for q in np.quantile(rated, [0.8, 0.6, 0.4, 0.2]))


def natural_breaks_thresholds(reference_scores: np.ndarray) -> tuple[float, ...]:
    """Thresholds of classes A–D by natural breaks (Jenks–Fisher) of the reference scores.

    ``mapclassify.FisherJenks`` cuts the rated scores into the five groups that minimise the
    sum of squared deviations within groups; the threshold of a class is the lowest score of its
    group, so that :func:`class_codes` (a score equal to a threshold is in the upper class) gives
    exactly ``mapclassify``'s classes. With fewer than five distinct scores, each distinct score
    is a class from A downwards and the lower classes stay empty.

    Parameters
    ----------
    reference_scores : numpy.ndarray
        Scores of the reference population (NaN ignored).

    Returns
    -------
    tuple of float
        Lower bounds of classes A, B, C and D (``-inf`` for an empty class); NaN when no
        residence is rated.
    """
    rated = comparable(reference_scores)
    rated = np.sort(rated[~np.isnan(rated)])
    n_breaks = len(CLASSES) - 1
    if rated.size == 0:
        return (np.nan,) * n_breaks
    distinct = np.unique(rated)
    if distinct.size <= len(CLASSES):
        lowest = distinct[::-1][:n_breaks]
        return tuple(float(v) for v in lowest) + (-np.inf,) * (n_breaks - lowest.size)
    sample = rated
    if rated.size > JENKS_MAX_VALUES:
        sample = np.quantile(rated, np.linspace(0.0, 1.0, JENKS_MAX_VALUES))
    upper = fisher_jenks_bins(sample, len(CLASSES))[:-1]
    # The lowest score of each upper group: the first score above the group below's upper bound.
    above = np.minimum(np.searchsorted(distinct, upper, side="right"), distinct.size - 1)
    lowest = distinct[above]
    return tuple(float(v) for v in lowest[::-1])


def fisher_jenks_bins(values: np.ndarray, k: int) -> np.ndarray:
    """Upper bounds (ascending) of the ``k`` Jenks–Fisher classes of ``values``, by mapclassify.

    ``values`` must hold at least ``k`` distinct numbers; the last bound is their maximum.
    """
    # Imported here: mapclassify compiles its Jenks–Fisher routine with numba when it is imported
    # (a few seconds), which only pages using natural breaks should pay.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        import mapclassify
        from mapclassify import classifiers

        routine = getattr(classifiers, "_fisher_jenks_means", None)
        if routine is None:
            return np.asarray(mapclassify.FisherJenks(values, k=k).bins, dtype=float)
    # The routine FisherJenks runs on the sorted values; FisherJenks itself also computes
    # summary statistics (medians, sums of squares) that would double the time of each of the
    # 1,000 draws of the class certainty. The tests check both give the same classes.
    ordered = np.sort(np.asarray(values, dtype="f8"))
    bins = np.asarray(routine(ordered, k), dtype=float)
    if np.all(np.diff(bins) >= 0) and bins[0] >= ordered[0] and bins[-1] == ordered[-1]:
        return bins
    # Sums of squares that overflow or vanish in subnormal numbers (values 1e-300 apart) give
    # unordered breaks. Jenks is invariant under an affine change of scale: cut the values
    # rescaled to [0, 1], then read each break back as the original value at its position.
    low, span = ordered[0], ordered[-1] - ordered[0]
    scaled = (ordered - low) / span
    bins = np.asarray(routine(scaled, k), dtype=float)
    positions = np.clip(np.searchsorted(scaled, bins, side="right") - 1, 0, ordered.size - 1)
    return np.maximum.accumulate(ordered[positions])


def class_thresholds(
    scores: np.ndarray, class_method: str, fixed: Sequence[float]
) -> tuple[float, ...]:
    """Thresholds of classes A–D for ``class_method`` on a population's ``scores``.

    Parameters
    ----------
    scores : numpy.ndarray
        Scores of the population the classes are relative to (NaN when not rated).
    class_method : str
        ``thresholds`` (``fixed`` as they are), ``quantiles`` or ``natural_breaks``.
    fixed : sequence of float
        The method's fixed thresholds.
    """
    if class_method == "quantiles":
        return quantile_thresholds(scores)
    if class_method == "natural_breaks":
        return natural_breaks_thresholds(scores)
    return tuple(float(t) for t in fixed)


def class_codes(score: np.ndarray, thresholds: Sequence[float]) -> np.ndarray:
    """Class of each score as a code: 0 for A … 4 for E, 5 for not rated (NaN score).

    Parameters
    ----------
    score : numpy.ndarray
        Overall scores, NaN when not rated.
    thresholds : sequence of float
        Lower bounds of classes A, B, C, D (decreasing); a score equal to a bound is in the
        upper class.
    """
    score = comparable(score)
    ascending = np.asarray(thresholds, dtype=float)[::-1]
    codes = (len(CLASSES) - 1) - np.searchsorted(ascending, score, side="right")
    codes = codes.astype(np.int8)
    codes[np.isnan(score)] = NOT_RATED_CODE
    return codes


CLASS_DTYPE = pd.CategoricalDtype(list(CLASS_CATEGORIES), ordered=True)


def class_labels(codes: np.ndarray) -> pd.Categorical:
    """Ordered categorical ``A`` … ``E``, ``NC`` from class codes."""
    return pd.Categorical.from_codes(codes, dtype=CLASS_DTYPE)


def rank_descending(score: np.ndarray) -> np.ndarray:
    """Rank of each score, 1 for the highest; ties share the best rank; 0 for NaN.

    Parameters
    ----------
    score : numpy.ndarray
        Scores, NaN when not rated.

    Returns
    -------
    numpy.ndarray of int64
        Ranks (0 marks a residence without rank).
    """
    score = comparable(score)
    ranks = np.zeros(score.shape, dtype=np.int64)
    valid = np.flatnonzero(~np.isnan(score))
    if valid.size == 0:
        return ranks
    negative = -score[valid]
    order = np.argsort(negative)
    ordered = negative[order]
    positions = np.arange(ordered.size)
    starts = np.empty(ordered.size, dtype=bool)
    starts[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=starts[1:])
    first = np.maximum.accumulate(np.where(starts, positions, 0))
    ranks[valid[order]] = first + 1
    return ranks


def sorted_reference(reference_scores: np.ndarray) -> np.ndarray:
    """The rated reference scores, negated and sorted ascending (input of :func:`rank_against`)."""
    negative = -comparable(reference_scores)
    return np.sort(negative[~np.isnan(negative)])


def rank_against(score: np.ndarray, reference_sorted: np.ndarray) -> np.ndarray:
    """Rank of each score within a reference population: 1 + number of strictly higher scores.

    Parameters
    ----------
    score : numpy.ndarray
        Scores to rank, NaN when not rated.
    reference_sorted : numpy.ndarray
        Output of :func:`sorted_reference` for the reference population's scores.

    Returns
    -------
    numpy.ndarray of int64
        Ranks (0 marks a residence without rank).
    """
    negative = -comparable(score)
    ranks = np.zeros(negative.shape, dtype=np.int64)
    valid = np.flatnonzero(~np.isnan(negative))
    if valid.size == 0:
        return ranks
    order = np.argsort(negative[valid])
    queries = negative[valid][order]
    ranks[valid[order]] = np.searchsorted(reference_sorted, queries, side="left") + 1
    return ranks


def rank_array(ranks: np.ndarray) -> pd.arrays.IntegerArray:
    """Nullable integer ranks (``<NA>`` where the rank is 0)."""
    ranks = np.asarray(ranks, dtype=np.int64)
    return pd.arrays.IntegerArray(ranks, ranks == 0)
