"""Benchmarks of the peer groups and rebalancing flags.

Measured: ``PeerGroups().fit`` (number of groups chosen by silhouette over 4–10) and
``flag_rebalancing`` with every option (previous survey, household counts, indicators for the
explanations, attractiveness classes) on a synthetic demo-sized parc of 600 residences, on the
demo parc ``geodata.load_residences()`` when it exists, and on 100,000 synthetic residences.
Two comparisons show the choices made for speed: the number of groups chosen on every residence
instead of a 10,000-residence subsample (100,000 residences), and KMeans left on every thread
instead of one on small tables.

The synthetic parcs come from the generator of the tests (six known kinds of residence, 5 % of
residences planted with a fragility 4 within-group standard deviations too high); the quality
table reports how well the flags find them.
"""

from __future__ import annotations

import dataclasses
import time

import numpy as np
import pandas as pd

from bench.timing import fmt_ms, markdown_table, median_seconds, section
from scoring.peers import (
    PeerGroups,
    bootstrap_stability,
    flag_rebalancing,
    load_peer_settings,
)
from tests.scoring.peer_synthetic import FRAGILE_ARCHETYPE, make_parc

DEMO_SIZE = 600
LARGE_SIZE = 100_000
TARGETS = {DEMO_SIZE: 1.0, LARGE_SIZE: 10.0}


def _flags(parc, model):
    return flag_rebalancing(
        parc.fragility,
        model.labels_,
        parc.attractiveness_class,
        previous=parc.previous,
        n_households=parc.n_households,
        indicators=parc.indicators,
        group_names=model.names_,
    )


def _both(parc):
    model = PeerGroups().fit(parc.features)
    return model, _flags(parc, model)


def _row(operation: str, size: str, seconds: float, target: float | None, other: str = ""):
    held = "" if target is None else ("oui" if seconds <= target else "non")
    goal = "" if target is None else f"< {fmt_ms(target)}"
    return [operation, size, fmt_ms(seconds), other, goal, held]


def _size(n: int) -> str:
    return f"{n:,}".replace(",", " ")


# --- The demo parc (when the demo data exist) ----------------------------------------------------


def _demo_parc_inputs():
    """Structural features and a simplified fragility index of ``geodata.load_residences()``."""
    from geodata.housing import load_residences

    residences = pd.DataFrame(load_residences().drop(columns="geometry"))
    residences = residences.set_index("residence_id")
    settings = load_peer_settings()
    n = residences["n_dwellings"].astype(float)
    features = pd.DataFrame(
        {
            "n_dwellings": n,
            "small_units_pct": 100 * (residences["n_t1"] + residences["n_t2"]) / n,
            "large_units_pct": 100 * (residences["n_t4"] + residences["n_t5_plus"]) / n,
            "year_built": residences["year_built"].astype(float),
            "rent_eur_m2": residences["rent_eur_m2"],
            "is_qpv": residences["is_qpv"],
            "equipment_dist_m": residences[
                ["dist_school_m", "dist_shops_m", "dist_health_m", "dist_transit_m"]
            ].mean(axis=1),
            "psp_intervention_level": residences["psp_class"].map(
                dict(settings.grouping.psp_levels)
            ),
        }
    )
    ops = [i for i in settings.fragility_indicators if i.source == "ops"]
    shares = residences[[i.column for i in ops]].astype(float)
    weights = np.array([i.weight for i in ops])
    fragility = (shares * weights).sum(axis=1, min_count=1) / weights.sum()
    households = residences["n_households"].astype(float)
    return features, fragility, households, shares


def _demo_parc_rows() -> tuple[list[list[str]], str]:
    try:
        features, fragility, households, shares = _demo_parc_inputs()
    except (ImportError, FileNotFoundError, KeyError, ValueError) as exc:
        return [], f"parc de démonstration indisponible ({type(exc).__name__})."

    def run_once():
        model = PeerGroups().fit(features)
        return flag_rebalancing(
            fragility,
            model.labels_,
            n_households=households,
            indicators=shares,
            group_names=model.names_,
        )

    seconds = median_seconds(run_once, repeat=5, warmup=1)
    flags = run_once()
    counts = flags["flag"].value_counts()
    note = (
        f"parc de démonstration `geodata.load_residences()` ({len(features)} résidences, "
        "caractéristiques structurelles sans la distance au centre ; indice de fragilité "
        "simplifié pour la mesure : moyenne des parts OPS pondérées par `config/peers.toml`) : "
        + ", ".join(f"{k} {v}" for k, v in counts.items())
        + "."
    )
    size = f"{len(features)} (démo)"
    return [_row("Groupes + signalements", size, seconds, TARGETS[DEMO_SIZE])], note


# --- Quality on the synthetic parcs --------------------------------------------------------------


