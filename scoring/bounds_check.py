"""The catalogue's plausible bounds checked against the reference population when it is fitted.

Each indicator of the catalogue carries ``bounds = [lower, upper]``, the range its values are
expected to fall in. Those bounds are what the ``goalposts`` normalisation scales between and
clips at: if many values fall outside them, the catalogue no longer describes the data and the
clipping flattens real differences. :func:`check_bounds` counts, per indicator, the reference
values below and above the bounds; an indicator with more than
:data:`BOUNDS_TOLERANCE_PCT` % of its values outside is flagged (``is_exceeded``), never silently
clipped: the *Méthode* page says so in French.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from scoring.spec import IndexSpec

BOUNDS_TOLERANCE_PCT = 5.0


def check_bounds(
    raw: np.ndarray, spec: IndexSpec, tolerance_pct: float = BOUNDS_TOLERANCE_PCT
) -> pd.DataFrame:
    """Count the reference values outside each indicator's catalogue bounds.

    Parameters
    ----------
    raw : numpy.ndarray, shape (n, k)
        Raw values of the reference population, columns in the order of ``spec.codes``.
    spec : IndexSpec
        Gives the bounds and whether each indicator is normalised between them.
    tolerance_pct : float, default 5
        Share of values outside the bounds above which the indicator is flagged.

    Returns
    -------
    pandas.DataFrame
        Indexed by indicator code: ``lower``, ``upper`` (NaN without bounds), ``n_values``
        (non-missing), ``n_below``, ``n_above``, ``outside_pct`` (of ``n_values``),
        ``is_clipped`` (normalised between the bounds, so the values outside are clipped) and
        ``is_exceeded`` (``outside_pct`` above ``tolerance_pct``).
    """
    raw = np.asarray(raw, dtype=float)
    rows = []
    for j, ind in enumerate(spec.indicators):
        column = raw[:, j]
        n_values = int(np.count_nonzero(~np.isnan(column)))
        if ind.bounds is None:
            rows.append((np.nan, np.nan, n_values, 0, 0, np.nan, False, False))
            continue
        lower, upper = ind.bounds
        n_below = int(np.count_nonzero(column < lower))
        n_above = int(np.count_nonzero(column > upper))
        outside = 100.0 * (n_below + n_above) / n_values if n_values else np.nan
        rows.append(
            (
                float(lower),
                float(upper),
                n_values,
                n_below,
                n_above,
                outside,
                spec.normalisation_of(ind.code) == "goalposts",
                bool(n_values and outside > tolerance_pct),
            )
        )
    columns = [
        "lower",
        "upper",
        "n_values",
        "n_below",
        "n_above",
        "outside_pct",
        "is_clipped",
        "is_exceeded",
    ]
    return pd.DataFrame(rows, columns=columns, index=pd.Index(list(spec.codes), name="code"))
