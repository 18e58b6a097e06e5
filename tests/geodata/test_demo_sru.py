"""Calibration of the demo SRU inventory and production on the contrat de mixité sociale."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest

from config.sru_rules import load_sru_rules
from geodata.communes import load_communes
from geodata.demo.sru import SruCalibration, calibrate_seed_communes, droit_commun_objectives
from geodata.housing import load_residences, load_sru_inventory, load_sru_production

SEED_RATES = {
    "86041": 19.6,  # Buxerolles
    "86070": 16.7,  # Chauvigny
    "86115": 14.8,  # Jaunay-Marigny
    "86214": 14.6,  # Saint-Benoît
    "86157": 14.5,  # Mignaloux-Beauvoir
    "86158": 14.5,  # Migné-Auxances
    "86222": 11.0,  # Saint-Georges-lès-Baillargeaux
    "86100": 9.0,  # Fontaine-le-Comte
    "86163": 7.9,  # Montamisé
    "86297": 7.5,  # Vouneuil-sous-Biard
}
SUBJECT = {*SEED_RATES, "86194", "86062"}  # plus Poitiers and Chasseneuil-du-Poitou
CMS_TOTAL = 542


def droit_commun(n_lls: int, n_rp: int, rate: float) -> int:
    """The default 2023-2025 objective: the rule services/sru.py applies."""
    deficit = math.ceil(round(0.20 * n_rp - n_lls, 6))
    gap = round(20.0 - rate, 6)
    share = 1.0 if gap < 2 else 0.5 if gap < 4 else 0.33
    return math.ceil(round(share * deficit, 6))


@pytest.fixture(scope="module")
def inventory():
    return load_sru_inventory()


@pytest.fixture(scope="module")
def production():
    return load_sru_production()


@pytest.fixture(scope="module")
def communes():
    return load_communes().drop(columns="geometry").set_index("commune_code")


def test_hand_checked_objectives():
    assert droit_commun(196, 1000, 19.6) == 4  # 100 % of 4 missing
    assert droit_commun(167, 1000, 16.7) == 17  # 50 % of 33
    assert droit_commun(75, 1000, 7.5) == 42  # 33 % of 125
    assert droit_commun_objectives(np.array([196, 167, 75]), np.array([1000] * 3)).tolist() == [
        4,
        17,
        42,
    ]


def test_all_communes_every_year(inventory, communes):
    assert len(communes) == 40
    assert set(inventory["commune_code"]) == set(communes.index)
    assert sorted(inventory["year"].unique()) == list(range(2017, 2026))
    assert len(inventory) == 40 * 9


def test_rate_is_rounded_ratio(inventory):
    expected = np.round(100 * inventory["n_lls"] / inventory["n_rp"], 1)
    assert (inventory["sru_rate_pct"] == expected).all()


def test_twelve_subject_communes(inventory, communes):
    big = set(communes.index[communes["population"] >= 3500])
    assert big == SUBJECT
    subject = inventory.groupby("commune_code")["is_subject"].agg(["all", "any"])
    assert set(subject.index[subject["all"]]) == SUBJECT
    assert set(subject.index[subject["any"]]) == SUBJECT


def test_seed_rates_are_exact_in_2022(inventory):
    y2022 = inventory[inventory["year"] == 2022].set_index("commune_code")
    for code, rate in SEED_RATES.items():
        assert y2022.loc[code, "sru_rate_pct"] == rate, code
    assert 31.5 <= y2022.loc["86194", "sru_rate_pct"] <= 32.5
    assert 23.1 <= y2022.loc["86062", "sru_rate_pct"] <= 24.1


def test_droit_commun_total_is_542_over_1_15(inventory):
    y2022 = inventory[inventory["year"] == 2022].set_index("commune_code")
    objectives = {
        code: droit_commun(y2022.loc[code, "n_lls"], y2022.loc[code, "n_rp"], rate)
        for code, rate in SEED_RATES.items()
    }
    total = sum(objectives.values())
    assert abs(total - 471) <= 5
    assert abs(CMS_TOTAL / total - 1.15) < 0.015


def test_households_size_is_plausible(inventory, communes):
    y2022 = inventory[inventory["year"] == 2022].set_index("commune_code")
    persons = communes["population"] / y2022["n_rp"]
    assert 1.7 <= persons["86194"] <= 1.9  # many students in Poitiers
    others = persons.drop("86194")
    assert others.between(2.0, 2.9).all(), others[~others.between(2.0, 2.9)]


def test_deficit_communes_catch_up_slowly(inventory):
    rates = inventory.pivot(index="commune_code", columns="year", values="sru_rate_pct")
    for code in SEED_RATES:
        assert rates.loc[code, 2025] > rates.loc[code, 2017], code
        assert rates.loc[code, 2025] < 20.0 or code == "86041"
        assert (rates.loc[code].diff().dropna() >= -0.3).all(), code
    assert (rates.loc["86194"].diff().dropna().abs() <= 0.5).all()


def test_inventory_follows_deliveries(inventory, production):
    lls = inventory.pivot(index="commune_code", columns="year", values="n_lls")
    delivered = production.pivot(index="commune_code", columns="year", values="n_delivered")
    for year in range(2020, 2025):
        change = lls[year + 1] - lls[year]
        others = change.drop("86194")
        assert (others == delivered[year].drop("86194")).all(), year
        assert change["86194"] <= delivered.loc["86194", year]  # demolitions in Poitiers


def test_production_table(production, communes):
    assert set(production["commune_code"]) == set(communes.index)
    assert sorted(production["year"].unique()) == list(range(2020, 2026))
    deficit = production[production["commune_code"].isin(SEED_RATES)]
    assert (deficit["n_agreed"] > 0).all()
    cms = deficit[deficit["year"].between(2023, 2025)].groupby("commune_code")["n_agreed"].sum()
    assert 0.85 * CMS_TOTAL <= cms.sum() <= 1.05 * CMS_TOTAL
    assert cms.sum() != CMS_TOTAL
    # Deliveries lag agreements by about two years.
    by_year = production.groupby("year")[["n_agreed", "n_delivered"]].sum()
    lagged = by_year.loc[2022:2025, "n_delivered"].sum() / by_year.loc[2020:2023, "n_agreed"].sum()
    assert 0.8 <= lagged <= 1.2
    assert by_year.loc[2025, "n_delivered"] < by_year.loc[2023:2025, "n_agreed"].mean() * 1.5


def test_residences_fit_within_the_2025_count(inventory):
    residences = load_residences()
    in_residences = residences.groupby("commune_code")["n_dwellings"].sum()
    lls = inventory[inventory["year"] == 2025].set_index("commune_code")["n_lls"]
    both = pd.DataFrame({"residences": in_residences, "lls": lls}).fillna(0)
    assert (both["lls"] >= both["residences"]).all()
    large = both[both["lls"] >= 30]
    assert (large["residences"] >= 0.85 * large["lls"]).all()
    small = both[both["lls"] < 30]
    assert (small["lls"] - small["residences"] <= 2).all()


# --- The demo follows config/sru.toml --------------------------------------------------------


def _rules(**changes):
    rules = load_sru_rules()
    cms = dataclasses.replace(rules.cms, **changes.pop("cms", {}))
    return dataclasses.replace(rules, cms=cms, **changes)


def test_the_demo_reads_its_rules_from_the_config():
    calibration = SruCalibration.from_rules()
    assert calibration.rules == load_sru_rules()
    assert (calibration.seed_year, calibration.cms_years) == (2022, (2023, 2024, 2025))
    assert calibration.uplift == pytest.approx(0.15)
    assert calibration.default_gap == 4.0


def test_editing_the_catch_up_share_changes_the_objectives():
    lls, rp = np.array([196, 167, 75]), np.array([1000] * 3)
    assert droit_commun_objectives(lls, rp, _rules(default_share_pct=50.0)).tolist() == [4, 17, 63]
    # At 25 % the gaps are 5.4, 8.3 and 17.5 points: 33 % of 54, 83 and 175 missing dwellings.
    assert droit_commun_objectives(lls, rp, _rules(target_pct=25.0)).tolist() == [18, 28, 58]


def test_editing_the_cms_recalibrates_the_seed_communes(communes):
    population = communes["population"]
    shipped = calibrate_seed_communes(population)
    assert abs(shipped["objective"].sum() - 542 / 1.15) <= 5
    larger = calibrate_seed_communes(
        population, SruCalibration.from_rules(_rules(cms={"total_dwellings": 600}))
    )
    assert abs(larger["objective"].sum() - 600 / 1.15) <= 5
    assert (larger["n_rp"] >= shipped["n_rp"]).all()
    later = SruCalibration.from_rules(_rules(cms={"period": (2026, 2028)}))
    assert (later.seed_year, later.cms_years) == (2025, (2026, 2027, 2028))
