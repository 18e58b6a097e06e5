"""Imports point down only: pages → ui → reports → services → {scoring, geodata, store} → config.

Parses every module with ``ast`` and checks the layer of each first-party import. ``scoring``,
``geodata`` and ``store`` never import each other; only ``pages`` and ``ui`` import Streamlit;
``scoring`` does no I/O of its own.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = {
    "pages": {"ui", "reports", "services", "scoring", "geodata", "store", "config"},
    "ui": {"ui", "reports", "services", "scoring", "geodata", "store", "config"},
    "reports": {"reports", "services", "scoring", "geodata", "store", "config"},
    "services": {"services", "scoring", "geodata", "store", "config"},
    "scoring": {"scoring", "config"},
    "geodata": {"geodata", "config"},
    "store": {"store", "config"},
    "config": {"config"},
}
STREAMLIT_ALLOWED = {"pages", "ui"}
IO_MODULES = {"os", "io", "pathlib", "shutil", "urllib", "requests", "sqlite3", "pyogrio", "fiona"}


def _modules():
    for package in LAYERS:
        for path in sorted((ROOT / package).rglob("*.py")):
            yield package, path


def _imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module.split(".")[0]


@pytest.mark.parametrize(
    ("package", "path"),
    [pytest.param(p, f, id=str(f.relative_to(ROOT))) for p, f in _modules()],
)
def test_imports_point_down(package, path):
    for line, top in _imports(path):
        if top in LAYERS:
            assert top in LAYERS[package], f"{path.relative_to(ROOT)}:{line} imports {top}"
        if top == "streamlit" or top == "streamlit_folium":
            assert package in STREAMLIT_ALLOWED, f"{path.relative_to(ROOT)}:{line} imports {top}"
        if package == "scoring":
            assert top not in IO_MODULES | {"geopandas", "shapely"}, (
                f"{path.relative_to(ROOT)}:{line} imports {top} (scoring must stay pure)"
            )


def test_app_is_only_a_frame():
    source = (ROOT / "app.py").read_text(encoding="utf-8")
    assert "st.navigation" in source
    assert len(source.splitlines()) < 40
