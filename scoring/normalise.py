"""Normalisation: raw indicator values to a common 0–100 scale, fitted on a reference population.

Small building blocks, one per method, in the spirit of COINr's ``n_*`` functions:

- :func:`n_minmax` — ``100 · (x − min) / (max − min)``;
- :func:`n_rank` — percentile rank, ``100 · (rank − 1) / (n − 1)`` with ties at their mean rank;
- :func:`n_zscore` — ``50 + 50 · z / span``: the mean maps to 50 and ``span`` standard
  deviations to each end of the scale;
- :func:`n_goalposts` — ``100 · (x − lower) / (upper − lower)`` with the catalogue's fixed bounds.

Every result is clipped to [0, 100] (values of a new table can fall outside the reference range)
and missing values stay missing. A constant indicator (max = min, or zero standard deviation)
carries no information and normalises to 50 for every residence. Direction −1 is applied
afterwards as ``100 − x``.

The bounds are *fitted* once on the reference population (all residences of the territory) by
:func:`fit_normalisation`; :meth:`FittedNormalisation.apply` then normalises any table with
those bounds, so that filtering a map never rescales the scores. Min–max, z-score and goalposts
are affine maps and are applied to the whole matrix at once.

When the method treats extreme values (:mod:`scoring.treatment`), the treatment is fitted first
on the same reference population, and the bounds are fitted on the treated values: a winsorised
indicator is scaled between its winsorised extremes, a log-transformed one on the log scale. The
treatment is applied again, with the reference's parameters, to every table normalised later.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scoring.spec import NORMALISATIONS, IndexSpec
from scoring.treatment import FittedTreatment, fit_treatment

_AFFINE = ("minmax", "zscore", "goalposts")


def n_minmax(x: np.ndarray, lower: float, upper: float) -> np.ndarray:
    """Min–max normalisation to 0–100 between ``lower`` and ``upper`` (clipped).

    Parameters
    ----------
    x : numpy.ndarray
        Raw values (NaN for missing).
    lower, upper : float
        Minimum and maximum of the reference population.

    Returns
    -------
    numpy.ndarray
        Values in [0, 100]; 50 everywhere when ``upper == lower``; NaN where ``x`` is NaN.
    """
    return _affine(np.asarray(x, dtype=float), *_minmax_affine(lower, upper))


def n_goalposts(x: np.ndarray, lower: float, upper: float) -> np.ndarray:
    """Goalposts normalisation: min–max with fixed bounds from the catalogue, clipped to 0–100."""
    return n_minmax(x, lower, upper)


def n_zscore(x: np.ndarray, mean: float, std: float, span: float = 3.0) -> np.ndarray:
    """Z-score mapped to 0–100: ``50 + 50 · (x − mean) / (span · std)``, clipped.

    Parameters
    ----------
    x : numpy.ndarray
        Raw values (NaN for missing).
    mean, std : float
        Mean and (population) standard deviation of the reference population.
    span : float, default 3.0
        Number of standard deviations mapped to each end of the scale.
    """
    return _affine(np.asarray(x, dtype=float), *_zscore_affine(mean, std, span))


def n_rank(x: np.ndarray, reference_sorted: np.ndarray) -> np.ndarray:
    """Percentile rank of ``x`` in the reference population, 0–100.

    The smallest reference value gets 0, the largest 100, ties their mean rank:
    ``100 · (n_below + n_below_or_equal − 1) / (2 (n − 1))``. A value absent from the
    reference falls half-way between its neighbours' ranks (clipped to 0–100).

    Parameters
    ----------
    x : numpy.ndarray
        Raw values (NaN for missing).
    reference_sorted : numpy.ndarray
        The non-missing reference values, sorted ascending.
    """
    x = np.asarray(x, dtype=float)
    ref = np.asarray(reference_sorted, dtype=float)
    out = np.full(x.shape, np.nan)
    present = ~np.isnan(x)
    if ref.size == 0:
        return out
    if ref.size == 1:
        out[present] = 50.0
        return out
    values = x[present]
    below = np.searchsorted(ref, values, side="left")
    below_or_equal = np.searchsorted(ref, values, side="right")
    ranks = 100.0 * (below + below_or_equal - 1) / (2.0 * (ref.size - 1))
    out[present] = np.clip(ranks, 0.0, 100.0)
    return out


# Affine normalisations are stored as (centre, scale, base): z = (x − centre) · scale + base.
_CONSTANT = (0.0, 0.0, 50.0)
_UNAVAILABLE = (np.nan, np.nan, np.nan)


def _minmax_affine(lower: float, upper: float) -> tuple[float, float, float]:
    if np.isnan(lower) or np.isnan(upper):
        return _UNAVAILABLE
    if upper <= lower:
        return _CONSTANT
    with np.errstate(over="ignore", divide="ignore"):
        scale = np.float64(100.0) / (np.float64(upper) - np.float64(lower))
    if not np.isfinite(scale):
        return _CONSTANT
    return lower, scale, 0.0


def _zscore_affine(mean: float, std: float, span: float) -> tuple[float, float, float]:
    if np.isnan(mean) or np.isnan(std):
        return _UNAVAILABLE
    if std <= 0:
        return _CONSTANT
    with np.errstate(over="ignore", divide="ignore"):
        scale = np.float64(50.0) / (np.float64(span) * np.float64(std))
    if not np.isfinite(scale):
        return _CONSTANT
    return mean, scale, 50.0


def _affine(x: np.ndarray, centre: float, scale: float, base: float) -> np.ndarray:
    out = x - centre
    out *= scale
    out += base
    return np.clip(out, 0.0, 100.0, out=out)


@dataclass(frozen=True, eq=False)
class FittedNormalisation:
    """Normalisation bounds fitted on a reference population.

    Attributes
    ----------
    codes : tuple of str
        Indicator codes (columns of the matrices).
    methods : tuple of str
        Normalisation of each indicator.
    directions : numpy.ndarray
        +1 or −1 per indicator.
    lower, upper : numpy.ndarray
        Min and max of the (treated) reference (``minmax``) or fixed bounds (``goalposts``); NaN
        otherwise.
    mean, std : numpy.ndarray
        Mean and population standard deviation of the (treated) reference (``zscore``); NaN
        otherwise.
    centre, scale, base : numpy.ndarray
        The affine map ``z = clip((x − centre) · scale + base, 0, 100)`` of each affine
        indicator, direction included; NaN for ``rank`` indicators.
    reference_sorted : tuple of numpy.ndarray
        Sorted non-missing reference values of each ``rank`` indicator (empty otherwise).
    n_available : numpy.ndarray
        Number of non-missing reference values per indicator.
    zscore_span : float
        Standard deviations mapped to each end of the scale by ``zscore``.
    treatment : FittedTreatment
        The treatment of extreme values applied before the affine map or the rank.
    """

    codes: tuple[str, ...]
    methods: tuple[str, ...]
    directions: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    mean: np.ndarray
    std: np.ndarray
    centre: np.ndarray
    scale: np.ndarray
    base: np.ndarray
    reference_sorted: tuple[np.ndarray, ...]
    n_available: np.ndarray
    zscore_span: float
    treatment: FittedTreatment

    def apply(self, raw: np.ndarray) -> np.ndarray:
        """Normalise a raw matrix with the fitted bounds.

        Parameters
        ----------
        raw : numpy.ndarray, shape (n, k)
            Raw values, columns in the order of :attr:`codes`, NaN for missing.

        Returns
        -------
        numpy.ndarray, shape (n, k)
            Normalised values in [0, 100], direction applied (100 = most attractive), NaN for
            missing.
        """
        return self.apply_by_indicator(raw).T

    def apply_by_indicator(self, raw: np.ndarray) -> np.ndarray:
        """Like :meth:`apply`, but laid out one row per indicator: shape ``(k, n)``.

        Each indicator's values are contiguous, which is how the aggregation reads them.
        """
        raw = np.asarray(raw, dtype=float)
        k = len(self.codes)
        if raw.ndim != 2 or raw.shape[1] != k:
            raise ValueError(f"matrice d'indicateurs de forme {raw.shape} : attendu {k} colonnes.")
        out = np.empty((k, raw.shape[0]))
        np.subtract(raw.T, self.centre[:, None], out=out)
        out *= self.scale[:, None]
        out += self.base[:, None]
        np.clip(out, 0.0, 100.0, out=out)
        treated = set(self.treatment.treated)
        for j, method in enumerate(self.methods):
            if method == "rank":
                column = self.treatment.apply_column(j, raw[:, j])
                z = n_rank(column, self.reference_sorted[j])
                out[j] = 100.0 - z if self.directions[j] < 0 else z
            elif j in treated:
                column = self.treatment.apply_column(j, raw[:, j])
                out[j] = _affine(column, self.centre[j], self.scale[j], self.base[j])
        return out

    def table(self) -> pd.DataFrame:
        """The fitted bounds as a table indexed by indicator code (for the *Méthode* page).

        ``normalisation``, ``direction``, ``lower``, ``upper``, ``mean``, ``std`` (on the treated
        scale), ``n_available``, then the treatment's columns (see
        :meth:`scoring.treatment.FittedTreatment.table`: ``treatment``, ``n_winsorised``,
        ``skew_before``, ``kurtosis_before``, ``skew_after``, ``kurtosis_after``…).
        """
        bounds = pd.DataFrame(
            {
                "normalisation": list(self.methods),
                "direction": self.directions.astype(int),
                "lower": self.lower,
                "upper": self.upper,
                "mean": self.mean,
                "std": self.std,
                "n_available": self.n_available,
            },
            index=pd.Index(list(self.codes), name="code"),
        )
        return bounds.join(self.treatment.table())


def fit_normalisation(raw: np.ndarray, spec: IndexSpec) -> FittedNormalisation:
    """Fit the treatment and the normalisation of every indicator of ``spec`` on a reference
    matrix.

    Parameters
    ----------
    raw : numpy.ndarray, shape (n, k)
        Raw values of the reference population, columns in the order of ``spec.codes``.
    spec : IndexSpec
        Gives each indicator's normalisation (override or method), bounds and direction, and the
        treatment of extreme values (:func:`scoring.treatment.fit_treatment`).

    Returns
    -------
    FittedNormalisation
    """
    raw = np.asarray(raw, dtype=float)
    k = len(spec.codes)
    if raw.ndim != 2 or raw.shape[1] != k:
        raise ValueError(f"matrice d'indicateurs de forme {raw.shape} : attendu {k} colonnes.")
    methods = tuple(spec.normalisation_of(c) for c in spec.codes)
    unknown = sorted(set(methods) - set(NORMALISATIONS))
    if unknown:
        raise ValueError(f"normalisation inconnue : {', '.join(unknown)}.")
    treatment = fit_treatment(raw, spec)
    treated = set(treatment.treated)
    present = ~np.isnan(raw)
    n_available = present.sum(axis=0)
    lower = np.full(k, np.nan)
    upper = np.full(k, np.nan)
    mean = np.full(k, np.nan)
    std = np.full(k, np.nan)
    affine = np.full((3, k), np.nan)
    sorted_values: list[np.ndarray] = [np.empty(0)] * k
    span = float(spec.method.zscore_span)
    for j, (ind, method) in enumerate(zip(spec.indicators, methods, strict=True)):
        column = treatment.apply_column(j, raw[:, j]) if j in treated else raw[:, j]
        has_values = n_available[j] > 0
        if method == "minmax" and has_values:
            lower[j], upper[j] = np.nanmin(column), np.nanmax(column)
            affine[:, j] = _minmax_affine(lower[j], upper[j])
        elif method == "goalposts":
            lower[j], upper[j] = ind.bounds  # type: ignore[misc]
            affine[:, j] = _minmax_affine(lower[j], upper[j])
        elif method == "zscore" and has_values:
            mean[j], std[j] = np.nanmean(column), np.nanstd(column)
            affine[:, j] = _zscore_affine(mean[j], std[j], span)
        elif method == "rank":
            sorted_values[j] = np.sort(column[present[:, j]])
        if method in _AFFINE and ind.direction < 0 and not np.isnan(affine[1, j]):
            affine[1, j], affine[2, j] = -affine[1, j], 100.0 - affine[2, j]
    centre, scale, base = (np.ascontiguousarray(row) for row in affine)
    for array in (lower, upper, mean, std, centre, scale, base, n_available):
        array.setflags(write=False)
    for array in sorted_values:
        array.setflags(write=False)
    directions = spec.directions.copy()
    directions.setflags(write=False)
    return FittedNormalisation(
        codes=spec.codes,
        methods=methods,
        directions=directions,
        lower=lower,
        upper=upper,
        mean=mean,
        std=std,
        centre=centre,
        scale=scale,
        base=base,
        reference_sorted=tuple(sorted_values),
        n_available=n_available,
        zscore_span=span,
        treatment=treatment,
    )


# The geometric mean is computed on 1–100 so that a zero does not collapse it: z ↦ 1 + 0.99 z.
GEOMETRIC_SLOPE = 0.99


@dataclass(frozen=True, eq=False)
class NormalisedTable:
    """A table normalised once, ready to be aggregated with any weights.

    The normalised values are stored one row per indicator (shape ``(k, n)``), each indicator's
    values contiguous, with 0 where missing; the missing positions are kept per indicator. This
    is what makes a weight change cost a few passes over the data and nothing else.

    Attributes
    ----------
    index : pandas.Index
        Residence identifiers (rows).
    codes : tuple of str
        Indicator codes (columns).
    raw : numpy.ndarray, shape (n, k)
        Raw values, NaN for missing (read-only).
    values_by_indicator : numpy.ndarray, shape (k, n)
        Normalised values in [0, 100], 0 where missing (read-only).
    missing : tuple of numpy.ndarray
        For each indicator, the positions of the rows where it is missing.
    """

    index: pd.Index
    codes: tuple[str, ...]
    raw: np.ndarray
    values_by_indicator: np.ndarray
    missing: tuple[np.ndarray, ...]

    def __len__(self) -> int:
        return len(self.index)

    @property
    def values(self) -> np.ndarray:
        """Normalised values, shape ``(n, k)``, 0 where missing (a read-only view)."""
        return self.values_by_indicator.T

    @property
    def mask(self) -> np.ndarray:
        """1.0 where the value is available, 0.0 where missing, shape ``(n, k)`` (cached)."""
        cached = self.__dict__.get("_mask")
        if cached is None:
            by_indicator = np.ones(self.values_by_indicator.shape)
            for j, rows in enumerate(self.missing):
                by_indicator[j, rows] = 0.0
            cached = _readonly(by_indicator).T
            object.__setattr__(self, "_mask", cached)
        return cached

    def normalised(self) -> np.ndarray:
        """Normalised values with NaN where missing, shape ``(n, k)``."""
        out = self.values_by_indicator.copy()
        for j, rows in enumerate(self.missing):
            out[j, rows] = np.nan
        return out.T

    def log_values_by_indicator(self) -> np.ndarray:
        """``log(1 + 0.99 z)`` (0 where missing), shape ``(k, n)``, computed once (geometric)."""
        cached = self.__dict__.get("_log_values")
        if cached is None:
            cached = _readonly(np.log1p(GEOMETRIC_SLOPE * self.values_by_indicator))
            object.__setattr__(self, "_log_values", cached)
        return cached

    def log_values(self) -> np.ndarray:
        """``log(1 + 0.99 z)`` (0 where missing), shape ``(n, k)``."""
        return self.log_values_by_indicator().T

    def take(self, positions: np.ndarray) -> NormalisedTable:
        """The rows at ``positions`` (integer array), as a new table."""
        positions = np.asarray(positions, dtype=np.intp)
        values = np.ascontiguousarray(self.values_by_indicator[:, positions])
        raw = self.raw[positions]
        raw.setflags(write=False)
        lookup = np.full(len(self.index), -1, dtype=np.intp)
        lookup[positions] = np.arange(positions.size)
        missing = []
        for rows in self.missing:
            kept = lookup[rows]
            missing.append(_readonly(np.sort(kept[kept >= 0])))
        return NormalisedTable(
            index=self.index[positions],
            codes=self.codes,
            raw=raw,
            values_by_indicator=_readonly(values),
            missing=tuple(missing),
        )


def _readonly(array: np.ndarray) -> np.ndarray:
    array.setflags(write=False)
    return array


def normalise_table(
    raw: np.ndarray, index: pd.Index, fitted: FittedNormalisation
) -> NormalisedTable:
    """Normalise a raw matrix with fitted bounds into a :class:`NormalisedTable`.

    Parameters
    ----------
    raw : numpy.ndarray, shape (n, k)
        Raw values, NaN for missing, columns in the order of ``fitted.codes``.
    index : pandas.Index
        Residence identifiers of the rows.
    fitted : FittedNormalisation
        Bounds fitted on the reference population.
    """
    raw = np.asarray(raw, dtype=float)
    values = fitted.apply_by_indicator(raw)
    is_missing = np.isnan(values)
    indicator, position = np.nonzero(is_missing)
    values[is_missing] = 0.0
    bounds = np.searchsorted(indicator, np.arange(values.shape[0] + 1))
    missing = [_readonly(position[a:b]) for a, b in itertools.pairwise(bounds)]
    if raw.flags.writeable:
        raw = raw.view()
        raw.setflags(write=False)
    return NormalisedTable(
        index=index,
        codes=fitted.codes,
        raw=raw,
        values_by_indicator=_readonly(values),
        missing=tuple(missing),
    )
