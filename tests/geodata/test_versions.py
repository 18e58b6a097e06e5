"""Dataset versions on disk: complete or absent, switched in one step, stale files swept."""

from __future__ import annotations

import pandas as pd
import pytest

from geodata import housing, versions
from geodata.errors import DataValidationError


def _sru(n_agreed: int = 7) -> pd.DataFrame:
    return pd.DataFrame(
        {"commune_code": ["86194"], "year": [2025], "n_agreed": [n_agreed], "n_delivered": [3]}
    )


def _write(n_agreed: int = 7, **kwargs) -> versions.VersionInfo:
    return versions.write_version(
        {"sru_production": _sru(n_agreed)},
        origins={"sru_production": "imported", "residences": "demo"},
        **kwargs,
    )


def test_a_written_version_is_listed_but_not_current_until_switched():
    info = _write(author="service habitat", notes=["une note"])
    assert [v.version_id for v in versions.list_versions()] == [info.version_id]
    assert info.tables["sru_production"]["rows"] == 1
    assert info.origin("sru_production") == "imported" and info.origin("demands") == "demo"
    assert info.author == "service habitat" and info.notes == ["une note"]
    assert versions.current_version_id() is None
    versions.set_current(info.version_id)
    assert versions.current_version_id() == info.version_id
    assert housing.load_sru_production()["n_agreed"].tolist() == [7]


def test_rollback_to_any_version_and_to_the_demo():
    first, second = _write(7), _write(11)
    assert first.version_id < second.version_id
    versions.set_current(second.version_id)
    assert housing.load_sru_production()["n_agreed"].tolist() == [11]
    versions.set_current(first.version_id)
    assert housing.load_sru_production()["n_agreed"].tolist() == [7]
    versions.set_current(None)
    assert housing.dataset_origin("sru_production") == "demo"
    with pytest.raises(DataValidationError, match="introuvable"):
        versions.set_current("20990101T000000000000Z-abcdef")


def test_a_write_error_leaves_nothing_behind(monkeypatch):
    def disk_full(self, path, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", disk_full)
    with pytest.raises(DataValidationError, match="rien n'a été écrit") as info:
        _write()
    assert "No space left on device" in str(info.value)
    assert sorted(p.name for p in versions.versions_root().iterdir()) == []


def test_stale_files_of_an_interrupted_import_are_swept():
    root = versions.versions_root()
    (root / ".tmp-123-abcd").mkdir()
    (root / ".tmp-123-abcd" / "residences.parquet").write_bytes(b"x" * 100)
    (root / ".CURRENT-123-abcd.tmp").write_text("x")
    info = _write()
    with versions.import_lock():
        removed = versions.sweep_stale()
    assert sorted(removed) == [".CURRENT-123-abcd.tmp", ".tmp-123-abcd"]
    assert sorted(p.name for p in root.iterdir()) == [versions.LOCK_FILE, info.version_id]


def test_a_directory_without_a_valid_manifest_is_not_a_version():
    info = _write()
    versions.set_current(info.version_id)
    (info.path / versions.MANIFEST).write_text("{pas du json")
    assert versions.list_versions() == []
    assert versions.current_version_id() is None  # back to the demo, never a broken version
    assert housing.dataset_origin("sru_production") == "demo"


def test_a_pointer_to_nonsense_means_demo():
    (versions.versions_root() / versions.POINTER).write_text("../../etc")
    assert versions.current_version_id() is None


def test_the_lock_times_out_with_a_french_message():
    busy = pytest.raises(versions.ImportBusyError, match="un autre import")
    with versions.import_lock(), busy, versions.import_lock(timeout_s=0.2):
        pass
