"""The catalogue of the cotation indicators as tables, for the Méthode et sources page.

Every indicator with its definition, unit, direction, source and weights, generated from
``config/indicators.toml`` and the current profile (never written twice); the indicators fed by
each source; the vintages of the OPS surveys the residences are rated on; the treatment of
extreme values fitted on the parc (what was done to which indicator and why, skewness and
kurtosis before and after); and the indicators whose values fall outside the catalogue's
plausible bounds too often.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

from scoring import (
    NORMALISATIONS,
    IndexSpec,
)

TREATMENT_TEXT = {
    "none": "aucun",
    "winsorised": "winsorisation",
    "log": "logarithme",
    "goalposts": "bornes du catalogue",
}
REASON_TEXT = {
    "off": "traitement désactivé par la méthode",
    "excluded": "exclu par le catalogue",
    "passes": "asymétrie ou aplatissement sous les seuils",
    "too_few": "moins de 4 valeurs, ou toutes égales",
    "binary": "indicateur oui / non",
    "catalogue_bounds": "bornes du catalogue, qui font foi",
    "winsorised": "asymétrie et aplatissement au-dessus des seuils",
    "log": "asymétrie et aplatissement au-dessus des seuils, winsorisation insuffisante",
}
DIRECTION_TEXT = {
    1: "plus c'est élevé, plus la résidence est attractive",
    -1: "plus c'est élevé, moins la résidence est attractive",
}


def indicator_catalogue(
    spec: IndexSpec, catalogue: IndexSpec, normalisation: Mapping[str, str] = NORMALISATIONS
) -> pd.DataFrame:
    """Every indicator with its definition, unit, direction, source and weights.

    Parameters
    ----------
    spec : IndexSpec
        The current profile (its weights and method).
    catalogue : IndexSpec
        The catalogue (its default weights).
    normalisation : mapping, optional
        French label of each normalisation method.

    Returns
    -------
    pandas.DataFrame
        Indexed by indicator code, in catalogue order: ``pillar``, ``pillar_label``, ``label``,
        ``description``, ``unit``, ``direction`` (French sentence), ``source``,
        ``normalisation`` (French), ``default_weight``, ``profile_weight`` and ``nominal_pct``.
    """
    default = {i.code: float(i.weight) for i in catalogue.indicators}
    pillar_labels = {p.code: p.label for p in spec.pillars}
    rows = []
    for ind, share in zip(spec.indicators, spec.nominal_weights, strict=True):
        method = spec.normalisation_of(ind.code)
        rows.append(
            {
                "pillar": ind.pillar,
                "pillar_label": pillar_labels[ind.pillar],
                "label": ind.label,
                "description": ind.description,
                "unit": ind.unit,
                "direction": DIRECTION_TEXT[int(ind.direction)],
                "source": ind.source,
                "normalisation": normalisation.get(method, method),
                "default_weight": default.get(ind.code, math.nan),
                "profile_weight": float(ind.weight),
                "nominal_pct": float(share) * 100.0,
            }
        )
    return pd.DataFrame(rows, index=pd.Index(spec.codes, name="code"))


def indicators_by_source(spec: IndexSpec) -> dict[str, list[str]]:
    """Labels of the indicators fed by each source (``RPLS / PSP`` counts for both)."""
    out: dict[str, list[str]] = {}
    for ind in spec.indicators:
        for source in (s.strip() for s in ind.source.split("/")):
            if source:
                out.setdefault(source, []).append(ind.label)
    return out


def survey_years(residences: pd.DataFrame) -> pd.Series:
    """Number of residences by year of their latest OPS survey (none when unknown)."""
    if "ops_survey_year" not in residences.columns:
        return pd.Series(dtype=int)
    years = pd.to_numeric(residences["ops_survey_year"], errors="coerce").dropna().astype(int)
    return years.value_counts().sort_index()


def treatment_table(bounds: pd.DataFrame, spec: IndexSpec) -> pd.DataFrame:
    """The treatment of extreme values of every indicator, as fitted on the parc.

    Parameters
    ----------
    bounds : pandas.DataFrame
        ``CompositeIndex.bounds_`` of an index fitted with ``spec``.
    spec : IndexSpec
        Gives the labels and units.

    Returns
    -------
    pandas.DataFrame
        Indexed by indicator code, in catalogue order: ``label``, ``unit``, ``treatment`` and
        ``reason`` (French), ``kind`` (engine code), ``n_values``, ``n_winsorised`` (values
        winsorised, or clipped by the catalogue bounds), ``n_low`` and ``n_high`` (at each
        end), ``winsor_lower``, ``winsor_upper`` (the values they take),
        ``skew_before``, ``kurtosis_before``, ``skew_after`` and ``kurtosis_after``.
    """
    rows = bounds.reindex(list(spec.codes))
    return pd.DataFrame(
        {
            "label": [i.label for i in spec.indicators],
            "unit": [i.unit for i in spec.indicators],
            "treatment": rows["treatment"].map(TREATMENT_TEXT).to_numpy(),
            "reason": rows["reason"].map(REASON_TEXT).to_numpy(),
            "kind": rows["treatment"].to_numpy(),
            "n_values": rows["n_values"].to_numpy(),
            "n_winsorised": rows["n_winsorised"].to_numpy(),
            "n_low": rows["n_low"].to_numpy(),
            "n_high": rows["n_high"].to_numpy(),
            "winsor_lower": rows["winsor_lower"].to_numpy(),
            "winsor_upper": rows["winsor_upper"].to_numpy(),
            "skew_before": rows["skew_before"].to_numpy(),
            "kurtosis_before": rows["kurtosis_before"].to_numpy(),
            "skew_after": rows["skew_after"].to_numpy(),
            "kurtosis_after": rows["kurtosis_after"].to_numpy(),
        },
        index=pd.Index(spec.codes, name="code"),
    )


def bounds_alerts(check: pd.DataFrame, spec: IndexSpec) -> pd.DataFrame:
    """The indicators with too many values outside the catalogue's plausible bounds.

    Parameters
    ----------
    check : pandas.DataFrame
        ``CompositeIndex.bounds_check_`` (see :func:`scoring.bounds_check.check_bounds`).
    spec : IndexSpec
        Gives the labels and units.

    Returns
    -------
    pandas.DataFrame
        The flagged indicators, most outside first: ``label``, ``unit``, ``lower``, ``upper``,
        ``n_values``, ``n_below``, ``n_above``, ``outside_pct`` and ``is_clipped`` (the
        normalisation in force clips them at the bounds).
    """
    flagged = check[check["is_exceeded"].astype(bool)].copy()
    labels = {i.code: i.label for i in spec.indicators}
    units = {i.code: i.unit for i in spec.indicators}
    flagged.insert(0, "unit", [units[c] for c in flagged.index])
    flagged.insert(0, "label", [labels[c] for c in flagged.index])
    columns = ["label", "unit", "lower", "upper", "n_values", "n_below", "n_above"]
    columns += ["outside_pct", "is_clipped"]
    return flagged[columns].sort_values("outside_pct", ascending=False, kind="stable")
