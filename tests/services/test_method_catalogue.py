"""The catalogue of the indicators as tables, for the Méthode page."""

from __future__ import annotations

import pandas as pd
import pytest

from scoring import load_catalogue, load_profile
from services.method_catalogue import indicator_catalogue, indicators_by_source, survey_years


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
