"""Benchmarks of the peer groups and rebalancing flags.

Measured: ``PeerGroups().fit`` (number of groups chosen by silhouette over 4–10) and
``flag_rebalancing`` with every option (previous survey, household counts, indicators for the
explanations, attractiveness classes) on a synthetic demo-sized parc of 600 residences and on
100,000 synthetic residences (the demo parc itself, with its real fragility index, is measured
by ``bench.bench_peer_services``).
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
            "Données : parcs synthétiques du générateur des tests. Sur le parc de "
            "démonstration, avec le vrai indice de fragilité, voir « Groupes de pairs sur le "
            "parc (services) ».",
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
