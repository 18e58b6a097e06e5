"""Shared test settings and fixtures: property-test profile, reference files, data directory."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Property tests must not fail because a loaded machine ran one example slowly: no per-example
# deadline and no "too slow" health check (the properties themselves are still all checked).
settings.register_profile("project", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("project")

ROOT = Path(__file__).resolve().parent.parent
REFERENCE_DIR = Path(os.environ.get("COTATION_REFERENCE_DIR", ROOT.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    """Directory of independent reference files (IGN cut of the communes, INSEE list).

    They are never part of the project; tests that compare against them are skipped when the
    directory is absent.
    """
    if not REFERENCE_DIR.is_dir():
        pytest.skip(
            f"fichiers de référence indépendants absents ({REFERENCE_DIR}) : comparaison ignorée"
        )
    return REFERENCE_DIR


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path_factory, monkeypatch):
    """Every test imports into its own data directory, never into the user's."""
    monkeypatch.setenv("COTATION_DATA_DIR", str(tmp_path_factory.mktemp("data")))
