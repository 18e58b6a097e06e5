"""Tests of the CMS yearly progress and the trajectory to the target (services/sru_progress.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from services import sru, sru_progress
from services.sru_rules import SruRules, load_sru_rules
from tests.services.sru_cases import INVENTORY, NAMES, inventory_rows, with_cms


@pytest.fixture(scope="module")
def rules() -> SruRules:
    return load_sru_rules()


def test_cms_progress_keeps_missing_years_missing(rules):
    out = sru.sru_objectives(INVENTORY, communes=NAMES, rules=with_cms(rules, total_dwellings=214))
    production = pd.DataFrame(
        {
            "commune_code": ["00001", "00001", "00002", "00002", "00002", "00003", "00003"],
            "year": [2023, 2024, 2023, 2024, 2025, 2023, 2024],
            "n_agreed": [10, 5, 20, 0, 40, 50, 60],
            "n_delivered": [0, 10, 0, 20, 20, 30, 30],
        }
    )
    progress = sru_progress.cms_progress(out, production).set_index(["commune_code", "year"])
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
    inventory = inventory_rows([("00001", 2022, 100, 1000, True), ("00001", 2024, 112, 1000, True)])
    custom = with_cms(rules, total_dwellings=45)
    objectives = sru.sru_objectives(inventory, communes=NAMES, rules=custom)
    assert objectives["droit_commun_objective"].tolist() == [33]
    path = sru_progress.sru_trajectory(inventory, objectives, horizon_year=2031, rules=custom)
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
