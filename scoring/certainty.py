"""How sure is a residence's class: its probability and its range over the uncertainty draws.

A class says little if a slightly different, equally defensible cotation would give another
one. :func:`class_certainty` replays the cotation on the draws of :mod:`scoring.draws` (weights
around the profile's, normalisation, treatment of extreme values) and, in each draw, cuts the
classes with the profile's class method on that draw's scores (fixed thresholds as they are,
quintiles and natural breaks recomputed). For each residence:

- ``class_probability_pct``: share of the draws that give it its class under the profile
  (« classe B, sûre à 83 % »); a residence far from every threshold keeps its class in every
  draw (100 %), one sitting on a threshold about half the time;
- ``class_best`` and ``class_worst``: the range of its class over the central 90 % of the draws
  where it is rated (the classes reached in fewer than 5 % of them at either end are left out);
- ``share_A`` … ``share_E``, ``share_NC``: the share of the draws in each class.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scoring.aggregate import aggregate_arrays
from scoring.classify import CLASS_CATEGORIES, class_codes, class_thresholds
from scoring.draws import (
    DEFAULT_CONCENTRATION,
    DEFAULT_DRAWS,
    UNCERTAIN_TREATMENTS,
    DrawPlan,
    fit_variants,
    plan_draws,
    uncertainty_normalisations,
)
from scoring.index import CompositeIndex
from scoring.normalise import NormalisedTable
from scoring.spec import CLASSES, IndexSpec

# The range of a class leaves out what fewer than this share of the draws give at either end.
RANGE_TAIL = 0.05


@dataclass(frozen=True, eq=False)
class ClassCertainty:
    """Outcome of :func:`class_certainty`.

    Attributes
    ----------
    residences : pandas.DataFrame
        Indexed by residence: ``score_class`` (under the profile, ``A``…``E`` or ``NC``),
        ``class_probability_pct``, ``class_best``, ``class_worst`` (``NC`` when never rated),
        ``rated_pct`` and ``share_A`` … ``share_E``, ``share_NC`` (% of the draws).
    n_draws : int
    concentration : float
    normalisations, treatments : tuple of str
        What the draws picked from.
    """

    residences: pd.DataFrame
    n_draws: int
    concentration: float
    normalisations: tuple[str, ...]
    treatments: tuple[str, ...]


def draw_class_codes(
    normalised: NormalisedTable,
    spec: IndexSpec,
    indicator_weights: np.ndarray,
    pillar_weights: np.ndarray,
    *,
    with_shares: bool = False,
):
    """Aggregate one draw and cut its classes with ``spec``'s class method on its own scores.

    Returns
    -------
    agg : scoring.aggregate.Aggregate
        The draw's scores.
    codes : numpy.ndarray of int8
        Class code of each residence (0 for A … 4 for E, 5 when not rated).
    """
    method = spec.method
    agg = aggregate_arrays(
        normalised,
        indicator_weights,
        pillar_weights,
        spec.pillar_of,
        aggregation=method.aggregation,
        min_coverage=method.min_coverage,
        with_shares=with_shares,
    )
    thresholds = class_thresholds(agg.score, method.class_method, method.thresholds)
    return agg, class_codes(agg.score, thresholds)


def class_range(counts: np.ndarray, tail: float = RANGE_TAIL) -> tuple[np.ndarray, np.ndarray]:
    """Best and worst class of each residence over the central draws where it is rated.

    Parameters
    ----------
    counts : numpy.ndarray of int, shape (6, n)
        Draws in each class (``A``…``E``, then not rated) per residence.
    tail : float, default 0.05
        Share of the rated draws left out at each end.

    Returns
    -------
    best, worst : numpy.ndarray of int
        Class codes (5, not rated, when the residence is never rated).
    """
    rated = counts[: len(CLASSES)]
    total = rated.sum(axis=0)
    cumulative = np.cumsum(rated, axis=0)
    never = total == 0
    best = np.argmax((cumulative >= tail * total) & (cumulative > 0), axis=0)
    worst = np.argmax(cumulative >= (1.0 - tail) * total, axis=0)
    best[never] = worst[never] = len(CLASSES)
    return best, worst


def certainty_frame(
    counts: np.ndarray, nominal_codes: np.ndarray, index: pd.Index, n_draws: int
) -> pd.DataFrame:
    """The per-residence table of :class:`ClassCertainty` from the class counts of the draws."""
    n = counts.shape[1]
    shares = counts / n_draws * 100.0
    best, worst = class_range(counts)
    labels = np.asarray(CLASS_CATEGORIES, dtype=object)
    frame = pd.DataFrame(
        {
            "score_class": labels[nominal_codes],
            "class_probability_pct": shares[nominal_codes, np.arange(n)],
            "class_best": labels[best],
            "class_worst": labels[worst],
            "rated_pct": shares[: len(CLASSES)].sum(axis=0),
        },
        index=index,
    )
    for code, label in enumerate(CLASS_CATEGORIES):
        frame[f"share_{label}"] = shares[code]
    return frame


def tally_classes(
    plan: DrawPlan, tables: dict[tuple[str, str], NormalisedTable], spec: IndexSpec
) -> np.ndarray:
    """Draws in each class per residence, shape ``(6, n)``."""
    n = len(next(iter(tables.values())))
    counts = np.zeros((len(CLASS_CATEGORIES), n), dtype=np.int64)
    positions = np.arange(n)
    for d in range(plan.n_draws):
        normalised = tables[plan.variants[plan.picks[d]]]
        _, codes = draw_class_codes(
            normalised, spec, plan.indicator_weights[d], plan.pillar_weights[d]
        )
        counts[codes, positions] += 1
    return counts


def class_certainty(
    table: pd.DataFrame,
    spec: IndexSpec,
    *,
    n_draws: int = DEFAULT_DRAWS,
    concentration: float = DEFAULT_CONCENTRATION,
    normalisations: Sequence[str] | None = None,
    treatments: Sequence[str] | None = None,
    seed: int | None = 0,
    index: CompositeIndex | None = None,
) -> ClassCertainty:
    """Probability and range of each residence's class over the uncertainty draws.

    Parameters
    ----------
    table : pandas.DataFrame
        The reference population's indicator table.
    spec : IndexSpec
        The profile (weights, method) whose classes are assessed.
    n_draws : int, default 1000
        Number of draws.
    concentration : float, default 50
        Dirichlet concentration of the weights (larger = draws closer to the profile).
    normalisations : sequence of str, optional
        Normalisations drawn from; by default :func:`scoring.draws.uncertainty_normalisations`.
    treatments : sequence of str, optional
        Treatments drawn from; by default with and without (``winsorise``, ``none``).
    seed : int or None, default 0
        Seed of the draws.
    index : CompositeIndex, optional
        ``spec``'s index already fitted on ``table`` (fitted here otherwise).

    Returns
    -------
    ClassCertainty
    """
    normalisations = tuple(normalisations or uncertainty_normalisations(spec))
    treatments = tuple(treatments or UNCERTAIN_TREATMENTS)
    plan = plan_draws(
        spec,
        n_draws=n_draws,
        concentration=concentration,
        normalisations=normalisations,
        treatments=treatments,
        seed=seed,
    )
    nominal = index.reweight(spec) if index is not None else CompositeIndex(spec).fit(table)
    nominal_codes = np.asarray(nominal.transform()["score_class"].cat.codes, dtype=np.intp)
    counts = tally_classes(plan, fit_variants(table, nominal, plan.variants), spec)
    return ClassCertainty(
        residences=certainty_frame(counts, nominal_codes, nominal.reference_.index, plan.n_draws),
        n_draws=plan.n_draws,
        concentration=plan.concentration,
        normalisations=plan.normalisations,
        treatments=plan.treatments,
    )
