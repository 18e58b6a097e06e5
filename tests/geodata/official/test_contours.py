"""IRIS and QPV 2024 outlines, as GeoJSON and as zipped Shapefiles."""

from __future__ import annotations

import zipfile
from pathlib import Path

import geopandas as gpd
import pytest

from geodata.errors import DataValidationError
from geodata.official.iris import convert_iris
from geodata.official.qpv import convert_qpv

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def _zipped_shapefile(source: Path, tmp_path: Path, stem: str) -> Path:
    folder = tmp_path / stem
    folder.mkdir()
    gpd.read_file(source).to_file(folder / f"{stem}.shp")
    archive = tmp_path / f"{stem}.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for part in folder.iterdir():
            out.write(part, part.name)
    return archive


def test_iris_of_poitiers_become_quartiers():
    quartiers, report = convert_iris(SAMPLES / "contours_iris.geojson")
    assert quartiers[["quartier_code", "quartier_name", "commune_code"]].values.tolist() == [
        ["861940101", "Centre-Écoles", "86194"],
        ["861940102", "Gare", "86194"],
    ]
    assert (quartiers["geometry_source"] == "imported").all() and quartiers.crs.to_epsg() == 4326
    assert quartiers.to_crs(2154).area.round().tolist() == [480_000.0, 360_000.0]
    assert (report.rows_read, report.rows_kept, report.rows_left_aside) == (3, 2, 1)


def test_qpv_of_the_territory_are_kept_from_a_zipped_shapefile(tmp_path):
    archive = _zipped_shapefile(SAMPLES / "qp2024_extrait.geojson", tmp_path, "QP2024_LB93")
    qpv, report = convert_qpv(archive)
    assert qpv[["qpv_code", "qpv_name", "commune_code"]].values.tolist() == [
        ["QN08601M", "Les Écoles", "86194"]
    ]
    assert report.notes == ["1 QPV dans le Grand Poitiers : Les Écoles (QN08601M)."]


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        pytest.param(b"", "illisible", id="empty"),
        pytest.param(b'{"type": "FeatureCollection", "features": []}', "aucune entité", id="none"),
        pytest.param(b"PK\x03\x04tronque", "illisible", id="broken-zip"),
    ],
)
def test_broken_outline_files_are_refused(tmp_path, content, fragment):
    path = tmp_path / ("contours.zip" if content.startswith(b"PK") else "contours.geojson")
    path.write_bytes(content)
    with pytest.raises(DataValidationError, match=fragment):
        convert_iris(path)


def test_points_instead_of_polygons_and_missing_columns_are_refused(tmp_path):
    points = gpd.GeoDataFrame(
        {"CODE_IRIS": ["861940101"], "NOM_IRIS": ["A"], "INSEE_COM": ["86194"]},
        geometry=gpd.points_from_xy([497000], [6611000]),
        crs=2154,
    )
    path = tmp_path / "points.geojson"
    points.to_file(path)
    with pytest.raises(
        DataValidationError, match=r"ligne 1, colonne « geometry », valeur « Point »"
    ):
        convert_iris(path)
    nameless = tmp_path / "sans_nom.geojson"
    gpd.read_file(SAMPLES / "contours_iris.geojson").drop(columns="NOM_IRIS").to_file(nameless)
    with pytest.raises(DataValidationError, match="NOM_IRIS"):
        convert_iris(nameless)


def test_shapefile_without_projection_is_refused(tmp_path):
    archive = _zipped_shapefile(SAMPLES / "contours_iris.geojson", tmp_path, "iris")
    stripped = tmp_path / "sans_prj.zip"
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(stripped, "w") as out:
        for item in source.namelist():
            if not item.endswith(".prj"):
                out.writestr(item, source.read(item))
    with pytest.raises(DataValidationError, match="système de coordonnées absent"):
        convert_iris(stripped)
