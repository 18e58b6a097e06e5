"""Who lives in each simulated tenancy, and how the household changes while it stays.

Each tenancy gets one household, drawn when it moves in:

- households already in place at the warm-up get the resources of the residence's sitting
  tenants (the more fragile the residence, the poorer) and some years of seniority;
- entrants are drawn with a probability of belonging to the first quartile that depends on the
  quartier prioritaire, the fragility, the bailleur, the commune, the residence, the year and the
  typology; first lettings of new residences are less often in the first quartile. In a few
  fragile residences the intake is markedly poorer than the sitting tenants.

While it stays, a household ages, its resources drift (downwards in fragile residences) and, in
the residences that degrade from 2022, many households lose resources and jobs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import expit, ndtri

from geodata.demo.dynamics import DEGRADATION_DAY, Dynamics
from geodata.demo.households import RESOURCE_SIGMA, draw_households, resources_for_q1_share
from geodata.demo.params import BAILLEURS, WARMUP_START, day, generator, year_of

BAILLEUR_EFFECT = dict(zip(BAILLEURS, (0.08, -0.35, 0.0, 0.55, -0.25), strict=True))
YEAR_EFFECT = {
    2018: 0.06,
    2019: 0.03,
    2020: 0.0,
    2021: -0.02,
    2022: -0.04,
    2023: -0.06,
    2024: -0.06,
    2025: -0.08,
}
TYPOLOGY_EFFECT = np.array([0.3, 0.05, 0.0, -0.05, 0.15])
INTAKE_BASE = -1.45
INTAKE_QPV = 0.72
MAX_AGE = 97


@dataclass(frozen=True)
class Occupants:
    """Household of every tenancy at move-in (arrays aligned on the tenancies)."""

    reference_day: np.ndarray  # day the resources and age below were measured
    resources: np.ndarray
    age: np.ndarray
    composition: np.ndarray
    n_children: np.ndarray
    n_adults: np.ndarray
    household_size: np.ndarray
    is_employed: np.ndarray
    n_employed_adults: np.ndarray
    apl_draw: np.ndarray
    is_mutation: np.ndarray
    residence: np.ndarray
    typology: np.ndarray
    hit_by_crisis: np.ndarray
    loses_job: np.ndarray


def intake_q1_probability(
    stock: pd.DataFrame,
    residence: np.ndarray,
    typology: np.ndarray,
    years: np.ndarray,
    first_letting: np.ndarray,
    dynamics: Dynamics,
    rng: np.random.Generator,
) -> np.ndarray:
    """Probability that an entrant belongs to the first quartile of resources.

    Parameters
    ----------
    stock : pandas.DataFrame
        The residences (``is_qpv``, ``fragility``, ``bailleur``, ``commune_code``, ``klass``).
    residence, typology, years : numpy.ndarray
        Residence position, typology index and year of move-in of each entrant.
    first_letting : numpy.ndarray
        Whether the entrant is the first tenant of a new dwelling.
    dynamics : Dynamics
        Hidden dynamics (residences degrading from 2022 take in poorer households).
    rng : numpy.random.Generator
        Random generator (residence, commune and "reinforcing intake" effects).

    Returns
    -------
    numpy.ndarray
        A logistic function of the quartier prioritaire, the fragility, the bailleur, the
        commune, the residence, the year and the typology.
    """
    n_res = len(stock)
    communes = stock["commune_code"].to_numpy()
    commune_codes = sorted(set(communes))
    commune_noise = dict(zip(commune_codes, rng.normal(0, 0.3, len(commune_codes)), strict=True))
    klass = stock["klass"].to_numpy()
    residence_term = (
        INTAKE_BASE
        + INTAKE_QPV * stock["is_qpv"].to_numpy()
        + 0.3 * stock["fragility"].to_numpy()
        + stock["bailleur"].map(BAILLEUR_EFFECT).to_numpy(float)
        + np.array([0.0 if c == "86194" else commune_noise[c] for c in communes])
        + np.select(
            [klass == "town", klass == "rural", klass == "first_ring"],
            [-0.2, -0.3, -0.1],
            default=0.0,
        )
        + rng.normal(0, 0.45, n_res)
    )
    # Some fragile residences take in markedly poorer households than they already house.
    reinforcing = (stock["fragility"].to_numpy() > 0.5) & (rng.random(n_res) < 0.25)
    residence_term = residence_term + np.where(reinforcing, 0.8, 0.0)
    year_term = np.array([YEAR_EFFECT.get(int(y), 0.0) for y in years])
    crisis = dynamics.degrading[residence] & (years >= 2022) & (years <= 2024)
    value = (
        residence_term[residence]
        + year_term
        + TYPOLOGY_EFFECT[typology]
        - 0.5 * first_letting
        + 1.6 * crisis
    )
    return expit(value)


def sitting_resources(fragility: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Resources of the households in place at the warm-up (% of the PLUS ceiling)."""
    below_40 = expit(-0.7 + 0.8 * np.asarray(fragility))
    log_median = np.log(40.0) - RESOURCE_SIGMA * ndtri(below_40)
    return np.exp(log_median + RESOURCE_SIGMA * rng.standard_normal(len(below_40)))


