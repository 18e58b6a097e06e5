"""The composite index in the scikit-learn style: fit on the reference population, then transform.

``CompositeIndex(spec).fit(reference)`` fits the normalisation bounds on the reference population
(all residences of the territory) and keeps the reference normalised once. ``transform(df)``
scores any table with those bounds, so a residence's score, class and rank never depend on which
subset is displayed; classes by quintiles or natural breaks and ranks are relative to the
reference population. The fit also decides the treatment of extreme values (winsorisation or
logarithm, :mod:`scoring.treatment`) and checks the catalogue's plausible bounds against the data
(:mod:`scoring.bounds_check`).

Live re-weighting (the weight sliders) never re-normalises::

    spec = load_profile("reference")
    index = CompositeIndex(spec).fit(table)            # once per data set and normalisation
    scores = index.transform()                          # the reference, nothing recomputed
    moved = spec.with_weights(pillars={"occupation": 40}, indicators={"is_qpv": 1})
    scores = index.rescore(moved)                       # on every slider move: a few passes
    card = index.reweight(moved).explain(table.loc[[residence_id]])   # one residence

The fitted index is read-only once fitted and can be shared between sessions (keep it in the
resource cache, keyed on the data version and ``spec.normalisation_key``); each slider move
builds a new spec with :meth:`~scoring.spec.IndexSpec.with_weights` and calls
:meth:`CompositeIndex.rescore`, or :meth:`CompositeIndex.reweight` to get a fitted index for the
new weights (it shares the bounds and the normalised matrix). Weights, aggregation, minimum
coverage and classes may change that way; a spec with another normalisation needs a new ``fit``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from scoring.aggregate import Aggregate, aggregate
from scoring.bounds_check import check_bounds
from scoring.classify import (
    class_codes,
    class_labels,
    class_thresholds,
    rank_against,
    rank_array,
    rank_descending,
    sorted_reference,
)
from scoring.explain import Explanation, explain_table
from scoring.normalise import (
    NormalisedTable,
    fit_normalisation,
    normalise_table,
)
from scoring.spec import IndexSpec, SpecError


class NotFittedError(ValueError):
    """The index is used before :meth:`CompositeIndex.fit`."""


def indicator_matrix(df: pd.DataFrame, codes: tuple[str, ...]) -> np.ndarray:
    """Extract the raw indicator matrix of ``df`` (columns ``codes``) as floats, NaN for missing.

    Raises
    ------
    ValueError
        French message naming the missing, non-numeric or infinite columns.
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"table d'indicateurs : attendu un DataFrame, reçu {type(df).__name__}.")
    missing = [c for c in codes if c not in df.columns]
    if missing:
        raise ValueError(
            "table d'indicateurs : colonne(s) absente(s) : "
            + ", ".join(f"« {c} »" for c in missing)
            + "."
        )
    raw = None
    if list(df.columns) == list(codes):
        # Usual case, the output of services.build_indicator_table: often a view, no copy.
        try:
            raw = df.to_numpy(dtype=float, na_value=np.nan)
        except (TypeError, ValueError):
            raw = None
    if raw is None:
        raw = _by_column(df, codes)
    infinite = np.isinf(raw).any(axis=0)
    if infinite.any():
        names = [c for c, bad in zip(codes, infinite, strict=True) if bad]
        raise ValueError(
            "table d'indicateurs : valeurs infinies dans "
            + ", ".join(f"« {c} »" for c in names)
            + " (division par zéro lors du calcul ?)."
        )
    return raw


def _by_column(df: pd.DataFrame, codes: tuple[str, ...]) -> np.ndarray:
    """Read the indicator columns one by one into one contiguous row per indicator."""
    by_indicator = np.empty((len(codes), len(df)))
    bad = []
    for j, code in enumerate(codes):
        try:
            by_indicator[j] = df[code].to_numpy(dtype=float, na_value=np.nan)
        except (TypeError, ValueError):
            bad.append(code)
    if bad:
        raise ValueError(
            "table d'indicateurs : valeurs non numériques dans "
            + ", ".join(f"« {c} »" for c in bad)
            + "."
        )
    return by_indicator.T


