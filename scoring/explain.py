"""Explanations: each indicator's and each pillar's contribution to the score, in points.

For a rated residence the score decomposes exactly:

- arithmetic aggregation: indicator ``j`` of pillar ``p`` contributes
  ``pillar share × share of j within p × normalised value`` (shares renormalised over what is
  available for that residence); a pillar contributes ``pillar share × pillar score``;
- geometric aggregation: each pillar's points (``pillar share × pillar score``) are split between
  its indicators in proportion to their weighted logarithms ``w · log(1 + 0.99 z)``.

In both cases the indicator contributions sum to the pillar contributions, which sum to the score.

The *impact* of an indicator is its contribution minus what it would bring at the middle of the
scale (``weight share × 50``): positive when it pulls the score up. Impacts sum to
``score − 50``. The three strongest indicators of a residence are its three largest impacts, the
three weakest its three smallest (among available indicators with a non-zero weight).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from scoring.aggregate import Aggregate
from scoring.classify import class_labels
from scoring.normalise import NormalisedTable
from scoring.spec import IndexSpec

N_HIGHLIGHTS = 3
_MIDPOINT = 50.0


@dataclass(frozen=True, eq=False)
class Explanation:
    """How each residence's score is made.

    Attributes
    ----------
    indicators : pandas.DataFrame
        One row per residence and indicator: ``residence_id``, ``pillar``, ``code``, ``value``
        (raw), ``normalised`` (0–100, 100 = most attractive, NaN when missing), ``weight_pct``
        (share of the residence's score carried by the indicator), ``contribution_pts`` and
        ``impact_pts``.
    pillars : pandas.DataFrame
        One row per residence and pillar: ``residence_id``, ``pillar``, ``pillar_score``,
        ``weight_pct`` and ``contribution_pts``.
    summary : pandas.DataFrame
        Indexed by residence: ``score``, ``score_class``, ``coverage_pct``, ``strongest_1`` …
        ``strongest_3`` and ``weakest_1`` … ``weakest_3`` (indicator codes, missing when fewer
        indicators are available or the residence is not rated).
    """

    indicators: pd.DataFrame
    pillars: pd.DataFrame
    summary: pd.DataFrame


def contribution_matrix(
    table: NormalisedTable, agg: Aggregate, pillar_of: np.ndarray, aggregation: str
) -> np.ndarray:
    """Points brought by each indicator to each residence's score.

    Parameters
    ----------
    table : NormalisedTable
        The normalised values.
    agg : Aggregate
        Its aggregation, computed with ``with_shares=True``.
    pillar_of : numpy.ndarray of int, shape (k,)
        Pillar position of each indicator.
    aggregation : {"arithmetic", "geometric"}
        The aggregation used within the pillars.

    Returns
    -------
    numpy.ndarray, shape (n, k)
        Contributions; each row sums to the score; NaN rows for residences not rated; 0 for
        missing indicators.
    """
    if agg.within_share is None:
        raise ValueError("agrégation calculée sans les parts des indicateurs (with_shares).")
    share = agg.pillar_share[:, pillar_of]
    if aggregation == "arithmetic":
        return share * agg.within_share * table.values
    weighted_logs = agg.within_share * table.log_values()
    per_pillar = np.zeros((len(table), agg.pillars.shape[1]))
    for p in range(agg.pillars.shape[1]):
        per_pillar[:, p] = weighted_logs[:, pillar_of == p].sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        split = np.where(
            per_pillar[:, pillar_of] > 0, weighted_logs / per_pillar[:, pillar_of], 0.0
        )
    pillar_points = np.nan_to_num(agg.pillars)[:, pillar_of]
    return share * pillar_points * split


def _highlights(impact: np.ndarray, eligible: np.ndarray, codes: np.ndarray) -> dict:
    n = impact.shape[0]
    # Rounded so that equal impacts (up to floating noise) keep the catalogue order.
    impact = np.round(impact, 9)
    high = np.where(eligible, impact, -np.inf)
    low = np.where(eligible, impact, np.inf)
    order_high = np.argsort(-high, axis=1, kind="stable")[:, :N_HIGHLIGHTS]
    order_low = np.argsort(low, axis=1, kind="stable")[:, :N_HIGHLIGHTS]
    out: dict[str, np.ndarray] = {}
    rows = np.arange(n)[:, None]
    for name, order, values in (
        ("strongest", order_high, high),
        ("weakest", order_low, low),
    ):
        picked = codes[order]
        picked[~np.isfinite(values[rows, order])] = None
        for r in range(N_HIGHLIGHTS):
            out[f"{name}_{r + 1}"] = (
                picked[:, r] if r < picked.shape[1] else np.full(n, None, dtype=object)
            )
    return out


@lru_cache(maxsize=64)
def _categories(codes: tuple[str, ...]) -> pd.CategoricalDtype:
    return pd.CategoricalDtype(list(codes))


def _categorical(positions: np.ndarray, codes: tuple[str, ...]) -> pd.Categorical:
    return pd.Categorical.from_codes(positions, dtype=_categories(codes))


def explain_table(
    table: NormalisedTable, spec: IndexSpec, agg: Aggregate, class_codes: np.ndarray
) -> Explanation:
    """Build the :class:`Explanation` of a scored table.

    Parameters
    ----------
    table : NormalisedTable
        The normalised values (rows = residences).
    spec : IndexSpec
        The spec the table was aggregated with.
    agg : Aggregate
        The aggregation of ``table`` under ``spec``, computed with ``with_shares=True``.
    class_codes : numpy.ndarray
        Class codes of the residences (see :func:`scoring.classify.class_codes`).
    """
    n, k = table.values.shape
    n_pillars = len(spec.pillars)
    pillar_of = spec.pillar_of
    contributions = contribution_matrix(table, agg, pillar_of, spec.method.aggregation)
    weight = agg.pillar_share[:, pillar_of] * agg.within_share
    impact = contributions - weight * _MIDPOINT
    ids = table.index.to_numpy()
    ids_long = np.repeat(ids, k)
    indicator_frame = pd.DataFrame(
        {
            "residence_id": ids_long,
            "pillar": _categorical(np.tile(pillar_of, n), spec.pillar_codes),
            "code": _categorical(np.tile(np.arange(k), n), spec.codes),
            "value": table.raw.ravel(),
            "normalised": table.normalised().ravel(),
            "weight_pct": (weight * 100.0).ravel(),
            "contribution_pts": contributions.ravel(),
            "impact_pts": impact.ravel(),
        },
        copy=False,
    )
    pillar_scores = agg.pillars
    pillar_points = agg.pillar_share * np.nan_to_num(pillar_scores)
    pillar_frame = pd.DataFrame(
        {
            "residence_id": np.repeat(ids, n_pillars),
            "pillar": _categorical(np.tile(np.arange(n_pillars), n), spec.pillar_codes),
            "pillar_score": pillar_scores.ravel(),
            "weight_pct": (agg.pillar_share * 100.0).ravel(),
            "contribution_pts": pillar_points.ravel(),
        },
        copy=False,
    )
    eligible = (weight > 0) & agg.is_rated[:, None]
    summary = {
        "score": agg.score,
        "score_class": class_labels(class_codes),
        "coverage_pct": agg.coverage * 100.0,
        **_highlights(impact, eligible, np.array(spec.codes, dtype=object)),
    }
    summary_frame = pd.DataFrame(summary, index=table.index, copy=False)
    return Explanation(indicators=indicator_frame, pillars=pillar_frame, summary=summary_frame)
