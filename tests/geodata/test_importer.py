"""Files read as a new dataset version: all tables checked together, on the version in force, in
French; nothing left on disk when refused. (Putting a version in force is the store's:
``tests/services/test_data_import.py``.)"""

from __future__ import annotations

import pandas as pd
import pytest

from geodata import housing, versions
from geodata.errors import DataValidationError
from geodata.importer import ImportFile, prepare_import, stage_version
from tests.geodata.test_table_reader import _french_csv, _residences


@pytest.fixture()
def residences_csv(tmp_path):
    path = tmp_path / "residences.csv"
    _french_csv(_residences(), path, encoding="cp1252")
    return path


def _occupancy_csv(tmp_path, ids, name="ops.csv"):
    occupancy = housing.load_table("occupancy")
    rows = occupancy[occupancy["residence_id"].isin(ids)].copy()
    path = tmp_path / name
    _french_csv(rows, path)
    return path, rows


def _on_disk() -> list[str]:
    return sorted(p.name for p in versions.versions_root().iterdir())


def _stage(files, base=None, **kwargs) -> versions.VersionInfo:
    prepared = prepare_import(files, survey_year=kwargs.pop("survey_year", None))
    return stage_version(prepared, base, **kwargs)


def test_imported_residences_empty_the_demo_flows_and_keep_the_other_demo_tables(residences_csv):
    info = _stage([ImportFile("residences", residences_csv)])
    assert housing.dataset_origin("residences", info.path) == "imported"
    assert len(housing.load_table("residences", info.path)) == 3
    # Demo flows describe fictitious residences: they are not kept beside real ones.
    assert info.origin("occupancy") == "empty" and len(housing.load_occupancy(info.path)) == 0
    assert any("Enquêtes d'occupation" in n and "vide" in n for n in info.notes)
    assert housing.dataset_origin("sru_inventory", info.path) == "demo"
    back = stage_version(prepare_import([], reset=["residences"]), info)
    assert back.origin("residences") == "demo" and back.origin("occupancy") == "demo"
    assert len(housing.load_occupancy(back.path)) == len(housing.load_occupancy())
    reset = stage_version(prepare_import([], reset=["tout"]), info)
    assert {entry["origin"] for entry in reset.tables.values()} == {"demo"}
    assert len(versions.pending_versions()) == 3


def test_a_supplied_table_naming_an_unknown_residence_is_refused_whole(residences_csv, tmp_path):
    ids = _residences()["residence_id"].tolist()
    ops, rows = _occupancy_csv(tmp_path, ids)
    lines = ops.read_text().splitlines()
    lines[3] = lines[3].replace(rows["residence_id"].iloc[2], "INCONNUE", 1)
    ops.write_text("\n".join(lines) + "\n")
    files = [ImportFile("residences", residences_csv), ImportFile("occupancy", ops)]
    with pytest.raises(DataValidationError) as info:
        _stage(files)
    message = str(info.value)
    assert "fichier « ops.csv », ligne 4, colonne « residence_id », valeur « INCONNUE »" in message
    assert "résidence inconnue" in message
    assert _on_disk() == []


def test_new_residence_ids_with_old_occupancy_are_refused_then_dropped_on_request(
    residences_csv, tmp_path
):
    ids = _residences()["residence_id"].tolist()
    ops, rows = _occupancy_csv(tmp_path, ids)
    first = _stage([ImportFile("residences", residences_csv), ImportFile("occupancy", ops)])
    assert len(housing.load_occupancy(first.path)) == len(rows)
    renamed = _residences()
    renamed["residence_id"] = ["N-1", "N-2", ids[2]]
    path = tmp_path / "residences_2025.csv"
    _french_csv(renamed, path)
    with pytest.raises(DataValidationError) as info:
        _stage([ImportFile("residences", path)], first)
    message = str(info.value)
    assert "Enquêtes d'occupation" in message and "version courante" in message
    assert "--ecarter-orphelins" in message and ids[0] in message
    assert _on_disk() == sorted([first.version_id, f".pending-{first.version_id}"])
    second = _stage([ImportFile("residences", path)], first, drop_orphans=True)
    kept = housing.load_occupancy(second.path)
    assert set(kept["residence_id"]) == {ids[2]}
    assert any("écartée" in n and ids[0] in n for n in second.notes)


