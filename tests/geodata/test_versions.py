"""Dataset versions on disk: complete or absent, pending until recorded, stale files swept."""

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


def _names() -> list[str]:
    return sorted(p.name for p in versions.versions_root().iterdir())


def test_a_written_version_is_pending_until_confirmed_and_loaders_read_its_directory():
    info = _write(author="service habitat", notes=["une note"])
    assert [v.version_id for v in versions.list_versions()] == [info.version_id]
    assert versions.pending_versions() == [info.version_id]
    assert info.tables["sru_production"]["rows"] == 1
    assert info.origin("sru_production") == "imported" and info.origin("demands") == "demo"
    assert info.author == "service habitat" and info.notes == ["une note"]
    versions.confirm_version(info.version_id)
    assert versions.pending_versions() == []
    assert _names() == [info.version_id]
    assert housing.load_sru_production(info.path)["n_agreed"].tolist() == [7]
    assert housing.dataset_origin("sru_production", info.path) == "imported"
    assert housing.dataset_origin("demands", info.path) == "demo"


def test_without_a_directory_the_loaders_read_the_demo_data():
    info = _write(11)
    versions.confirm_version(info.version_id)
    assert housing.dataset_origin("sru_production") == "demo"
    assert housing.load_sru_production()["n_agreed"].tolist() != [11]


def test_a_write_error_leaves_nothing_behind(monkeypatch):
    def disk_full(self, path, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", disk_full)
    with pytest.raises(DataValidationError, match="rien n'a été écrit") as info:
        _write()
    assert "No space left on device" in str(info.value)
    assert _names() == []


def test_the_sweep_removes_temporaries_and_unrecorded_pending_versions_only():
    root = versions.versions_root()
    (root / ".tmp-20250101T000000000000Z-abcdef").mkdir()
    (root / ".tmp-20250101T000000000000Z-abcdef" / "residences.parquet").write_bytes(b"x" * 100)
    kept, lost, foreign = _write(1), _write(2), _write(3)
    versions.confirm_version(foreign.version_id)  # recorded by another store: never ours to drop
    removed = versions.sweep_stale(recorded={kept.version_id})
    assert sorted(removed) == sorted(
        [
            ".tmp-20250101T000000000000Z-abcdef",
            lost.version_id,
            f".pending-{lost.version_id}",
        ]
    )
    assert _names() == sorted([kept.version_id, foreign.version_id])
    assert versions.pending_versions() == []  # the recorded one is confirmed


def test_discarding_a_version_removes_its_directory_and_its_mark():
    info = _write()
    versions.discard_version(info.version_id)
    assert _names() == []


def test_a_directory_without_a_valid_manifest_is_not_a_version():
    info = _write()
    (info.path / versions.MANIFEST).write_text("{pas du json")
    assert versions.list_versions() == []
    with pytest.raises(DataValidationError, match="sans manifeste lisible"):
        housing.load_sru_production(info.path)


@pytest.mark.parametrize("name", ["../../etc", "CURRENT", "", "20250101T000000000000Z-abc/ef"])
def test_a_version_name_is_never_a_path(name):
    with pytest.raises(DataValidationError, match="identifiant de version"):
        versions.version_dir(name)
    assert versions.version_info(name) is None
