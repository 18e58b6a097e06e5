"""Treatment of extreme values before normalisation, fitted on the reference population.

Composite-indicator practice (JRC/OECD handbook, COINr's ``Treat``): a few extreme values must
not set the scale for everyone. For each indicator, on the non-missing values of the reference
population:

1. **Test.** Sample skewness ``G1`` and excess kurtosis ``G2`` (bias-corrected, as Excel's
   ``SKEW`` and ``KURT``, e1071 type 2 and COINr). The indicator passes when
   ``|G1| <= skew_threshold`` or ``G2 <= kurtosis_threshold`` (2 and 3.5 by default).
2. **Winsorisation.** While it fails, the most extreme group of equal values on the side of the
   skewness (the highest values when ``G1 >= 0``) takes the next value inwards, and the test is
   run again. At most ``winsor_max`` values are changed: a group that would go beyond stops the
   winsorisation (equal values are never split, so the order of the values is kept).
3. **Logarithm.** If the indicator still fails, winsorisation is undone and the raw values are
   log-transformed, the skew-corrected « COIN Tool » way: ``ln(x − min + a)`` for a positive
   skewness, ``−ln(max + a − x)`` for a negative one, with ``a`` one hundredth of the range.

Both treatments are non-decreasing maps: they never change the order of two values of an
indicator (winsorised values become equal, nothing is reversed). Indicators normalised between
the catalogue's goalposts are not treated from the data: their bounds are authoritative and the
normalisation clips what falls outside. Indicators with fewer than 4 values, a single value or
two distinct values only (a yes/no indicator) are left untouched.

:func:`fit_treatment` decides, per indicator, on the reference population;
:meth:`FittedTreatment.apply_column` applies the same map to any values, so that a residence
scored later is treated with the reference's bounds. Skewness and kurtosis during winsorisation
are updated from power sums: those of the values winsorisation cannot reach are computed once,
those of the few values at either end after each step, so that a fit on 1,000,000 × 20 values
costs a few passes per indicator.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scoring.spec import IndexSpec

# Kinds of treatment of an indicator.
NONE = "none"
WINSORISED = "winsorised"
LOG = "log"
GOALPOSTS = "goalposts"
# Why an indicator got its kind: the method is off, the catalogue excludes it, it passes the
# test, too few values, yes/no values, authoritative catalogue bounds, winsorised, logged.
REASONS: tuple[str, ...] = (
    "off",
    "excluded",
    "passes",
    "too_few",
    "binary",
    "catalogue_bounds",
    "winsorised",
    "log",
)
_MIN_VALUES = 4


def skewness(x: np.ndarray) -> float:
    """Bias-corrected sample skewness ``G1`` of the non-missing values of ``x``.

    ``G1 = g1 · sqrt(n (n − 1)) / (n − 2)`` with ``g1 = m3 / m2^1.5`` (Excel's ``SKEW``, e1071
    type 2, COINr's ``skew``). NaN with fewer than 3 values or no spread.
    """
    return _shape(np.asarray(x, dtype=float))[0]


def kurtosis(x: np.ndarray) -> float:
    """Bias-corrected sample excess kurtosis ``G2`` of the non-missing values of ``x``.

    ``G2 = ((n + 1) g2 + 6) (n − 1) / ((n − 2)(n − 3))`` with ``g2 = m4 / m2² − 3`` (Excel's
    ``KURT``, e1071 type 2, COINr's ``kurt``). NaN with fewer than 4 values or no spread.
    """
    return _shape(np.asarray(x, dtype=float))[1]


def _shape(x: np.ndarray) -> tuple[float, float]:
    x = x[~np.isnan(x)]
    if x.size < 3:
        return np.nan, np.nan
    return _shape_of_sums(x.size, _power_sums(x - x.mean()))


def _power_sums(d: np.ndarray) -> np.ndarray:
    """Sums of the powers 1 to 4 of the deviations ``d``.

    Sums of products by ``einsum``: no temporary beyond ``d²``, and no BLAS call, whose threads
    can stall for tens of milliseconds on a busy server.
    """
    d2 = d * d
    return np.array(
        [d.sum(), np.einsum("i,i->", d, d), np.einsum("i,i->", d2, d), np.einsum("i,i->", d2, d2)]
    )


def _shape_of_sums(n: int, sums: np.ndarray) -> tuple[float, float]:
    """``(G1, G2)`` of ``n`` values from the sums of the powers of their deviations to a centre
    (close to their mean, or digits are lost)."""
    s1, s2, s3, s4 = sums / n
    m2 = s2 - s1 * s1
    # No spread, or a spread lost in the rounding of the sums: no shape.
    if n < 3 or not m2 > 1e-12 * s2:
        return np.nan, np.nan
    m3 = s3 - 3 * s1 * s2 + 2 * s1**3
    m4 = s4 - 4 * s1 * s3 + 6 * s1 * s1 * s2 - 3 * s1**4
    # Spreads near the smallest floats underflow: their shape is NaN, quietly.
    with np.errstate(all="ignore"):
        g1 = m3 / m2**1.5
        big_g1 = g1 * np.sqrt(n * (n - 1.0)) / (n - 2.0)
        g2 = m4 / (m2 * m2) - 3.0
        big_g2 = ((n + 1.0) * g2 + 6.0) * (n - 1.0) / ((n - 2.0) * (n - 3.0))
    if n < _MIN_VALUES:
        big_g2 = np.nan
    return float(big_g1), float(big_g2)


@dataclass(frozen=True)
class _Extremes:
    """The values winsorisation may touch, and the power sums of all the others.

    ``top`` holds the ``m`` largest values (descending), ``bottom`` the ``m`` smallest
    (ascending), ``candidates`` the values at either end (each once); ``inner`` the power sums of
    the other values about their mean ``centre``. The shape of a winsorisation is then the inner
    sums plus those of a few clipped candidates: exact, without a pass over the data.
    """

    n: int
    top: np.ndarray
    bottom: np.ndarray
    candidates: np.ndarray
    centre: float
    inner: np.ndarray

    @classmethod
    def of(cls, x: np.ndarray, m: int) -> _Extremes:
        m = min(m, x.size)
        if 2 * m >= x.size:
            order = np.argsort(x, kind="stable")
            top_at, bottom_at = order[::-1][:m], order[:m]
        else:
            top_at = np.argpartition(x, x.size - m)[x.size - m :]
            bottom_at = np.argpartition(x, m - 1)[:m]
        chosen = np.union1d(top_at, bottom_at)
        keep = np.ones(x.size, dtype=bool)
        keep[chosen] = False
        inner = x[keep]
        centre = float(inner.mean()) if inner.size else float(np.median(x))
        return cls(
            n=int(x.size),
            top=np.sort(x[top_at])[::-1],
            bottom=np.sort(x[bottom_at]),
            candidates=x[chosen],
            centre=centre,
            inner=_power_sums(inner - centre) if inner.size else np.zeros(4),
        )

    def shape(self, lower: float, upper: float) -> tuple[float, float]:
        """``(G1, G2)`` of the values clipped to ``[lower, upper]``."""
        clipped = np.clip(self.candidates, lower, upper) - self.centre
        return _shape_of_sums(self.n, self.inner + _power_sums(clipped))


def fails(skew: float, kurt: float, skew_threshold: float, kurtosis_threshold: float) -> bool:
    """Whether an indicator must be treated: ``|skew| > skew_threshold`` and
    ``kurt > kurtosis_threshold`` (NaN never fails)."""
    return bool(abs(skew) > skew_threshold and kurt > kurtosis_threshold)


@dataclass(frozen=True)
class ColumnTreatment:
    """The treatment fitted for one indicator.

    Attributes
    ----------
    kind : str
        ``none``, ``winsorised``, ``log`` or ``goalposts``.
    reason : str
        One of :data:`REASONS`.
    n_values : int
        Non-missing reference values.
    lower, upper : float
        Winsorisation bounds (values below ``lower`` take ``lower``…); ±inf when that side is
        untouched, NaN when not winsorised.
    n_low, n_high : int
        Values winsorised at each end (for ``goalposts``: reference values below and above the
        catalogue bounds, clipped by the normalisation).
    log_sign : int
        +1 for ``ln(x − anchor + offset)``, −1 for ``−ln(anchor + offset − x)``; 0 without log.
    log_anchor, log_offset : float
        The reference minimum (or maximum) and one hundredth of the reference range.
    skew_before, kurtosis_before, skew_after, kurtosis_after : float
        ``G1`` and ``G2`` of the reference values before and after the treatment.
    """

    kind: str
    reason: str
    n_values: int
    skew_before: float
    kurtosis_before: float
    skew_after: float
    kurtosis_after: float
    lower: float = np.nan
    upper: float = np.nan
    n_low: int = 0
    n_high: int = 0
    log_sign: int = 0
    log_anchor: float = np.nan
    log_offset: float = np.nan

    @property
    def is_identity(self) -> bool:
        """Whether the values are left as they are (goalposts are the normalisation's)."""
        return self.kind in (NONE, GOALPOSTS)

    def apply(self, x: np.ndarray) -> np.ndarray:
        """The treated values of ``x`` (NaN stays NaN); ``x`` itself when nothing is done."""
        if self.kind == WINSORISED:
            return np.clip(x, self.lower, self.upper)
        if self.kind == LOG:
            if self.log_sign > 0:
                shifted = np.maximum(x, self.log_anchor) - self.log_anchor + self.log_offset
                return np.log(shifted)
            shifted = self.log_anchor - np.minimum(x, self.log_anchor) + self.log_offset
            return -np.log(shifted)
        return x


def _untreated(
    kind: str, reason: str, x: np.ndarray, shape: tuple[float, float]
) -> ColumnTreatment:
    return ColumnTreatment(kind, reason, int(x.size), *shape, *shape)


def _group_end(values: np.ndarray, start: int) -> int | None:
    """End (exclusive) of the group of values equal to ``values[start]``; None when it reaches
    the end of the known values (the group may go on beyond)."""
    later = np.flatnonzero(values[start:] != values[start])
    return None if later.size == 0 else start + int(later[0])


def winsorise_column(
    x: np.ndarray,
    winsor_max: int,
    skew_threshold: float,
    kurtosis_threshold: float,
    before: tuple[float, float] | None = None,
) -> ColumnTreatment | None:
    """Winsorise the non-missing values ``x`` until they pass the test, within ``winsor_max``.

    Parameters
    ----------
    x : numpy.ndarray
        Non-missing reference values of one indicator, failing the test.
    winsor_max : int
        Largest number of values that may be changed.
    skew_threshold, kurtosis_threshold : float
        The test (see :func:`fails`).
    before : tuple of float, optional
        ``(G1, G2)`` of ``x`` when already known.

    Returns
    -------
    ColumnTreatment or None
        The winsorisation that passes the test; None when it cannot within ``winsor_max``
        values (then the logarithm applies).
    """
    before = before or _shape(x)
    skew, kurt = before
    extremes = _Extremes.of(x, winsor_max + 1)
    n_high = n_low = 0
    lower, upper = -np.inf, np.inf
    while fails(skew, kurt, skew_threshold, kurtosis_threshold):
        is_high = skew >= 0
        values, done, other = (
            (extremes.top, n_high, n_low) if is_high else (extremes.bottom, n_low, n_high)
        )
        end = _group_end(values, done)
        if end is None or end + other > winsor_max or end + other > x.size - 2:
            return None
        if is_high:
            n_high, upper = end, float(extremes.top[end])
        else:
            n_low, lower = end, float(extremes.bottom[end])
        skew, kurt = extremes.shape(lower, upper)
    return ColumnTreatment(
        WINSORISED,
        "winsorised",
        int(x.size),
        *before,
        skew,
        kurt,
        lower=lower,
        upper=upper,
        n_low=n_low,
        n_high=n_high,
    )


def log_column(x: np.ndarray, before: tuple[float, float]) -> ColumnTreatment:
    """The skew-corrected logarithm of the non-missing values ``x`` (see the module)."""
    low, high = float(x.min()), float(x.max())
    offset = (high - low) / 100.0
    sign = 1 if before[0] > 0 else -1
    treatment = ColumnTreatment(
        LOG,
        "log",
        int(x.size),
        *before,
        np.nan,
        np.nan,
        log_sign=sign,
        log_anchor=low if sign > 0 else high,
        log_offset=offset,
    )
    skew_after, kurtosis_after = _shape(treatment.apply(x))
    return dataclasses.replace(treatment, skew_after=skew_after, kurtosis_after=kurtosis_after)


def _is_binary(x: np.ndarray) -> bool:
    low, high = x.min(), x.max()
    return not np.any((x != low) & (x != high))


def fit_column(
    x: np.ndarray,
    *,
    treat: bool,
    winsor_max: int,
    skew_threshold: float,
    kurtosis_threshold: float,
    catalogue: str | None = None,
    bounds: tuple[float, float] | None = None,
) -> ColumnTreatment:
    """Decide the treatment of one indicator from its reference values.

    Parameters
    ----------
    x : numpy.ndarray
        Reference values, NaN for missing.
    treat : bool
        Whether the method treats extreme values (otherwise only the diagnosis is made).
    winsor_max, skew_threshold, kurtosis_threshold
        The rule (see :class:`scoring.method.Method`).
    catalogue : str, optional
        ``goalposts`` when the indicator is normalised between the catalogue's authoritative
        bounds, ``none`` when the catalogue excludes it.
    bounds : tuple of float, optional
        The catalogue bounds (to count the values clipped by the goalposts).
    """
    x = np.asarray(x, dtype=float)
    x = x[~np.isnan(x)]
    shape = _shape(x)
    if catalogue == GOALPOSTS and bounds is not None:
        out = _untreated(GOALPOSTS, "catalogue_bounds", x, shape)
        n_low, n_high = int((x < bounds[0]).sum()), int((x > bounds[1]).sum())
        return dataclasses.replace(out, n_low=n_low, n_high=n_high)
    if not treat:
        return _untreated(NONE, "off", x, shape)
    if catalogue == NONE:
        return _untreated(NONE, "excluded", x, shape)
    if x.size < _MIN_VALUES or np.isnan(shape[1]):
        return _untreated(NONE, "too_few", x, shape)
    if not fails(*shape, skew_threshold, kurtosis_threshold):
        return _untreated(NONE, "passes", x, shape)
    if _is_binary(x):
        return _untreated(NONE, "binary", x, shape)
    winsorised = winsorise_column(x, winsor_max, skew_threshold, kurtosis_threshold, shape)
    return winsorised if winsorised is not None else log_column(x, shape)


@dataclass(frozen=True, eq=False)
class FittedTreatment:
    """The treatment of every indicator, fitted on the reference population.

    Attributes
    ----------
    codes : tuple of str
        Indicator codes (columns of the matrices).
    columns : tuple of ColumnTreatment
        One per indicator.
    """

    codes: tuple[str, ...]
    columns: tuple[ColumnTreatment, ...]

    @property
    def treated(self) -> tuple[int, ...]:
        """Positions of the indicators whose values are changed (winsorised or logged)."""
        return tuple(j for j, c in enumerate(self.columns) if not c.is_identity)

    def apply_column(self, j: int, x: np.ndarray) -> np.ndarray:
        """The treated values of indicator ``j`` (``x`` itself when it is not treated)."""
        return self.columns[j].apply(x)

    def table(self) -> pd.DataFrame:
        """One row per indicator: ``treatment`` (kind), ``reason``, ``n_values``,
        ``n_winsorised`` (or clipped), ``n_low``, ``n_high``, ``winsor_lower``,
        ``winsor_upper``, ``skew_before``, ``kurtosis_before``, ``skew_after``,
        ``kurtosis_after``."""
        rows = [
            {
                "treatment": c.kind,
                "reason": c.reason,
                "n_values": c.n_values,
                "n_winsorised": c.n_low + c.n_high,
                "n_low": c.n_low,
                "n_high": c.n_high,
                "winsor_lower": c.lower,
                "winsor_upper": c.upper,
                "skew_before": c.skew_before,
                "kurtosis_before": c.kurtosis_before,
                "skew_after": c.skew_after,
                "kurtosis_after": c.kurtosis_after,
            }
            for c in self.columns
        ]
        return pd.DataFrame(rows, index=pd.Index(list(self.codes), name="code"))


def fit_treatment(raw: np.ndarray, spec: IndexSpec) -> FittedTreatment:
    """Fit the treatment of extreme values of every indicator of ``spec``.

    Parameters
    ----------
    raw : numpy.ndarray, shape (n, k)
        Raw values of the reference population, columns in the order of ``spec.codes``.
    spec : IndexSpec
        Gives the method (``treatment``, ``winsor_max``, thresholds), each indicator's
        normalisation (goalposts are not treated), catalogue treatment and bounds.

    Returns
    -------
    FittedTreatment
    """
    method = spec.method
    columns = []
    for j, ind in enumerate(spec.indicators):
        goalposts = spec.normalisation_of(ind.code) == "goalposts"
        columns.append(
            fit_column(
                raw[:, j],
                treat=method.treatment != "none",
                winsor_max=int(method.winsor_max),
                skew_threshold=float(method.skew_threshold),
                kurtosis_threshold=float(method.kurtosis_threshold),
                catalogue=GOALPOSTS if goalposts else ind.treatment,
                bounds=ind.bounds,
            )
        )
    return FittedTreatment(codes=spec.codes, columns=tuple(columns))
