"""Peer groups and rebalancing flags of the residences: the use case behind the fiche résidence.

The document cadre (action 1.5) asks for attribution guidance at the scale of the residence. This
module assembles it from the pure engine of :mod:`scoring.peers`:

1. :func:`services.peer_features.peer_features` derives the configured structural and
   contextual features of each residence (never its occupancy), as ``config/peers.toml`` says;
2. :class:`scoring.peers.PeerGroups` forms and names the peer groups;
3. :func:`services.fragility.fragility_index` scores the occupancy fragility of every survey;
4. :func:`scoring.peers.flag_rebalancing` compares each residence's latest fragility with its
   group (robust z-score), with the previous survey, the surveyed households, the indicators
   that explain the flag and the attractiveness class of the cotation (reference profile);
5. :func:`peer_analysis` bundles everything in a :class:`PeerAnalysis`: one row per residence,
   one per group (with a French description of the group), and :func:`peer_comparison` gives
   the long table from which the fiche résidence draws its box plots.

Same data and settings give the same groups, names and flags (fixed seed, rows sorted by
``residence_id`` inside the engine).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

from geodata.housing import load_occupancy, load_residences
from scoring import CompositeIndex, load_profile
from scoring.flag_texts import fr_number
from scoring.peers import (
    FLAGS,
    GroupingSettings,
    PeerGroups,
    PeerSettings,
    PeerStability,
    bootstrap_stability,
    flag_rebalancing,
    indicator_deviations,
    load_peer_settings,
)
from services.fragility import FRAGILITY_LABEL, fragility_index, latest_and_previous
from services.indicators import build_indicator_table
from services.peer_features import peer_features

FLAG_LABELS = {
    "rebalance": "À rééquilibrer",
    "capacity": "Capacité d'accueil",
    "balanced": "Équilibrée",
    "not_evaluated": "Non évaluée",
}
DISPLAY_COLUMNS = (
    "residence_name",
    "commune_code",
    "quartier_code",
    "bailleur",
    "is_qpv",
    "n_dwellings",
)
RANDOM_STATE = 0


# --- The analysis ---------------------------------------------------------------------------------


def attractiveness_classes(residences: pd.DataFrame) -> pd.Series:
    """Attractiveness class (A–E, NC) of each residence with the reference cotation profile.

    Parameters
    ----------
    residences : pandas.DataFrame
        The residences table with its latest OPS columns.

    Returns
    -------
    pandas.Series
        Class as text, indexed by ``residence_id``.
    """
    table = build_indicator_table(residences)
    scores = CompositeIndex(load_profile("reference")).fit(table).transform()
    return scores["score_class"].astype(str).astype(object).rename("attractiveness_class")


class ExplainedIndicator(NamedTuple):
    """One indicator quoted in a flag's explanation."""

    indicator: str
    label: str
    unit: str
    value: float
    group_median: float
    deviation: float


@dataclass(frozen=True, eq=False)
class PeerAnalysis:
    """Peer groups and rebalancing flags of a parc.

    Attributes
    ----------
    model : PeerGroups
        The fitted groups: ``labels_``, ``names_``, ``silhouette_``, ``silhouette_by_k_``,
        ``centroids_``.
    features : pandas.DataFrame
        The grouping features (:func:`services.peer_features.peer_features`).
    fragility : pandas.DataFrame
        The fragility index of every residence and survey (:func:`fragility_index`).
    indicators : pandas.DataFrame
        Fragility indicators of the survey each residence is judged on, by ``residence_id``.
    residences : pandas.DataFrame
        One row per residence, indexed by ``residence_id``: ``residence_name``,
        ``commune_code``, ``quartier_code``, ``bailleur``, ``is_qpv``, ``n_dwellings``, ``group``,
        ``group_name``, ``survey_year``, ``n_households``, ``fragility``,
        ``previous_survey_year``, ``previous_fragility``, ``fragility_change``, ``group_median``,
        ``robust_z``, ``attractiveness_class``, ``reference`` (``group``, ``epci`` or None),
        ``flag`` (``rebalance``, ``capacity``, ``balanced``, ``not_evaluated``), ``flag_label``
        (French), ``rule``, ``reason``, ``recommendation``, ``explanation``, ``explained``
        (tuple of :class:`ExplainedIndicator`: the indicators quoted, with the residence's and
        the group median's values), ``profile`` (over-represented profile of a residence to
        rebalance) and ``not_evaluated_reason``.
    groups : pandas.DataFrame
        One row per group (index ``group``): ``name``, ``n_residences``, ``n_dwellings``,
        ``description`` (French sentence from the centroid), ``median_fragility`` (of the
        evaluated residences) and ``n_<flag>`` for each flag.
    deviations : pandas.DataFrame
        Every indicator of every evaluated residence against its reference median
        (:func:`scoring.peers.indicator_deviations`).
    settings : PeerSettings
        The settings used.
    """

    model: PeerGroups
    features: pd.DataFrame
    fragility: pd.DataFrame
    indicators: pd.DataFrame
    residences: pd.DataFrame
    groups: pd.DataFrame
    deviations: pd.DataFrame
    settings: PeerSettings

    @property
    def silhouette(self) -> float:
        """Mean silhouette of the groups."""
        return float(self.model.silhouette_)

    @property
    def silhouette_by_k(self) -> pd.Series:
        """Silhouette of each number of groups tried."""
        return self.model.silhouette_by_k_

    @property
    def n_groups(self) -> int:
        """Number of peer groups."""
        return int(self.model.n_groups_)