class CompositeIndex:
    """Attractiveness score of residences: normalise, aggregate, classify, rank, explain.

    Parameters
    ----------
    spec : IndexSpec
        The validated spec (see :func:`scoring.load_profile`).

    Attributes
    ----------
    normalisation_ : FittedNormalisation
        Treatment of extreme values and bounds fitted on the reference population.
    bounds_ : pandas.DataFrame
        The same as a table indexed by indicator code (for display): normalisation, bounds,
        treatment, values winsorised, skewness and kurtosis before and after.
    bounds_check_ : pandas.DataFrame
        The catalogue's plausible bounds against the reference values
        (:func:`scoring.bounds_check.check_bounds`).
    reference_ : NormalisedTable
        The reference population, normalised once.
    feature_names_in_ : numpy.ndarray
        Indicator codes, in column order.
    n_reference_ : int
        Number of residences in the reference population.

    Examples
    --------
    >>> index = CompositeIndex(spec).fit(table)              # doctest: +SKIP
    >>> scores = index.transform(table)                      # doctest: +SKIP
    >>> scores = index.rescore(spec.with_weights(pillars={"occupation": 40}))  # doctest: +SKIP
    """

    def __init__(self, spec: IndexSpec) -> None:
        self.spec = spec

    # --- Fitting ---------------------------------------------------------------------------

    def fit(self, df: pd.DataFrame) -> CompositeIndex:
        """Fit the normalisation bounds on the reference population ``df``.

        Parameters
        ----------
        df : pandas.DataFrame
            One row per residence (index: ``residence_id``), one column per indicator code
            (raw values, NaN for missing); other columns are ignored.

        Returns
        -------
        CompositeIndex
            ``self``, fitted.
        """
        if not isinstance(self.spec, IndexSpec):
            raise TypeError(f"spec : attendu un IndexSpec, reçu {type(self.spec).__name__}.")
        raw = indicator_matrix(df, self.spec.codes)
        if not df.index.is_unique:
            dup = df.index[df.index.duplicated()].unique()[:5]
            raise ValueError(
                "table d'indicateurs : identifiant(s) de résidence en double : "
                + ", ".join(f"« {d} »" for d in dup)
                + "."
            )
        self.normalisation_ = fit_normalisation(raw, self.spec)
        self.bounds_ = self.normalisation_.table()
        self.bounds_check_ = check_bounds(raw, self.spec)
        self.reference_ = normalise_table(raw, df.index, self.normalisation_)
        self.feature_names_in_ = np.array(self.spec.codes, dtype=object)
        self.n_reference_ = len(df)
        self._fitted_key = self.spec.normalisation_key
        self._reference_state: tuple | None = None
        return self

    def fit_transform(self, df: pd.DataFrame) -> pd.DataFrame:
        """Fit on ``df`` and score it (without normalising it twice)."""
        return self.fit(df).transform()

    def _check(self) -> None:
        if not hasattr(self, "normalisation_"):
            raise NotFittedError(
                "indice non ajusté : appeler fit(table) sur la population de référence d'abord."
            )
        if self.spec.normalisation_key != self._fitted_key:
            raise SpecError(
                "la normalisation du profil diffère de celle de l'ajustement (indicateurs, sens, "
                "méthode ou bornes) : ajuster à nouveau l'indice avec fit(table).",
                f"profil « {self.spec.name} »",
            )

    # --- Live re-weighting -----------------------------------------------------------------

    def reweight(self, spec: IndexSpec) -> CompositeIndex:
        """Return a fitted index for ``spec`` that shares this one's fitted state.

        Parameters
        ----------
        spec : IndexSpec
            Same indicators, directions and normalisation as the fitted spec; weights,
            aggregation, minimum coverage and classes may differ.

        Raises
        ------
        SpecError
            When ``spec`` would need another normalisation (then fit a new index).
        """
        self._check()
        if spec.normalisation_key != self._fitted_key:
            raise SpecError(
                "la normalisation de ce profil diffère de celle de l'ajustement : ajuster un "
                "nouvel indice avec fit(table).",
                f"profil « {spec.name} »",
            )
        other = CompositeIndex(spec)
        other.normalisation_ = self.normalisation_
        other.bounds_ = self.bounds_
        other.bounds_check_ = self.bounds_check_
        other.reference_ = self.reference_
        other.feature_names_in_ = self.feature_names_in_
        other.n_reference_ = self.n_reference_
        other._fitted_key = self._fitted_key
        other._reference_state = None
        return other

    def rescore(self, spec: IndexSpec) -> pd.DataFrame:
        """Score the reference population with new weights, without re-normalising.

        Equivalent to ``self.reweight(spec).transform()``.
        """
        return self.reweight(spec).transform()

    # --- Scoring ---------------------------------------------------------------------------

    def normalise(self, df: pd.DataFrame | None = None) -> NormalisedTable:
        """Normalise ``df`` with the fitted bounds (the cached reference when ``df`` is None)."""
        self._check()
        if df is None:
            return self.reference_
        return normalise_table(indicator_matrix(df, self.spec.codes), df.index, self.normalisation_)

    def _thresholds(self, reference_score: np.ndarray | None) -> tuple[float, ...]:
        method = self.spec.method
        if method.class_method == "thresholds":
            return method.thresholds
        if reference_score is not None:
            return class_thresholds(reference_score, method.class_method, method.thresholds)
        return self._reference()[1]

    def _reference(self) -> tuple[np.ndarray, tuple[float, ...]]:
        """Sorted reference scores and class thresholds under the current spec (cached)."""
        state = self._reference_state
        if state is None or state[0] is not self.spec:
            score = aggregate(self.reference_, self.spec).score
            method = self.spec.method
            thresholds = class_thresholds(score, method.class_method, method.thresholds)
            state = (self.spec, sorted_reference(score), thresholds)
            self._reference_state = state
        return state[1], state[2]

    def class_thresholds(self) -> tuple[float, ...]:
        """Lower bounds of classes A, B, C and D under the current spec: the fixed thresholds,
        or those computed on the reference population's scores (quintiles, natural breaks)."""
        self._check()
        return tuple(float(t) for t in self._thresholds(None))

    def _score(self, table: NormalisedTable, is_reference: bool, *, with_shares: bool = False):
        agg = aggregate(table, self.spec, with_shares=with_shares)
        codes = class_codes(agg.score, self._thresholds(agg.score if is_reference else None))
        return agg, codes

    def transform(self, df: pd.DataFrame | None = None) -> pd.DataFrame:
        """Score residences with the fitted bounds.

        Parameters
        ----------
        df : pandas.DataFrame, optional
            Residences to score (raw indicator columns); the reference population when omitted
            (no re-normalisation at all).

        Returns
        -------
        pandas.DataFrame
            Indexed like ``df``: ``score`` (0–100, NaN when not rated), ``score_class``
            (ordered categorical ``A``…``E``, ``NC`` for *non cotée — données insuffisantes*),
            ``rank`` (nullable integer, 1 = most attractive in the reference population,
            ``<NA>`` when not rated), one ``score_<pillar>`` column per pillar and
            ``coverage_pct`` (share of the weighted indicators available, 0–100).
        """
        table = self.normalise(df)
        is_reference = df is None
        agg, codes = self._score(table, is_reference)
        if is_reference:
            ranks = rank_descending(agg.score)
        else:
            ranks = rank_against(agg.score, self._reference()[0])
        return self._frame(table.index, agg, codes, ranks)

    def _frame(
        self, index: pd.Index, agg: Aggregate, codes: np.ndarray, ranks: np.ndarray
    ) -> pd.DataFrame:
        data: dict[str, object] = {
            "score": agg.score,
            "score_class": class_labels(codes),
            "rank": rank_array(ranks),
        }
        for p, code in enumerate(self.spec.pillar_codes):
            data[f"score_{code}"] = agg.pillars[:, p]
        data["coverage_pct"] = agg.coverage * 100.0
        return pd.DataFrame(data, index=index, copy=False)

    def explain(self, df: pd.DataFrame | None = None) -> Explanation:
        """Explain each residence's score indicator by indicator.

        Parameters
        ----------
        df : pandas.DataFrame, optional
            Residences to explain; the reference population when omitted.

        Returns
        -------
        Explanation
            Contributions in points of each indicator and pillar (they sum to the score), and
            the three strongest and weakest indicators of each residence.
        """
        table = self.normalise(df)
        agg, codes = self._score(table, df is None, with_shares=True)
        return explain_table(table, self.spec, agg, codes)
