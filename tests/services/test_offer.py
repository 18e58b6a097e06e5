"""Tests of the vacant offer, the re-letting times and the demand pressure (services/offer.py)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from services import offer

RESIDENCES = pd.DataFrame(
    {
        "residence_id": ["R1", "R2", "R4"],
        "bailleur": ["B1", "B2", "B1"],
        "commune_code": ["86194", "86194", "86041"],
        "quartier_code": ["86194Q02", "86194Q01", None],
        "is_qpv": [True, False, False],
        "n_dwellings": [100, 50, 10],
    }
)

# As of 11 April 2023: V1 re-let after 10 days, V2 after 20, V3 and V4 still vacant (100 days),
# V5 is technical vacancy (works), V6 started after the count date.
VACANCIES = pd.DataFrame(
    {
        "vacancy_id": ["V1", "V2", "V3", "V4", "V5", "V6"],
        "residence_id": ["R1", "R1", "R2", "R4", "R1", "R2"],
        "typology": ["T2", "T2", "T3", "T3", "T2", "T2"],
        "rent_eur_month": [299.0, 300.0, 450.0, 610.0, 350.0, 350.0],
        "start_date": pd.to_datetime(
            ["2023-01-01", "2023-01-01", "2023-01-01", "2023-01-01", "2022-01-01", "2023-04-12"]
        ),
        "end_date": pd.to_datetime(["2023-01-11", "2023-01-21", None, None, None, None]),
        "cause": ["rotation", "rotation", "rotation", "rotation", "technique", "rotation"],
    }
)
AS_OF = dt.date(2023, 4, 11)


def test_rent_bands_are_left_closed_with_french_labels():
    bands = offer.rent_band(pd.Series([299.0, 300.0, 450.0, 610.0]), [300, 400, 500, 600])
    assert bands.astype(str).tolist() == [
        "moins de 300 €",
        "de 300 à moins de 400 €",
        "de 400 à moins de 500 €",
        "600 € et plus",
    ]


def test_vacant_offer_at_a_date_excludes_technical_vacancy():
    out = offer.vacant_offer(VACANCIES, RESIDENCES, dt.date(2023, 1, 15), by=("typology",))
    out = out.set_index("typology")
    assert out.loc["T2", "n_vacant"] == 1  # V2 only: V1 re-let on the 11th, V5 technical
    assert out.loc["T3", "n_vacant"] == 2
    assert out.loc["T3", "median_vacant_days"] == 14
    total = offer.vacant_offer(VACANCIES, RESIDENCES, AS_OF, by=())
    assert total[["n_vacant", "n_vacant_long"]].iloc[0].tolist() == [2, 2]  # 100 days > 91


def test_vacant_offer_by_commune_and_rent_band():
    out = offer.vacant_offer(VACANCIES, RESIDENCES, AS_OF, by=("commune_code", "rent_band"))
    rows = {(r.commune_code, str(r.rent_band)): r.n_vacant for r in out.itertuples()}
    assert rows == {("86194", "de 400 à moins de 500 €"): 1, ("86041", "600 € et plus"): 1}


def test_kaplan_meier_quantiles_by_hand():
    # 10 and 20 re-let, two still vacant at 100: S(10) = 3/4, S(20) = 3/4 × 2/3 = 1/2
    durations, observed = np.array([10, 20, 100, 100]), np.array([True, True, False, False])
    q1, median, q3 = offer.kaplan_meier_quantiles(durations, observed)
    assert (q1, median) == (10.0, 20.0)
    assert np.isnan(q3)  # the curve never goes under 1/4
    assert offer.kaplan_meier_survival(durations, observed, 91) == 50.0
    assert np.isnan(offer.kaplan_meier_survival(durations, observed, 120))  # not followed so long
    # ties, and a censoring (at 3) before the events: 4 at risk at 5, S(5) = 1 − 2/4, S(9) = 0
    d = np.array([5, 5, 5, 3, 9])
    o = np.array([True, True, False, False, True])
    assert offer.kaplan_meier_quantiles(d, o, (0.4, 0.5, 0.9)) == [5.0, 5.0, 9.0]
    assert offer.kaplan_meier_survival(d, o, 6) == 50.0
    assert offer.kaplan_meier_survival(d, o, 10) == 0.0


def test_relet_times_count_what_is_still_vacant():
    out = offer.relet_times(VACANCIES, RESIDENCES, by=(), as_of=AS_OF).iloc[0]
    assert (out["n_periods"], out["n_relet"], out["n_still_vacant"]) == (4, 2, 2)
    assert out["median_days"] == 20.0  # a median of the re-let periods alone would say 15
    assert out["q1_days"] == 10.0
    assert np.isnan(out["q3_days"])  # half the periods are still vacant
    assert out["long_vacancy_pct"] == 50.0
    by_type = offer.relet_times(VACANCIES, RESIDENCES, by=("typology",), as_of=AS_OF)
    by_type = by_type.set_index("typology")
    assert by_type.loc["T2", "median_days"] == 10.0  # S(10) = 1/2
    assert np.isnan(by_type.loc["T3", "median_days"])
    window = offer.relet_times(
        VACANCIES, RESIDENCES, by=(), start_from=dt.date(2023, 2, 1), as_of=dt.date(2023, 6, 1)
    )
    assert window["n_periods"].tolist() == [1]  # V6 only


DEMANDS = pd.DataFrame(
    {
        "demand_id": ["D1", "D2", "D3", "D4", "D5", "D0"],
        "filing_date": pd.to_datetime(
            ["2022-06-30", "2022-07-01", "2023-09-01", "2023-03-01", "2023-05-05", "2020-01-01"]
        ),
        "extract_date": pd.to_datetime(["2024-01-01"] * 5 + ["2023-01-01"]),
        "requested_communes": ["86194", "86194;86041", "86194", "86041", "86041;86194", "86194"],
        "typology": ["T2", "T2", "T2", "T3", "T2", "T2"],
        "is_mutation": [True, False, False, True, False, False],
    }
)
ATTRIBUTIONS = pd.DataFrame(
    {
        "residence_id": ["R1", "R1", "R1", "R2"],
        "date": pd.to_datetime(["2023-01-01", "2023-05-01", "2024-01-01", "2023-08-08"]),
        "typology": ["T2", "T2", "T2", "T4"],
    }
)


def test_demand_pressure_by_first_choice_and_typology():
    out = offer.demand_pressure(DEMANDS, ATTRIBUTIONS, RESIDENCES).set_index(
        ["commune_code", "typology"]
    )
    poitiers_t2 = out.loc[("86194", "T2")]
    assert poitiers_t2["n_demands"] == 3  # D0 belongs to an older extract
    assert poitiers_t2["n_abnormally_long"] == 1  # D1: 18 months and a day
    assert poitiers_t2["n_attributions"] == 2  # 1 January 2023 is outside the 12 months
    assert poitiers_t2["pressure_ratio"] == 1.5
    assert np.isnan(out.loc[("86041", "T3"), "pressure_ratio"])  # no attribution
    assert out.loc[("86041", "T2"), "n_demands"] == 1  # first choice only
    assert out.loc[("86194", "T4"), "pressure_ratio"] == 0.0  # attributions without demand
    total = offer.demand_pressure(DEMANDS, ATTRIBUTIONS, RESIDENCES, by=()).iloc[0]
    assert (total["n_demands"], total["n_attributions"]) == (5, 3)
    assert total["pressure_ratio"] == pytest.approx(5 / 3)
    assert total["abnormally_long_pct"] == 20.0
    assert total["mutation_pct"] == 40.0


def test_abnormally_long_demands_list():
    out = offer.abnormally_long_demands(DEMANDS)
    assert out["demand_id"].tolist() == ["D1"]
    assert out["age_months"].tolist() == [18]
    assert out["first_choice_code"].tolist() == ["86194"]
    older = offer.abnormally_long_demands(DEMANDS, extract_date=dt.date(2023, 1, 1))
    assert older["demand_id"].tolist() == ["D0"]