def test_an_ops_survey_replaces_its_own_year_only(residences_csv, tmp_path):
    ids = _residences()["residence_id"].tolist()
    ops, rows = _occupancy_csv(tmp_path, ids)
    first = _stage([ImportFile("residences", residences_csv), ImportFile("occupancy", ops)])
    survey = tmp_path / "ops_2026.csv"
    survey.write_text(
        "residence_id;nb_menages;part_ressources_inf_40\n" + "".join(f"{i};12;40,5\n" for i in ids)
    )
    prepared = prepare_import([ImportFile("ops", survey)], survey_year=2026)
    second = stage_version(prepared, first)
    occupancy = housing.load_occupancy(second.path)
    assert len(occupancy) == len(rows[rows["survey_year"] != 2026]) + 3
    latest = occupancy[occupancy["survey_year"] == 2026]
    assert latest["res_below_40_pct"].tolist() == [40.5] * 3
    assert prepared.reports[0].kind_label == "enquête OPS par résidence"


def test_unknown_quartier_and_quartier_of_another_commune_are_refused(tmp_path):
    frame = _residences()
    poitiers = frame.index[frame["commune_code"] == "86194"]
    other = frame.index[frame["commune_code"] != "86194"]
    if len(poitiers):
        frame.loc[poitiers[0], "quartier_code"] = "86194Q99"
        path = tmp_path / "residences.csv"
        _french_csv(frame, path)
        with pytest.raises(DataValidationError, match="valeur « 86194Q99 » : quartier inconnu"):
            _stage([ImportFile("residences", path)])
    frame = _residences()
    frame.loc[other[0], "quartier_code"] = "86194Q01"
    path = tmp_path / "residences_bis.csv"
    _french_csv(frame, path)
    with pytest.raises(DataValidationError, match="quartier de la commune 86194"):
        _stage([ImportFile("residences", path)])
    assert _on_disk() == []


@pytest.mark.parametrize(
    ("files", "fragment"),
    [
        pytest.param({"logements": "x.csv"}, "type de fichier inconnu", id="unknown-kind"),
        pytest.param(
            [("residences", "a.csv"), ("rpls", "b.csv")], "un seul des deux", id="rpls-and-table"
        ),
        pytest.param([("bpe", "a.csv"), ("bpe", "b.csv")], "deux fichiers", id="twice"),
    ],
)
def test_inconsistent_requests_are_refused(files, fragment):
    items = files.items() if isinstance(files, dict) else files
    with pytest.raises(DataValidationError, match=fragment):
        prepare_import([ImportFile(kind, path) for kind, path in items])


def test_an_unknown_table_to_reset_is_refused():
    with pytest.raises(DataValidationError, match="table inconnue : « foo »"):
        prepare_import([], reset=["foo"])


def test_the_report_keeps_the_files_and_counts(residences_csv):
    info = _stage([ImportFile("residences", residences_csv, "mes résidences.csv")])
    assert info.sources[0]["file"] == "mes résidences.csv"
    assert info.sources[0]["rows_kept"] == 3
    assert pd.Series(info.tables).map(lambda t: t["origin"]).to_dict()["residences"] == "imported"


def test_an_ops_survey_naming_an_unknown_residence_names_its_line(residences_csv, tmp_path):
    first = _stage([ImportFile("residences", residences_csv)])
    survey = tmp_path / "ops.csv"
    survey.write_text("residence_id;annee;menages;apl_pct\n\nGP-9999;2024;10;40\n")
    with pytest.raises(DataValidationError) as info:
        _stage([ImportFile("ops", survey)], first)
    assert "fichier « ops.csv », ligne 3, colonne « residence_id », valeur « GP-9999 »" in str(
        info.value
    )
