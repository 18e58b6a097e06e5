"""Tests of the indicator table built from the residences table."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from scoring import CompositeIndex, load_catalogue, load_profile
from services.indicators import (
    build_indicator_table,
    indicator_reference_year,
    survey_indicator_codes,
    survey_indicators,
)

NAN = np.nan


def _residences() -> pd.DataFrame:
    """Three residences with every column of RESIDENCES and OCCUPANCY (geometry left out)."""
    return pd.DataFrame(
        {
            "residence_id": ["R1", "R2", "R3"],
            "residence_name": ["Les Tilleuls", "Le Clos", "La Tour"],
            "address": ["1 rue A", "2 rue B", "3 rue C"],
            "bailleur": ["Ekidom", "Ekidom", "Logiparc"],
            "commune_code": ["86194", "86194", "86041"],
            "quartier_code": ["COUR", "TROI", None],
            "is_qpv": [False, True, False],
            "n_dwellings": [20, 20, 5],
            "n_t1": [0, 4, 0],
            "n_t2": [10, 4, 0],
            "n_t3": [10, 4, 5],
            "n_t4": [0, 4, 0],
            "n_t5_plus": [0, 4, 0],
            "mean_surface_m2": [60.0, 70.0, 65.0],
            "year_built": [1970, 2020, 2024],
            "year_rehab": pd.array([2010, None, None], dtype="Int64"),
            "dpe_label": ["C", None, "g"],
            "rent_eur_m2": [5.0, 6.0, 5.5],
            "psp_class": ["réhabiliter", "conforter", "Démolir"],
            "has_lift": [True, False, False],
            "vacancy_rate_pct": [3.0, NAN, 10.0],
            "rotation_rate_pct": [12.0, 8.0, 20.0],
            "dist_school_m": [250.0, 400.0, NAN],
            "dist_shops_m": [100.0, 800.0, 1500.0],
            "dist_health_m": [300.0, 600.0, 2500.0],
            "dist_transit_m": [50.0, 150.0, 900.0],
            "tranquillity_reports_per_100": [2.0, 8.5, 0.0],
            "green_space_share_pct": [12.0, 30.0, 5.0],
            "private_rent_eur_m2": [10.0, NAN, 0.0],
            "n_households": pd.array([18, 19, None], dtype="Int64"),
            "ops_survey_year": pd.array([2022, 2020, None], dtype="Int64"),
            "res_below_20_pct": [10.0, 25.0, NAN],
            "res_below_40_pct": [30.0, 55.0, NAN],
            "res_below_60_pct": [50.0, 75.0, NAN],
            "single_parent_pct": [15.0, 28.0, NAN],
            "large_family_pct": [5.0, 12.0, NAN],
            "employed_adults_pct": [60.0, 35.0, NAN],
            "no_employment_pct": [20.0, 45.0, NAN],
            "housing_benefit_pct": [40.0, 70.0, NAN],
            "over_65_pct": [20.0, 10.0, NAN],
            "recent_movers_pct": [15.0, 25.0, NAN],
        }
    )


def test_one_row_per_residence_one_column_per_code():
    table = build_indicator_table(_residences())
    assert list(table.index) == ["R1", "R2", "R3"]
    assert table.index.name == "residence_id"
    assert list(table.columns) == list(load_catalogue().codes)
    assert all(dtype == np.float64 for dtype in table.dtypes)


def test_derived_values():
    table = build_indicator_table(_residences())
    assert table.attrs["reference_year"] == 2023
    np.testing.assert_allclose(table["dpe_rank"], [3, NAN, 7])
    np.testing.assert_allclose(table["building_age_years"], [13, 3, 0])
    np.testing.assert_allclose(table["psp_outlook"], [2, 4, 0])
    np.testing.assert_allclose(table["rent_to_private_pct"], [50, NAN, NAN])
    np.testing.assert_allclose(
        table["typology_diversity_pct"], [100 * math.log(2) / math.log(5), 100, 0]
    )
    np.testing.assert_allclose(table["has_lift"], [1, 0, 0])
    np.testing.assert_allclose(table["is_qpv"], [0, 1, 0])


def test_columns_taken_as_they_are():
    table = build_indicator_table(_residences())
    np.testing.assert_allclose(table["res_below_40_pct"], [30, 55, NAN])
    np.testing.assert_allclose(table["vacancy_rate_pct"], [3, NAN, 10])
    np.testing.assert_allclose(table["dist_school_m"], [250, 400, NAN])
    np.testing.assert_allclose(table["private_rent_eur_m2"], [10, NAN, 0])


def test_survey_indicators_are_derived_from_one_survey_as_in_the_table():
    codes = survey_indicator_codes()
    assert codes == (
        "res_below_40_pct",
        "single_parent_pct",
        "employed_adults_pct",
        "housing_benefit_pct",
        "recent_movers_pct",
    )
    residences = _residences()
    table = build_indicator_table(residences)
    for row, residence in zip(residences.itertuples(), table.index, strict=True):
        shares = {c: getattr(row, c) for c in residences.columns if c.endswith("_pct")}
        values = survey_indicators(shares)
        assert tuple(values.index) == codes
        np.testing.assert_allclose(values, table.loc[residence, list(codes)].to_numpy(float))
    with pytest.raises(ValueError, match="pas de colonne « single_parent_pct »"):
        survey_indicators({"res_below_40_pct": 30.0})


def test_reference_year_can_be_given():
    table = build_indicator_table(_residences(), reference_year=2030)
    np.testing.assert_allclose(table["building_age_years"], [20, 10, 6])
    assert indicator_reference_year(_residences().drop(columns="ops_survey_year")) >= 2024


def test_engine_scores_the_table():
    table = build_indicator_table(_residences())
    out = CompositeIndex(load_profile("reference")).fit(table).transform()
    assert list(out.index) == ["R1", "R2", "R3"]
    assert out["score"].notna().sum() >= 2
    assert out.loc["R1", "score"] > out.loc["R2", "score"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param(
            lambda r: r.drop(columns="dpe_label"),
            "colonne(s) « dpe_label » absente(s), nécessaire(s) à l'indicateur « dpe_rank »",
            id="missing-derived",
        ),
        pytest.param(
            lambda r: r.drop(columns="dist_school_m"),
            "pas de colonne « dist_school_m »",
            id="missing-raw",
        ),
        pytest.param(
            lambda r: r.assign(residence_id=["R1", "R1", "R3"]),
            "identifiant(s) en double : « R1 »",
            id="duplicate",
        ),
        pytest.param(
            lambda r: r.assign(dpe_label=["C", "H", None]),
            "valeur(s) inconnue(s) dans « dpe_label » : « H »",
            id="unknown-dpe",
        ),
        pytest.param(
            lambda r: r.assign(psp_class=["garder", "conforter", "vendre"]),
            "valeur(s) inconnue(s) dans « psp_class » : « garder »",
            id="unknown-psp",
        ),
        pytest.param(
            lambda r: r.assign(dist_shops_m=["100", "loin", "3"]),
            "valeur « loin » non numérique dans la colonne « dist_shops_m »",
            id="not-numeric",
        ),
        pytest.param(
            lambda r: r.drop(columns="residence_id"),
            "colonne « residence_id » absente",
            id="no-id",
        ),
    ],
)
def test_bad_residences_give_french_messages(change, message):
    with pytest.raises(ValueError) as err:
        build_indicator_table(change(_residences()))
    assert message in str(err.value)
