"""The import use case: the store says which version is in force, an import or a rollback is one
store transaction under the data lock with its audit line, a refusal changes nothing, and the
command line prints the same report as the page."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from geodata import housing, versions
from geodata.errors import DataValidationError
from services import accounts, data_import, data_state, users_admin
from services.access import AccessDeniedError, Viewer
from services.data_import_cli import main
from store import NotFoundError, StoreError, audit, read_session
from store import datasets as datasets_store
from store.errors import LockBusyError
from store.locks import data_lock
from tests.geodata.test_table_reader import _french_csv, _residences

SAMPLES = Path(__file__).resolve().parents[1] / "geodata" / "samples"
HABITAT = Viewer("service_habitat", "demo.habitat", "Service habitat")
CIL = Viewer("cil", "demo.cil", "Membre de la CIL")
ADMIN = Viewer("admin", "demo.admin", "Administrateur")
CLI = data_import.command_line_actor()


@pytest.fixture()
def residences_csv(tmp_path):
    path = tmp_path / "residences.csv"
    _french_csv(_residences(), path, encoding="cp1252")
    return path


def _audit(actions: tuple[str, ...]) -> list:
    with read_session() as session:
        return audit.query(session, actions=actions)


def _store_state():
    with read_session() as session:
        return (
            datasets_store.data_version(session),
            datasets_store.current_dataset(session),
            datasets_store.list_datasets(session),
            len(audit.query(session)),
        )


def _demo_accounts_active() -> set[bool]:
    return {u.is_active for u in users_admin.list_accounts(ADMIN) if u.is_demo}


def test_an_import_is_recorded_put_in_force_and_audited(residences_csv):
    report = data_import.import_files_as(HABITAT, {"residences": residences_csv}, "RPLS 2024")
    record = report.dataset
    assert (record.status, record.comment) == ("current", "RPLS 2024")
    assert record.author == "demo.habitat"
    assert record.files == {"residences": "residences.csv"}
    assert record.row_counts["residences"] == 3
    assert record.directory == report.version.version_id
    assert report.data_version == 2
    source = data_state.current_source()
    assert source.dataset.id == record.id and source.directory == report.version.path
    assert len(housing.load_residences(source.directory)) == 3
    assert versions.pending_versions() == []
    recorded, switched = _audit(("dataset_recorded",)), _audit(("dataset_switched",))
    assert recorded[0].actor == switched[0].actor == "demo.habitat"
    assert switched[0].before == {"version en service": None}
    assert switched[0].after == {"version en service": record.id, "version des données": 2}
    assert switched[0].reason == "RPLS 2024"
    assert _demo_accounts_active() == {False}  # real data in force: demo accounts disabled
    assert not accounts.demo_data_in_use()


def test_rollback_to_any_listed_version_and_to_the_demo(residences_csv, tmp_path):
    first = data_import.import_files(CLI, {"residences": residences_csv}).dataset
    frame = _residences()
    frame["residence_name"] = "Renommée"
    renamed = tmp_path / "residences_2025.csv"
    _french_csv(frame, renamed)
    second = data_import.import_files(CLI, {"residences": renamed}).dataset
    rows = data_import.list_versions_as(HABITAT)
    assert [(r.dataset.id, r.is_current, r.is_available) for r in rows] == [
        (second.id, True, True),
        (first.id, False, True),
    ]
    back = data_import.rollback_as(HABITAT, first.id, "erreur dans le fichier 2025")
    assert (back.before.id, back.after.id, back.data_version) == (second.id, first.id, 4)
    names = housing.load_residences(data_state.current_version_dir())["residence_name"]
    assert "Renommée" not in set(names)
    line = _audit(("dataset_rolled_back",))[0]
    assert (line.actor, line.reason) == ("demo.habitat", "erreur dans le fichier 2025")
    assert line.before == {"version en service": second.id}
    demo = data_import.rollback(CLI, None, "retour à la démonstration")
    assert demo.after is None and data_state.current_version_dir() is None
    assert _demo_accounts_active() == {True}
    with read_session() as session:
        statuses = {r.id: r.status for r in datasets_store.list_datasets(session)}
    assert statuses == {first.id: "retired", second.id: "retired"}


@pytest.mark.parametrize(
    ("target", "comment", "error", "fragment"),
    [
        pytest.param("first", "  ", DataValidationError, "commentaire absent", id="no-comment"),
        pytest.param("first", "x", StoreError, "déjà en service", id="already"),
        pytest.param(999, "x", NotFoundError, "n° 999 introuvable", id="unknown"),
        pytest.param("missing", "x", DataValidationError, "introuvables", id="files-missing"),
    ],
)
def test_a_refused_rollback_changes_nothing(residences_csv, target, comment, error, fragment):
    first = data_import.import_files(CLI, {"residences": residences_csv}).dataset
    if target == "missing":  # a second version in force, the first one's files lost
        data_import.import_files(CLI, {"residences": residences_csv})
        shutil.rmtree(versions.version_dir(first.directory))
        assert [r.is_available for r in data_import.list_versions()] == [True, False]
    if target in ("first", "missing"):
        target = first.id
    before = _store_state()
    with pytest.raises(error, match=fragment):
        data_import.rollback(CLI, target, comment)
    assert _store_state() == before


def test_a_refusal_at_commit_changes_nothing_in_the_store_nor_on_disk(residences_csv, tmp_path):
    data_import.import_files(CLI, {"residences": residences_csv})
    before, on_disk = _store_state(), sorted(versions.versions_root().iterdir())
    survey = tmp_path / "ops.csv"
    survey.write_text("residence_id;annee;menages;apl_pct\nGP-9999;2024;10;40\n")
    prepared = data_import.prepare({"ops": survey})  # each file is fine on its own
    with pytest.raises(DataValidationError, match="valeur « GP-9999 »"):
        data_import.commit(CLI, prepared)
    assert _store_state() == before
    assert sorted(versions.versions_root().iterdir()) == on_disk


def test_an_import_waits_for_the_lock_then_gives_up_cleanly(residences_csv):
    prepared = data_import.prepare({"residences": residences_csv})
    before = _store_state()
    with data_lock(), pytest.raises(LockBusyError, match="rien n'a été modifié"):
        data_import.commit(CLI, prepared, timeout_s=0.2)
    assert _store_state() == before
    assert data_import.commit(CLI, prepared).data_version == 2


def test_the_files_of_the_version_in_force_missing_refuses_an_import(residences_csv):
    first = data_import.import_files(CLI, {"residences": residences_csv}).dataset
    shutil.rmtree(versions.version_dir(first.directory))
    message = data_state.current_source().missing_files()
    assert f"version n° {first.id}" in message and "stockage partagé" in message
    with pytest.raises(DataValidationError, match="introuvables dans le dossier de données"):
        data_import.import_files(CLI, {"residences": residences_csv})
    data_import.rollback(CLI, None, "fichiers perdus")
    assert data_state.current_source().missing_files() is None


def test_only_import_data_may_prepare_import_list_or_roll_back(residences_csv):
    refused = pytest.raises(AccessDeniedError, match="importer des données")
    with refused:
        data_import.prepare_as(CIL, {"residences": residences_csv})
    prepared = data_import.prepare_as(HABITAT, {"residences": residences_csv})
    with pytest.raises(AccessDeniedError):
        data_import.commit_as(CIL, prepared)
    with pytest.raises(AccessDeniedError):
        data_import.rollback_as(CIL, None, "x")
    with pytest.raises(AccessDeniedError):
        data_import.list_versions_as(CIL)
    assert _store_state()[0] == 1


def test_quartier_outlines_from_any_file(tmp_path):
    report = data_import.import_quartier_file(
        CLI, SAMPLES / "contours_iris.geojson", "CODE_IRIS", "NOM_IRIS", commune_column="INSEE_COM"
    )
    assert report.dataset.row_counts == {"quartiers": 2}
    assert accounts.demo_data_in_use()  # outlines are not housing data: the demo goes on


def test_the_command_line_reports_imports_lists_and_rolls_back(residences_csv, tmp_path, capsys):
    broken = tmp_path / "residences_courtes.csv"
    broken.write_text("residence_id;residence_name\nR1;Les Tilleuls\n", encoding="utf-8")
    assert main([f"residences={broken}"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("Refusé, aucune donnée modifiée") and "colonne(s) manquante(s)" in out
    assert main(["--reset", "foo"]) == 1
    assert "table inconnue : « foo »" in capsys.readouterr().out
    for bad in (["n'importe quoi"], ["--annee-ops", "deux mille"], ["--revenir", "x"], ["-z"]):
        assert main(bad) == 2, bad
    assert main([]) == 2
    capsys.readouterr()
    assert main([str(residences_csv), "--commentaire", "parc 2024"]) == 0  # kind recognised
    out = capsys.readouterr().out
    assert "Fichier « residences.csv » : table « Résidences du parc social », CSV" in out
    assert "lignes lues : 3 ; gardées : 3" in out
    assert "Version n° 1 en service (version des données 2)" in out
    assert main(["--versions"]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert listing[1].startswith("  demo")
    assert listing[2].startswith("* n° 1 (en service)") and "« parc 2024 »" in listing[2]
    assert main(["--revenir", "demo"]) == 1  # no comment
    assert "commentaire absent" in capsys.readouterr().out
    assert main(["--revenir", "demo", "--commentaire", "essai"]) == 0
    assert "Retour aux données de démonstration (à la place de la version n° 1)" in (
        capsys.readouterr().out
    )
    assert data_state.current_version_dir() is None
    assert main(["--revenir", "1", "--commentaire", "essai"]) == 0
    assert "Retour à la version n° 1" in capsys.readouterr().out


def test_an_unexpected_defect_is_said_plainly(monkeypatch, residences_csv, capsys):
    def broken(*args, **kwargs):
        raise RuntimeError("panne")

    monkeypatch.setattr("services.data_import.prepare_import", broken)
    assert main([f"residences={residences_csv}"]) == 3
    out = capsys.readouterr().out
    assert "erreur inattendue, aucune donnée modifiée (RuntimeError : panne)" in out