def _explained(flags: pd.DataFrame, deviations: pd.DataFrame) -> list[tuple]:
    """The indicators quoted by each flag, with their values from ``deviations``."""
    quoted = flags["explained"]
    counts = quoted.map(len).to_numpy()
    keys = pd.MultiIndex.from_arrays(
        [np.repeat(flags.index.to_numpy(), counts), np.concatenate([[], *quoted]).astype(object)]
    )
    columns = ["indicator", "label", "unit", "value", "group_median", "deviation"]
    values = deviations.set_index(["residence_id", "indicator"], drop=False)[columns]
    rows = values.reindex(keys).to_numpy(dtype=object)
    items = [ExplainedIndicator(*row) for row in rows]
    out, start = [], 0
    for n in counts:
        out.append(tuple(items[start : start + n]))
        start += n
    return out


def peer_analysis(
    residences: pd.DataFrame | None = None,
    occupancy: pd.DataFrame | None = None,
    attractiveness_class: pd.Series | None = None,
    settings: PeerSettings | None = None,
) -> PeerAnalysis:
    """Group the residences with their peers and flag those whose intake should be rebalanced.

    Parameters
    ----------
    residences : pandas.DataFrame, optional
        ``geodata.housing.load_residences()`` when absent.
    occupancy : pandas.DataFrame, optional
        ``geodata.housing.load_occupancy()`` when absent.
    attractiveness_class : pandas.Series, optional
        Class A–E of each residence (by ``residence_id``); the reference cotation profile's when
        absent (:func:`attractiveness_classes`).
    settings : PeerSettings, optional
        ``config/peers.toml`` when absent.

    Returns
    -------
    PeerAnalysis
        Each residence is judged on its latest survey with a computed fragility index, against
        the previous computed survey for the rising rule.
    """
    residences = load_residences() if residences is None else residences
    occupancy = load_occupancy() if occupancy is None else occupancy
    settings = load_peer_settings() if settings is None else settings
    features = peer_features(residences, settings)
    ids = features.index
    # A feature no residence has (no PSP nor rent in the public RPLS) cannot group anything.
    known = features.loc[:, features.notna().any().to_numpy()]
    model = PeerGroups(random_state=RANDOM_STATE, settings=settings.grouping).fit(known)
    fragility = fragility_index(occupancy, residences, settings=settings)
    judged = latest_and_previous(fragility).reindex(ids)
    columns = [i.column for i in settings.fragility_indicators]
    indicators = judged[columns]
    if attractiveness_class is None:
        attractiveness_class = attractiveness_classes(residences)
    classes = attractiveness_class.reindex(ids)
    flags = flag_rebalancing(
        judged["fragility"],
        model.labels_,
        classes,
        settings,
        previous=judged["previous_fragility"],
        n_households=judged["n_households"],
        indicators=indicators,
        group_names=model.names_,
    )
    groups_judged = model.labels_.astype("Int64").where(judged["fragility"].notna())
    deviations = indicator_deviations(
        indicators, groups_judged, settings, n_households=judged["n_households"]
    )
    table = _residence_table(residences, judged, flags, deviations)
    return PeerAnalysis(
        model=model,
        features=features,
        fragility=fragility,
        indicators=indicators,
        residences=table,
        groups=group_table(model, features, table, settings.grouping),
        deviations=deviations,
        settings=settings,
    )


