"""What a file is, recognised from its columns, never from its name."""

from __future__ import annotations

import zipfile
from pathlib import Path

import geopandas as gpd
import pytest

from geodata import housing
from geodata.detect import detect_kind

SAMPLES = Path(__file__).resolve().parent / "samples"


@pytest.mark.parametrize(
    ("sample", "kind", "format_label"),
    [
        ("rpls_ancien_cp1252.csv", "rpls", "CSV (séparateur « ; », encodage Windows-1252)"),
        ("rpls_2023_utf8_bom.csv", "rpls", "CSV (séparateur « , », encodage UTF-8 avec BOM)"),
        ("bpe_86_extrait.csv", "bpe", "CSV (séparateur « ; », encodage UTF-8)"),
        ("gtfs_stops.txt", "arrets", "CSV (séparateur « , », encodage UTF-8)"),
        ("ops_communes_cp1252.txt", "ops", "CSV (séparateur tabulation, encodage Windows-1252)"),
        ("contours_iris.geojson", "iris", "contours (GeoJSON)"),
        ("qp2024_extrait.geojson", "qpv", "contours (GeoJSON)"),
    ],
)
def test_official_samples_are_recognised(sample, kind, format_label):
    detection = detect_kind(SAMPLES / sample)
    assert (detection.kind, detection.format_label) == (kind, format_label)


@pytest.mark.parametrize("table", housing.HOUSING_TABLES)
def test_each_table_of_the_project_is_recognised_by_its_columns(table, tmp_path):
    frame = housing.load_table(table).head(3)
    if table == "residences":
        frame = frame.assign(longitude=frame.geometry.x, latitude=frame.geometry.y)
        frame = frame.drop(columns="geometry")
    path = tmp_path / "nom_trompeur_rpls.xlsx"
    frame.to_excel(path, index=False)
    detection = detect_kind(path)
    assert detection.kind == table
    assert detection.format_label == "classeur Excel (.xlsx) (feuille « Sheet1 »)"


def test_a_zipped_shapefile_is_read_for_its_columns(tmp_path):
    frame = gpd.read_file(SAMPLES / "qp2024_extrait.geojson")
    frame.to_file(tmp_path / "QP2024_LB93.shp")
    archive = tmp_path / "qp.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for part in tmp_path.glob("QP2024_LB93.*"):
            out.write(part, part.name)
    detection = detect_kind(archive, "QP2024 France.zip")
    assert (detection.kind, detection.format_label) == ("qpv", "contours (Shapefile (.zip))")


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        pytest.param("vide.csv", b"", "fichier vide", id="empty"),
        pytest.param("x.csv", b"a;b;c\n1;2;3\n", "colonnes non reconnues", id="unknown"),
        pytest.param("x.geojson", b"{pas du json", "illisible", id="broken-geojson"),
        pytest.param("x.zip", b"PK\x03\x04tronque", "illisible", id="broken-zip"),
    ],
)
def test_what_is_not_recognised_says_why_without_raising(tmp_path, name, content, fragment):
    path = tmp_path / name
    path.write_bytes(content)
    detection = detect_kind(path, "envoyé.csv")
    assert detection.kind is None
    assert fragment in detection.reason
