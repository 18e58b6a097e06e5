"""Importing files as dataset versions: all tables checked together, all or nothing, in French."""

from __future__ import annotations

import pandas as pd
import pytest

from geodata import housing, versions
from geodata.errors import DataValidationError
from geodata.importer import (
    ImportFile,
    commit_import,
    import_files,
    import_tables,
    main,
    prepare_import,
    reset_table,
    rollback,
)
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


def _version_dirs() -> list[str]:
    return sorted(p.name for p in versions.versions_root().iterdir() if not p.name.startswith("."))


def test_import_then_reset(residences_csv):
    assert import_tables({"residences": residences_csv}) == {"residences": 3}
    info = versions.current_version()
    assert housing.dataset_origin("residences") == "imported"
    assert len(housing.load_table("residences")) == 3
    # Demo flows describe fictitious residences: they are not kept beside real ones.
    assert info.origin("occupancy") == "empty" and len(housing.load_occupancy()) == 0
    assert any("Enquêtes d'occupation" in n and "vide" in n for n in info.notes)
    assert housing.dataset_origin("sru_inventory") == "demo"
    reset_table("tout")
    assert housing.dataset_origin("residences") == "demo"
    assert len(versions.list_versions()) == 2


def test_a_supplied_table_naming_an_unknown_residence_is_refused_whole(residences_csv, tmp_path):
    ids = _residences()["residence_id"].tolist()
    ops, rows = _occupancy_csv(tmp_path, ids)
    lines = ops.read_text().splitlines()
    lines[3] = lines[3].replace(rows["residence_id"].iloc[2], "INCONNUE", 1)
    ops.write_text("\n".join(lines) + "\n")
    files = [ImportFile("residences", residences_csv), ImportFile("occupancy", ops)]
    with pytest.raises(DataValidationError) as info:
        import_files(files)
    message = str(info.value)
    assert "fichier « ops.csv », ligne 4, colonne « residence_id », valeur « INCONNUE »" in message
    assert "résidence inconnue" in message
    assert versions.current_version() is None and _version_dirs() == []


def test_new_residence_ids_with_old_occupancy_are_refused_then_dropped_on_request(
    residences_csv, tmp_path
):
    ids = _residences()["residence_id"].tolist()
    ops, rows = _occupancy_csv(tmp_path, ids)
    first, _ = import_files(
        [ImportFile("residences", residences_csv), ImportFile("occupancy", ops)]
    )
    assert len(housing.load_occupancy()) == len(rows)
    renamed = _residences()
    renamed["residence_id"] = ["N-1", "N-2", ids[2]]
    path = tmp_path / "residences_2025.csv"
    _french_csv(renamed, path)
    with pytest.raises(DataValidationError) as info:
        import_files([ImportFile("residences", path)])
    message = str(info.value)
    assert "Enquêtes d'occupation" in message and "version courante" in message
    assert "--ecarter-orphelins" in message and ids[0] in message
    assert versions.current_version_id() == first.version_id
    info, _ = import_files([ImportFile("residences", path)], drop_orphans=True)
    kept = housing.load_occupancy()
    assert set(kept["residence_id"]) == {ids[2]}
    assert any("écartée" in n and ids[0] in n for n in info.notes)


def test_an_ops_survey_replaces_its_own_year_only(residences_csv, tmp_path):
    ids = _residences()["residence_id"].tolist()
    ops, rows = _occupancy_csv(tmp_path, ids)
    import_files([ImportFile("residences", residences_csv), ImportFile("occupancy", ops)])
    survey = tmp_path / "ops_2026.csv"
    survey.write_text(
        "residence_id;nb_menages;part_ressources_inf_40\n" + "".join(f"{i};12;40,5\n" for i in ids)
    )
    _, reports = import_files([ImportFile("ops", survey)], survey_year=2026)
    occupancy = housing.load_occupancy()
    assert len(occupancy) == len(rows[rows["survey_year"] != 2026]) + 3
    latest = occupancy[occupancy["survey_year"] == 2026]
    assert latest["res_below_40_pct"].tolist() == [40.5] * 3
    assert reports[0].kind_label == "enquête OPS par résidence"


