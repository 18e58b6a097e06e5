"""Tests of territories, stock, rotation and vacancy definitions (services/stock.py)."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
import pytest

from config import ConfigError, load_toml
from services import stock

RESIDENCES = pd.DataFrame(
    {
        "residence_id": ["R1", "R2", "R4"],
        "bailleur": ["B1", "B2", "B1"],
        "commune_code": ["86194", "86194", "86041"],
        "quartier_code": ["86194Q02", "86194Q01", None],
        "is_qpv": [True, False, False],
        "n_dwellings": [100, 50, 10],
        "n_t1": [20, 10, 2],
        "n_t2": [30, 10, 2],
        "n_t3": [30, 10, 2],
        "n_t4": [15, 10, 2],
        "n_t5_plus": [5, 10, 2],
    }
)


def test_territory_labels_in_french():
    assert stock.Territory("epci").code == "200069854"
    assert stock.Territory("epci").label() == "Communauté urbaine du Grand Poitiers"
    bux = stock.Territory("commune", "86041")
    assert bux.label({"86041": "Buxerolles"}) == "Commune : Buxerolles"
    assert stock.Territory("quartier", "86194Q02").label() == "Quartier : 86194Q02"
    assert stock.Territory("residence", "R1").label({"R1": "Les Tilleuls"}) == (
        "Résidence : Les Tilleuls"
    )


@pytest.mark.parametrize(
    ("level", "code", "message"),
    [
        pytest.param("iris", "x", "niveau de territoire inconnu : « iris »", id="unknown-level"),
        pytest.param("commune", None, "code manquant", id="missing-code"),
    ],
)
def test_territory_checks_its_arguments(level, code, message):
    with pytest.raises(ValueError, match=message):
        stock.Territory(level, code)


def test_stock_by_territory_and_selection():
    by_commune = stock.stock_by_territory(RESIDENCES, "commune")
    assert by_commune.loc["86194", ["n_residences", "n_dwellings", "n_dwellings_qpv"]].tolist() == [
        2,
        150,
        100,
    ]
    assert by_commune.loc["86041", "n_t5_plus"] == 2
    by_quartier = stock.stock_by_territory(RESIDENCES, "quartier")
    assert by_quartier.index.tolist() == ["86194Q01", "86194Q02"]  # R4 has no quartier
    epci = stock.stock_by_territory(RESIDENCES, "epci")
    assert epci.loc["200069854", "n_dwellings"] == 160
    chosen = stock.select_residences(RESIDENCES, stock.Territory("commune", "86194"))
    assert chosen["residence_id"].tolist() == ["R1", "R2"]


def test_rotation_is_departures_over_dwellings_and_missing_years_stay_missing():
    departures = pd.DataFrame(
        {
            "residence_id": ["R1", "R1", "R1", "R2", "R4", "R9"],
            "date": pd.to_datetime(
                ["2022-01-05", "2022-06-01", "2022-12-31", "2022-03-03", "2024-02-01", "2022-02-02"]
            ),
        }
    )
    out = stock.rotation_rates(departures, RESIDENCES, "commune").set_index(
        ["territory_code", "year"]
    )
    assert out.loc[("86194", 2022), "n_leavers"] == 4  # R9 is unknown: ignored
    assert out.loc[("86194", 2022), "rotation_rate_pct"] == pytest.approx(100 * 4 / 150)
    assert out.loc[("86041", 2022), "rotation_rate_pct"] == 0.0
    assert out.loc[("86041", 2024), "rotation_rate_pct"] == pytest.approx(10.0)
    assert np.isnan(out.loc[("86194", 2023), "rotation_rate_pct"])  # no departure data in 2023
    assert np.isnan(out.loc[("86194", 2023), "n_leavers"])


VACANCIES = pd.DataFrame(
    {
        "vacancy_id": ["V1", "V2", "V3", "V4"],
        "residence_id": ["R1", "R1", "R2", "R4"],
        "cause": ["rotation", "technique", "rotation", "rotation"],
        "start_date": pd.to_datetime(["2021-11-01", "2021-09-01", "2022-12-01", "2022-03-01"]),
        "end_date": pd.to_datetime(["2022-02-01", None, "2023-01-15", "2022-03-31"]),
    }
)


def test_vacancy_at_1_january_long_vacancy_and_mean_over_the_year():
    out = stock.vacancy_rates(
        VACANCIES,
        RESIDENCES,
        "commune",
        as_of=dt.date(2023, 6, 30),
        coverage_start=dt.date(2021, 9, 1),
    ).set_index(["territory_code", "year"])
    poitiers_2022 = out.loc[("86194", 2022)]
    # 1 January 2022: V1 (61 days) and V2 (122 days, technique) are vacant.
    assert poitiers_2022[["n_vacant", "n_vacant_long", "n_vacant_technical"]].tolist() == [2, 1, 1]
    assert poitiers_2022["vacancy_rate_pct"] == pytest.approx(100 * 2 / 150)
    assert poitiers_2022["long_vacancy_rate_pct"] == pytest.approx(100 * 1 / 150)
    # 2022: V1 31 days + V2 365 days + V3 31 days over 150 dwellings × 365 days.
    assert poitiers_2022["mean_vacancy_rate_pct"] == pytest.approx(100 * 427 / (150 * 365))
    assert out.loc[("86194", 2023), ["n_vacant", "n_vacant_long"]].tolist() == [2, 1]
    assert np.isnan(out.loc[("86194", 2023), "mean_vacancy_rate_pct"])  # year not over
    assert np.isnan(out.loc[("86194", 2021), "vacancy_rate_pct"])  # before the coverage
    assert out.loc[("86041", 2022), "vacancy_rate_pct"] == 0.0
    assert out.loc[("86041", 2022), "mean_vacancy_rate_pct"] == pytest.approx(100 * 30 / 3650)


def test_coverage_starts_at_the_first_recorded_reletting_by_default():
    out = stock.vacancy_rates(
        VACANCIES, RESIDENCES, "commune", as_of=dt.date(2023, 6, 30)
    ).set_index(["territory_code", "year"])
    # first end date 1 February 2022: periods ended before it could be missing from the table
    assert np.isnan(out.loc[("86194", 2022), "n_vacant"])
    assert np.isnan(out.loc[("86194", 2022), "mean_vacancy_rate_pct"])
    assert out.loc[("86194", 2023), "n_vacant"] == 2


def test_still_vacant_periods_run_to_the_extract_date():
    out = stock.vacancy_rates(
        VACANCIES, RESIDENCES, "residence", years=[2023], as_of=dt.date(2022, 12, 31)
    ).set_index("territory_code")
    assert np.isnan(out.loc["R1", "n_vacant"])  # 1 January 2023 is after the extract


def test_shipped_rules_and_long_vacancy_in_days():
    rules = stock.load_stock_rules()
    assert rules.long_vacancy_days == 91
    assert rules.offered_causes == ("rotation",)
    assert rules.outside_qpv_q1_min_pct == 25.0
    assert rules.in_qpv_q2_q4_min_pct == 50.0
    assert [i.ops_column for i in rules.indicators] == [
        "res_below_40_pct",
        "no_employment_pct",
        "single_parent_pct",
    ]


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        pytest.param(
            lambda c: c["vacancy"].update(rent_band_edges_eur_month=[400, 300]),
            "« rent_band_edges_eur_month » : attendu une liste de bornes strictement croissantes",
            id="edges-not-increasing",
        ),
        pytest.param(
            lambda c: c["intake"]["indicators"][0].update(ops_column="res_below_30_pct"),
            "« ops_column » inconnu : « res_below_30_pct »",
            id="unknown-ops-column",
        ),
        pytest.param(
            lambda c: c["equality_rule"].update(outside_qpv_q1_min_pct=250),
            "« outside_qpv_q1_min_pct » : attendu un nombre entre 0 et 100",
            id="threshold-out-of-range",
        ),
        pytest.param(
            lambda c: c["vacancy"].update(offered_causes=["travaux"]),
            "« offered_causes » : attendu une liste parmi",
            id="unknown-cause",
        ),
    ],
)
def test_config_errors_are_reported_in_french(mutate, message):
    config = load_toml("stock.toml")
    mutate(config)
    with pytest.raises(ConfigError, match=re.escape(message)):
        stock.load_stock_rules(config)
