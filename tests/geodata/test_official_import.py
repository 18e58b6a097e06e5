"""The official files together become a version whose residences carry quartier, QPV, distances;
a later version is built on the previous one."""

from __future__ import annotations

from pathlib import Path

import pytest

from geodata import housing, load_quartiers, versions
from geodata.importer import ImportFile, prepare_import, stage_version
from geodata.layers import load_layer

SAMPLES = Path(__file__).resolve().parent / "samples"
ALL = {
    "rpls": "rpls_ancien_cp1252.csv",
    "bpe": "bpe_86_extrait.csv",
    "arrets": "gtfs_stops.txt",
    "iris": "contours_iris.geojson",
    "qpv": "qp2024_extrait.geojson",
    "ops": "ops_communes_cp1252.txt",
}


def _files(**kinds) -> list[ImportFile]:
    return [ImportFile(kind, SAMPLES / name) for kind, name in kinds.items()]


class Chain:
    """Versions built one on the other, as successive imports do."""

    def __init__(self) -> None:
        self.current: versions.VersionInfo | None = None

    def add(self, files: list[ImportFile]) -> tuple[versions.VersionInfo, list]:
        prepared = prepare_import(files)
        self.current = stage_version(prepared, self.current)
        return self.current, prepared.reports


@pytest.fixture()
def chain():
    return Chain()


@pytest.fixture()
def imported(chain):
    return chain.add(_files(**ALL))


def _by_name(column: str, version: versions.VersionInfo) -> dict:
    residences = housing.load_residences(version.path)
    values = residences.set_index("residence_name")[column].astype(object)
    return values.where(values.notna(), None).to_dict()


def test_residences_get_quartier_qpv_and_distances(imported):
    info, reports = imported
    assert [r.kind for r in reports] == list(ALL)
    assert _by_name("quartier_code", info) == {
        "12 Rue des Écoles": "861940101",
        "3 bis Avenue du Cœur de Ville": "861940101",
        "Rue du Moulin (lieu 1)": "861940101",
        "Rue du Moulin (lieu 2)": "861940102",
        "L’Église": None,
        "5 Allée des Pins": None,
    }
    # The QPV outline covers 497 000 m, 6 611 000 m only: the RPLS flag is replaced.
    assert _by_name("qpv_code", info) == {
        "12 Rue des Écoles": "QN08601M",
        "3 bis Avenue du Cœur de Ville": None,
        "Rue du Moulin (lieu 1)": "QN08601M",
        "Rue du Moulin (lieu 2)": None,
        "L’Église": None,
        "5 Allée des Pins": None,
    }
    assert _by_name("is_qpv", info)["Rue du Moulin (lieu 1)"] is True
    school, transit = _by_name("dist_school_m", info), _by_name("dist_transit_m", info)
    assert school["12 Rue des Écoles"] == 500.0 and school["3 bis Avenue du Cœur de Ville"] == 424.0
    assert transit["12 Rue des Écoles"] == 100.0  # the GTFS stop, nearer than the station
    assert transit["3 bis Avenue du Cœur de Ville"] == 89.0
    assert load_quartiers(info.path)["quartier_code"].tolist() == ["861940101", "861940102"]
    assert load_layer("occupancy_communes", info.path)["commune_code"].tolist() == [
        "86041",
        "86194",
    ]
    assert info.tables["equipment"]["rows"] == 6


def test_a_layer_alone_recomputes_what_it_derives(chain, imported, tmp_path):
    moved = tmp_path / "bpe.csv"
    text = (SAMPLES / "bpe_86_extrait.csv").read_text().replace("497300;6611400", "497000;6611300")
    moved.write_text(text)
    info, _ = chain.add([ImportFile("bpe", moved)])
    assert _by_name("dist_school_m", info)["12 Rue des Écoles"] == 300.0
    assert _by_name("dist_transit_m", info)["12 Rue des Écoles"] == 100.0  # GTFS stops kept
    assert any("Distances aux équipements" in n for n in info.notes)
    info, _ = chain.add([ImportFile("iris", SAMPLES / "contours_iris.geojson")])
    assert any("Quartier recalculé" in n and "0 résidence(s)" in n for n in info.notes)


def test_a_new_rpls_vintage_keeps_the_layers(chain, imported):
    info, _ = chain.add(_files(rpls="rpls_2023_utf8_bom.csv"))
    assert _by_name("quartier_code", info) == {
        "12 Rue des Écoles": "861940101",
        "1 Rue André Malraux": None,
    }
    assert _by_name("dist_school_m", info)["12 Rue des Écoles"] == 500.0
    assert len(versions.list_versions()) == 2


def test_the_version_holds_imported_residences_and_demo_demands(imported):
    info, _ = imported
    assert housing.dataset_origin("residences", info.path) == "imported"
    assert housing.dataset_origin("demands", info.path) == "demo"
