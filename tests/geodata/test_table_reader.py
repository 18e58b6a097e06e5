"""The project's own tables from a file: each defect found by new users gets a French refusal."""

from __future__ import annotations

import pandas as pd
import pytest

from geodata import housing
from geodata.errors import DataValidationError
from geodata.table_reader import read_table, read_table_file


def _french_csv(frame: pd.DataFrame, path, encoding="utf-8") -> None:
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_bool_dtype(out[column]):
            out[column] = out[column].map({True: "oui", False: "non"})
        elif pd.api.types.is_float_dtype(out[column]):
            out[column] = out[column].map(lambda v: "" if pd.isna(v) else f"{v}".replace(".", ","))
        elif pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].dt.strftime("%d/%m/%Y").fillna("")
    out.to_csv(path, sep=";", index=False, encoding=encoding)


def _residences(n: int = 3) -> pd.DataFrame:
    demo = housing.load_table("residences").head(n)
    frame = pd.DataFrame(demo.drop(columns="geometry"))
    frame["longitude"] = demo.geometry.x.round(6).to_numpy()
    frame["latitude"] = demo.geometry.y.round(6).to_numpy()
    return frame


def _sru() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "commune_code": ["86194", "86041"],
            "year": [2025, 2025],
            "n_agreed": [7, 2],
            "n_delivered": [3, 1],
        }
    )


def _set(path, line: int, column: str, value: str, encoding="utf-8") -> None:
    rows = path.read_text(encoding=encoding).splitlines()
    header = rows[0].split(";")
    cells = rows[line - 1].split(";")
    cells[header.index(column)] = value
    rows[line - 1] = ";".join(cells)
    path.write_text("\n".join(rows) + "\n", encoding=encoding)


def _refused(table: str, path, line: int | None, column: str | None, value: str | None, *more):
    with pytest.raises(DataValidationError) as info:
        read_table_file(table, path)
    message = str(info.value)
    assert f"fichier « {path.name} »" in message, message
    if line is not None:
        assert f"ligne {line}" in message, message
    if column is not None:
        assert f"colonne « {column} »" in message, message
    if value is not None:
        assert f"valeur « {value} »" in message, message
    assert "attendu" in message
    for fragment in more:
        assert fragment in message, message
    return message


def test_a_french_csv_is_read_with_the_dictionary_types(tmp_path):
    path = tmp_path / "residences.csv"
    frame = _residences()
    _french_csv(frame, path, encoding="cp1252")
    read = read_table("residences", path)
    assert read.frame["residence_id"].tolist() == frame["residence_id"].tolist()
    assert read.frame.crs.to_epsg() == 4326
    assert read.frame["has_lift"].dtype == "boolean"
    assert read.lines.tolist() == [2, 3, 4]
    assert "Windows-1252" in read.report.format_label


@pytest.mark.parametrize(
    ("column", "value", "fragment"),
    [
        pytest.param("n_agreed", "100000000000000000000", "inférieur ou égal", id="overflow"),
        pytest.param("n_agreed", "inf", "nombre entier", id="inf-text"),
        pytest.param("n_agreed", "1e400", "infinie", id="inf-by-overflow"),
        pytest.param("n_agreed", "nan", "nombre entier", id="nan"),
        pytest.param("n_agreed", "2,5", "nombre entier", id="not-whole"),
        pytest.param("year", "20000", "inférieur ou égal à 2100", id="year"),
        pytest.param("commune_code", "75056", "hors du Grand Poitiers", id="commune-outside"),
        pytest.param("commune_code", "8619", "code INSEE de 5 caractères", id="commune-shape"),
    ],
)
def test_bad_numbers_and_codes_are_refused(tmp_path, column, value, fragment):
    path = tmp_path / "sru_production.csv"
    _french_csv(_sru(), path)
    _set(path, 3, column, value)
    _refused("sru_production", path, 3, column, value, fragment)


def test_header_only_file_is_refused(tmp_path):
    path = tmp_path / "residences.csv"
    _french_csv(_residences().head(0), path)
    _refused("residences", path, 2, None, None, "aucune ligne de données")


def test_truncated_line_is_refused_not_filled(tmp_path):
    path = tmp_path / "sru_production.csv"
    _french_csv(_sru(), path)
    rows = path.read_text().splitlines()
    rows[2] = ";".join(rows[2].split(";")[:2])
    path.write_text("\n".join(rows) + "\n")
    _refused("sru_production", path, 3, "n_agreed", "", "tronquée")


def test_missing_column_is_named(tmp_path):
    path = tmp_path / "sru_production.csv"
    _french_csv(_sru().drop(columns="n_delivered"), path)
    _refused("sru_production", path, 1, None, None, "« n_delivered »")


@pytest.mark.parametrize(
    "value",
    ["01/02/24", "12/31/2024", "2024", "2024/03/01", "31/02/2024"],
)
def test_dates_are_jj_mm_aaaa_or_iso_only(tmp_path, value):
    vacancies = housing.load_table("vacancies").head(3)
    path = tmp_path / "vacancies.csv"
    _french_csv(vacancies, path)
    _set(path, 2, "start_date", value)
    _refused("vacancies", path, 2, "start_date", value, "JJ/MM/AAAA")


