"""Tests of the SRU objectives, the CMS mutualisant and the trajectory (services/sru.py)."""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from config import ConfigError, load_toml
from services import sru

NAMES = pd.DataFrame(
    {
        "commune_code": ["00001", "00002", "00003", "00004", "00005", "00006", "00007"],
        "commune_name": ["Aval", "Bourg", "Caux", "Dune", "Eaux", "Fief", "Gué"],
    }
)


def _inventory(rows: list[tuple[str, int, int, int, bool]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["commune_code", "year", "n_lls", "n_rp", "is_subject"])
    frame["sru_rate_pct"] = (100 * frame["n_lls"] / frame["n_rp"]).round(1)
    return frame


# Hand-worked communes, inventory at 1 January 2022 (period 2023-2025):
# A 981/5003 = 19.6 %, 0.2 × 5003 − 981 = 19.6 → deficit 20, gap 0.4 → 100 % → 20
# B 501/2996 = 16.7 %, 0.2 × 2996 − 501 = 98.2 → deficit 99, gap 3.3 → 50 % → 49.5 → 50
# C 210/2801 = 7.5 %, 0.2 × 2801 − 210 = 350.2 → deficit 351, gap 12.5 → 33 % → 115.83 → 116
# D 250/1000 = 25 %, compliant; E is not subject.
INVENTORY = _inventory(
    [
        ("00001", 2022, 981, 5003, True),
        ("00002", 2022, 501, 2996, True),
        ("00003", 2022, 210, 2801, True),
        ("00004", 2022, 250, 1000, True),
        ("00005", 2022, 10, 900, False),
        ("00001", 2021, 900, 5000, True),
    ]
)


@pytest.fixture(scope="module")
def rules() -> sru.SruRules:
    return sru.load_sru_rules()


def _with_cms(rules: sru.SruRules, **changes) -> sru.SruRules:
    return dataclasses.replace(rules, cms=dataclasses.replace(rules.cms, **changes))


def test_shipped_config_holds_the_default_rule(rules):
    assert rules.target_pct == 20.0
    assert rules.default_share_pct == 33.0
    assert [(m.gap_below_points, m.share_pct) for m in rules.modulations] == [
        (2.0, 100.0),
        (4.0, 50.0),
    ]
    assert rules.inventory_offset_years == 1
    assert rules.cms.period == (2023, 2025)
    assert rules.cms.total_dwellings == 542
    assert rules.cms.announced_uplift_pct == 15.0
    assert "2022-217" in rules.texts["catch_up_legal_reference"]
    assert "L302-8" in rules.texts["catch_up_legal_reference"]


def test_objectives_apply_the_3ds_rule_on_hand_worked_communes(rules):
    out = sru.sru_objectives(INVENTORY, (2023, 2025), communes=NAMES, rules=rules)
    assert out["commune_code"].tolist() == ["00001", "00002", "00003", "00004"]
    assert out["commune_name"].tolist() == ["Aval", "Bourg", "Caux", "Dune"]
    assert out["inventory_year"].unique().tolist() == [2022]
    assert out["sru_rate_pct"].tolist() == [19.6, 16.7, 7.5, 25.0]
    assert out["gap_points"].tolist() == pytest.approx([0.4, 3.3, 12.5, -5.0])
    assert out["deficit"].tolist() == [20, 99, 351, 0]
    assert out["status"].tolist() == ["déficitaire", "déficitaire", "déficitaire", "conforme"]
    assert out["catch_up_share_pct"].iloc[:3].tolist() == [100.0, 50.0, 33.0]
    assert np.isnan(out["catch_up_share_pct"].iloc[3])
    assert out["droit_commun_objective"].tolist() == [20, 50, 116, 0]


@pytest.mark.parametrize(
    ("n_lls", "n_rp", "deficit", "objective"),
    [
        pytest.param(180, 1000, 20, 10, id="gap-exactly-2-points-is-50pct"),
        pytest.param(160, 1000, 40, 14, id="gap-exactly-4-points-is-33pct"),
        pytest.param(3, 15, 0, 0, id="exact-20pct-no-float-ceiling-error"),
        pytest.param(1999, 10000, 1, 1, id="rate-rounds-to-20-but-one-missing"),
        pytest.param(0, 1500, 300, 99, id="33pct-of-300-is-99-exactly"),
    ],
)
def test_boundaries_and_exact_ceilings(rules, n_lls, n_rp, deficit, objective):
    inventory = _inventory([("00001", 2022, n_lls, n_rp, True)])
    out = sru.sru_objectives(inventory, communes=NAMES, rules=rules)
    assert out["deficit"].tolist() == [deficit]
    assert out["droit_commun_objective"].tolist() == [objective]


def test_cms_spread_uses_largest_remainder_and_sums_exactly(rules):
    # 214 × (20, 50, 116) / 186 = 23.01, 57.53, 133.46: floors 213, the last dwelling to B.
    out = sru.sru_objectives(INVENTORY, communes=NAMES, rules=_with_cms(rules, total_dwellings=214))
    assert out["cms_objective"].tolist() == [23, 58, 133, 0]
    summary = sru.sru_summary(out, rules=_with_cms(rules, total_dwellings=214))
    assert summary.droit_commun_total == 186
    assert summary.cms_total == 214
    assert summary.uplift_pct == 15.1  # 214 / 186 − 1 = 15.05 %
    assert (summary.n_subject, summary.n_deficit, summary.n_compliant) == (4, 3, 1)
    assert summary.period == (2023, 2025)
    assert summary.announced_total == 214


def test_cms_default_total_is_the_seed_figure(rules):
    out = sru.sru_objectives(INVENTORY, communes=NAMES, rules=rules)
    assert out["cms_objective"].sum() == 542
    assert sru.sru_summary(out, rules=rules).cms_total == 542


def test_configured_cms_table_replaces_the_spread(rules):
    table = {"00001": 30, "00002": 60, "00003": 124}
    custom = _with_cms(rules, total_dwellings=214, objectives=table)
    out = sru.sru_objectives(INVENTORY, communes=NAMES, rules=custom)
    assert out["cms_objective"].tolist() == [30, 60, 124, 0]


def test_cms_table_naming_a_compliant_commune_is_refused(rules):
    custom = _with_cms(rules, total_dwellings=10, objectives={"00004": 10})
    with pytest.raises(ConfigError, match="00004 absente"):
        sru.sru_objectives(INVENTORY, communes=NAMES, rules=custom)


def test_no_cms_outside_its_period(rules):
    inventory = INVENTORY.assign(year=INVENTORY["year"] + 3)  # 2025 → period 2026-2028
    out = sru.sru_objectives(inventory, (2026, 2028), communes=NAMES, rules=rules)
    assert out["cms_objective"].isna().all()
    assert out["droit_commun_objective"].tolist() == [20, 50, 116, 0]
    assert np.isnan(sru.sru_summary(out, rules=rules).uplift_pct)


def test_exemption_applies_to_its_period_only(rules):
    buxerolles = _inventory([("86041", 2019, 1000, 5500, True), ("86041", 2022, 1000, 5500, True)])
    names = pd.DataFrame({"commune_code": ["86041"], "commune_name": ["Buxerolles"]})
    exempted = sru.sru_objectives(buxerolles, (2020, 2022), communes=names, rules=rules)
    assert exempted["status"].tolist() == ["exemptée"]
    assert exempted["deficit"].tolist() == [100]
    assert exempted["droit_commun_objective"].tolist() == [0]
    current = sru.sru_objectives(buxerolles, (2023, 2025), communes=names, rules=rules)
    assert current["status"].tolist() == ["déficitaire"]
    assert current["droit_commun_objective"].tolist() == [100]  # 18.2 %: gap 1.8 → 100 %


def test_missing_inventory_year_is_an_error_in_french(rules):
    with pytest.raises(ValueError, match="inventaire SRU au 1er janvier 2019 absent"):
        sru.sru_objectives(INVENTORY, (2020, 2022), communes=NAMES, rules=rules)


@given(
    total=st.integers(min_value=0, max_value=2000),
    weights=st.lists(st.integers(min_value=0, max_value=500), min_size=1, max_size=12),
)
def test_largest_remainder_sums_exactly_and_stays_within_one_of_the_quota(total, weights):
    parts = sru.largest_remainder(total, np.array(weights, dtype=float))
    if sum(weights) == 0:
        assert parts.tolist() == [0] * len(weights)
        return
    assert parts.sum() == total
    quota = total * np.array(weights) / sum(weights)
    assert (np.abs(parts - quota) < 1).all()


def test_cms_progress_keeps_missing_years_missing(rules):
    out = sru.sru_objectives(INVENTORY, communes=NAMES, rules=_with_cms(rules, total_dwellings=214))
    production = pd.DataFrame(
        {
            "commune_code": ["00001", "00001", "00002", "00002", "00002", "00003", "00003"],
            "year": [2023, 2024, 2023, 2024, 2025, 2023, 2024],
            "n_agreed": [10, 5, 20, 0, 40, 50, 60],
            "n_delivered": [0, 10, 0, 20, 20, 30, 30],
        }
    )
    progress = sru.cms_progress(out, production).set_index(["commune_code", "year"])
    a = progress.loc["00001"]
    assert a["n_agreed"].tolist()[:2] == [10.0, 5.0]
    assert np.isnan(a.loc[2025, "n_agreed"])
    assert a["cum_agreed"].tolist()[:2] == [10.0, 15.0]
    assert np.isnan(a.loc[2025, "cum_agreed"])
    assert a.loc[2024, "agreed_progress_pct"] == pytest.approx(100 * 15 / 23)
    assert a["expected_to_date"].tolist() == pytest.approx([23 / 3, 46 / 3, 23])
    b = progress.loc["00002"]
    assert b["cum_agreed"].tolist() == [20.0, 20.0, 60.0]
    total = progress.loc["total"]
    assert total.loc[2023, "n_agreed"] == 80
    assert total.loc[2024, "cum_delivered"] == 90
    assert np.isnan(total.loc[2025, "n_agreed"])
    assert total.loc[2023, "cms_objective"] == 214
    assert "00004" not in progress.index.get_level_values(0)


def test_trajectory_linear_path_against_cms_pace(rules):
    inventory = _inventory([("00001", 2022, 100, 1000, True), ("00001", 2024, 112, 1000, True)])
    custom = _with_cms(rules, total_dwellings=45)
    objectives = sru.sru_objectives(inventory, communes=NAMES, rules=custom)
    assert objectives["droit_commun_objective"].tolist() == [33]
    path = sru.sru_trajectory(inventory, objectives, horizon_year=2031, rules=custom)
    path = path.set_index("year")
    assert path.index.tolist() == list(range(2023, 2032))
    assert path.loc[2023, "required_per_year"] == pytest.approx(100 / 9)
    assert path.loc[2031, "required_lls"] == pytest.approx(200)
    assert path.loc[2031, "required_rate_pct"] == pytest.approx(20.0)
    assert path.loc[2023, "cms_per_year"] == 15
    assert path.loc[2023, "cms_pace_rate_pct"] == pytest.approx(11.5)
    assert not path.loc[2028, "is_target_reached_at_cms_pace"]  # 100 + 6 × 15 = 190
    assert path.loc[2029, "is_target_reached_at_cms_pace"]  # 205
    assert path.loc[2023, "observed_rate_pct"] == 11.2  # inventory of 1 January 2024
    assert np.isnan(path.loc[2024, "observed_rate_pct"])


def _config() -> dict:
    return load_toml("sru.toml")


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        pytest.param(
            lambda c: c["rule"].update(target_pct=120),
            "« target_pct » : attendu un nombre entre 0 et 100",
            id="target-out-of-range",
        ),
        pytest.param(
            lambda c: c["catch_up"].update(default_share_pct="33 %"),
            "« default_share_pct » : attendu un nombre",
            id="share-not-a-number",
        ),
        pytest.param(
            lambda c: c["catch_up"]["modulation"].reverse(),
            "écart strictement croissant",
            id="modulations-not-sorted",
        ),
        pytest.param(
            lambda c: c["cms"].update(objectives={"86041": 100}),
            "la somme des objectifs par commune (100) doit être égale",
            id="cms-table-does-not-sum",
        ),
        pytest.param(
            lambda c: c["exemptions"].append({"period": [2025, 2023], "communes": []}),
            "attendu une période [première année, dernière année]",
            id="exemption-period-reversed",
        ),
        pytest.param(
            lambda c: c.pop("trajectory"),
            "[trajectory] : section manquante",
            id="section-missing",
        ),
    ],
)
def test_config_errors_are_reported_in_french(mutate, message):
    config = _config()
    mutate(config)
    with pytest.raises(ConfigError, match=re.escape(message)) as e:
        sru.load_sru_rules(config)
    assert str(e.value).startswith("config/sru.toml")


def test_subjection_from_population_when_the_inventory_does_not_say(rules):
    inventory = INVENTORY.drop(columns="is_subject")
    communes = NAMES.assign(population=[3500, 3499, 9000, 12000, 800, 0, 0])
    out = sru.sru_objectives(inventory, communes=communes, rules=rules)
    assert out["commune_code"].tolist() == ["00001", "00003", "00004"]
    with pytest.raises(ValueError, match="impossible de savoir quelles communes sont soumises"):
        sru.sru_objectives(inventory, communes=NAMES, rules=rules)
