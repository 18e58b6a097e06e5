"""The command line ``python -m reports`` (reports/cli.py): French help and errors, files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from reports.cli import main

ROOT = Path(__file__).resolve().parents[2]


def test_help_is_in_french(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["fiches", "--help"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("utilisation : python -m reports fiches")
    assert "affiche cette aide et quitte" in out and "dossier de sortie" in out


def test_unknown_code_fails_cleanly_listing_the_valid_ones(tmp_path, capsys):
    out = tmp_path / "fiches"
    assert main(["fiches", "86041", "99999", "--out", str(out)]) == 1
    error = capsys.readouterr().err
    assert "erreur : code(s) de territoire inconnu(s) : 99999. Codes valides : epci" in error
    assert "86041 (Buxerolles)" in error
    assert not out.exists()  # nothing written, not even the folder


def test_unknown_indicator_and_format_fail_cleanly(tmp_path, capsys):
    target = tmp_path / "carte.png"
    assert (
        main(["carte", "--echelle", "commune", "--indicateur", "taux", "--out", str(target)]) == 1
    )
    assert "indicateur inconnu à l'échelle « commune » : « taux » (attendu : population" in (
        capsys.readouterr().err
    )
    assert main(["carte", "--echelle", "commune", "--indicateur", "sru_rate_pct", "--format",
                 "gif", "--out", str(target)]) == 1  # fmt: skip
    assert "format inconnu : « gif » (attendu : png, png300, svg, pdf)" in capsys.readouterr().err
    assert main(["fiches", "--formats", "odt", "--out", str(tmp_path)]) == 1
    assert not target.exists()


def test_missing_argument_is_a_french_usage_error(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["carte", "--echelle", "commune"])
    assert stop.value.code == 2
    assert "erreur : arguments obligatoires manquants : --indicateur, --out" in (
        capsys.readouterr().err
    )


def test_a_map_and_fiches_are_written(tmp_path):
    target = tmp_path / "cartes" / "sru.png"
    assert main(["carte", "--echelle", "commune", "--indicateur", "sru_rate_pct", "--annee",
                 "2024", "--out", str(target)]) == 0  # fmt: skip
    assert Image.open(target).size == (1285, 909)
    folder = tmp_path / "fiches"
    assert main(["fiches", "86041", "epci", "--formats", "pdf", "--out", str(folder)]) == 0
    assert sorted(p.name for p in folder.iterdir()) == ["fiche_86041.pdf", "fiche_epci.pdf"]


def test_python_dash_m_reports_runs():
    done = subprocess.run(
        [sys.executable, "-m", "reports", "--help"], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0 and "fiches territoriales" in done.stdout