def draw_occupants(
    tenancies: pd.DataFrame,
    dwelling_residence: np.ndarray,
    dwelling_typology: np.ndarray,
    stock: pd.DataFrame,
    dynamics: Dynamics,
    q1_threshold: float,
) -> Occupants:
    """Draw the household of every tenancy.

    Parameters
    ----------
    tenancies : pandas.DataFrame
        Simulated tenancies (``dwelling``, ``start``, ``is_initial``, ``is_first_letting``).
    dwelling_residence, dwelling_typology : numpy.ndarray
        Residence position and typology index of every dwelling.
    stock : pandas.DataFrame
        The residences (``is_qpv``, ``fragility``, ``bailleur``, ``commune_code``, ``klass``).
    dynamics : Dynamics
        Hidden dynamics of the residences.
    q1_threshold : float
        First-quartile threshold of resources (% of the PLUS ceiling).

    Returns
    -------
    Occupants
        One household per tenancy.
    """
    rng = generator("occupants")
    warmup = day(WARMUP_START)
    dwelling = tenancies["dwelling"].to_numpy()
    residence = dwelling_residence[dwelling]
    typology = dwelling_typology[dwelling]
    start = tenancies["start"].to_numpy(float)
    initial = tenancies["is_initial"].to_numpy(bool)
    first = tenancies["is_first_letting"].to_numpy(bool)
    fragility = stock["fragility"].to_numpy()[residence]
    n = len(tenancies)

    p_q1 = intake_q1_probability(stock, residence, typology, year_of(start), first, dynamics, rng)
    resources = resources_for_q1_share(p_q1, q1_threshold, rng)
    resources[initial] = sitting_resources(fragility[initial], rng)
    households = draw_households(typology, fragility, resources, rng)
    age = households["holder_age"].astype(float)
    reference = np.where(initial, float(warmup), start)
    # Households in place at the warm-up moved in some years before: they are older.
    age[initial] += (warmup - start[initial]) / 365.25
    mutation = rng.random(n) < (
        0.30 + 0.10 * (typology >= 3) + 0.12 * first - 0.05 * (typology == 0)
    )
    return Occupants(
        reference_day=reference,
        resources=resources,
        age=np.minimum(age, MAX_AGE),
        composition=households["composition"],
        n_children=households["n_children"],
        n_adults=households["n_adults"],
        household_size=households["household_size"],
        is_employed=households["is_employed"],
        n_employed_adults=households["n_employed_adults"],
        apl_draw=households["apl_draw"],
        is_mutation=mutation,
        residence=residence,
        typology=typology,
        hit_by_crisis=rng.random(n) < 0.6,
        loses_job=rng.random(n) < 0.35,
    )


def state_at(occupants: Occupants, rows: np.ndarray, when: np.ndarray, dynamics: Dynamics) -> dict:
    """Resources, age and employment of some households at given days.

    Parameters
    ----------
    occupants : Occupants
        Households of the tenancies.
    rows : numpy.ndarray
        Tenancy positions.
    when : numpy.ndarray
        Day of observation of each of them (not before their reference day).
    dynamics : Dynamics
        Hidden dynamics (drift of resources, residences degrading from 2022).

    Returns
    -------
    dict of numpy.ndarray
        ``resources``, ``age``, ``is_employed``, ``n_employed_adults``.
    """
    when = np.asarray(when, float)
    years = np.maximum(when - occupants.reference_day[rows], 0.0) / 365.25
    residence = occupants.residence[rows]
    log_res = np.log(occupants.resources[rows]) + dynamics.drift[residence] * years
    crisis = (
        dynamics.degrading[residence]
        & (when >= DEGRADATION_DAY)
        & (occupants.reference_day[rows] < DEGRADATION_DAY)
    )
    log_res = log_res - 0.45 * (crisis & occupants.hit_by_crisis[rows])
    age = np.minimum(occupants.age[rows] + years, MAX_AGE)
    employed = occupants.is_employed[rows] & (age < 64) & ~(crisis & occupants.loses_job[rows])
    return {
        "resources": np.exp(log_res),
        "age": age,
        "is_employed": employed,
        "n_employed_adults": np.where(employed, occupants.n_employed_adults[rows], 0),
    }
