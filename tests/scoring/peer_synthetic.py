"""Synthetic parc with known peer groups and planted over-fragile residences.

Each archetype is a kind of residence (grands ensembles in QPV, small recent residences in the
outer communes…) with its structural features, its own fragility level and spread. A share of
residences (5 % by default) is *planted*: its fragility is shifted up by ``shift_sd``
within-group standard deviations, and one household-profile indicator is raised, so the flags
should find them and name that profile. One archetype is fragile as a whole: its residences
should not be flagged for that alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

# name, n_dwellings (median, log-sd), small %, large %, year (mean, sd), rent, qpv share,
# centre distance (m, median), equipment distance (m, median), PSP level, fragility (mean, sd)
ARCHETYPES = (
    ("ensembles_qpv", 220, 0.35, 28, 35, 1968, 4, 5.0, 0.97, 2_500, 300, 2, 72.0, 5.0),
    ("petites_recentes", 18, 0.40, 25, 30, 2008, 5, 7.3, 0.0, 12_000, 1_300, 0, 35.0, 4.0),
    ("centre_ancien", 35, 0.45, 62, 8, 1935, 12, 6.6, 0.0, 700, 150, 1, 48.0, 7.0),
    ("communes_1980", 80, 0.35, 33, 26, 1982, 5, 5.6, 0.0, 7_000, 650, 1, 45.0, 6.0),
    ("qpv_1995", 100, 0.35, 42, 24, 1995, 4, 5.8, 0.95, 3_000, 350, 1, 58.0, 3.0),
    ("etudiants_centre", 60, 0.35, 86, 3, 2012, 4, 8.6, 0.0, 1_400, 200, 0, 40.0, 5.0),
)
PROFILES = ("single_parent_pct", "no_employment_pct", "res_below_40_pct")
FRAGILE_ARCHETYPE = "ensembles_qpv"


@dataclass(frozen=True)
class SyntheticParc:
    """A synthetic parc; every table is indexed by ``residence_id``."""

    features: pd.DataFrame
    archetype: pd.Series
    fragility: pd.Series
    previous: pd.Series
    n_households: pd.Series
    indicators: pd.DataFrame
    attractiveness_class: pd.Series
    planted: pd.Series
    planted_profile: pd.Series


def make_parc(
    n_residences: int = 600,
    n_archetypes: int = 6,
    planted_share: float = 0.05,
    shift_sd: float = 4.0,
    seed: int = 0,
) -> SyntheticParc:
    """Build a synthetic parc of ``n_residences`` residences.

    Parameters
    ----------
    n_residences : int
        Number of residences, shared evenly between the archetypes.
    n_archetypes : int
        How many of :data:`ARCHETYPES` to use (1 to 6).
    planted_share : float
        Share of residences whose fragility is shifted up.
    shift_sd : float
        Shift of planted residences, in within-archetype standard deviations.
    seed : int
        Seed of the generator.
    """
    rng = np.random.default_rng(seed)
    kinds = ARCHETYPES[:n_archetypes]
    which = np.arange(n_residences) % len(kinds)
    rng.shuffle(which)
    arch = np.array(kinds, dtype=object)[which]
    col = {
        name: np.array([k[i] for k in arch], dtype=float)
        for i, name in enumerate(_FIELDS)
        if name != "name"
    }
    n = n_residences
    features = pd.DataFrame(
        {
            "n_dwellings": np.maximum(
                1, np.round(col["n_dwellings"] * np.exp(rng.normal(0, col["size_sd"])))
            ),
            "small_units_pct": np.clip(col["small"] + rng.normal(0, 6, n), 0, 100),
            "large_units_pct": np.clip(col["large"] + rng.normal(0, 5, n), 0, 100),
            "year_built": np.round(col["year"] + rng.normal(0, 1, n) * col["year_sd"]),
            "rent_eur_m2": col["rent"] + rng.normal(0, 0.35, n),
            "is_qpv": rng.random(n) < col["qpv"],
            "dist_centre_m": col["centre"] * np.exp(rng.normal(0, 0.3, n)),
            "equipment_dist_m": col["equipment"] * np.exp(rng.normal(0, 0.3, n)),
            "psp_intervention_level": np.clip(
                col["psp"] + (rng.random(n) < 0.2) * rng.choice([-1, 1], n), 0, 3
            ),
        },
        index=pd.Index([f"R{i:06d}" for i in range(n)], name="residence_id"),
    )
    level, spread = col["fragility"], col["fragility_sd"]
    planted = np.zeros(n, dtype=bool)
    planted[rng.choice(n, round(planted_share * n), replace=False)] = True
    fragility = level + spread * rng.normal(0, 1, n) + planted * shift_sd * spread
    previous = fragility + rng.normal(0, 0.25, n) * spread - planted * shift_sd * spread

    # indicators follow each residence's own fragility (before the planted shift), plus noise
    own = fragility - planted * shift_sd * spread
    indicators = pd.DataFrame(
        {
            "single_parent_pct": np.clip(10 + 0.3 * own + rng.normal(0, 1.5, n), 0, 100),
            "no_employment_pct": np.clip(5 + 0.6 * own + rng.normal(0, 2, n), 0, 100),
            "res_below_40_pct": np.clip(0.7 * own + rng.normal(0, 2, n), 0, 100),
            "housing_benefit_pct": np.clip(15 + 0.6 * own + rng.normal(0, 2, n), 0, 100),
        },
        index=features.index,
    )
    profile = np.array([None] * n, dtype=object)
    profile[planted] = rng.choice(PROFILES, int(planted.sum()))
    for name in PROFILES:
        rows = profile == name
        indicators.loc[rows, name] = np.clip(indicators.loc[rows, name] + 30, 0, 100)

    classes = np.array(["A", "B", "C", "D", "E"])[rng.integers(0, 5, n)]
    return SyntheticParc(
        features=features,
        archetype=pd.Series(
            [k[0] for k in arch], index=features.index, name="archetype", dtype=object
        ),
        fragility=pd.Series(fragility, index=features.index, name="fragility"),
        previous=pd.Series(previous, index=features.index, name="previous"),
        n_households=pd.Series(
            np.maximum(11, np.round(features["n_dwellings"] * 0.8)), index=features.index
        ),
        indicators=indicators,
        attractiveness_class=pd.Series(classes, index=features.index, name="class"),
        planted=pd.Series(planted, index=features.index, name="planted"),
        planted_profile=pd.Series(profile, index=features.index, name="planted_profile"),
    )


_FIELDS = (
    "name",
    "n_dwellings",
    "size_sd",
    "small",
    "large",
    "year",
    "year_sd",
    "rent",
    "qpv",
    "centre",
    "equipment",
    "psp",
    "fragility",
    "fragility_sd",
)