def test_unknown_quartier_and_quartier_of_another_commune_are_refused(tmp_path):
    frame = _residences()
    poitiers = frame.index[frame["commune_code"] == "86194"]
    other = frame.index[frame["commune_code"] != "86194"]
    if len(poitiers):
        frame.loc[poitiers[0], "quartier_code"] = "86194Q99"
        path = tmp_path / "residences.csv"
        _french_csv(frame, path)
        with pytest.raises(DataValidationError, match="valeur « 86194Q99 » : quartier inconnu"):
            import_tables({"residences": path})
    frame = _residences()
    frame.loc[other[0], "quartier_code"] = "86194Q01"
    path = tmp_path / "residences_bis.csv"
    _french_csv(frame, path)
    with pytest.raises(DataValidationError, match="quartier de la commune 86194"):
        import_tables({"residences": path})


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


def test_rollback_to_a_listed_version(residences_csv):
    first, _ = import_files([ImportFile("residences", residences_csv)])
    reset_table("residences")
    assert housing.dataset_origin("residences") == "demo"
    rollback(first.version_id)
    assert housing.dataset_origin("residences") == "imported"
    rollback(None)
    assert versions.current_version() is None


def test_command_line_reports_and_refuses_in_french(tmp_path, residences_csv, capsys):
    path = tmp_path / "residences_courtes.csv"
    path.write_text("residence_id;residence_name\nR1;Les Tilleuls\n", encoding="utf-8")
    assert main([f"residences={path}"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("Import refusé, aucune donnée modifiée")
    assert "colonne(s) manquante(s)" in out
    assert main(["--reset", "foo"]) == 1
    assert "table inconnue : « foo »" in capsys.readouterr().out
    assert main(["n'importe quoi"]) == 2
    assert main(["--annee-ops", "deux mille"]) == 2
    assert main([]) == 2
    capsys.readouterr()
    assert main([f"residences={residences_csv}"]) == 0
    out = capsys.readouterr().out
    assert "lignes lues : 3 ; gardées : 3" in out and "créée et rendue courante" in out
    assert main(["--versions"]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert listing[1].startswith("* ") and "residences.csv" in listing[1]
    assert main(["--revenir", "demo"]) == 0
    assert versions.current_version() is None
    assert main(["--revenir", "20990101T000000000000Z-abcdef"]) == 1


def test_commit_waits_for_the_lock_and_gives_up_cleanly(residences_csv):
    prepared = prepare_import([ImportFile("residences", residences_csv)])
    busy = pytest.raises(versions.ImportBusyError, match="rien n'a été modifié")
    with versions.import_lock(), busy:
        commit_import(prepared, timeout_s=0.2)
    assert versions.current_version() is None
    commit_import(prepared)
    assert housing.dataset_origin("residences") == "imported"


def test_the_report_keeps_the_files_and_counts(residences_csv):
    info, reports = import_files([ImportFile("residences", residences_csv, "mes résidences.csv")])
    assert reports[0].file == "mes résidences.csv"
    assert info.sources[0]["file"] == "mes résidences.csv"
    assert info.sources[0]["rows_kept"] == 3
    assert pd.Series(info.tables).map(lambda t: t["origin"]).to_dict()["residences"] == "imported"


def test_an_ops_survey_naming_an_unknown_residence_names_its_line(residences_csv, tmp_path):
    import_files([ImportFile("residences", residences_csv)])
    survey = tmp_path / "ops.csv"
    survey.write_text("residence_id;annee;menages;apl_pct\n\nGP-9999;2024;10;40\n")
    with pytest.raises(DataValidationError) as info:
        import_files([ImportFile("ops", survey)])
    assert "fichier « ops.csv », ligne 3, colonne « residence_id », valeur « GP-9999 »" in str(
        info.value
    )


def test_an_unexpected_defect_is_said_plainly(monkeypatch, residences_csv, capsys):
    def broken(*args, **kwargs):
        raise RuntimeError("panne")

    monkeypatch.setattr("geodata.importer.prepare_import", broken)
    assert main([f"residences={residences_csv}"]) == 3
    out = capsys.readouterr().out
    assert "erreur inattendue, aucune donnée modifiée (RuntimeError : panne)" in out
