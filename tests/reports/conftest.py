"""Shared fixtures of the export tests: the data set, read once, and text helpers."""

from __future__ import annotations

import re

import pytest

from services.export_data import load_export_data


@pytest.fixture(scope="session")
def data():
    """The current data set (the demo data in a fresh checkout)."""
    return load_export_data()


def plain(text: str) -> str:
    """Text with every kind of space as one plain space (PDF text extraction loses them)."""
    return re.sub(r"[\s\u00a0\u202f]+", " ", text).strip()
