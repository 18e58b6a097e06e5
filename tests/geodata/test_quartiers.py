"""Poitiers quartiers: the schematic default and the importer of real outlines."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import box

from geodata import load_communes, load_quartiers
from geodata.importer import prepare_quartiers, stage_version
from geodata.quartiers import QUARTIER_SEEDS, read_quartier_file
from geodata.schemas import DataValidationError


@pytest.fixture(scope="module")
def poitiers():
    communes = load_communes()
    return communes.loc[communes["commune_code"] == "86194", "geometry"].iloc[0]


def test_schematic_quartiers_partition_poitiers(poitiers):
    quartiers = load_quartiers()
    assert len(quartiers) == 12
    assert list(quartiers.columns) == [
        "quartier_code",
        "quartier_name",
        "commune_code",
        "geometry_source",
        "geometry",
    ]
    assert (quartiers["geometry_source"] == "schematic").all()
    assert quartiers["quartier_name"].tolist() == [s[0] for s in QUARTIER_SEEDS]
    cells = quartiers.to_crs(2154).geometry
    outline = gpd.GeoSeries([poitiers], crs=4326).to_crs(2154).iloc[0]
    assert cells.is_valid.all()
    assert abs(cells.area.sum() - outline.area) < 1.0  # m²: no gap, no overlap
    assert shapely.union_all(cells.to_numpy()).symmetric_difference(outline).area < 1.0


def test_each_seed_lies_in_its_own_cell():
    quartiers = load_quartiers().set_index("quartier_name")
    for name, lat, lon in QUARTIER_SEEDS:
        assert quartiers.geometry[name].contains(shapely.Point(lon, lat)), name


def _write_iris(tmp_path, crs=2154):
    frame = gpd.GeoDataFrame(
        {
            "CODE_IRIS": ["861940101", "861940102", "860410101"],
            "NOM_IRIS": ["Hôtel de Ville", "Blossac", "Buxerolles Centre"],
            "INSEE_COM": ["86194", "86194", "86041"],
        },
        geometry=[
            box(497000, 6620000, 498000, 6621000),
            box(498000, 6620000, 499000, 6621000),
            box(499000, 6622000, 500000, 6623000),
        ],
        crs=crs,
    )
    path = tmp_path / "iris.gpkg"
    frame.to_file(path)
    return path


def test_a_version_with_imported_outlines_replaces_the_schematic_ones(tmp_path):
    path = _write_iris(tmp_path)
    prepared = prepare_quartiers(path, "CODE_IRIS", "NOM_IRIS", commune_column="INSEE_COM")
    assert prepared.reports[0].rows_kept == 2
    version = stage_version(prepared, None)
    quartiers = load_quartiers(version.path)
    assert quartiers["quartier_code"].tolist() == ["861940101", "861940102"]
    assert (quartiers["geometry_source"] == "imported").all()
    assert quartiers.crs.to_epsg() == 4326
    assert quartiers.to_crs(2154).area.round().tolist() == [1_000_000.0, 1_000_000.0]
    assert (load_quartiers()["geometry_source"] == "schematic").all()


def test_missing_column_is_named(tmp_path):
    path = _write_iris(tmp_path)
    with pytest.raises(DataValidationError, match="colonne « NOM_QUARTIER » introuvable"):
        prepare_quartiers(path, "CODE_IRIS", "NOM_QUARTIER")


def test_duplicate_codes_name_the_line(tmp_path):
    frame = gpd.GeoDataFrame(
        {"code": ["A", "A"], "nom": ["Un", "Deux"]},
        geometry=[box(0.33, 46.57, 0.34, 46.58), box(0.34, 46.57, 0.35, 46.58)],
        crs=4326,
    )
    path = tmp_path / "quartiers.geojson"
    frame.to_file(path, driver="GeoJSON")
    with pytest.raises(
        DataValidationError, match=r"ligne 2, colonne « quartier_code », valeur « A »"
    ):
        read_quartier_file(path, "code", "nom")


def test_unknown_format_is_refused(tmp_path):
    path = tmp_path / "quartiers.csv"
    path.write_text("code,nom\n")
    with pytest.raises(DataValidationError, match="format non reconnu"):
        read_quartier_file(path, "code", "nom")
