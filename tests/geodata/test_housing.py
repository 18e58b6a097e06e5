"""Loaders of the housing tables: columns, dtypes, keys, imported files, French error messages."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geodata import housing, versions
from geodata.schemas import DEMO_NOTICE, OCCUPANCY_SHARES, TABLES, DataValidationError

LOADERS = {
    "residences": housing.load_residences,
    "occupancy": housing.load_occupancy,
    "vacancies": housing.load_vacancies,
    "attributions": housing.load_attributions,
    "departures": housing.load_departures,
    "demands": housing.load_demands,
    "sru_inventory": housing.load_sru_inventory,
    "sru_production": housing.load_sru_production,
}
EXPECTED_DTYPE = {
    "int": "int64",
    "float": "float64",
    "bool": "bool",
    "date": "datetime64[us]",
}


def _write_imported(name: str, frame: pd.DataFrame) -> Path:
    """The directory of a version holding ``frame`` as table ``name`` (written as is,
    unchecked)."""
    return versions.write_version({name: frame}, origins={name: "imported"}).path


def test_every_housing_table_has_a_loader():
    assert set(LOADERS) == set(housing.HOUSING_TABLES)


@pytest.mark.parametrize("name", [pytest.param(n, id=n) for n in LOADERS])
def test_columns_dtypes_and_key(name):
    frame = LOADERS[name]()
    table = TABLES[name]
    expected = table.all_names
    if name == "residences":
        expected = [c for c in expected if c != "geometry"]
        expected += [*housing.OCCUPANCY_JOINED_COLUMNS, "geometry"]
    assert list(frame.columns) == expected
    for col in table.columns:
        dtype = frame[col.name].dtype
        if col.dtype == "string":
            assert pd.api.types.is_string_dtype(dtype), (col.name, dtype)
            assert not pd.api.types.is_object_dtype(dtype), (col.name, dtype)
        elif col.dtype == "int" and col.nullable:
            assert dtype == "Int64", (col.name, dtype)
        elif col.dtype == "bool" and col.nullable:
            assert dtype == "boolean", (col.name, dtype)
        elif col.dtype in EXPECTED_DTYPE:
            assert str(dtype) == EXPECTED_DTYPE[col.dtype], (col.name, dtype)
    key = list(table.key)
    assert not frame.duplicated(key).any()
    assert frame[key].equals(frame[key].sort_values(key, ignore_index=True))


def test_commune_codes_are_five_character_strings():
    for name in ("residences", "sru_inventory", "sru_production"):
        codes = LOADERS[name]()["commune_code"]
        assert codes.str.fullmatch(r"86\d{3}").all(), name


def test_residences_geometry_is_points_in_wgs84():
    residences = housing.load_residences()
    assert residences.crs == "EPSG:4326"
    assert (residences.geometry.geom_type == "Point").all()


def test_residences_carry_their_latest_survey():
    residences = housing.load_residences().set_index("residence_id")
    occupancy = housing.load_occupancy()
    answered = occupancy[occupancy[list(OCCUPANCY_SHARES)].notna().any(axis=1)]
    latest = answered.groupby("residence_id")["survey_year"].max()
    assert residences["ops_survey_year"].dtype == "Int64"
    assert residences["n_households"].dtype == "Int64"
    pd.testing.assert_series_equal(
        residences["ops_survey_year"].dropna().astype("int64").sort_index(),
        latest.rename("ops_survey_year").sort_index(),
        check_names=False,
        check_index_type=False,
    )
    never = residences.index.difference(latest.index)
    assert residences.loc[never, "n_households"].isna().all()
    some = latest.index[0]
    row = occupancy[
        (occupancy["residence_id"] == some) & (occupancy["survey_year"] == latest[some])
    ]
    for column in (*OCCUPANCY_SHARES, "n_households"):
        expected = row[column].iloc[0]
        got = residences.loc[some, column]
        assert (pd.isna(expected) and pd.isna(got)) or expected == got, column


def test_loaders_return_copies():
    first = housing.load_sru_inventory()
    first.loc[0, "n_lls"] = -1
    assert housing.load_sru_inventory().loc[0, "n_lls"] != -1
    residences = housing.load_residences()
    residences.loc[0, "residence_name"] = "modifié"
    assert housing.load_residences().loc[0, "residence_name"] != "modifié"


def test_demo_origin_by_default_and_imported_in_a_version_that_holds_it():
    assert housing.dataset_origin("sru_production") == housing.ORIGIN_DEMO
    assert DEMO_NOTICE == "Données de démonstration (fictives)"
    imported = pd.DataFrame(
        {"commune_code": ["86194"], "year": [2025], "n_agreed": [7], "n_delivered": [3]}
    )
    version = _write_imported("sru_production", imported)
    assert housing.dataset_origin("sru_production", version) == housing.ORIGIN_IMPORTED
    assert housing.dataset_origin("sru_inventory", version) == housing.ORIGIN_DEMO
    loaded = housing.load_sru_production(version)
    assert loaded[["n_agreed", "n_delivered"]].to_numpy().tolist() == [[7, 3]]


def test_each_version_reads_its_own_files():
    frame = pd.DataFrame(
        {"commune_code": ["86194"], "year": [2025], "n_agreed": [7], "n_delivered": [3]}
    )
    first = _write_imported("sru_production", frame)
    second = _write_imported("sru_production", frame.assign(n_agreed=11))
    assert housing.load_sru_production(second)["n_agreed"].tolist() == [11]
    assert housing.load_sru_production(first)["n_agreed"].tolist() == [7]
    assert housing.dataset_origin("sru_production") == housing.ORIGIN_DEMO


def test_numeric_commune_codes_are_read_as_strings():
    frame = pd.DataFrame(
        {
            "commune_code": [86194, 86041],
            "year": [2025, 2025],
            "n_agreed": [1, 2],
            "n_delivered": [0, 0],
        }
    )
    version = _write_imported("sru_production", frame)
    loaded = housing.load_sru_production(version)
    assert loaded["commune_code"].tolist() == ["86041", "86194"]
    assert pd.api.types.is_string_dtype(loaded["commune_code"].dtype)


def _residences_sample(n: int = 3) -> gpd.GeoDataFrame:
    residences = housing.load_residences()
    columns = TABLES["residences"].names
    return gpd.GeoDataFrame(residences[columns].head(n).copy(), geometry="geometry")


def test_bad_dpe_label_names_file_line_column_and_value():
    broken = _residences_sample()
    broken.loc[2, "dpe_label"] = "Z"
    version = _write_imported("residences", broken)
    with pytest.raises(DataValidationError) as info:
        housing.load_residences(version)
    message = str(info.value)
    assert "fichier « residences.parquet »" in message
    assert "ligne 3" in message
    assert "colonne « dpe_label »" in message
    assert "valeur « Z »" in message
    assert "A, B, C, D, E, F, G" in message


def test_missing_column_is_named():
    broken = _residences_sample().drop(columns="psp_class")
    version = _write_imported("residences", broken)
    with pytest.raises(DataValidationError, match="« psp_class »"):
        housing.load_residences(version)


def test_duplicate_key_is_reported():
    frame = pd.DataFrame(
        {
            "commune_code": ["86194", "86194"],
            "year": [2025, 2025],
            "n_agreed": [1, 2],
            "n_delivered": [0, 0],
        }
    )
    version = _write_imported("sru_production", frame)
    with pytest.raises(DataValidationError, match=r"ligne 2.*identifiant en double"):
        housing.load_sru_production(version)


def test_unreadable_file_is_reported_in_french():
    version = _write_imported("demands", housing.load_demands())
    (version / housing.file_name("demands")).write_bytes(b"pas un fichier parquet")
    with pytest.raises(DataValidationError, match=r"fichier « demands\.parquet » illisible"):
        housing.load_demands(version)


def test_residences_in_lambert93_are_converted():
    sample = _residences_sample()
    projected = sample.to_crs("EPSG:2154")
    version = _write_imported("residences", projected)
    loaded = housing.load_residences(version)
    assert loaded.crs == "EPSG:4326"
    assert np.allclose(loaded.geometry.x, sample.geometry.x, atol=1e-7)
    assert np.allclose(loaded.geometry.y, sample.geometry.y, atol=1e-7)


def test_residences_with_polygons_are_refused():
    sample = _residences_sample()
    sample.loc[1, "geometry"] = shapely.box(0.3, 46.5, 0.31, 46.51)
    version = _write_imported("residences", sample)
    with pytest.raises(DataValidationError, match=r"ligne 2, colonne « geometry ».*Polygon"):
        housing.load_residences(version)


def test_unknown_table_is_refused():
    with pytest.raises(ValueError, match="table inconnue"):
        housing.load_table("logements")
    with pytest.raises(ValueError, match="table inconnue"):
        housing.dataset_origin("logements")