def _residence_table(
    residences: pd.DataFrame, judged: pd.DataFrame, flags: pd.DataFrame, deviations: pd.DataFrame
) -> pd.DataFrame:
    ids = flags.index
    shown = pd.DataFrame(residences[[c for c in DISPLAY_COLUMNS if c in residences.columns]])
    shown.index = pd.Index(residences["residence_id"].astype(str).to_numpy(), name="residence_id")
    table = shown.reindex(ids)
    table["group"] = flags["group"]
    table["group_name"] = flags["group_name"]
    table["survey_year"] = judged["survey_year"].astype("Int64")
    table["n_households"] = flags["n_households"]
    for column in ("fragility", "previous_fragility"):
        table[column] = flags[column]
    table["previous_survey_year"] = judged["previous_survey_year"]
    for column in (
        "fragility_change",
        "group_median",
        "robust_z",
        "attractiveness_class",
        "reference",
        "flag",
    ):
        table[column] = flags[column]
    table["flag_label"] = flags["flag"].map(FLAG_LABELS)
    for column in ("rule", "reason", "recommendation", "explanation"):
        table[column] = flags[column]
    table["explained"] = _explained(flags, deviations)
    table["profile"] = flags["profile"]
    table["not_evaluated_reason"] = flags["not_evaluated_reason"]
    return table


def peer_stability(analysis: PeerAnalysis, n_resamples: int | None = None) -> PeerStability:
    """Bootstrap stability of the analysis' peer groups (adjusted Rand index).

    Parameters
    ----------
    analysis : PeerAnalysis
        Output of :func:`peer_analysis`.
    n_resamples : int, optional
        ``bootstrap_resamples`` of ``config/peers.toml`` when absent.

    Returns
    -------
    PeerStability
        Mean, minimum and standard deviation of the index over the resamples, with the same
        number of groups, seed and settings as the analysis.
    """
    return bootstrap_stability(
        analysis.features,
        n_groups=analysis.n_groups,
        n_resamples=n_resamples,
        random_state=RANDOM_STATE,
        settings=analysis.settings.grouping,
    )


# --- Groups ---------------------------------------------------------------------------------------


def _phrase(name: str, mean: float, features: pd.Series, label: str, unit: str) -> str:
    """French phrase describing a group's mean of one feature."""
    if np.isnan(mean):
        return ""
    if name == "n_dwellings":
        return f"{fr_number(mean, 0)} logements en moyenne"
    if name == "small_units_pct":
        return f"{fr_number(mean, 0)} % de T1-T2"
    if name == "large_units_pct":
        return f"{fr_number(mean, 0)} % de T4 et plus"
    if name == "year_built":
        return f"construits vers {mean:.0f}"
    if name == "rent_eur_m2":
        return f"loyer {fr_number(mean)} €/m²"
    if name == "is_qpv":
        return f"{fr_number(100 * mean, 0)} % en QPV"
    if name == "dist_centre_m":
        return f"à {fr_number(mean / 1000)} km du centre"
    if name == "equipment_dist_m":
        return f"équipements à {fr_number(mean, 0)} m en moyenne"
    if name == "psp_intervention_level":
        share = float((features > 0).mean()) if features.notna().any() else np.nan
        if np.isnan(share):
            return ""
        return f"{fr_number(100 * share, 0)} % à réhabiliter, restructurer ou démolir (PSP)"
    return f"{label} : {fr_number(mean)} {unit}".rstrip()


def describe_groups(
    model: PeerGroups, features: pd.DataFrame, grouping: GroupingSettings | None = None
) -> pd.Series:
    """A short French sentence describing each group from its centroid.

    Parameters
    ----------
    model : PeerGroups
        The fitted groups.
    features : pandas.DataFrame
        The features they were fitted on.
    grouping : GroupingSettings, optional
        Labels and units of the features; ``config/peers.toml`` when absent.

    Returns
    -------
    pandas.Series
        Indexed by group, e.g. « 145 logements en moyenne, construits vers 1968, loyer
        5,1 €/m², 92 % en QPV, à 2,1 km du centre. »
    """
    grouping = load_peer_settings().grouping if grouping is None else grouping
    labels = model.labels_.reindex(features.index)
    texts = {}
    for group, centroid in model.centroids_.iterrows():
        members = features[labels.to_numpy() == group]
        phrases = []
        for name in centroid.index:
            spec = grouping.spec(name)
            phrase = _phrase(name, float(centroid[name]), members[name], spec.label, spec.unit)
            if phrase:
                phrases.append(phrase)
        text = ", ".join(phrases)
        texts[group] = text[:1].upper() + text[1:] + "." if text else ""
    return pd.Series(texts, name="description", dtype=object).rename_axis("group")


