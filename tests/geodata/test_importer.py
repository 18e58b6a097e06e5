"""Importing the service habitat's files: French conventions, French errors, all or nothing."""

from __future__ import annotations

import pandas as pd
import pytest

from geodata import housing
from geodata.importer import import_tables, main, read_table_file, reset_table
from geodata.schemas import RESIDENCES, DataValidationError


def _french_csv(frame: pd.DataFrame, path, encoding="utf-8") -> None:
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == bool:
            out[column] = out[column].map({True: "oui", False: "non"})
        elif pd.api.types.is_float_dtype(out[column]):
            out[column] = out[column].map(lambda v: "" if pd.isna(v) else f"{v}".replace(".", ","))
    out.to_csv(path, sep=";", index=False, encoding=encoding)


@pytest.fixture()
def residences_csv(tmp_path):
    demo = housing.load_table("residences").head(3)
    frame = pd.DataFrame(demo.drop(columns="geometry"))
    frame["longitude"] = demo.geometry.x.round(6).to_numpy()
    frame["latitude"] = demo.geometry.y.round(6).to_numpy()
    path = tmp_path / "residences.csv"
    _french_csv(frame, path, encoding="latin-1")
    return path, demo


def test_a_french_csv_is_read_with_the_dictionary_types(residences_csv):
    path, demo = residences_csv
    frame = read_table_file("residences", path)
    assert list(frame.columns) == RESIDENCES.names
    assert frame["residence_id"].tolist() == demo["residence_id"].tolist()
    assert frame["rent_eur_m2"].tolist() == pytest.approx(demo["rent_eur_m2"].tolist())
    assert frame["is_qpv"].tolist() == demo["is_qpv"].tolist()
    assert frame["commune_code"].str.len().eq(5).all()
    assert frame.crs.to_epsg() == 4326
    ours, theirs = frame.to_crs(2154), demo.to_crs(2154).reset_index(drop=True)
    assert ours.geometry.distance(theirs.geometry).max() < 0.5  # metres (6-decimal degrees)


def test_a_bad_value_names_file_line_column_and_expectation(residences_csv):
    path, _ = residences_csv
    text = path.read_text(encoding="latin-1").splitlines()
    header = text[0].split(";")
    cells = text[2].split(";")
    cells[header.index("dpe_label")] = "H"
    text[2] = ";".join(cells)
    path.write_text("\n".join(text) + "\n", encoding="latin-1")
    with pytest.raises(DataValidationError) as error:
        read_table_file("residences", path)
    message = str(error.value)
    assert "fichier « residences.csv »" in message
    assert "ligne 3" in message  # the header is line 1, the second residence line 3
    assert "colonne « dpe_label »" in message and "valeur « H »" in message
    assert "A, B, C, D, E, F, G" in message


def test_lambert93_coordinates_with_their_epsg_are_reprojected(tmp_path):
    demo = housing.load_table("residences").head(2)
    lambert = demo.to_crs(2154)
    frame = pd.DataFrame(demo.drop(columns="geometry"))
    frame["x"], frame["y"], frame["epsg"] = lambert.geometry.x, lambert.geometry.y, 2154
    path = tmp_path / "rpls.csv"
    _french_csv(frame, path)
    imported = read_table_file("residences", path)
    ours, theirs = imported.to_crs(2154), lambert.reset_index(drop=True)
    assert ours.geometry.distance(theirs.geometry).max() < 0.01  # metres


def test_import_is_all_or_nothing(residences_csv, tmp_path):
    path, demo = residences_csv
    occupancy = housing.load_table("occupancy")
    bad = occupancy[occupancy["residence_id"].isin(demo["residence_id"])].copy()
    bad.loc[bad.index[0], "residence_id"] = "INCONNUE"
    bad_path = tmp_path / "ops.csv"
    _french_csv(bad, bad_path)
    with pytest.raises(DataValidationError, match="valeur « INCONNUE » : résidence inconnue"):
        import_tables({"residences": path, "occupancy": bad_path})
    assert housing.dataset_origin("residences") == "demo"
    assert housing.dataset_origin("occupancy") == "demo"


def test_import_then_reset(residences_csv):
    path, _ = residences_csv
    assert import_tables({"residences": path}) == {"residences": 3}
    assert housing.dataset_origin("residences") == "imported"
    assert len(housing.load_table("residences")) == 3
    reset_table("residences")
    assert housing.dataset_origin("residences") == "demo"


def test_command_line_refuses_bad_input_in_french(tmp_path, capsys):
    path = tmp_path / "residences.csv"
    path.write_text("residence_id;residence_name\nR1;Les Tilleuls\n", encoding="utf-8")
    assert main([f"residences={path}"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("Import refusé, aucune donnée modifiée")
    assert "colonne(s) manquante(s)" in out
    assert main(["n'importe quoi"]) == 2
