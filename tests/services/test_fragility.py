"""Tests of the occupancy fragility index built with the cotation engine."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from config import ConfigError, load_toml
from scoring.peers import IndicatorSpec, load_peer_settings
from services.fragility import (
    PILLAR_CODE,
    FragilityMethod,
    fragility_index,
    fragility_method_from_mapping,
    fragility_spec,
    latest_and_previous,
    load_fragility_method,
)

NAN = np.nan


def _settings(*indicators: IndicatorSpec):
    settings = load_peer_settings()
    flags = dataclasses.replace(settings.flags, indicators=indicators)
    return dataclasses.replace(settings, flags=flags)


SETTINGS = _settings(
    IndicatorSpec("res_below_40_pct", "Ménages sous 40 % des plafonds", weight=2.0),
    IndicatorSpec("single_parent_pct", "Familles monoparentales", weight=1.0),
    IndicatorSpec(
        "vacancy_rate_pct", "Taux de vacance", weight=1.0, source="residences", optional=True
    ),
)
RESIDENCES = pd.DataFrame({"residence_id": ["R1", "R2"], "vacancy_rate_pct": [0.0, 10.0]})
OCCUPANCY = pd.DataFrame(
    {
        "residence_id": ["R2", "R1", "R1", "R2"],
        "survey_year": [2024, 2024, 2022, 2022],
        "n_households": [12, 20, 18, 15],
        "res_below_40_pct": [NAN, 30.0, 10.0, 50.0],
        "single_parent_pct": [30.0, 20.0, 20.0, 40.0],
    }
)


def _by_key(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.set_index(["residence_id", "survey_year"])


def test_spec_has_one_pillar_and_the_configured_weights():
    settings = load_peer_settings()
    spec = fragility_spec(settings.fragility_indicators, FragilityMethod())
    assert spec.pillar_codes == (PILLAR_CODE,)
    assert spec.codes == tuple(i.column for i in settings.fragility_indicators)
    assert spec.indicator("res_below_40_pct").weight == 2.0
    assert spec.indicator("res_below_40_pct").direction == 1
    assert spec.method.normalisation == "minmax"
    assert spec.method.min_coverage == 0.0


def test_index_is_minmax_on_every_survey_with_exact_values():
    # min–max over the four rows: res_below_40 10..50, single_parent 20..40, vacancy 0..10.
    out = _by_key(fragility_index(OCCUPANCY, RESIDENCES, settings=SETTINGS))
    assert list(out.index) == [("R1", 2022), ("R1", 2024), ("R2", 2022), ("R2", 2024)]
    assert out.loc[("R1", 2022), "fragility"] == pytest.approx(0.0)
    assert out.loc[("R1", 2024), "fragility"] == pytest.approx((2 * 50 + 0 + 0) / 4)
    assert out.loc[("R2", 2022), "fragility"] == pytest.approx(100.0)
    # R2 2024 lacks res_below_40 (weight 2 of the 3 non-optional): 1/3 < 70 %, not computed
    assert np.isnan(out.loc[("R2", 2024), "fragility"])
    assert out.loc[("R2", 2024), "coverage_pct"] == pytest.approx(50.0)
    assert out.loc[("R1", 2024), "coverage_pct"] == pytest.approx(100.0)
    assert out.loc[("R2", 2024), "n_households"] == 12
    # the residence-level indicator enters every survey with the same value
    assert out["vacancy_rate_pct"].tolist() == [0.0, 0.0, 10.0, 10.0]


def test_minimum_coverage_applies_to_the_non_optional_indicators():
    out = _by_key(
        fragility_index(
            OCCUPANCY, RESIDENCES, settings=SETTINGS, method=FragilityMethod(min_coverage=0.3)
        )
    )
    # single_parent 30 → 50, vacancy 10 → 100, weights 1 and 1
    assert out.loc[("R2", 2024), "fragility"] == pytest.approx(75.0)


def test_an_optional_indicator_may_be_missing():
    residences = pd.DataFrame({"residence_id": ["R1", "R2"], "vacancy_rate_pct": [0.0, NAN]})
    out = _by_key(fragility_index(OCCUPANCY, residences, settings=SETTINGS))
    # vacancy only known for R1 (0 → constant → 50); R2 2022 is scored on its two OPS values
    assert out.loc[("R2", 2022), "fragility"] == pytest.approx(100.0)
    assert out.loc[("R2", 2022), "coverage_pct"] == pytest.approx(75.0)


def test_one_survey_keeps_the_scale_fitted_on_every_survey():
    out = fragility_index(OCCUPANCY, RESIDENCES, 2024, settings=SETTINGS)
    assert out["survey_year"].tolist() == [2024, 2024]
    assert out["fragility"].iloc[0] == pytest.approx(25.0)


def test_direction_minus_means_a_higher_value_is_less_fragile():
    settings = _settings(
        IndicatorSpec("employed_adults_pct", "Adultes en emploi", direction=-1),
    )
    occupancy = pd.DataFrame(
        {
            "residence_id": ["R1", "R2", "R3"],
            "survey_year": [2024] * 3,
            "n_households": [20] * 3,
            "employed_adults_pct": [20.0, 60.0, 70.0],
        }
    )
    out = fragility_index(occupancy, RESIDENCES, settings=settings)
    assert out["fragility"].tolist() == pytest.approx([100.0, 20.0, 0.0])


def test_latest_computed_survey_and_the_previous_one():
    judged = latest_and_previous(fragility_index(OCCUPANCY, RESIDENCES, settings=SETTINGS))
    assert judged.loc["R1", "survey_year"] == 2024
    assert judged.loc["R1", "previous_survey_year"] == 2022
    assert judged.loc["R1", "previous_fragility"] == pytest.approx(0.0)
    # R2's 2024 index is not computed: it is judged on 2022, with no earlier survey
    assert judged.loc["R2", "survey_year"] == 2022
    assert judged.loc["R2", "fragility"] == pytest.approx(100.0)
    assert pd.isna(judged.loc["R2", "previous_survey_year"])
    assert np.isnan(judged.loc["R2", "previous_fragility"])


def test_a_residence_without_any_computed_survey_is_kept_with_nan():
    occupancy = OCCUPANCY[OCCUPANCY["residence_id"] == "R2"].assign(res_below_40_pct=NAN)
    judged = latest_and_previous(fragility_index(occupancy, RESIDENCES, settings=SETTINGS))
    assert judged.loc["R2", "survey_year"] == 2024
    assert np.isnan(judged.loc["R2", "fragility"])


def test_missing_required_indicator_is_named():
    occupancy = OCCUPANCY.drop(columns="single_parent_pct")
    with pytest.raises(ValueError, match="single_parent_pct"):
        fragility_index(occupancy, RESIDENCES, settings=SETTINGS)


def test_duplicate_survey_is_refused():
    occupancy = pd.concat([OCCUPANCY, OCCUPANCY.iloc[[0]]])
    with pytest.raises(ValueError, match="R2 \\(2024\\)"):
        fragility_index(occupancy, RESIDENCES, settings=SETTINGS)


def test_method_is_read_from_the_configuration():
    method = load_fragility_method()
    assert method == FragilityMethod(normalisation="minmax", min_coverage=0.7)
    data = load_toml("peers.toml")
    data["fragility"]["min_coverage"] = 0.5
    assert fragility_method_from_mapping(data).min_coverage == 0.5


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param({"min_coverage": 1.5}, "min_coverage = 1.5", id="coverage"),
        pytest.param({"normalisation": "goalposts"}, "goalposts", id="normalisation"),
        pytest.param({"weights": 1}, "clé(s) inconnue(s) weights", id="key"),
    ],
)
def test_invalid_method_is_refused(change, message):
    data = load_toml("peers.toml")
    data["fragility"].update(change)
    with pytest.raises(ConfigError, match=message.replace("(", "\\(").replace(")", "\\)")):
        fragility_method_from_mapping(data)
