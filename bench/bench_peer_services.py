"""Benchmark of the peer groups and rebalancing flags on the residences (services layer).

Measured: :func:`services.peers.peer_analysis` end to end (features from the residences and their
geometry, attractiveness class of the reference cotation profile, fragility index of every OPS
survey, peer groups chosen by silhouette over 4–10, flags with explanations, group table), and
its « groups + flags » part alone (``PeerGroups().fit`` and ``flag_rebalancing`` on prepared
inputs), on the demo parc and on 100,000 synthetic residences. The synthetic parc resamples the
demo residences with replacement and jitters them: rent ×e^N(0, 0.05), construction year ±N(0, 2),
equipment distances ×e^N(0, 0.1), position ±N(0, 150 m) in Lambert-93 (geometry included), OPS
shares ±N(0, 3) points on every survey of the source residence. The section also reports the
demo parc's figures: silhouette by number of groups, bootstrap stability, flags per group and
the 25 % rule with the capacity residences' contribution.
"""

from __future__ import annotations

import time

import geopandas as gpd
import numpy as np
import pandas as pd

from bench.timing import fmt_ms, markdown_table, median_seconds, section
from geodata.communes import CRS_LAMBERT93
from geodata.housing import load_attributions, load_occupancy, load_residences
from geodata.schemas import OCCUPANCY_SHARES
from scoring.peers import PeerGroups, flag_rebalancing
from services.attribution_rule import attribution_targets, capacity_contribution
from services.fragility import fragility_index, latest_and_previous
from services.peer_features import peer_features
from services.peers import FLAG_LABELS, attractiveness_classes, peer_analysis, peer_stability

LARGE_SIZE = 100_000
TARGETS = {"demo": 1.0, "large": 10.0}


def synthetic_parc(n: int, seed: int = 0) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Resample the demo residences and their OPS surveys into ``n`` jittered residences."""
    rng = np.random.default_rng(seed)
    base = load_residences()
    occupancy = load_occupancy()
    source = rng.integers(0, len(base), n)
    residences = base.iloc[source].reset_index(drop=True)
    ids = np.array([f"S{i:06d}" for i in range(n)], dtype=object)
    source_ids = base["residence_id"].to_numpy()[source]
    residences["residence_id"] = ids
    residences["rent_eur_m2"] = (residences["rent_eur_m2"] * np.exp(rng.normal(0, 0.05, n))).clip(
        0.5, 30
    )
    residences["year_built"] = (
        residences["year_built"] + np.round(rng.normal(0, 2, n)).astype(int)
    ).clip(1850, 2030)
    for column in ("dist_school_m", "dist_shops_m", "dist_health_m", "dist_transit_m"):
        residences[column] = residences[column] * np.exp(rng.normal(0, 0.1, n))
    points = residences.geometry.to_crs(CRS_LAMBERT93)
    moved = gpd.points_from_xy(
        points.x + rng.normal(0, 150, n), points.y + rng.normal(0, 150, n), crs=CRS_LAMBERT93
    )
    residences = residences.set_geometry(gpd.GeoSeries(moved).to_crs(base.crs))

    by_source = occupancy.groupby("residence_id").indices
    rows = [by_source.get(s, np.array([], dtype=int)) for s in source_ids]
    counts = np.array([len(r) for r in rows])
    surveys = occupancy.iloc[np.concatenate(rows)].reset_index(drop=True)
    surveys["residence_id"] = np.repeat(ids, counts)
    shares = list(OCCUPANCY_SHARES)
    noise = rng.normal(0, 3, (len(surveys), len(shares)))
    surveys[shares] = (surveys[shares] + noise).clip(0, 100)
    return residences, surveys


def _prepared(residences: gpd.GeoDataFrame, occupancy: pd.DataFrame):
    """Inputs of the « groups + flags » part: features, judged survey, classes."""
    features = peer_features(residences)
    judged = latest_and_previous(fragility_index(occupancy, residences)).reindex(features.index)
    classes = attractiveness_classes(residences).reindex(features.index)
    return features, judged, classes


def _groups_and_flags(features: pd.DataFrame, judged: pd.DataFrame, classes: pd.Series):
    model = PeerGroups().fit(features)
    indicators = judged.drop(
        columns=[
            "survey_year",
            "n_households",
            "fragility",
            "coverage_pct",
            "previous_survey_year",
            "previous_fragility",
        ]
    )
    return flag_rebalancing(
        judged["fragility"],
        model.labels_,
        classes,
        previous=judged["previous_fragility"],
        n_households=judged["n_households"],
        indicators=indicators,
        group_names=model.names_,
    )


def _row(operation: str, size: str, seconds: float, target: float | None) -> list[str]:
    held = "" if target is None else ("oui" if seconds <= target else "non")
    goal = "" if target is None else f"< {fmt_ms(target)}"
    return [operation, size, fmt_ms(seconds), goal, held]


def _size(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def _figures(analysis, residences: gpd.GeoDataFrame) -> str:
    """The demo parc's groups, stability, flags and 25 % rule, in Markdown."""
    by_k = ", ".join(f"k = {k} : {v:.3f}" for k, v in analysis.silhouette_by_k.items())
    start = time.perf_counter()
    stability = peer_stability(analysis, n_resamples=20)
    boot_s = time.perf_counter() - start
    groups = analysis.groups
    rows = [
        [
            g,
            row["name"],
            row["n_residences"],
            row["n_dwellings"],
            row["n_rebalance"],
            row["n_capacity"],
            row["n_balanced"],
            row["n_not_evaluated"],
        ]
        for g, row in groups.iterrows()
    ]
    table = analysis.residences
    counts = table["flag"].value_counts()
    flags = ", ".join(f"{FLAG_LABELS[f]} {counts.get(f, 0)}" for f in FLAG_LABELS)
    reasons = table["not_evaluated_reason"].dropna()
    few = int(reasons.str.startswith("Moins de").sum())
    missing = int(reasons.str.startswith("Indice de fragilité non calculé").sum())
    other = len(reasons) - few - missing

    attributions = load_attributions()
    targets = attribution_targets(attributions, residences, levels=("epci",))
    epci = [
        [
            int(r["year"]),
            f"{r['outside_qpv_q1_pct']:.1f} %",
            f"{r['in_qpv_q2_q4_pct']:.1f} %",
        ]
        for _, r in targets.iterrows()
    ]
    last = int(attributions["year"].max())
    contribution = capacity_contribution(attributions, residences, analysis, last)
    return "\n".join(
        [
            f"Parc de démonstration ({len(table)} résidences) : {analysis.n_groups} groupes, "
            f"silhouette {analysis.silhouette:.3f} ({by_k}). Stabilité bootstrap (20 tirages, "
            f"{fmt_ms(boot_s)}) : indice de Rand ajusté moyen {stability.mean_ari:.3f}, minimum "
            f"{stability.min_ari:.3f}.",
            "",
            markdown_table(
                [
                    "Groupe",
                    "Nom",
                    "Résidences",
                    "Logements",
                    "À rééquilibrer",
                    "Capacité d'accueil",
                    "Équilibrée",
                    "Non évaluée",
                ],
                rows,
            ),
            "",
            f"Signalements : {flags}. Non évaluées : {few} de moins de 11 ménages enquêtés, "
            f"{missing} sans indice de fragilité (OPS manquante ou incomplète), {other} pour une "
            "autre raison.",
            "",
            "Règle des 25 % (intercommunalité) :",
            "",
            markdown_table(["Année", "Hors QPV : 1er quartile", "En QPV : quartiles 2 à 4"], epci),
            "",
            f"Contribution des résidences « Capacité d'accueil » : {contribution.text}",
        ]
    )


