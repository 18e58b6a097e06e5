"""Batches of fiches: files, ZIP, both cores, nothing half-written (reports/batch.py)."""

from __future__ import annotations

import io
import zipfile

import pytest

from reports.batch import (
    FicheFile,
    check_formats,
    fiche_files,
    run_batch,
    write_atomic,
    write_files,
    zip_bytes,
)


def test_formats_are_checked_in_french():
    assert check_formats(["PDF", " docx", "pdf"]) == ("pdf", "docx")
    with pytest.raises(ValueError, match=r"format\(s\) de fiche inconnu\(s\) : odt"):
        check_formats(["pdf", "odt"])
    with pytest.raises(ValueError, match="aucun"):
        check_formats([""])


def test_one_fiche_gives_one_file_per_format(data):
    files = fiche_files(data, "86041", ["pdf", "docx"])
    assert [f.name for f in files] == ["fiche_86041.pdf", "fiche_86041.docx"]
    assert files[0].content.startswith(b"%PDF")
    assert files[1].content.startswith(b"PK")  # a Word file is a ZIP


def test_a_batch_zip_holds_the_expected_files(data):
    done = []
    batch = run_batch(data, ["86041", "86194Q02", "epci"], ["pdf", "docx"], workers=2)
    content = zip_bytes(batch, done.append)
    assert sorted(done) == ["86041", "86194Q02", "epci"]
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert archive.namelist() == [
            "fiche_86041.docx",
            "fiche_86041.pdf",
            "fiche_86194Q02.docx",
            "fiche_86194Q02.pdf",
            "fiche_epci.docx",
            "fiche_epci.pdf",
        ]
        assert archive.read("fiche_epci.pdf").startswith(b"%PDF")


def test_a_bad_code_fails_before_anything_is_rendered(data):
    with pytest.raises(ValueError, match="inconnu"):
        next(run_batch(data, ["86041", "00000"]))


def test_files_are_written_whole_or_not_at_all(tmp_path):
    written = write_files([FicheFile("a.pdf", b"%PDF-1"), FicheFile("b.docx", b"PK")], tmp_path)
    assert [p.name for p in written] == ["a.pdf", "b.docx"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.pdf", "b.docx"]


def test_an_interrupted_write_leaves_nothing(tmp_path, monkeypatch):
    def interrupted(source, target):
        raise OSError("disque plein")

    monkeypatch.setattr("reports.batch.os.replace", interrupted)
    with pytest.raises(OSError, match="disque plein"):
        write_atomic(tmp_path / "fiche.pdf", b"%PDF-1")
    assert list(tmp_path.iterdir()) == []