def test_readme_dates_are_accepted(tmp_path):
    vacancies = housing.load_table("vacancies").head(3)
    path = tmp_path / "vacancies.csv"
    _french_csv(vacancies, path)
    first = vacancies["start_date"].iloc[0]
    _set(path, 2, "start_date", first.strftime("%Y-%m-%d"))
    read = read_table_file("vacancies", path)
    assert read["start_date"].iloc[0] == first
    assert read["start_date"].iloc[1] == vacancies["start_date"].iloc[1]


def test_end_before_start_is_refused(tmp_path):
    vacancies = housing.load_table("vacancies")
    closed = vacancies[vacancies["end_date"].notna()].head(2)
    path = tmp_path / "vacancies.csv"
    _french_csv(closed, path)
    _set(path, 3, "end_date", "01/01/1990")
    _refused("vacancies", path, 3, "end_date", None, "postérieure ou égale")


def test_ids_differing_only_by_case_are_duplicates(tmp_path):
    frame = _residences()
    frame.loc[frame.index[2], "residence_id"] = frame["residence_id"].iloc[0].lower() + " "
    path = tmp_path / "residences.csv"
    _french_csv(frame, path)
    message = _refused("residences", path, 4, "residence_id", None, "en double", "ligne 2")
    assert "casse" in message


def test_inf_in_distances_and_rents_is_refused(tmp_path):
    path = tmp_path / "residences.csv"
    _french_csv(_residences(), path)
    _set(path, 2, "dist_school_m", "1e999")
    _refused("residences", path, 2, "dist_school_m", None, "infinie")


def test_names_with_control_characters_are_refused(tmp_path):
    frame = _residences()
    frame.loc[frame.index[1], "residence_name"] = "Les Lilas\x07"
    path = tmp_path / "residences.csv"
    _french_csv(frame, path)
    _refused("residences", path, 3, "residence_name", "Les Lilas\\x07", "caractère de contrôle")


def test_typologies_must_add_up(tmp_path):
    frame = _residences()
    frame.loc[frame.index[0], "n_t1"] += 1
    path = tmp_path / "residences.csv"
    _french_csv(frame, path)
    _refused("residences", path, 2, "n_dwellings", None, "somme")


@pytest.mark.parametrize(
    ("lon", "lat", "fragment"),
    [
        pytest.param("2.3522", "48.8566", "hors du Grand Poitiers, à 2", id="paris"),
        pytest.param("5.3698", "43.2965", "hors du Grand Poitiers", id="marseille"),
        pytest.param("-4.4861", "48.3904", "hors du Grand Poitiers", id="brest"),
        pytest.param("-0.1276", "51.5072", "hors du Grand Poitiers", id="london"),
        pytest.param("46.58", "0.34", "hors du Grand Poitiers", id="swapped"),
    ],
)
def test_points_far_away_are_refused(tmp_path, lon, lat, fragment):
    frame = _residences()
    frame["longitude"] = frame["longitude"].astype(str)
    frame["latitude"] = frame["latitude"].astype(str)
    frame.loc[frame.index[1], "longitude"] = lon
    frame.loc[frame.index[1], "latitude"] = lat
    path = tmp_path / "residences.csv"
    _french_csv(frame, path)
    _refused("residences", path, 3, "coordonnées", None, fragment, "vérifiez")


def test_a_point_in_another_commune_is_refused(tmp_path):
    frame = _residences()
    buxerolles = frame["commune_code"] != "86041"
    frame.loc[buxerolles.idxmax(), ["longitude", "latitude"]] = [0.36959, 46.60626]
    path = tmp_path / "residences.csv"
    _french_csv(frame, path)
    _refused("residences", path, None, "coordonnées", None, "Buxerolles (86041)")


def test_lambert93_declared_as_web_mercator_lands_in_belgium(tmp_path):
    frame = _residences().drop(columns=["longitude", "latitude"])
    lambert = housing.load_table("residences").head(3).to_crs(2154)
    frame["x"], frame["y"], frame["epsg"] = lambert.geometry.x, lambert.geometry.y, 3857
    path = tmp_path / "residences.csv"
    _french_csv(frame, path)
    _refused("residences", path, 2, "coordonnées", None, "hors du Grand Poitiers", "epsg")


@pytest.mark.parametrize(
    ("epsg", "fragment"),
    [
        pytest.param("999999", "code inconnu", id="unknown"),
        pytest.param("0", "code inconnu", id="zero"),
        pytest.param("abc", "code EPSG", id="text"),
        pytest.param("5714", "deux dimensions", id="vertical"),
    ],
)
def test_bad_epsg_codes_are_refused(tmp_path, epsg, fragment):
    frame = _residences().drop(columns=["longitude", "latitude"])
    lambert = housing.load_table("residences").head(3).to_crs(2154)
    frame["x"], frame["y"], frame["epsg"] = lambert.geometry.x, lambert.geometry.y, epsg
    path = tmp_path / "residences.csv"
    _french_csv(frame, path)
    _refused("residences", path, 2, "epsg", epsg, fragment)


def test_demand_for_a_commune_outside_the_epci_is_refused(tmp_path):
    demands = housing.load_table("demands").head(2)
    demands.loc[1, "requested_communes"] = "86194;75056"
    path = tmp_path / "demands.csv"
    _french_csv(demands, path)
    _refused("demands", path, 3, "requested_communes", "86194;75056", "« 75056 » hors du")


def test_unknown_table_is_refused():
    with pytest.raises(DataValidationError, match="table inconnue : « logements »"):
        read_table_file("logements", "x.csv")