def run() -> str:
    """Run the benchmark and return its Markdown section."""
    residences, occupancy = load_residences(), load_occupancy()
    rows = []
    n = len(residences)
    analysis_s = median_seconds(lambda: peer_analysis(residences, occupancy), repeat=5)
    rows.append(_row("Analyse complète (peer_analysis)", f"{n} (démo)", analysis_s, None))
    features, judged, classes = _prepared(residences, occupancy)
    both_s = median_seconds(lambda: _groups_and_flags(features, judged, classes), repeat=5)
    rows.append(_row("Groupes + signalements", f"{n} (démo)", both_s, TARGETS["demo"]))
    analysis = peer_analysis(residences, occupancy)

    big, big_occupancy = synthetic_parc(LARGE_SIZE)
    size = _size(LARGE_SIZE)
    big_analysis_s = median_seconds(lambda: peer_analysis(big, big_occupancy), repeat=5)
    rows.append(_row("Analyse complète (peer_analysis)", size, big_analysis_s, None))
    features, judged, classes = _prepared(big, big_occupancy)
    big_both_s = median_seconds(lambda: _groups_and_flags(features, judged, classes), repeat=5)
    rows.append(_row("Groupes + signalements", size, big_both_s, TARGETS["large"]))

    body = "\n".join(
        [
            markdown_table(["Opération", "Résidences", "Médiane", "Objectif", "Tenu"], rows),
            "",
            "Analyse complète : caractéristiques (dont la distance au centre en Lambert-93), "
            "classe d'attractivité du profil de référence, indice de fragilité de chaque "
            "enquête OPS, groupes (k choisi par la silhouette de 4 à 10), signalements "
            "expliqués et tableau des groupes. Groupes + signalements : `PeerGroups().fit` "
            "puis `flag_rebalancing` sur des entrées préparées. Parc de 100 000 résidences : "
            "rééchantillonnage du parc de démonstration avec bruit (loyer, année, distances, "
            "position à ±150 m, parts OPS ±3 points), géométrie comprise.",
            "",
            _figures(analysis, residences),
        ]
    )
    return section("peer_services", "Groupes de pairs sur le parc (services)", body)
