"""How each demo residence lives: departure rates, re-letting delays, works and relocations.

These hidden parameters drive the simulation of :mod:`geodata.demo.tenancies`:

- the yearly departure rate of a dwelling depends on its typology (studios turn over fast, large
  dwellings slowly), on the residence and on the year (a dip in 2020);
- the re-letting delay depends on the residence's attractiveness: quartier prioritaire, energy
  label, rent close to the private market, remote commune, and typology (large and very small
  dwellings of unattractive residences stay vacant longer);
- works: a departure may be followed by technical vacancy, often in residences to rehabilitate
  and nearly always during the two years of a rehabilitation;
- relocation before demolition: from a given year the tenants of a few residences to demolish
  are rehoused and their dwellings are no longer re-let;
- a few residences degrade sharply from 2022: better-off tenants leave, resources fall, intake
  gets poorer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from geodata.demo.params import day, generator

YEARS = tuple(range(2010, 2027))
YEAR_FACTOR = {
    2018: 1.04,
    2019: 1.02,
    2020: 0.88,
    2021: 0.98,
    2022: 0.98,
    2023: 0.95,
    2024: 0.93,
    2025: 0.92,
    2026: 0.92,
}
# Yearly departure rate by typology T1…T5+.
TYPOLOGY_RATE = np.array([0.31, 0.17, 0.124, 0.102, 0.086])
# Typology factor on the re-letting delay, for attractive and for unattractive residences.
DELAY_TYPOLOGY = np.array([[1.0, 0.85, 0.9, 1.05, 1.3], [1.6, 0.9, 0.95, 1.15, 1.9]])
PSP_TECHNICAL = {
    "conforter": 0.012,
    "vendre": 0.04,
    "réhabiliter": 0.08,
    "restructurer": 0.12,
    "démolir": 0.10,
}
WORKS_TECHNICAL = 0.45
DEGRADATION_DAY = day(np.datetime64("2022-03-01"))
RELOCATION_YEARS = (2021, 2022, 2024)


@dataclass(frozen=True)
class Dynamics:
    """Hidden parameters of every residence, aligned on the residences' order."""

    rate: np.ndarray  # (residences, YEARS) yearly departure rate factor
    delay_median: np.ndarray  # (residences, 5) median re-letting delay in days
    p_technical: np.ndarray  # probability that a departure is followed by works
    works_year: np.ndarray  # year of a rehabilitation during the flows (0: none)
    relocation_day: np.ndarray  # first day of relocation before demolition (inf: none)
    delivery_day: np.ndarray  # first day the residence can be let
    degrading: np.ndarray  # residence degrading sharply from 2022
    drift: np.ndarray  # yearly drift of the tenants' log-resources


def _relocations(stock: pd.DataFrame) -> np.ndarray:
    """Residences to demolish whose tenants are being rehoused: the largest of QPV not recently
    rehabilitated."""
    not_rehabilitated = stock["year_rehab"].isna() | (stock["year_rehab"] < 2000)
    candidates = stock[(stock["psp_class"] == "démolir") & stock["is_qpv"] & not_rehabilitated]
    chosen = candidates.sort_values(["n_dwellings", "residence_id"], ascending=[False, True])
    out = np.full(len(stock), np.inf)
    for year, index in zip(RELOCATION_YEARS, chosen.index[: len(RELOCATION_YEARS)], strict=False):
        out[stock.index.get_loc(index)] = day(np.datetime64(f"{year}-01-01"))
    return out


def _degrading(stock: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """About 4 % of the residences of 20 dwellings or more, fragile or average, degrade."""
    eligible = (stock["n_dwellings"] >= 20) & (stock["fragility"] > -0.6)
    eligible &= stock["psp_class"] != "démolir"
    eligible &= stock["year_built"] < 2018
    return eligible.to_numpy() & (rng.random(len(stock)) < 0.06)


def residence_dynamics(stock: pd.DataFrame) -> Dynamics:
    """Draw the hidden dynamics of every residence.

    Parameters
    ----------
    stock : pandas.DataFrame
        Residences with their building columns, ``rent_eur_m2``, ``private_rent_eur_m2``,
        ``klass``, ``fragility``, ``psp_class``, ``year_built``, ``year_rehab``.

    Returns
    -------
    Dynamics
        Parameters aligned on ``stock``.
    """
    rng = generator("dynamics")
    n = len(stock)
    klass = stock["klass"].to_numpy()
    qpv = stock["is_qpv"].to_numpy()
    frag = stock["fragility"].to_numpy()
    base = np.select(
        [qpv, klass == "poitiers", klass == "first_ring", klass == "town"],
        [1.1, 1.0, 0.92, 0.88],
        default=0.85,
    )
    base = base * np.exp(rng.normal(-0.02, 0.2, n))
    degrading = _degrading(stock, rng)
    relocation = _relocations(stock)
    rate = np.empty((n, len(YEARS)))
    for j, year in enumerate(YEARS):
        factor = YEAR_FACTOR.get(year, 1.04)
        rate[:, j] = base * factor
        rate[degrading & (year in (2022, 2023)), j] *= 1.6
        start = day(np.datetime64(f"{year}-01-01"))
        rate[relocation <= start, j] *= 3.5

    dpe = stock["dpe_label"].to_numpy(dtype=object)
    attract = (
        np.where(qpv, 1.6, 1.0)
        * np.select([dpe == "E", dpe == "F", dpe == "G"], [1.1, 1.3, 1.45], default=1.0)
        * np.select(
            [klass == "first_ring", klass == "town", klass == "rural"],
            [0.95, 1.3, 1.6],
            default=1.0,
        )
        * np.exp(0.15 * frag)
        * np.exp(rng.normal(0, 0.25, n))
    )
    private = stock["private_rent_eur_m2"].fillna(stock["private_rent_eur_m2"].median())
    close_to_market = (stock["rent_eur_m2"] / private).to_numpy() > 0.68
    attract = attract * np.where(close_to_market, 1.25, 1.0)
    unattractive = (attract >= 1.6).astype(int)
    delay_median = 32.0 * attract[:, None] * DELAY_TYPOLOGY[unattractive]

    psp = stock["psp_class"].map(PSP_TECHNICAL).to_numpy(float)
    rehab = stock["year_rehab"].fillna(0).to_numpy(int)
    works_year = np.where((rehab >= 2018) & (rehab <= 2025), rehab, 0)
    built = stock["year_built"].to_numpy(int)
    spread = rng.integers(0, 300, n)
    delivery = np.array([day(np.datetime64(f"{y}-01-01")) for y in built]) + 60 + spread
    drift = -0.012 * frag
    return Dynamics(
        rate=rate,
        delay_median=delay_median,
        p_technical=psp,
        works_year=works_year,
        relocation_day=relocation,
        delivery_day=delivery.astype(float),
        degrading=degrading,
        drift=drift,
    )
