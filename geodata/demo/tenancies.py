"""Dwelling-by-dwelling simulation of tenancies and vacancies, 2012-2025.

Every dwelling alternates tenancies and vacancies, with no overlap. The simulation starts in 2012
with every existing dwelling let (a six-year warm-up, so that 2018 looks like any other year) and
runs, one generation of tenancies at a time for all dwellings at once, until the extract date:

- a tenancy ends after a duration drawn from the residence's yearly departure rates (cumulative
  hazard inverted year by year), times a household factor;
- the departure opens a rotation vacancy; after the re-letting delay a new tenancy starts on the
  day the vacancy ends;
- or the rotation vacancy is ended after a few weeks by a technical vacancy (works), and the next
  tenancy starts when the works end;
- in a residence being emptied before demolition the dwelling goes to technical vacancy and is
  never re-let;
- new residences are let a first time on delivery, without vacancy.

Times are day numbers (days since 1970-01-01); ``inf`` means "after the extract date".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from geodata.demo.dynamics import TYPOLOGY_RATE, WORKS_TECHNICAL, YEARS, Dynamics
from geodata.demo.params import EXTRACT_DATE, WARMUP_START, day

ROTATION, TECHNICAL = 0, 1
MIN_TENURE_DAYS = 60
MAX_ELAPSED_DAYS = 40 * 365
_YEAR_START = np.array([day(np.datetime64(f"{y}-01-01")) for y in (*YEARS, YEARS[-1] + 1)], float)


@dataclass(frozen=True)
class Simulation:
    """Tenancies and vacancy periods of every dwelling.

    ``tenancies``: ``dwelling``, ``start``, ``end`` (inf when still running), ``is_initial`` (let
    before the warm-up), ``is_first_letting``, ``vacancy`` (index of the vacancy it closes, -1).
    ``vacancies``: ``dwelling``, ``start``, ``end`` (NaN when still open), ``cause`` (0 rotation,
    1 technical), ``departure`` (index of the tenancy whose end opened it, -1).
    """

    tenancies: pd.DataFrame
    vacancies: pd.DataFrame


def _tenure_end(
    start: np.ndarray,
    residence: np.ndarray,
    rate: np.ndarray,
    dynamics: Dynamics,
    rng: np.random.Generator,
) -> np.ndarray:
    """Invert the cumulative departure hazard, piecewise constant by calendar year."""
    n = len(start)
    remaining = rng.exponential(1.0, n)
    t = start.astype(float).copy()
    end = np.full(n, np.inf)
    active = np.ones(n, dtype=bool)
    for _ in range(len(YEARS) + 1):
        idx = np.flatnonzero(active)
        if idx.size == 0:
            break
        j = np.searchsorted(_YEAR_START, t[idx], side="right") - 1
        beyond = j >= len(YEARS)
        active[idx[beyond]] = False
        idx, j = idx[~beyond], np.clip(j[~beyond], 0, len(YEARS) - 1)
        per_day = rate[idx] * dynamics.rate[residence[idx], j] / 365.25
        boundary = _YEAR_START[j + 1]
        capacity = per_day * (boundary - t[idx])
        done = remaining[idx] <= capacity
        end[idx[done]] = t[idx[done]] + remaining[idx[done]] / per_day[done]
        active[idx[done]] = False
        rest = idx[~done]
        remaining[rest] -= capacity[~done]
        t[rest] = boundary[~done]
    return np.maximum(np.floor(end), start + MIN_TENURE_DAYS)


def simulate(
    residence: np.ndarray, typology: np.ndarray, dynamics: Dynamics, rng: np.random.Generator
) -> Simulation:
    """Simulate every dwelling from the warm-up to the extract date.

    Parameters
    ----------
    residence : numpy.ndarray
        Residence position (row in the residences' order) of each dwelling.
    typology : numpy.ndarray
        Typology index (0 for T1 … 4 for T5+) of each dwelling.
    dynamics : Dynamics
        Hidden parameters of the residences.
    rng : numpy.random.Generator
        Random generator.

    Returns
    -------
    Simulation
        All tenancies and vacancies that start before the extract date.
    """
    warmup = day(WARMUP_START)
    last = day(EXTRACT_DATE)
    n = len(residence)
    household = np.exp(rng.normal(-0.06, 0.35, n))
    type_rate = TYPOLOGY_RATE[typology]

    tenancies: list[dict[str, np.ndarray]] = []
    vacancies: list[dict[str, np.ndarray]] = []
    n_tenancies = 0
    n_vacancies = 0

    def add_tenancies(dwelling, start, initial, first, vacancy, factor=None):
        nonlocal n_tenancies
        if factor is None:
            factor = np.exp(rng.normal(-0.06, 0.35, len(dwelling)))
        end = _tenure_end(start, residence[dwelling], type_rate[dwelling] * factor, dynamics, rng)
        tenancies.append(
            {
                "dwelling": dwelling,
                "start": start,
                "end": end,
                "is_initial": initial,
                "is_first_letting": first,
                "vacancy": vacancy,
            }
        )
        ids = np.arange(n_tenancies, n_tenancies + len(dwelling))
        n_tenancies += len(dwelling)
        return ids, end

    def add_vacancies(dwelling, start, end, cause, departure):
        nonlocal n_vacancies
        vacancies.append(
            {
                "dwelling": dwelling,
                "start": start,
                "end": end,
                "cause": np.full(len(dwelling), cause),
                "departure": departure,
            }
        )
        ids = np.arange(n_vacancies, n_vacancies + len(dwelling))
        n_vacancies += len(dwelling)
        return ids

    # Initial tenants of the dwellings existing at the warm-up, let for some years already.
    delivery = dynamics.delivery_day[residence]
    existing = np.flatnonzero(delivery <= warmup)
    rate0 = type_rate[existing] * household[existing] * dynamics.rate[residence[existing], 0]
    elapsed = np.minimum(np.floor(rng.exponential(365.25 / rate0)), MAX_ELAPSED_DAYS)
    start0 = np.maximum(warmup - elapsed, delivery[existing])
    ids0, _ = add_tenancies(
        existing,
        start0,
        np.ones(len(existing), bool),
        np.zeros(len(existing), bool),
        np.full(len(existing), -1),
        household[existing],
    )
    # Their end was drawn from their start; redraw from the warm-up (memoryless) if in the past.
    first = tenancies[0]
    past = first["end"] < warmup
    if past.any():
        first["end"][past] = _tenure_end(
            np.full(past.sum(), float(warmup)),
            residence[existing[past]],
            type_rate[existing[past]] * household[existing[past]],
            dynamics,
            rng,
        )
    # First lettings of the residences delivered during the simulation.
    new = np.flatnonzero((delivery > warmup) & (delivery <= last))
    start_new = delivery[new] + np.floor(rng.uniform(0, 40, len(new)))
    keep = start_new <= last
    ids_new, _ = add_tenancies(
        new[keep],
        start_new[keep],
        np.zeros(keep.sum(), bool),
        np.ones(keep.sum(), bool),
        np.full(keep.sum(), -1),
    )

    current_dwelling = np.concatenate([existing, new[keep]])
    current_end = np.concatenate([first["end"], tenancies[1]["end"]])
    current_id = np.concatenate([ids0, ids_new])

    while current_dwelling.size:
        leaving = current_end <= last
        dwelling = current_dwelling[leaving]
        departure = current_end[leaving]
        tenancy = current_id[leaving]
        res = residence[dwelling]
        m = len(dwelling)

        relocating = departure >= dynamics.relocation_day[res]
        years = (
            departure.astype("int64").astype("datetime64[D]").astype("datetime64[Y]").astype(int)
            + 1970
        )
        in_works = (
            (dynamics.works_year[res] > 0)
            & (years >= dynamics.works_year[res] - 1)
            & (years <= dynamics.works_year[res])
        )
        p_tech = np.where(in_works, WORKS_TECHNICAL, dynamics.p_technical[res])
        technical = ~relocating & (rng.random(m) < p_tech)
        first_part = np.floor(rng.uniform(7, 45, m))
        works = np.floor(np.exp(np.log(140.0) + 0.5 * rng.standard_normal(m)))
        delay = np.floor(
            dynamics.delay_median[res, typology[dwelling]] * np.exp(0.8 * rng.standard_normal(m))
        )
        delay = np.maximum(delay, 3.0)

        rotation_end = np.where(relocating | technical, departure + first_part, departure + delay)
        rotation_end_or_open = np.where(rotation_end <= last, rotation_end, np.nan)
        rotation_ids = add_vacancies(dwelling, departure, rotation_end_or_open, ROTATION, tenancy)

        go_technical = (relocating | technical) & (rotation_end <= last)
        tech_start = rotation_end[go_technical]
        tech_end = np.where(relocating[go_technical], np.inf, tech_start + works[go_technical])
        tech_ids = add_vacancies(
            dwelling[go_technical],
            tech_start,
            np.where(tech_end <= last, tech_end, np.nan),
            TECHNICAL,
            np.full(go_technical.sum(), -1),
        )

        next_start = rotation_end.copy()
        closing = rotation_ids.copy()
        next_start[go_technical] = tech_end
        closing[go_technical] = tech_ids
        relet = (next_start <= last) & ~relocating
        ids, ends = add_tenancies(
            dwelling[relet],
            next_start[relet],
            np.zeros(relet.sum(), bool),
            np.zeros(relet.sum(), bool),
            closing[relet],
        )
        current_dwelling, current_end, current_id = dwelling[relet], ends, ids

    tenancy_frame = pd.DataFrame(
        {k: np.concatenate([t[k] for t in tenancies]) for k in tenancies[0]}
    )
    vacancy_frame = pd.DataFrame(
        {k: np.concatenate([v[k] for v in vacancies]) for k in vacancies[0]}
    )
    return Simulation(tenancies=tenancy_frame, vacancies=vacancy_frame)