def group_table(
    model: PeerGroups,
    features: pd.DataFrame,
    residences: pd.DataFrame,
    grouping: GroupingSettings | None = None,
) -> pd.DataFrame:
    """One row per peer group: name, size, description and flag counts.

    Parameters
    ----------
    model : PeerGroups
        The fitted groups.
    features : pandas.DataFrame
        The features they were fitted on.
    residences : pandas.DataFrame
        The residence table of :class:`PeerAnalysis` (``group``, ``n_dwellings``, ``flag``,
        ``fragility``).
    grouping : GroupingSettings, optional
        Labels and units of the features; ``config/peers.toml`` when absent.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``group``: ``name``, ``n_residences``, ``n_dwellings``, ``description``,
        ``median_fragility`` (evaluated residences) and ``n_rebalance``, ``n_capacity``,
        ``n_balanced``, ``n_not_evaluated``.
    """
    index = model.names_.index
    out = pd.DataFrame({"name": model.names_.astype(object)}, index=index)
    out["n_residences"] = model.sizes_.reindex(index).to_numpy()
    group = residences["group"]
    if "n_dwellings" in residences.columns:
        out["n_dwellings"] = residences.groupby(group)["n_dwellings"].sum().reindex(index)
    out["description"] = describe_groups(model, features, grouping).reindex(index)
    evaluated = residences[residences["flag"] != "not_evaluated"]
    out["median_fragility"] = evaluated.groupby("group")["fragility"].median().reindex(index)
    counts = pd.crosstab(residences["group"], residences["flag"]).reindex(index, fill_value=0)
    for flag in FLAGS:
        out[f"n_{flag}"] = counts[flag] if flag in counts.columns else 0
    return out


# --- One residence against its peers -------------------------------------------------------------


def peer_comparison(
    analysis: PeerAnalysis, residence_id: str, *, with_features: bool = True
) -> pd.DataFrame:
    """Values of one residence and of its peers, for the box plots of the fiche résidence.

    Occupancy values (the fragility index and its indicators) are those of the residence's
    *reference*: the evaluated residences of its peer group (or of the whole parc when the group
    is too small and ``small_group = "epci"``), i.e. only residences with at least
    ``min_households`` surveyed households. Structural features are those of every member of the
    group. The residence itself is always included (``is_selected``), even when it is not
    evaluated: masking its own figures is :mod:`services.residence_card`'s job, by viewer.

    Parameters
    ----------
    analysis : PeerAnalysis
        Output of :func:`peer_analysis`.
    residence_id : str
        The residence.
    with_features : bool, default True
        Add the structural features.

    Returns
    -------
    pandas.DataFrame
        Long table: ``kind`` (``fragilité`` or ``structure``), ``indicator``, ``label``,
        ``unit``, ``residence_id``, ``value`` and ``is_selected``; indicators in configured
        order, residences by ``residence_id``.
    """
    table = analysis.residences
    if residence_id not in table.index:
        raise KeyError(f"résidence inconnue : « {residence_id} ».")
    row = table.loc[residence_id]
    group = row["group"]
    evaluated = table["flag"] != "not_evaluated"
    if row["reference"] == "epci":
        reference = evaluated & table["reference"].notna()
    else:
        reference = evaluated & (table["reference"] == "group") & (table["group"] == group)
    occupancy_ids = table.index[reference.to_numpy() | (table.index == residence_id)]
    occupancy = analysis.indicators.reindex(occupancy_ids).copy()
    occupancy.insert(0, "fragility", table["fragility"].reindex(occupancy_ids))
    specs = {i.column: i for i in analysis.settings.fragility_indicators}
    meta = {"fragility": (FRAGILITY_LABEL, "points")} | {
        c: (s.label, s.unit) for c, s in specs.items()
    }
    frames = [_long(occupancy, "fragilité", meta, residence_id)]
    if with_features:
        member_ids = table.index[(table["group"] == group).to_numpy()]
        grouping = analysis.settings.grouping
        meta = {c: (grouping.spec(c).label, grouping.spec(c).unit) for c in analysis.features}
        frames.append(_long(analysis.features.reindex(member_ids), "structure", meta, residence_id))
    return pd.concat(frames, ignore_index=True)


def _long(
    values: pd.DataFrame, kind: str, meta: dict[str, tuple[str, str]], selected: str
) -> pd.DataFrame:
    values = values.sort_index()
    n = len(values)
    parts = []
    for column in values.columns:
        label, unit = meta[column]
        parts.append(
            pd.DataFrame(
                {
                    "kind": kind,
                    "indicator": column,
                    "label": label,
                    "unit": unit,
                    "residence_id": values.index.to_numpy(),
                    "value": values[column].to_numpy(dtype=float, na_value=np.nan),
                    "is_selected": values.index.to_numpy() == selected,
                },
                index=range(n),
            )
        )
    return pd.concat(parts, ignore_index=True)
