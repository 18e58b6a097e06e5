"""Benchmark of the *Tableau de bord du parc social* and SRU computations.

Each timed call is what a page rerun needs after a selector change (territory level, year,
grouping). It runs on the demo data when ``geodata.housing`` provides the loaders, otherwise on a
synthetic set of the demo's size (600 residences, about 20,000 dwellings, 25,000 flow rows,
5,000 demands); the section says which.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import pandas as pd

from bench.timing import fmt_ms, markdown_table, median_seconds, section
from geodata.communes import communes_table, load_communes
from services import (
    disclosure,
    flows,
    occupancy,
    offer,
    sru,
    sru_progress,
    sru_rules,
    stock,
)

BUDGET_SECONDS = 0.3
_LOADERS = (
    "load_residences",
    "load_occupancy",
    "load_vacancies",
    "load_attributions",
    "load_departures",
    "load_demands",
    "load_sru_inventory",
    "load_sru_production",
)


def _demo_tables() -> dict[str, pd.DataFrame] | None:
    try:
        from geodata import housing
    except ImportError:
        return None
    if not all(hasattr(housing, name) for name in _LOADERS):
        return None
    return {name.removeprefix("load_"): getattr(housing, name)() for name in _LOADERS}


def _household_columns(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    compositions = np.array(
        ["personne_seule", "couple_sans_enfant", "couple_avec_enfants", "famille_monoparentale"]
    )
    return {
        "typology": rng.choice(["T1", "T2", "T3", "T4", "T5+"], n, p=[0.1, 0.3, 0.35, 0.2, 0.05]),
        "resources_pct_ceiling": np.where(rng.random(n) < 0.1, np.nan, rng.gamma(2.0, 25.0, n)),
        "is_q1": rng.random(n) < 0.3,
        "composition": rng.choice(compositions, n, p=[0.45, 0.15, 0.2, 0.2]),
        "household_size": rng.integers(1, 7, n),
        "is_large_family": rng.random(n) < 0.08,
        "is_employed": rng.random(n) < 0.55,
        "holder_age": rng.integers(18, 95, n),
    }


def _dates(rng: np.random.Generator, n: int, start: str, end: str) -> pd.Series:
    first, last = np.datetime64(start, "D"), np.datetime64(end, "D")
    return pd.Series(
        first
        + rng.integers(0, int((last - first) / np.timedelta64(1, "D")), n).astype("timedelta64[D]")
    )


def _synthetic_tables(seed: int = 86) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    communes = [f"86{i:03d}" for i in range(1, 40)] + ["86194"]
    n_res = 600
    in_poitiers = rng.random(n_res) < 0.6
    commune = np.where(in_poitiers, "86194", rng.choice(communes[:-1], n_res))
    quartier = np.where(in_poitiers, [f"86194Q{q:02d}" for q in rng.integers(1, 13, n_res)], None)
    dwellings = rng.integers(6, 61, n_res)
    types = np.zeros((n_res, 5), dtype=int)
    for i, n in enumerate(dwellings):
        types[i] = rng.multinomial(n, [0.1, 0.3, 0.35, 0.2, 0.05])
    residences = pd.DataFrame(
        {
            "residence_id": [f"R{i:04d}" for i in range(n_res)],
            "residence_name": [f"Résidence {i}" for i in range(n_res)],
            "bailleur": rng.choice(
                ["B1", "B2", "B3", "B4", "B5"], n_res, p=[0.5, 0.2, 0.15, 0.1, 0.05]
            ),
            "commune_code": commune,
            "quartier_code": quartier,
            "is_qpv": in_poitiers & (rng.random(n_res) < 0.4),
            "n_dwellings": dwellings,
            **{c: types[:, k] for k, c in enumerate(["n_t1", "n_t2", "n_t3", "n_t4", "n_t5_plus"])},
        }
    )
    ids = residences["residence_id"].to_numpy()
    n_flow = 8_400
    start = _dates(rng, n_flow, "2018-01-01", "2025-12-01")
    length = rng.exponential(60.0, n_flow).astype(int)
    end = start + pd.to_timedelta(length, unit="D")
    vacancies = pd.DataFrame(
        {
            "vacancy_id": [f"V{i}" for i in range(n_flow)],
            "residence_id": rng.choice(ids, n_flow),
            "typology": _household_columns(rng, n_flow)["typology"],
            "rent_eur_month": rng.normal(420, 90, n_flow).clip(150),
            "start_date": start,
            "end_date": end.where(end <= pd.Timestamp("2025-12-31")),
            "cause": np.where(rng.random(n_flow) < 0.9, "rotation", "technique"),
        }
    )

    def flow(prefix: str) -> pd.DataFrame:
        date = _dates(rng, n_flow, "2018-01-01", "2025-12-31")
        return pd.DataFrame(
            {
                f"{prefix}_id": [f"{prefix[0].upper()}{i}" for i in range(n_flow)],
                "residence_id": rng.choice(ids, n_flow),
                "date": date,
                "year": date.dt.year,
                **_household_columns(rng, n_flow),
            }
        )

    attributions = flow("attribution").assign(is_mutation=rng.random(n_flow) < 0.3)
    departures = flow("departure").assign(tenure_years=rng.exponential(7.0, n_flow))
    survey = pd.MultiIndex.from_product([ids, [2018, 2020, 2022, 2024]]).to_frame(index=False)
    survey = survey[rng.random(len(survey)) < 0.9].set_axis(["residence_id", "survey_year"], axis=1)
    n_occ = len(survey)
    occupancy_ = survey.assign(
        n_households=rng.integers(3, 60, n_occ),
        **{c: rng.uniform(0, 100, n_occ) for c in stock.OPS_COLUMNS},
    )
    n_demands = 5_000
    demands = pd.DataFrame(
        {
            "demand_id": [f"D{i}" for i in range(n_demands)],
            "filing_date": _dates(rng, n_demands, "2021-01-01", "2025-12-31"),
            "extract_date": pd.Timestamp("2025-12-31"),
            "requested_communes": [
                ";".join(rng.choice(communes, rng.integers(1, 4), replace=False))
                for _ in range(n_demands)
            ],
            **_household_columns(rng, n_demands),
            "is_mutation": rng.random(n_demands) < 0.39,
        }
    )
    years = np.arange(2017, 2026)
    n_rp = np.repeat(rng.integers(500, 50_000, len(communes)), len(years))
    n_lls = (n_rp * np.repeat(rng.uniform(0.05, 0.3, len(communes)), len(years))).astype(int)
    inventory = pd.DataFrame(
        {
            "commune_code": np.repeat(communes, len(years)),
            "year": np.tile(years, len(communes)),
            "n_lls": n_lls,
            "n_rp": n_rp,
            "sru_rate_pct": np.round(100 * n_lls / n_rp, 1),
            "is_subject": np.repeat(rng.random(len(communes)) < 0.3, len(years)),
        }
    )
    production = pd.DataFrame(
        {
            "commune_code": np.repeat(communes, 6),
            "year": np.tile(np.arange(2020, 2026), len(communes)),
            "n_agreed": rng.integers(0, 40, 6 * len(communes)),
            "n_delivered": rng.integers(0, 40, 6 * len(communes)),
        }
    )
    return {
        "residences": residences,
        "occupancy": occupancy_,
        "vacancies": vacancies,
        "attributions": attributions,
        "departures": departures,
        "demands": demands,
        "sru_inventory": inventory,
        "sru_production": production,
    }


def _cases(t: dict[str, pd.DataFrame]) -> list[tuple[str, Callable[[], object]]]:
    res, occ, vac = t["residences"], t["occupancy"], t["vacancies"]
    att, dep, dem = t["attributions"], t["departures"], t["demands"]
    names = communes_table(load_communes())  # cached once by the page
    rules, stock_rules = sru_rules.load_sru_rules(), stock.load_stock_rules()
    day = pd.to_datetime(vac["start_date"]).max().date() - dt.timedelta(days=30)

    def sru_page() -> object:
        objectives = sru.sru_objectives(t["sru_inventory"], communes=names, rules=rules)
        sru.sru_summary(objectives, rules=rules)
        sru_progress.cms_progress(objectives, t["sru_production"])
        return sru_progress.sru_trajectory(t["sru_inventory"], objectives, rules=rules)

    decisions = disclosure.Disclosure(res, occ, att, dep)

    def sitting_public() -> object:
        profile = occupancy.sitting_profile(occ, res, "residence")
        return disclosure.published_sitting(decisions, profile, "residence", disclosure.Access())

    return [
        ("SRU : objectifs, synthèse, avancement du CMS, trajectoire", sru_page),
        ("Parc par commune", lambda: stock.stock_by_territory(res, "commune")),
        ("Rotation par résidence et année", lambda: stock.rotation_rates(dep, res, "residence")),
        (
            "Vacance par commune et année",
            lambda: stock.vacancy_rates(vac, res, "commune", rules=stock_rules),
        ),
        (
            "Vacance par résidence et année",
            lambda: stock.vacancy_rates(vac, res, "residence", rules=stock_rules),
        ),
        (
            "Profil des entrants par résidence et année",
            lambda: flows.flow_profile(att, res, "residence", rules=stock_rules),
        ),
        (
            "Profil des sortants par quartier et année",
            lambda: flows.flow_profile(dep, res, "quartier", rules=stock_rules),
        ),
        (
            "Règle des 25 % par bailleur",
            lambda: flows.equality_rule(att, res, "bailleur", rules=stock_rules),
        ),
        ("Locataires en place par résidence, secret statistique (public)", sitting_public),
        (
            "Entrants et occupants par résidence (OPS 2022)",
            lambda: occupancy.intake_vs_occupancy(
                att, occ, res, "residence", 2022, rules=stock_rules
            ),
        ),
        (
            "Offre vacante par typologie, quartier et tranche de loyer",
            lambda: offer.vacant_offer(
                vac, res, day, ("typology", "quartier_code", "rent_band"), rules=stock_rules
            ),
        ),
        (
            "Délais de relocation par typologie et quartier",
            lambda: offer.relet_times(vac, res, ("typology", "quartier_code"), rules=stock_rules),
        ),
        (
            "Demande et pression par commune et typologie",
            lambda: offer.demand_pressure(dem, att, res, rules=stock_rules),
        ),
    ]


def run() -> str:
    """Time each computation and return the Markdown section."""
    tables = _demo_tables()
    source = "données de démonstration (geodata.housing)"
    if tables is None:
        tables = _synthetic_tables()
        source = "jeu synthétique de la taille de la démo (geodata.housing absent)"
    flows_rows = sum(len(tables[k]) for k in ("vacancies", "attributions", "departures"))
    rows = []
    for label, fn in _cases(tables):
        seconds = median_seconds(fn, repeat=7, warmup=1)
        rows.append((label, fmt_ms(seconds), "oui" if seconds < BUDGET_SECONDS else "**non**"))
    body = (
        f"Source : {source} — {len(tables['residences'])} résidences, "
        f"{int(tables['residences']['n_dwellings'].sum())} logements, {flows_rows} lignes de flux "
        f"(vacances, attributions, départs), {len(tables['demands'])} demandes. "
        f"Médiane de 7 exécutions ; budget par calcul : {BUDGET_SECONDS * 1000:.0f} ms.\n\n"
        + markdown_table(("Calcul", "Médiane", "Sous le budget"), rows)
    )
    return section("stock", "Tableau de bord du parc social et SRU", body)


if __name__ == "__main__":
    print(run())
