"""Demo SRU inventory (2017-2025) and social housing production (2020-2025) of the 40 communes.

Every rule comes from ``config/sru.toml`` (:func:`config.sru_rules.load_sru_rules`): the target
rate, the population threshold, the catch-up shares and their modulations, the CMS period, its
total and its announced uplift; editing the rules recalibrates the demo. The seed inventory (the
one the CMS period is computed from: 2022 for 2023-2025 with the shipped rules) gives the ten
deficit communes exactly the rates of the contrat de mixité sociale mutualisant. Their numbers of
résidences principales are scaled by one common factor so that the droit-commun objectives,
computed with the rules, total the CMS total divided by its uplift (542 / 1.15 ≈ 471 dwellings):
the CMS total is then 15 % above them, as announced. The other years follow from the production:
the inventory at 1 January of year ``y + 1`` is that of ``y`` plus the dwellings delivered in
``y`` (minus, in Poitiers, the dwellings demolished by the urban renewal programme).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from config.sru_rules import SruRules, load_sru_rules
from geodata.demo.params import (
    COMMUNE_PROFILES,
    PRODUCTION_YEARS,
    RP_GROWTH,
    SEED_RATES_2022,
    SRU_YEARS,
    generator,
)

AGREEMENT_YEARS = tuple(range(2012, 2026))
POITIERS_DEMOLITIONS = {2017: 0, 2018: 40, 2019: 0, 2020: 64, 2021: 0, 2022: 96, 2023: 0, 2024: 72}


@dataclass(frozen=True)
class SruCalibration:
    """What the demo takes from the SRU rules.

    Attributes
    ----------
    rules : SruRules
        The rules of ``config/sru.toml``.
    seed_year : int
        Year of the inventory the CMS period is computed from (first year − offset).
    cms_years : tuple of int
        The years of the CMS period.
    """

    rules: SruRules
    seed_year: int
    cms_years: tuple[int, ...]

    @classmethod
    def from_rules(cls, rules: SruRules | None = None) -> SruCalibration:
        """The calibration of ``rules`` (``config/sru.toml`` by default)."""
        rules = rules or load_sru_rules()
        first, last = rules.cms.period
        return cls(rules, first - rules.inventory_offset_years, tuple(range(first, last + 1)))

    @property
    def uplift(self) -> float:
        """The announced uplift of the CMS over the droit-commun objectives, as a fraction."""
        return self.rules.cms.announced_uplift_pct / 100.0

    @property
    def default_gap(self) -> float:
        """The gap to the target (points) from which the default catch-up share applies."""
        modulations = self.rules.modulations
        return modulations[-1].gap_below_points if modulations else 0.0


@dataclass(frozen=True)
class SruDemo:
    """The generated SRU tables and the 2025 count of social dwellings per commune."""

    inventory: pd.DataFrame
    production: pd.DataFrame
    lls_2025: pd.Series


def sru_rate(n_lls: np.ndarray, n_rp: np.ndarray) -> np.ndarray:
    """SRU rate in percent, rounded to one decimal as published: ``round(100 × lls / rp, 1)``."""
    return np.round(100.0 * np.asarray(n_lls, float) / np.asarray(n_rp, float), 1)


def catch_up_shares(gap: np.ndarray, rules: SruRules) -> np.ndarray:
    """Catch-up share (0 to 1) for gaps to the target in points: the first modulation whose bound
    exceeds the gap, else the default share."""
    share = np.full(gap.shape, rules.default_share_pct / 100.0)
    assigned = np.zeros(gap.shape, dtype=bool)
    for modulation in rules.modulations:
        hit = ~assigned & (gap < modulation.gap_below_points)
        share[hit] = modulation.share_pct / 100.0
        assigned |= hit
    return share


def droit_commun_objectives(
    n_lls: np.ndarray, n_rp: np.ndarray, rules: SruRules | None = None
) -> np.ndarray:
    """Default triennial catch-up objective of deficit communes (loi 3DS).

    Parameters
    ----------
    n_lls, n_rp : numpy.ndarray
        Social dwellings and résidences principales of the inventory before the period.
    rules : SruRules, optional
        The rules (``config/sru.toml`` by default).

    Returns
    -------
    numpy.ndarray
        ``ceil(share × ceil(target × rp − lls))``; with the shipped rules, share 100 % when the
        gap to 20 % is below 2 points, 50 % below 4 points, 33 % otherwise.
    """
    rules = rules or load_sru_rules()
    lls = np.asarray(n_lls, float)
    rp = np.asarray(n_rp, float)
    missing = np.ceil(np.round(rules.target_pct / 100.0 * rp - lls, 6))
    gap = np.round(rules.target_pct - sru_rate(lls, rp), 6)
    share = catch_up_shares(gap, rules)
    return np.ceil(np.round(share * missing, 6)).astype(int)


def _seed_communes(
    population: pd.Series, factor: float, calibration: SruCalibration
) -> tuple[np.ndarray, np.ndarray]:
    codes = list(SEED_RATES_2022)
    rates = np.array([SEED_RATES_2022[c] for c in codes])
    # Only the communes far from the target (default catch-up share) are scaled: they carry the
    # total.
    far = calibration.rules.target_pct - rates >= calibration.default_gap
    scale = np.where(far, factor, 1.0)
    rp = np.array(
        [
            round(population[c] / COMMUNE_PROFILES[c][1] * k)
            for c, k in zip(codes, scale, strict=True)
        ]
    )
    lls = np.round(rates / 100.0 * rp).astype(int)
    for i in range(len(codes)):
        # Nudge the number of résidences principales until the published rate is hit exactly.
        while sru_rate(lls[i], rp[i]) != rates[i]:
            rp[i] += 1
            lls[i] = round(rates[i] / 100.0 * rp[i])
    return rp, lls


def calibrate_seed_communes(
    population: pd.Series, calibration: SruCalibration | None = None
) -> pd.DataFrame:
    """Seed inventory of the ten deficit communes, calibrated on the CMS droit-commun total.

    The résidences principales of the communes far from the target (gap at or above the last
    modulation's) are scaled by the common factor, searched on a grid, whose droit-commun total is
    closest to the CMS total divided by its uplift.

    Parameters
    ----------
    population : pandas.Series
        Population municipale indexed by commune code.
    calibration : SruCalibration, optional
        The rules (``config/sru.toml`` by default).

    Returns
    -------
    pandas.DataFrame
        Indexed by commune code: ``n_rp``, ``n_lls`` (exact seed rates) and ``objective``.
    """
    calibration = calibration or SruCalibration.from_rules()
    rules = calibration.rules
    target = rules.cms.total_dwellings / (1.0 + calibration.uplift)
    best = None
    for factor in np.round(np.arange(0.80, 1.2001, 0.0005), 4):
        rp, lls = _seed_communes(population, float(factor), calibration)
        total = int(droit_commun_objectives(lls, rp, rules).sum())
        score = (abs(total - target), abs(factor - 1.0))
        if best is None or score < best[0]:
            best = (score, rp, lls)
    _, rp, lls = best
    return pd.DataFrame(
        {"n_rp": rp, "n_lls": lls, "objective": droit_commun_objectives(lls, rp, rules)},
        index=pd.Index(list(SEED_RATES_2022), name="commune_code"),
    )


def _split_by_largest_remainder(values: np.ndarray, total: int) -> np.ndarray:
    floors = np.floor(values).astype(int)
    order = np.argsort(-(values - floors), kind="stable")
    floors[order[: total - floors.sum()]] += 1
    return floors


def _agreements(
    codes: list[str],
    lls_2022: pd.Series,
    objectives: pd.Series,
    rng: np.random.Generator,
    calibration: SruCalibration,
) -> pd.DataFrame:
    """Dwellings agreed per commune and year (2012-2025, the first years hidden)."""
    agreed = pd.DataFrame(0, index=pd.Index(codes, name="commune_code"), columns=AGREEMENT_YEARS)
    cms_years = list(calibration.cms_years)
    cms_total = calibration.rules.cms.total_dwellings
    pre = [y for y in AGREEMENT_YEARS if y < cms_years[0]]
    for code in codes:
        klass = COMMUNE_PROFILES[code][0]
        if code in objectives.index:
            pace = max(objectives[code] / 3.0 * rng.uniform(0.3, 0.55), 0.012 * lls_2022[code])
        elif klass == "poitiers":
            pace = 145.0
        elif lls_2022[code] >= 300:
            pace = 12.0
        elif lls_2022[code] >= 30:
            pace = 2.0
        elif lls_2022[code] > 0:
            pace = 0.25
        else:
            pace = 0.0
        years = pre if code in objectives.index else AGREEMENT_YEARS
        if lls_2022[code] < 30:
            years = [y for y in years if y >= calibration.seed_year]
        agreed.loc[code, years] = rng.poisson(pace, len(years))
    # CMS period: each deficit commune agrees about 1.15 times its droit-commun objective, more or
    # less, the whole lot landing near (not on) the CMS total.
    uplift = 1.0 + calibration.uplift
    raw = objectives.to_numpy(float) * uplift * rng.uniform(0.65, 1.35, len(objectives))
    total = int(np.round(cms_total * rng.uniform(0.88, 0.98)))
    per_commune = _split_by_largest_remainder(raw / raw.sum() * total, total)
    for code, n in zip(objectives.index, per_commune, strict=True):
        spread = rng.dirichlet([3.0] * len(cms_years))
        agreed.loc[code, cms_years] = rng.multinomial(n, spread)
    return agreed


def _deliveries(agreed: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Dwellings delivered: 70 % of an agreement two years later, the rest three years later."""
    years = list(range(AGREEMENT_YEARS[0], AGREEMENT_YEARS[-1] + 4))
    delivered = pd.DataFrame(0, index=agreed.index, columns=years)
    for year in AGREEMENT_YEARS:
        n = agreed[year].to_numpy()
        fast = rng.binomial(n, 0.7)
        delivered[year + 2] += fast
        delivered[year + 3] += n - fast
    return delivered


def build_sru(communes: pd.DataFrame, rules: SruRules | None = None) -> SruDemo:
    """Generate the SRU inventory and production tables.

    Parameters
    ----------
    communes : pandas.DataFrame
        ``commune_code``, ``population`` of the 40 communes.
    rules : SruRules, optional
        The SRU rules the demo is calibrated on (``config/sru.toml`` by default).

    Returns
    -------
    SruDemo
        ``inventory`` (commune_code, year, n_lls, n_rp, sru_rate_pct, is_subject),
        ``production`` (commune_code, year, n_agreed, n_delivered), ``lls_2025`` (Series).
    """
    rng = generator("sru")
    calibration = SruCalibration.from_rules(rules)
    seed_year = calibration.seed_year
    population = communes.set_index("commune_code")["population"]
    codes = sorted(population.index)
    seed = calibrate_seed_communes(population, calibration)
    rp_2022 = pd.Series(
        {c: round(population[c] / COMMUNE_PROFILES[c][1]) for c in codes}, dtype="int64"
    )
    rp_2022.update(seed["n_rp"])
    lls_2022 = pd.Series(
        {
            c: round((COMMUNE_PROFILES[c][2] or 0.0) / 100.0 * rp_2022[c])
            for c in codes
            if c not in seed.index
        },
        dtype="int64",
    )
    lls_2022 = pd.concat([lls_2022, seed["n_lls"]]).reindex(codes)

    agreed = _agreements(codes, lls_2022, seed["objective"], rng, calibration)
    delivered = _deliveries(agreed, rng)
    demolished = pd.DataFrame(0, index=agreed.index, columns=delivered.columns)
    for year, n in POITIERS_DEMOLITIONS.items():
        demolished.loc["86194", year] = n
    net = delivered - demolished

    rows = []
    for code in codes:
        klass = COMMUNE_PROFILES[code][0]
        growth = RP_GROWTH[klass] * rng.uniform(0.8, 1.2)
        for year in SRU_YEARS:
            if year >= seed_year:
                lls = lls_2022[code] + net.loc[code, seed_year : year - 1].sum()
            else:
                lls = lls_2022[code] - net.loc[code, year : seed_year - 1].sum()
            rp = round(rp_2022[code] * (1.0 + growth) ** (year - seed_year))
            rows.append((code, year, int(max(lls, 0)), int(rp)))
    inventory = pd.DataFrame(rows, columns=["commune_code", "year", "n_lls", "n_rp"])
    # The seed year is exact by construction; keep it so even if rounding of growth moved n_rp.
    is_seed = inventory["year"] == seed_year
    inventory.loc[is_seed, "n_rp"] = inventory.loc[is_seed, "commune_code"].map(rp_2022)
    inventory.loc[is_seed, "n_lls"] = inventory.loc[is_seed, "commune_code"].map(lls_2022)
    inventory["sru_rate_pct"] = sru_rate(inventory["n_lls"], inventory["n_rp"])
    inventory["is_subject"] = (
        inventory["commune_code"].map(population) >= calibration.rules.population_threshold
    ).astype(bool)

    production = pd.DataFrame(
        [
            (code, year, int(agreed.loc[code, year]), int(delivered.loc[code, year]))
            for code in codes
            for year in PRODUCTION_YEARS
        ],
        columns=["commune_code", "year", "n_agreed", "n_delivered"],
    )
    last = inventory[inventory["year"] == SRU_YEARS[-1]].set_index("commune_code")["n_lls"]
    return SruDemo(
        inventory=inventory.sort_values(["commune_code", "year"], ignore_index=True),
        production=production.sort_values(["commune_code", "year"], ignore_index=True),
        lls_2025=last.astype("int64"),
    )
