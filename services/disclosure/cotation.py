"""The public cotation: what a viewer without access to a residence sees of its score.

The score of a residence for such a viewer never depends on its OPS shares one by one. The
pillar of ``[cotation] pillar`` (« Occupation ») enters the score as **one value**, the pillar
score of the reference profile (its internal weights and normalisation), rounded to the published
precision, and only when the pillar is publishable (:func:`publishable_pillar`: enough surveyed
households and enough known OPS indicators). Elsewhere the pillar is *withheld*: the score is
renormalised on the other pillars (the coverage does not count the withheld pillar, so the
residence is not made *non cotée* by the secret) and the page says « occupation : secret
statistique ».

In the public spec (:func:`public_spec`), the pillar's indicators are replaced by one
pseudo-indicator :data:`PILLAR_CODE` holding that value, normalised by fixed bounds 0–100 (an
identity that no method change alters); the viewer may move the pillar's weight and every other
indicator's weight, never the OPS indicators one by one: setting weights cannot isolate a share,
and no two weight settings differ by anything but the published pillar. The public indicator
table (:func:`public_indicator_table`) is the indicator table with that column instead of the
pillar's indicators, so that scoring, explanation, sensitivity and effective weights run
unchanged on it.

Nothing public depends on an unpublishable share, not even through a normalisation bound: the
pillar's OPS indicators are normalised with bounds fitted on the residences whose pillar is
published (a min–max bound fitted on every residence is often the share of a one-household
residence), the pseudo-indicator's bounds are fixed, the other indicators are not survey data.

A viewer who sees some residences only (a bailleur) gets, for its own, the reference profile
applied to their own shares by :func:`own_index` (bounds and treatment fitted on the same
published residences), ranked and classed among the public scores of the others
(:func:`class_among`): for a residence whose pillar is published it is its public score before
the pillar's rounding; for one whose pillar is withheld, the score with its pillar.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from scoring import CompositeIndex, IndexSpec
from scoring.classify import class_codes, class_labels, class_thresholds
from scoring.method import Method
from scoring.spec import Indicator
from services.disclosure.rules import DisclosureRules
from services.indicators import survey_indicator_codes

PILLAR_CODE = "pilier_occupation_publie"
PILLAR_LABEL = "Occupation (pilier du profil de référence)"


def survey_codes(spec: IndexSpec, rules: DisclosureRules) -> list[str]:
    """Codes of the OPS-derived indicators of the published pillar."""
    survey = set(survey_indicator_codes(spec))
    return [i.code for i in spec.indicators if i.pillar == rules.pillar and i.code in survey]


def pillar_codes(spec: IndexSpec, rules: DisclosureRules) -> list[str]:
    """Codes of every indicator of the published pillar."""
    return [i.code for i in spec.indicators if i.pillar == rules.pillar]


def publishable_pillar(
    residences: pd.DataFrame,
    indicator_table: pd.DataFrame,
    spec: IndexSpec,
    rules: DisclosureRules,
) -> pd.Series:
    """Whether each residence's occupation pillar may enter its public score.

    Parameters
    ----------
    residences : pandas.DataFrame
        ``residence_id`` and ``n_households`` of the latest OPS survey (the survey the indicator
        table reads).
    indicator_table : pandas.DataFrame
        Raw indicators by ``residence_id``.
    spec : IndexSpec
        The reference profile (the pillar's indicators).
    rules : DisclosureRules
        ``min_households`` and ``min_known_indicators``.

    Returns
    -------
    pandas.Series of bool
        By ``residence_id``: at least ``min_households`` surveyed households and at least
        ``min_known_indicators`` known OPS indicators of the pillar.
    """
    households = pd.Series(
        pd.to_numeric(residences["n_households"], errors="coerce").to_numpy(float),
        index=residences["residence_id"].astype(str).to_numpy(),
    ).reindex(indicator_table.index.astype(str))
    codes = survey_codes(spec, rules)
    known = indicator_table[codes].notna().sum(axis=1).to_numpy()
    ok = (households.to_numpy() >= rules.min_households) & (known >= rules.min_known_indicators)
    return pd.Series(ok, index=indicator_table.index, name="is_pillar_published")


def public_pillar(
    reference: IndexSpec | CompositeIndex,
    indicator_table: pd.DataFrame,
    publishable: pd.Series,
    rules: DisclosureRules,
) -> pd.Series:
    """The published value of each residence's pillar (reference weights and normalisation).

    Parameters
    ----------
    reference : IndexSpec or CompositeIndex
        The reference profile (its weights and method; a fitted index's spec is used).
    indicator_table : pandas.DataFrame
        Raw indicators by ``residence_id``.
    publishable : pandas.Series of bool
        :func:`publishable_pillar`.
    rules : DisclosureRules
        The pillar and the published precision.

    Returns
    -------
    pandas.Series
        The pillar score (0–100, rounded), its OPS indicators normalised with bounds fitted on
        the publishable residences only; NaN (withheld) where it may not be published.
    """
    spec = reference.spec if isinstance(reference, CompositeIndex) else reference
    spec = spec.with_method(min_coverage=0.0)
    shown = publishable.reindex(indicator_table.index).fillna(False).to_numpy(dtype=bool)
    blanked = publishable_table(indicator_table, spec, publishable, rules)
    pillar = CompositeIndex(spec).fit(blanked).transform()[f"score_{rules.pillar}"]
    return pillar.where(shown).round(rules.decimals["score"]).rename(PILLAR_CODE)


def own_index(
    reference: IndexSpec | CompositeIndex,
    indicator_table: pd.DataFrame,
    publishable: pd.Series,
    rules: DisclosureRules,
) -> CompositeIndex:
    """The full index of the reference profile as a viewer who sees some residences only may
    apply it to them: fitted on :func:`publishable_table`.

    Applied to one of the viewer's residences (:meth:`CompositeIndex.transform` of its raw row),
    it gives the residence's score with its own OPS shares, normalised and treated with bounds
    of the residences whose pillar is published: the score, its explanation and a simulated move
    never depend on another bailleur's unpublishable share, as a bound fitted on every residence
    would (a min–max bound is often a one-household residence's share, read back from two
    explanations). For a residence whose pillar is published, it is the public score before the
    pillar's rounding.
    """
    spec = reference.spec if isinstance(reference, CompositeIndex) else reference
    return CompositeIndex(spec).fit(publishable_table(indicator_table, spec, publishable, rules))


def publishable_table(
    indicator_table: pd.DataFrame,
    spec: IndexSpec,
    publishable: pd.Series,
    rules: DisclosureRules,
) -> pd.DataFrame:
    """``spec``'s columns of ``indicator_table`` with the pillar's OPS indicators blanked (NaN)
    where the pillar is not publishable.

    What anything public about those indicators is fitted on: the public pillar, and the
    treatment of extreme values and the bounds check the Méthode page reports (a winsorisation
    bound is one residence's value).
    """
    shown = publishable.reindex(indicator_table.index).fillna(False).to_numpy(dtype=bool)
    blanked = indicator_table[list(spec.codes)].copy()
    for code in survey_codes(spec, rules):
        blanked.loc[~shown, code] = float("nan")
    return blanked


def public_spec(spec: IndexSpec, rules: DisclosureRules) -> IndexSpec:
    """``spec`` with the pillar's indicators replaced by the published pillar.

    The pillar keeps its weight; the pseudo-indicator has weight 1 and the fixed bounds 0–100
    (normalised value = published value whatever the method). Raises ``KeyError`` when the spec
    has no such pillar.
    """
    pillar = spec.pillar(rules.pillar)
    members = pillar_codes(spec, rules)
    pseudo = Indicator(
        code=PILLAR_CODE,
        label=PILLAR_LABEL,
        pillar=pillar.code,
        direction=1,
        weight=1.0,
        description=(
            f"Note du pilier {pillar.label.lower()} calculée avec les poids internes et la "
            "normalisation du profil de référence, publiée d'un seul tenant (secret "
            "statistique) ; non publiée quand la résidence compte trop peu de ménages enquêtés : "
            "la note est alors calculée sur les autres piliers."
        ),
        unit="points (0 à 100)",
        source="OPS / RPLS",
        normalisation="goalposts",
        bounds=(0.0, 100.0),
        treatment="none",
        withheld_when_missing=True,
    )
    indicators: list[Indicator] = []
    for indicator in spec.indicators:
        if indicator.code not in members:
            indicators.append(indicator)
        elif indicator.code == members[0]:
            indicators.append(pseudo)
    return dataclasses.replace(spec, indicators=tuple(indicators))


def public_indicator_table(
    indicator_table: pd.DataFrame, spec: IndexSpec, pillar: pd.Series, rules: DisclosureRules
) -> pd.DataFrame:
    """The indicator table of the public spec: the pillar's indicators replaced by its value."""
    members = pillar_codes(spec, rules)
    out = pd.DataFrame(index=indicator_table.index)
    for code in spec.codes:
        if code not in members:
            out[code] = indicator_table[code].to_numpy(dtype=float)
        elif code == members[0]:
            out[PILLAR_CODE] = pillar.reindex(indicator_table.index).to_numpy(dtype=float)
    out.attrs.update(indicator_table.attrs)
    return out


def published_scores(scores: pd.DataFrame, rules: DisclosureRules) -> pd.DataFrame:
    """Scores, pillar scores and coverage rounded to their published decimals (a copy)."""
    out = scores.copy()
    columns = [c for c in out.columns if c == "score" or c.startswith("score_")]
    columns += [c for c in ("coverage_pct",) if c in out.columns]
    for column in columns:
        if column != "score_class":
            out[column] = out[column].astype(float).round(rules.decimals["score"])
    return out


def class_among(score: float, others: np.ndarray, method: Method) -> str:
    """The class of ``score`` under ``method`` among the scores ``others`` (the public scores
    of the other residences, for a viewer's own residence): relative classes (quantiles,
    natural breaks) are cut on ``others`` and ``score`` together, fixed ones as they are."""
    scores = np.append(np.asarray(others, dtype=float), score)
    thresholds = class_thresholds(scores, method.class_method, method.thresholds)
    return str(class_labels(class_codes(np.array([score], dtype=float), thresholds))[0])
