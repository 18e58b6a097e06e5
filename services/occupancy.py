"""Sitting tenants (OPS surveys) and how the intake compares with them.

**Sitting tenants' profile.** The OPS shares of a territory are the means of its residences'
shares weighted by the number of surveyed households (``n_households``): the share among all the
surveyed households of the territory, as if the survey had been pooled. A residence absent from a
survey has NaN for that survey year; a territory with no surveyed residence too.

**Entrants versus sitting tenants.** For a survey year *S* (OPS describes the occupants at
1 January *S*), the entrants of *S* and *S + 1* (those arriving before the next survey) are
compared with the sitting tenants of *S*, indicator by indicator as configured in
``[[intake.indicators]]`` (by default: first quartile of entrants against households under
40 % of PLUS ceilings, no employment, single-parent families). The effect of the intake is
« renforce » when the entrants' share exceeds the sitting share by more than the tolerance,
« corrige » when it is lower by more than the tolerance, « neutre » otherwise, and
missing with fewer entrants than ``min_entrants``. A territory's occupancy is « fragile » on an
indicator when its sitting share exceeds the median of the territories of the same level (or the
configured threshold). The entrants are all those of the territory (exactly the pooled yearly
profiles of :func:`services.flows.flow_profile`): restricted to the surveyed residences, the
comparison subtracted from the yearly profiles would give the entrants of the few residences
missing from the survey, a figure on a handful of households (secret statistique).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from geodata.schemas import OPS_SURVEY_YEARS
from services.flows import household_measures
from services.stock import (
    StockRules,
    load_stock_rules,
    residence_territories,
    territory_list,
)

EFFECT_REINFORCES = "renforce"
EFFECT_CORRECTS = "corrige"
EFFECT_NEUTRAL = "neutre"


def _share_columns(occupancy: pd.DataFrame) -> list[str]:
    return [c for c in occupancy.columns if c.endswith("_pct")]


def sitting_profile(
    occupancy: pd.DataFrame,
    residences: pd.DataFrame,
    level: str,
    survey_years: Iterable[int] | None = None,
) -> pd.DataFrame:
    """Household-weighted OPS profile per territory and survey year.

    Parameters
    ----------
    occupancy : DataFrame
        ``residence_id``, ``survey_year``, ``n_households`` and the ``*_pct`` shares.
    residences : DataFrame
        The residences table.
    level : str
        ``epci``, ``commune``, ``quartier`` or ``residence``.
    survey_years : iterable of int, optional
        Survey years of the grid (the OPS years and those of ``occupancy`` by default).

    Returns
    -------
    DataFrame
        ``territory_code``, ``survey_year``, ``n_residences_surveyed``, ``n_households`` (NaN
        when no residence was surveyed) and every share column (household-weighted mean over the
        residences where it is known).
    """
    shares = _share_columns(occupancy)
    households = pd.to_numeric(occupancy["n_households"]).to_numpy(float)
    frame = pd.DataFrame(
        {
            "territory_code": residence_territories(occupancy["residence_id"], residences, level),
            "survey_year": occupancy["survey_year"].to_numpy(dtype=int),
            "n_households": households,
        }
    )
    for col in shares:
        values = pd.to_numeric(occupancy[col]).to_numpy(float)
        known = ~np.isnan(values) & (households > 0)
        frame[col] = np.where(known, values * households, 0.0)
        frame[f"_w_{col}"] = np.where(known, households, 0.0)
    frame = frame[frame["territory_code"].notna()]
    grouped = frame.groupby(["territory_code", "survey_year"])
    sums = grouped.sum()
    out = pd.DataFrame({"n_residences_surveyed": grouped.size().astype(float)})
    out["n_households"] = sums["n_households"]
    for col in shares:
        weight = sums[f"_w_{col}"]
        out[col] = sums[col] / weight.where(weight > 0)
    years = sorted(set(OPS_SURVEY_YEARS) | set(frame["survey_year"]))
    years = years if survey_years is None else sorted(set(survey_years))
    territories = territory_list(residences, level)
    index = pd.MultiIndex.from_product(
        [territories, years], names=["territory_code", "survey_year"]
    )
    return out.reindex(index).reset_index()


def _reference(values: pd.Series, threshold: float | None) -> float:
    return float(threshold) if threshold is not None else float(values.median())


def intake_vs_occupancy(
    attributions: pd.DataFrame,
    occupancy: pd.DataFrame,
    residences: pd.DataFrame,
    level: str,
    survey_year: int,
    entrant_years: Iterable[int] | None = None,
    *,
    rules: StockRules | None = None,
) -> pd.DataFrame:
    """Compare the entrants with the sitting tenants, indicator by indicator (module docstring).

    Parameters
    ----------
    attributions : DataFrame
        Entrants: ``residence_id``, ``year`` and the household columns.
    occupancy : DataFrame
        OPS surveys.
    residences : DataFrame
        The residences table.
    level : str
        ``epci``, ``commune``, ``quartier`` or ``residence``.
    survey_year : int
        The OPS survey of the sitting tenants.
    entrant_years : iterable of int, optional
        Years of the entrants (``survey_year`` and ``survey_year + 1`` by default).
    rules : StockRules, optional
        Indicators, tolerance, minimum number of entrants.

    Returns
    -------
    DataFrame
        One row per territory and indicator: ``territory_code``, ``indicator``,
        ``indicator_label``, ``survey_year``, ``n_entrants``, ``entrants_pct``,
        ``n_households``, ``sitting_pct``, ``gap_points`` (entrants − sitting),
        ``reference_pct``, ``is_fragile``, ``effect`` (renforce / corrige / neutre, missing
        when the comparison cannot be made).
    """
    rules = load_stock_rules() if rules is None else rules
    years = [survey_year, survey_year + 1] if entrant_years is None else list(entrant_years)
    survey = occupancy[
        (occupancy["survey_year"] == survey_year) & (pd.to_numeric(occupancy["n_households"]) > 0)
    ]
    sitting = sitting_profile(survey, residences, level, [survey_year]).set_index("territory_code")
    entrants = attributions[attributions["year"].isin(years)]
    measures = household_measures(entrants, rules)
    measures["territory_code"] = residence_territories(entrants["residence_id"], residences, level)
    grouped = measures.dropna(subset=["territory_code"]).groupby("territory_code")
    n_entrants = grouped.size().reindex(sitting.index).fillna(0)
    rows = []
    for indicator in rules.indicators:
        entrants_pct = (100.0 * grouped[indicator.entrant_measure].mean()).reindex(sitting.index)
        sitting_pct = sitting[indicator.ops_column]
        reference = _reference(sitting_pct, indicator.fragility_threshold_pct)
        gap = entrants_pct - sitting_pct
        comparable = (n_entrants >= rules.min_entrants) & gap.notna()
        effect = pd.Series(EFFECT_NEUTRAL, index=sitting.index, dtype=object)
        effect[gap > rules.tolerance_points] = EFFECT_REINFORCES
        effect[gap < -rules.tolerance_points] = EFFECT_CORRECTS
        rows.append(
            pd.DataFrame(
                {
                    "territory_code": sitting.index,
                    "indicator": indicator.code,
                    "indicator_label": indicator.label,
                    "survey_year": survey_year,
                    "n_entrants": n_entrants.to_numpy(dtype=int),
                    "entrants_pct": entrants_pct.to_numpy(),
                    "n_households": sitting["n_households"].to_numpy(),
                    "sitting_pct": sitting_pct.to_numpy(),
                    "gap_points": gap.to_numpy(),
                    "reference_pct": reference,
                    "is_fragile": (sitting_pct > reference).to_numpy(),
                    "effect": effect.where(comparable).to_numpy(),
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def fragile_intake(
    attributions: pd.DataFrame,
    occupancy: pd.DataFrame,
    residences: pd.DataFrame,
    survey_year: int,
    entrant_years: Iterable[int] | None = None,
    *,
    rules: StockRules | None = None,
) -> pd.DataFrame:
    """Residences where the intake reinforces an already fragile occupancy.

    Returns
    -------
    DataFrame
        The rows of :func:`intake_vs_occupancy` at residence level with ``is_fragile`` and
        ``effect == "renforce"``, with ``residence_name``, ``bailleur``, ``commune_code``,
        ``quartier_code``, largest gap first.
    """
    compared = intake_vs_occupancy(
        attributions, occupancy, residences, "residence", survey_year, entrant_years, rules=rules
    )
    hit = compared[compared["is_fragile"] & (compared["effect"] == EFFECT_REINFORCES)]
    info = residences.set_index("residence_id")[
        ["residence_name", "bailleur", "commune_code", "quartier_code"]
    ]
    out = hit.join(info, on="territory_code").rename(columns={"territory_code": "residence_id"})
    return out.sort_values(
        ["gap_points", "residence_id"], ascending=[False, True], ignore_index=True
    )
