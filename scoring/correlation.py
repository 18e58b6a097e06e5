"""The correlation structure behind the effective weights.

An indicator's effective weight is its share of the variance of the score
(:func:`scoring.sensitivity.effective_weights`): its weight times its covariance with the score.
Indicators that move together push the score the same way, so each carries the others'
variance too and weighs *more* than its nominal weight; one that runs against the others weighs
less. These correlations, on the normalised values that enter the score (direction applied:
higher = more attractive), show why.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from scoring.aggregate import aggregate
from scoring.index import CompositeIndex

MIN_PAIRS = 3


def indicator_correlations(index: CompositeIndex) -> pd.DataFrame:
    """Pearson correlation between the normalised indicators of the reference population.

    Parameters
    ----------
    index : CompositeIndex
        A fitted index; its reference population and spec are used.

    Returns
    -------
    pandas.DataFrame
        Square, indexed and labelled by indicator code in spec order; each pair on the
        residences where both are known (NaN with fewer than 3, or when one does not vary).
    """
    table = index.normalise()
    values = pd.DataFrame(table.normalised(), index=table.index, columns=list(table.codes))
    return values.corr(min_periods=MIN_PAIRS)


def score_correlations(index: CompositeIndex) -> pd.Series:
    """Pearson correlation of each normalised indicator with the score under ``index.spec``.

    Parameters
    ----------
    index : CompositeIndex
        A fitted index.

    Returns
    -------
    pandas.Series
        Indexed by indicator code; on the rated residences where the indicator is known.
    """
    table = index.normalise()
    score = pd.Series(aggregate(table, index.spec).score, index=table.index)
    values = pd.DataFrame(table.normalised(), index=table.index, columns=list(table.codes))
    rated = values[score.notna()]
    return rated.corrwith(score[score.notna()], min_periods=MIN_PAIRS).rename("score_r")


def closest_partner(correlations: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    """For each of ``codes``, the other of ``codes`` it correlates with most (in absolute value).

    Parameters
    ----------
    correlations : pandas.DataFrame
        Output of :func:`indicator_correlations`.
    codes : list of str
        The indicators considered (e.g. those with a weight).

    Returns
    -------
    pandas.DataFrame
        Indexed by code: ``partner`` (code, missing when no pair is known) and ``partner_r``.
    """
    block = correlations.loc[codes, codes].to_numpy(dtype=float, copy=True)
    np.fill_diagonal(block, np.nan)
    partners, values = [], []
    for row in block:
        if np.isnan(row).all():
            partners.append(None)
            values.append(np.nan)
            continue
        j = int(np.nanargmax(np.abs(row)))
        partners.append(codes[j])
        values.append(float(row[j]))
    return pd.DataFrame(
        {"partner": partners, "partner_r": values}, index=pd.Index(codes, name="code")
    )
