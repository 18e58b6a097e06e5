"""The catalogue of the indicators as tables, for the Méthode page."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scoring import (
    CompositeIndex,
    IndexSpec,
    Indicator,
    Method,
    Pillar,
    load_catalogue,
    load_profile,
)
from services.method_catalogue import (
    REASON_TEXT,
    TREATMENT_TEXT,
    bounds_alerts,
    indicator_catalogue,
    indicators_by_source,
    survey_years,
    treatment_table,
)


@pytest.fixture(scope="module")
def reference():
    return load_profile("reference")


# --- Catalogue --------------------------------------------------------------------------------


def test_indicator_catalogue_is_generated_from_the_catalogue_and_the_profile():
    profile = load_profile("cadre_de_vie")
    table = indicator_catalogue(profile, load_catalogue())
    assert len(table) == 21
    row = table.loc["dpe_rank"]
    assert row["default_weight"] == 2 and row["profile_weight"] == 3
    assert row["direction"] == "plus c'est élevé, moins la résidence est attractive"
    assert table.loc["employed_adults_pct", "direction"].startswith("plus c'est élevé, plus")
    assert table.loc["dist_school_m", "normalisation"].startswith("Bornes fixes")
    assert table["nominal_pct"].sum() == pytest.approx(100)


def test_sources_are_split_and_survey_years_counted(reference):
    sources = indicators_by_source(reference)
    assert "Étiquette énergie (DPE)" in sources["RPLS"]
    assert "Étiquette énergie (DPE)" in sources["PSP"]
    years = survey_years(pd.DataFrame({"ops_survey_year": pd.array([2022, 2024, 2024, None])}))
    assert years.to_dict() == {2022: 1, 2024: 2}
    assert survey_years(pd.DataFrame({"x": [1]})).empty


# --- Treatment and bounds --------------------------------------------------------------------


def _fitted() -> tuple[IndexSpec, CompositeIndex]:
    spec = IndexSpec(
        name="essai",
        pillars=(Pillar("p", "P"),),
        indicators=(
            Indicator("x", "Âge", "p", -1, 1.0, unit="ans", bounds=(0.0, 60.0)),
            Indicator("y", "Part", "p", 1, 1.0, unit="%", bounds=(0.0, 100.0)),
            Indicator(
                "z",
                "Distance",
                "p",
                -1,
                1.0,
                unit="m",
                bounds=(0.0, 10.0),
                normalisation="goalposts",
            ),
        ),
        method=Method(treatment="winsorise"),
    )
    x = [*range(1, 21), 200.0, 200.0, 2000.0]
    table = pd.DataFrame(
        {"x": x, "y": np.linspace(0, 100, 23), "z": [*range(20), 30.0, 40.0, np.nan]},
        index=[f"r{i}" for i in range(23)],
    )
    return spec, CompositeIndex(spec).fit(table)


def test_treatment_table_says_what_was_done_and_why_in_french():
    spec, index = _fitted()
    table = treatment_table(index.bounds_, spec)
    assert list(table.index) == ["x", "y", "z"]
    x, y, z = (table.loc[c] for c in ("x", "y", "z"))
    assert (x["label"], x["unit"], x["treatment"], x["kind"]) == (
        "Âge",
        "ans",
        "winsorisation",
        "winsorised",
    )
    assert x["reason"] == REASON_TEXT["winsorised"]
    assert (x["n_winsorised"], x["n_low"], x["n_high"], x["winsor_upper"]) == (3, 0, 3, 20.0)
    assert x["skew_before"] == pytest.approx(4.6663, abs=1e-4)
    assert (y["treatment"], y["reason"]) == (TREATMENT_TEXT["none"], REASON_TEXT["passes"])
    assert (z["treatment"], z["n_winsorised"], z["n_values"]) == ("bornes du catalogue", 11, 22)


def test_bounds_alerts_keep_the_indicators_too_often_outside():
    spec, index = _fitted()
    alerts = bounds_alerts(index.bounds_check_, spec)
    # Âge: 3 of 23 above 60 (13 %); Distance: 11 of 22 above 10 (50 %), clipped; Part never.
    assert list(alerts.index) == ["z", "x"]
    assert alerts.loc["z", ["label", "unit", "n_above", "n_values"]].tolist() == [
        "Distance",
        "m",
        11,
        22,
    ]
    assert bool(alerts.loc["z", "is_clipped"]) and not bool(alerts.loc["x", "is_clipped"])
    assert alerts.loc["x", "outside_pct"] == pytest.approx(300 / 23)
