"""Shared fixtures of the export tests: the data set, read once."""

from __future__ import annotations

import pytest

from services.export_data import load_export_data


@pytest.fixture(scope="session")
def data():
    """The current data set (the demo data in a fresh checkout)."""
    return load_export_data()
