"""Classed legends for choropleth maps: quantile and natural-breaks (Fisher-Jenks) classes.

A map legend needs class bounds, a class per value and a French label per class. The breaks are
computed on the values actually mapped; missing values get no class (shown hatched or grey and
labelled « non disponible » by the map).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from scoring.classify import fisher_jenks_bins

METHODS = {"quantiles": "quantiles", "natural_breaks": "seuils naturels (Jenks)"}


@dataclass(frozen=True)
class Classification:
    """Class bounds of a mapped indicator.

    Attributes
    ----------
    method : str
        ``"quantiles"`` or ``"natural_breaks"``.
    bounds : tuple of float
        ``k + 1`` increasing bounds; class ``i`` holds values in ``[bounds[i], bounds[i + 1]]``
        (the first class is closed on the left, the others open on the left).
    """

    method: str
    bounds: tuple[float, ...]

    @property
    def n_classes(self) -> int:
        """Number of classes."""
        return len(self.bounds) - 1

    @property
    def method_label(self) -> str:
        """French name of the classification method."""
        return METHODS[self.method]

    def classify(self, values: pd.Series) -> pd.Series:
        """Return the class index (0 = lowest) of each value, ``<NA>`` where it is missing."""
        arr = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
        inner = np.asarray(self.bounds[1:-1], dtype=float)
        idx = np.searchsorted(inner, arr, side="left").astype(float)
        idx[np.isnan(arr)] = np.nan
        return pd.Series(idx, index=values.index).astype("Int64")


def quantile_breaks(values: pd.Series, k: int = 5) -> Classification:
    """Classes holding (about) the same number of territories each.

    Duplicate bounds (many equal values) are merged, so fewer than ``k`` classes may result.
    """
    arr = _valid(values)
    bounds = np.unique(np.quantile(arr, np.linspace(0, 1, k + 1)))
    if bounds.size == 1:
        bounds = np.array([bounds[0], bounds[0]])
    return Classification("quantiles", tuple(float(b) for b in bounds))


def natural_breaks(values: pd.Series, k: int = 5) -> Classification:
    """Fisher-Jenks optimal classes: minimise the within-class sum of squared deviations.

    Computed by the ``mapclassify`` library (:func:`scoring.classify.fisher_jenks_bins`), as the
    cotation's natural-break classes; fewer classes when there are fewer distinct values.
    """
    arr = np.sort(_valid(values))
    k = max(1, min(k, np.unique(arr).size))
    if k == 1:
        return Classification("natural_breaks", (float(arr[0]), float(arr[-1])))
    bins = fisher_jenks_bins(arr, k)
    return Classification("natural_breaks", (float(arr[0]), *(float(b) for b in bins)))


def classify_values(values: pd.Series, method: str = "quantiles", k: int = 5) -> Classification:
    """Compute the classes of ``values`` with ``method`` (``quantiles`` or ``natural_breaks``)."""
    if method not in METHODS:
        raise ValueError(
            f"méthode de classement inconnue : {method!r}, attendu : {', '.join(METHODS)}"
        )
    if _valid(values).size == 0:
        return Classification(method, (0.0, 0.0))
    return quantile_breaks(values, k) if method == "quantiles" else natural_breaks(values, k)


def _valid(values: pd.Series) -> np.ndarray:
    arr = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float)
    return arr[~np.isnan(arr)]
