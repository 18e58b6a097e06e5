"""Consistency and calibration of the demo flows: vacancies, attributions, departures."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geodata.housing import (
    load_attributions,
    load_demands,
    load_departures,
    load_occupancy,
    load_residences,
    load_vacancies,
)

START, END = pd.Timestamp("2018-01-01"), pd.Timestamp("2025-12-31")
TYPOLOGY_COLUMNS = {"T1": "n_t1", "T2": "n_t2", "T3": "n_t3", "T4": "n_t4", "T5+": "n_t5_plus"}


@pytest.fixture(scope="module")
def residences():
    return load_residences().set_index("residence_id")


@pytest.fixture(scope="module")
def vacancies():
    return load_vacancies()


@pytest.fixture(scope="module")
def attributions(residences):
    frame = load_attributions()
    frame["is_qpv"] = frame["residence_id"].map(residences["is_qpv"])
    frame["bailleur"] = frame["residence_id"].map(residences["bailleur"])
    frame["commune_code"] = frame["residence_id"].map(residences["commune_code"])
    return frame


@pytest.fixture(scope="module")
def departures():
    return load_departures()


def test_identifiers(vacancies, attributions, departures):
    for frame, column, prefix in (
        (vacancies, "vacancy_id", "VAC"),
        (attributions, "attribution_id", "ATT"),
        (departures, "departure_id", "DEP"),
    ):
        ids = frame[column]
        assert ids.is_unique and ids.is_monotonic_increasing
        assert ids.str.fullmatch(prefix + r"-\d{6}").all()


def test_every_residence_id_exists(residences, vacancies, attributions, departures):
    for frame in (vacancies, attributions, departures):
        assert frame["residence_id"].isin(residences.index).all()


def test_dates_are_in_the_period(vacancies, attributions, departures):
    for frame in (attributions, departures):
        assert frame["date"].between(START, END).all()
        assert (frame["year"] == frame["date"].dt.year).all()
    assert (vacancies["start_date"] <= END).all()
    assert (vacancies["end_date"].isna() | (vacancies["end_date"] >= START)).all()
    assert (vacancies["end_date"].isna() | (vacancies["end_date"] > vacancies["start_date"])).all()


def test_attributions_close_their_vacancy(vacancies, attributions):
    linked = attributions.dropna(subset=["vacancy_id"])
    assert linked["vacancy_id"].is_unique
    merged = linked.merge(
        vacancies, on="vacancy_id", how="left", suffixes=("", "_vacancy"), validate="one_to_one"
    )
    assert merged["start_date"].notna().all()
    assert (merged["date"] == merged["end_date"]).all()
    assert (merged["residence_id"] == merged["residence_id_vacancy"]).all()
    assert (merged["typology"] == merged["typology_vacancy"]).all()


def test_departures_open_a_rotation_vacancy(vacancies, departures):
    assert departures["vacancy_id"].notna().all() and departures["vacancy_id"].is_unique
    merged = departures.merge(
        vacancies, on="vacancy_id", how="left", suffixes=("", "_vacancy"), validate="one_to_one"
    )
    assert (merged["cause"] == "rotation").all()
    assert (merged["start_date"] == merged["date"]).all()
    assert (merged["residence_id"] == merged["residence_id_vacancy"]).all()
    assert (merged["typology"] == merged["typology_vacancy"]).all()
    in_period = vacancies[(vacancies["cause"] == "rotation") & (vacancies["start_date"] >= START)]
    assert set(in_period["vacancy_id"]) == set(departures["vacancy_id"])


def test_rotation_vacancies_end_in_an_attribution_or_works(vacancies, attributions):
    rotation = vacancies[(vacancies["cause"] == "rotation") & vacancies["end_date"].notna()]
    not_let = rotation[~rotation["vacancy_id"].isin(attributions["vacancy_id"])]
    assert 0 < len(not_let) < 0.1 * len(rotation)
    technical = vacancies[vacancies["cause"] == "technique"]
    follow = not_let.merge(
        technical,
        left_on=["residence_id", "typology", "end_date"],
        right_on=["residence_id", "typology", "start_date"],
        how="left",
    )
    assert follow["vacancy_id_y"].notna().all()
    still_open = vacancies[vacancies["end_date"].isna()]
    assert len(still_open) > 0
    assert not still_open["vacancy_id"].isin(attributions["vacancy_id"]).any()


def test_first_lettings_are_in_new_residences(residences, attributions):
    first = attributions[attributions["vacancy_id"].isna()]
    assert len(first) > 0
    built = first["residence_id"].map(residences["year_built"])
    assert (built >= 2017).all()
    assert (first["year"] >= built).all()


def test_never_more_vacancies_than_dwellings(residences, vacancies):
    for year in range(2018, 2026):
        day = pd.Timestamp(f"{year}-06-30")
        open_then = vacancies[
            (vacancies["start_date"] <= day)
            & (vacancies["end_date"].isna() | (vacancies["end_date"] > day))
        ]
        counts = open_then.groupby(["residence_id", "typology"]).size()
        for (residence, typology), n in counts.items():
            assert n <= residences.loc[residence, TYPOLOGY_COLUMNS[typology]], (residence, year)


def test_rotation_rate_per_year(residences, departures):
    for year in range(2018, 2026):
        stock = residences.loc[residences["year_built"] < year, "n_dwellings"].sum()
        rate = (departures["year"] == year).sum() / stock
        assert 0.10 <= rate <= 0.16, (year, rate)


def test_residence_rates_are_recomputed_from_the_flows(residences, vacancies, departures):
    reference = pd.Timestamp("2025-01-01")
    vacant = vacancies[
        (vacancies["start_date"] <= reference)
        & (vacancies["end_date"].isna() | (vacancies["end_date"] > reference))
    ]
    n = residences["n_dwellings"]
    vacancy = np.round(
        100 * vacant.groupby("residence_id").size().reindex(n.index).fillna(0) / n, 1
    )
    leaving = departures[departures["year"] == 2025].groupby("residence_id").size()
    rotation = np.round(100 * leaving.reindex(n.index).fillna(0) / n, 1)
    assert (residences["vacancy_rate_pct"] == vacancy).all()
    assert (residences["rotation_rate_pct"] == rotation).all()
    overall = vacant.shape[0] / n.sum()
    assert 0.015 <= overall <= 0.06


def test_reletting_delay_depends_on_attractiveness(residences, vacancies, attributions):
    let = vacancies[
        vacancies["vacancy_id"].isin(attributions["vacancy_id"])
        & (vacancies["cause"] == "rotation")
    ]
    days = (let["end_date"] - let["start_date"]).dt.days
    assert 14 <= days.median() <= 90
    assert 0.05 <= (days > 90).mean() <= 0.35
    qpv = let["residence_id"].map(residences["is_qpv"])
    assert days[qpv].median() > 1.5 * days[~qpv].median()
    poor = let["residence_id"].map(residences["dpe_label"]).isin(["F", "G"])
    assert days[poor].median() > days[~poor].median()
    large = (let["typology"] == "T5+") & qpv
    middle = let["typology"].isin(["T2", "T3"]) & qpv
    assert days[large].median() > days[middle].median()


def test_technical_vacancies_are_where_works_are(residences, vacancies):
    technical = vacancies[vacancies["cause"] == "technique"]
    assert 0.02 <= len(technical) / len(vacancies) <= 0.12
    psp = technical["residence_id"].map(residences["psp_class"])
    works = psp.isin(["réhabiliter", "restructurer", "démolir"]) | technical["residence_id"].map(
        residences["year_rehab"].fillna(0) >= 2017
    )
    assert works.mean() >= 0.5
    demolished = residences[
        (residences["vacancy_rate_pct"] >= 30) & (residences["n_dwellings"] >= 20)
    ]
    assert (demolished["psp_class"] == "démolir").all() and len(demolished) >= 2


def test_q1_is_coherent_with_resources(attributions, departures):
    demands = load_demands()
    frames = [
        f.dropna(subset=["resources_pct_ceiling"]) for f in (attributions, departures, demands)
    ]
    below = max(f.loc[f["is_q1"], "resources_pct_ceiling"].max() for f in frames)
    above = min(f.loc[~f["is_q1"], "resources_pct_ceiling"].min() for f in frames)
    assert below < above
    for frame in (attributions, departures, demands):
        missing = frame["resources_pct_ceiling"].isna().mean()
        assert 0.005 <= missing <= 0.05


def test_first_quartile_rule_outside_qpv(attributions):
    outside = attributions[~attributions["is_qpv"]]
    assert 0.18 <= outside["is_q1"].mean() <= 0.24
    by_year = outside.groupby("year")["is_q1"].mean()
    assert by_year.between(0.15, 0.27).all()
    by_bailleur = outside.groupby("bailleur")["is_q1"].mean()
    assert (by_bailleur >= 0.25).any() and (by_bailleur < 0.25).any()
    by_commune = outside.groupby("commune_code")["is_q1"].agg(["mean", "size"])
    by_commune = by_commune[by_commune["size"] >= 100]
    assert (by_commune["mean"] >= 0.25).any() and (by_commune["mean"] < 0.2).any()


def test_quartiles_2_to_4_in_qpv(attributions):
    inside = attributions[attributions["is_qpv"]]
    share = 1 - inside["is_q1"].mean()
    assert 0.45 <= share <= 0.60
    by_year = 1 - inside.groupby("year")["is_q1"].mean()
    assert (by_year < 0.5).any()


def test_household_profiles_are_plausible(attributions, departures):
    for frame in (attributions, departures):
        single = frame["composition"] == "personne_seule"
        assert (frame.loc[single, "household_size"] == 1).all()
        assert (
            frame.loc[frame["composition"] == "couple_sans_enfant", "household_size"] == 2
        ).all()
        assert (frame.loc[frame["is_large_family"], "household_size"] >= 4).all()
        t1 = frame["typology"] == "T1"
        assert single[t1].mean() >= 0.7
        assert frame.loc[frame["typology"] == "T5+", "household_size"].mean() >= 4.5
        assert frame["holder_age"].between(18, 110).all()
    assert 0.30 <= attributions["is_mutation"].mean() <= 0.40
    assert departures["holder_age"].mean() > attributions["holder_age"].mean()
    assert (departures["tenure_years"] >= 0).all()
    assert 3 <= departures["tenure_years"].median() <= 10
    employed = attributions.groupby(attributions["resources_pct_ceiling"] >= 60)[
        "is_employed"
    ].mean()
    assert employed[True] > employed[False] + 0.2


def test_intake_reinforces_some_fragile_residences(attributions):
    occupancy = load_occupancy()
    sitting = occupancy[occupancy["survey_year"] == 2022].set_index("residence_id")
    recent = attributions[attributions["year"] >= 2022].dropna(subset=["resources_pct_ceiling"])
    entrants = recent.groupby("residence_id")["resources_pct_ceiling"].agg(
        below_40=lambda s: 100 * (s < 40).mean(), n="size"
    )
    both = entrants.join(sitting[["res_below_40_pct", "n_households"]], how="inner")
    fragile = both[
        (both["res_below_40_pct"] >= 50) & (both["n"] >= 10) & (both["n_households"] >= 11)
    ]
    reinforcing = fragile["below_40"] > fragile["res_below_40_pct"] + 10
    assert reinforcing.sum() >= 5
    assert (~reinforcing).sum() >= 5
