"""Household profiles of the demo data set: applicants, entrants, leavers and sitting tenants.

A household is drawn from the typology of the dwelling it occupies or asks for: its composition
(single person, couple, family, single parent) follows the typology and the fragility of the
residence; its size, age, employment and resources follow its composition.

Resources are in percent of the PLUS ceiling and log-normal. Entrants are drawn with a given
probability of belonging to the first quartile (``is_q1``): a household is in the first quartile
when its resources are below the threshold ``q1_threshold`` (the first quartile of the active
applicants' resources), so ``is_q1`` and ``resources_pct_ceiling`` always agree.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit, ndtri

from geodata.schemas import COMPOSITIONS

RESOURCE_SIGMA = 0.7
# Composition probabilities by typology (rows T1…T5+), columns in the order of COMPOSITIONS:
# personne_seule, couple_sans_enfant, couple_avec_enfants, famille_monoparentale.
COMPOSITION_BY_TYPOLOGY = np.array(
    [
        (0.86, 0.09, 0.00, 0.05),
        (0.54, 0.20, 0.08, 0.18),
        (0.25, 0.16, 0.35, 0.24),
        (0.10, 0.06, 0.57, 0.27),
        (0.03, 0.02, 0.68, 0.27),
    ]
)
# Children of families by typology: (minimum, probabilities of minimum, +1, +2, +3).
CHILDREN_BY_TYPOLOGY = (
    (1, (1.0, 0.0, 0.0, 0.0)),
    (1, (0.9, 0.1, 0.0, 0.0)),
    (1, (0.55, 0.45, 0.0, 0.0)),
    (2, (0.55, 0.35, 0.10, 0.0)),
    (3, (0.50, 0.30, 0.15, 0.05)),
)
SINGLE, COUPLE, FAMILY, SINGLE_PARENT = range(4)


def resources_for_q1_share(
    p_q1: np.ndarray, q1_threshold: float, rng: np.random.Generator
) -> np.ndarray:
    """Draw resources (% of the PLUS ceiling) with the given probability of being in quartile 1.

    Parameters
    ----------
    p_q1 : numpy.ndarray
        Probability, for each household, that its resources fall below ``q1_threshold``.
    q1_threshold : float
        Resources (% of the PLUS ceiling) below which a household is in the first quartile.
    rng : numpy.random.Generator
        Random generator.

    Returns
    -------
    numpy.ndarray
        Log-normal resources: ``P(resources < q1_threshold) = p_q1``.
    """
    p = np.clip(np.asarray(p_q1, float), 0.01, 0.99)
    log_median = np.log(q1_threshold) - RESOURCE_SIGMA * ndtri(p)
    return np.exp(log_median + RESOURCE_SIGMA * rng.standard_normal(len(p)))


def _choose(probabilities: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Index drawn from each row of a probability matrix."""
    cumulative = np.cumsum(probabilities / probabilities.sum(axis=1, keepdims=True), axis=1)
    u = rng.random(len(probabilities))[:, None]
    return np.minimum((u > cumulative).sum(axis=1), probabilities.shape[1] - 1)


def _ages(composition: np.ndarray, typology: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    n = len(composition)
    u = rng.random(n)
    single_age = np.where(
        u < np.where(typology == 0, 0.72, 0.36),
        rng.normal(30, 7, n),
        np.where(
            u < np.where(typology == 0, 0.86, 0.68), rng.normal(48, 8, n), rng.normal(72, 9, n)
        ),
    )
    couple_age = np.where(u < 0.5, rng.normal(30, 5, n), rng.normal(64, 9, n))
    family_age = rng.normal(38, 8, n)
    age = np.select(
        [composition == SINGLE, composition == COUPLE], [single_age, couple_age], default=family_age
    )
    upper = np.where(composition >= FAMILY, 62, 95)
    return np.clip(np.round(age), 19, upper).astype(int)


def draw_households(
    typology: np.ndarray,
    fragility: np.ndarray,
    resources: np.ndarray,
    rng: np.random.Generator,
) -> dict[str, np.ndarray]:
    """Draw the profile of households occupying or asking for dwellings of given typologies.

    Parameters
    ----------
    typology : numpy.ndarray
        Typology index (0 for T1 … 4 for T5+).
    fragility : numpy.ndarray
        Fragility of the residence (0 on average); raises the share of single parents.
    resources : numpy.ndarray
        Resources in % of the PLUS ceiling (drawn beforehand).
    rng : numpy.random.Generator
        Random generator.

    Returns
    -------
    dict of numpy.ndarray
        ``composition`` (index in COMPOSITIONS), ``n_children``, ``n_adults``,
        ``household_size``, ``holder_age``, ``is_employed``, ``n_employed_adults``,
        ``apl_draw`` (uniform draw deciding housing benefit, see :func:`has_housing_benefit`).
    """
    typology = np.asarray(typology, int)
    n = len(typology)
    weights = COMPOSITION_BY_TYPOLOGY[typology].copy()
    tilt = np.asarray(fragility, float)
    weights[:, SINGLE_PARENT] *= np.exp(0.35 * tilt)
    weights[:, SINGLE] *= np.exp(0.1 * tilt)
    composition = _choose(weights, rng)
    children = np.zeros(n, dtype=int)
    for t, (minimum, probs) in enumerate(CHILDREN_BY_TYPOLOGY):
        rows = typology == t
        children[rows] = minimum + rng.choice(len(probs), size=int(rows.sum()), p=probs)
    children = np.where(composition >= FAMILY, children, 0)
    adults = np.where((composition == COUPLE) | (composition == FAMILY), 2, 1)
    age = _ages(composition, typology, rng)
    logit = 0.9 + 1.5 * np.log(np.maximum(resources, 1.0) / 35.0) + 0.3 * (composition >= FAMILY)
    employed = (rng.random(n) < expit(logit)) & (age < 62)
    employed |= (age >= 62) & (rng.random(n) < 0.05)
    two_earners = (adults == 2) & (
        rng.random(n) < expit(2.0 * np.log(np.maximum(resources, 1.0) / 60))
    )
    return {
        "composition": composition,
        "n_children": children,
        "n_adults": adults,
        "household_size": adults + children,
        "holder_age": age,
        "is_employed": employed,
        "n_employed_adults": np.where(employed, np.where(two_earners, 2, 1), 0),
        "apl_draw": rng.random(n),
    }


def has_housing_benefit(
    resources: np.ndarray, household_size: np.ndarray, apl_draw: np.ndarray
) -> np.ndarray:
    """Whether a household receives the APL, from its resources and size.

    The probability falls from about 1 well below the household's threshold (38 % of the PLUS
    ceiling for one person, plus 8 points per extra person, at most 75 %) to about 0 above it.
    """
    threshold = np.minimum(38.0 + 8.0 * (np.asarray(household_size) - 1), 75.0)
    p = expit(4.0 * (np.log(threshold) - np.log(np.maximum(resources, 1.0))))
    return np.asarray(apl_draw) < p


def composition_names(index: np.ndarray) -> np.ndarray:
    """Composition labels (``COMPOSITIONS``) of composition indices."""
    return np.array(COMPOSITIONS, dtype=object)[np.asarray(index, int)]