def _quality(parc, model, flags) -> list[str]:
    from sklearn.metrics import adjusted_rand_score

    rebalance = flags["flag"].eq("rebalance")
    fragile = parc.archetype.eq(FRAGILE_ARCHETYPE) & ~parc.planted
    return [
        _size(len(parc.fragility)),
        str(model.n_groups_),
        f"{adjusted_rand_score(parc.archetype, model.labels_):.3f}",
        f"{100 * rebalance[parc.planted].mean():.1f} %",
        f"{100 * rebalance[~parc.planted].mean():.2f} %",
        f"{100 * rebalance[fragile].mean():.2f} %",
    ]


def run() -> str:
    """Run the peer benchmarks and return their Markdown section."""
    rows: list[list[str]] = []
    quality: list[list[str]] = []

    demo = make_parc(DEMO_SIZE, seed=0)
    fit_s = median_seconds(lambda: PeerGroups().fit(demo.features), repeat=7)
    model = PeerGroups().fit(demo.features)
    flag_s = median_seconds(lambda: _flags(demo, model), repeat=7)
    both_s = median_seconds(lambda: _both(demo), repeat=7)
    threaded = dataclasses.replace(load_peer_settings().grouping, parallel_min_rows=0)
    threaded_s = median_seconds(lambda: PeerGroups(settings=threaded).fit(demo.features), repeat=7)
    size = _size(DEMO_SIZE)
    rows.append(
        _row("Groupes (k choisi de 4 à 10)", size, fit_s, None, f"{fmt_ms(threaded_s)} tous fils")
    )
    rows.append(_row("Signalements", size, flag_s, None))
    rows.append(_row("Groupes + signalements", size, both_s, TARGETS[DEMO_SIZE]))
    quality.append(_quality(demo, model, _flags(demo, model)))
    start = time.perf_counter()
    stability = bootstrap_stability(demo.features, n_resamples=20)
    boot_s = time.perf_counter() - start
    rows.append(_row("Stabilité par bootstrap, 20 tirages", size, boot_s, None))

    demo_rows, demo_note = _demo_parc_rows()
    rows.extend(demo_rows)

    large = make_parc(LARGE_SIZE, seed=1)
    fit_s = median_seconds(lambda: PeerGroups().fit(large.features), repeat=3)
    model = PeerGroups().fit(large.features)
    flag_s = median_seconds(lambda: _flags(large, model), repeat=3)
    both_s = median_seconds(lambda: _both(large), repeat=3)
    everyone = dataclasses.replace(load_peer_settings().grouping, selection_sample_size=LARGE_SIZE)
    start = time.perf_counter()
    PeerGroups(settings=everyone).fit(large.features)
    full_s = time.perf_counter() - start
    size = _size(LARGE_SIZE)
    rows.append(
        _row(
            "Groupes (k choisi de 4 à 10)",
            size,
            fit_s,
            None,
            f"{fmt_ms(full_s)} k choisi sur tout le parc (1 mesure)",
        )
    )
    rows.append(_row("Signalements", size, flag_s, None))
    rows.append(_row("Groupes + signalements", size, both_s, TARGETS[LARGE_SIZE]))
    quality.append(_quality(large, model, _flags(large, model)))

    body = "\n".join(
        [
            markdown_table(
                ["Opération", "Taille", "Médiane", "Comparaison", "Objectif", "Tenu"], rows
            ),
            "",
            "Groupes : `PeerGroups().fit(features)`, standardisation puis KMeans "
            "(`n_init = 10`), nombre de groupes choisi par la silhouette de 4 à 10 ; au-delà "
            "de 10 000 résidences, le choix se fait sur un sous-échantillon de 10 000 et la "
            "silhouette sur 5 000, la partition finale sur tout le parc. Sous 50 000 "
            "résidences, KMeans tourne sur un seul fil (colonne « Comparaison » : tous les "
            "fils). Signalements : `flag_rebalancing` avec enquête précédente, effectifs de "
            "ménages, indicateurs (explications) et classes d'attractivité.",
            "",
            f"Données : parcs synthétiques du générateur des tests ; {demo_note}",
            "",
            "Qualité sur les parcs synthétiques (réglages par défaut, 5 % de résidences "
            "décalées de 4 écarts-types intra-groupe) :",
            "",
            markdown_table(
                [
                    "Résidences",
                    "Groupes",
                    "ARI / types réels",
                    "Décalées retrouvées",
                    "Autres signalées",
                    "Autres signalées, type fragile",
                ],
                quality,
            ),
            "",
            f"Stabilité (parc de {DEMO_SIZE}, {stability.n_resamples} tirages bootstrap) : "
            f"indice de Rand ajusté moyen {stability.mean_ari:.3f} (écart-type "
            f"{stability.std_ari:.3f}, minimum {stability.min_ari:.3f}).",
        ]
    )
    return section("peers", "Groupes de pairs et signalements", body)
