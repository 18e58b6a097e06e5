"""The catalogue of the cotation indicators as tables, for the Méthode et sources page.

Every indicator with its definition, unit, direction, source and weights, generated from
``config/indicators.toml`` and the current profile (never written twice); the indicators fed by
each source; and the vintages of the OPS surveys the residences are rated on.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

from scoring import (
    NORMALISATIONS,
    IndexSpec,
)

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
