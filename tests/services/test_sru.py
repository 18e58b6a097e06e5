"""Tests of the SRU objectives and the CMS mutualisant (services/sru.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from config import ConfigError
from services import sru, sru_rules
from tests.services.sru_cases import INVENTORY, NAMES, inventory_rows, with_cms


@pytest.fixture(scope="module")
def rules() -> sru_rules.SruRules:
    return sru_rules.load_sru_rules()


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
    inventory = inventory_rows([("00001", 2022, n_lls, n_rp, True)])
    out = sru.sru_objectives(inventory, communes=NAMES, rules=rules)
    assert out["deficit"].tolist() == [deficit]
    assert out["droit_commun_objective"].tolist() == [objective]


def test_cms_spread_uses_largest_remainder_and_sums_exactly(rules):
    # 214 × (20, 50, 116) / 186 = 23.01, 57.53, 133.46: floors 213, the last dwelling to B.
    out = sru.sru_objectives(INVENTORY, communes=NAMES, rules=with_cms(rules, total_dwellings=214))
    assert out["cms_objective"].tolist() == [23, 58, 133, 0]
    summary = sru.sru_summary(out, rules=with_cms(rules, total_dwellings=214))
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
    custom = with_cms(rules, total_dwellings=214, objectives=table)
    out = sru.sru_objectives(INVENTORY, communes=NAMES, rules=custom)
    assert out["cms_objective"].tolist() == [30, 60, 124, 0]


def test_cms_table_naming_a_compliant_commune_is_refused(rules):
    custom = with_cms(rules, total_dwellings=10, objectives={"00004": 10})
    with pytest.raises(ConfigError, match="00004 absente"):
        sru.sru_objectives(INVENTORY, communes=NAMES, rules=custom)


def test_no_cms_outside_its_period(rules):
    inventory = INVENTORY.assign(year=INVENTORY["year"] + 3)  # 2025 → period 2026-2028
    out = sru.sru_objectives(inventory, (2026, 2028), communes=NAMES, rules=rules)
    assert out["cms_objective"].isna().all()
    assert out["droit_commun_objective"].tolist() == [20, 50, 116, 0]
    assert np.isnan(sru.sru_summary(out, rules=rules).uplift_pct)


def test_exemption_applies_to_its_period_only(rules):
    buxerolles = inventory_rows(
        [("86041", 2019, 1000, 5500, True), ("86041", 2022, 1000, 5500, True)]
    )
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


def test_subjection_from_population_when_the_inventory_does_not_say(rules):
    inventory = INVENTORY.drop(columns="is_subject")
    communes = NAMES.assign(population=[3500, 3499, 9000, 12000, 800, 0, 0])
    out = sru.sru_objectives(inventory, communes=communes, rules=rules)
    assert out["commune_code"].tolist() == ["00001", "00003", "00004"]
    with pytest.raises(ValueError, match="impossible de savoir quelles communes sont soumises"):
        sru.sru_objectives(inventory, communes=NAMES, rules=rules)
