"""Tests of the SRU rules read from config/sru.toml (config/sru_rules.py)."""

from __future__ import annotations

import re

import pytest

from config import ConfigError, load_toml
from config.sru_rules import SruRules, load_sru_rules


@pytest.fixture(scope="module")
def rules() -> SruRules:
    return load_sru_rules()


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
        load_sru_rules(config)
    assert str(e.value).startswith("config/sru.toml")
