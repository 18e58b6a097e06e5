"""Reading any table file as text: every broken file gets a French message, never a traceback."""

from __future__ import annotations

import zipfile

import openpyxl
import pandas as pd
import pytest

from geodata.errors import DataValidationError
from geodata.tabular import detect_delimiter, open_table, read_all


def _write(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _refused(path, *fragments: str) -> DataValidationError:
    with pytest.raises(DataValidationError) as info:
        read_all(path)
    message = str(info.value)
    assert f"fichier « {path.name} »" in message
    assert "attendu" in message
    for fragment in fragments:
        assert fragment in message, message
    return info.value


@pytest.mark.parametrize(
    ("data", "fragments"),
    [
        pytest.param(b"", ("ligne 1", "fichier vide (0 octet)"), id="empty"),
        pytest.param(b"\xef\xbb\xbf", ("ligne 1", "fichier sans contenu"), id="bom-only"),
        pytest.param(b"\n \r\n\t\n", ("ligne 1", "fichier sans contenu"), id="blank-lines"),
        pytest.param(b"\xef\xbb\xbf\r\n\r\n", ("fichier sans contenu",), id="bom-and-blanks"),
        pytest.param(b"a;b\n1;\x002\n", ("ligne 2", "caractère nul"), id="nul-byte"),
        pytest.param(b"a;b;c\n1;2;3\n4;5\n", ("ligne 3", "colonne « c »", "tronquée"), id="short"),
        pytest.param(b"a;b\n1;2;3\n", ("ligne 2", "valeur « 3 »", "au plus 2"), id="long"),
        pytest.param(b'a,b\n"x,1",2\n"y,3\n', ("ligne 3", "guillemets"), id="open-quote"),
        pytest.param(b"a;;c\n1;2;3\n", ("colonne « n° 2 »", "sans nom"), id="nameless"),
        pytest.param(b"id;ID\n1;2\n", ("colonne « ID »", "en double"), id="duplicate-header"),
        pytest.param(
            b"a;b\n\x81\x8d;2\n",
            ("ligne 2", "« 81 »", "UTF-8 ou en Windows-1252"),
            id="undecodable",
        ),
        pytest.param(
            "a;b\né;x\n".encode() + "é".encode("cp1252") + b";y\n",
            ("ligne 2", "mêlé"),
            id="mixed-encodings",
        ),
    ],
)
def test_broken_text_files_are_refused_in_french(tmp_path, data, fragments):
    _refused(_write(tmp_path, "table.csv", data), *fragments)


def test_cp1252_is_not_read_as_latin1(tmp_path):
    text = "nom;lieu\nRésidence Cœur de Ville;l’Église\n"
    table = read_all(_write(tmp_path, "noms.csv", text.encode("cp1252")))
    assert table.frame.iloc[0].tolist() == ["Résidence Cœur de Ville", "l’Église"]
    assert table.format.encoding == "cp1252"
    assert "Windows-1252" in table.format.label


@pytest.mark.parametrize(
    ("encoding", "prefix", "label"),
    [
        pytest.param("utf-8", b"", "UTF-8", id="utf-8"),
        pytest.param("utf-8", b"\xef\xbb\xbf", "UTF-8 avec BOM", id="utf-8-bom"),
        pytest.param("utf-16", b"", "UTF-16", id="utf-16-excel-unicode-text"),
    ],
)
def test_unicode_encodings(tmp_path, encoding, prefix, label):
    text = "nom\tlieu\nRésidence Cœur de Ville\tl’Église\n"
    table = read_all(_write(tmp_path, "noms.txt", prefix + text.encode(encoding)))
    assert table.header == ["nom", "lieu"]
    assert table.frame.iloc[0].tolist() == ["Résidence Cœur de Ville", "l’Église"]
    assert label in table.format.label
    assert "tabulation" in table.format.label


@pytest.mark.parametrize(
    ("line", "delimiter"),
    [
        pytest.param("a;b;c", ";", id="semicolon"),
        pytest.param("a,b,c", ",", id="comma"),
        pytest.param("a\tb\tc", "\t", id="tab"),
        pytest.param("a|b|c", "|", id="pipe"),
        pytest.param('"nom, prénom";b;c', ";", id="quoted-comma"),
        pytest.param("seule", ";", id="one-column"),
    ],
)
def test_delimiter_is_read_on_the_header(line, delimiter):
    assert detect_delimiter(line) == delimiter


def test_lines_follow_blank_lines_and_multiline_cells(tmp_path):
    data = b'\n\nid;note\n1;"deux\nlignes"\n\n2;ok\n;\n3;fin;;\n'
    table = read_all(_write(tmp_path, "t.csv", data))
    assert table.frame["id"].tolist() == ["1", "2", "3"]
    assert table.lines.tolist() == [4, 7, 9]  # header on line 3, a cell over lines 4-5
    assert table.frame["note"].iloc[0] == "deux\nlignes"


def test_chunks_keep_memory_bounded_and_columns_chosen(tmp_path):
    rows = "\n".join(f"{i};{i * 2};x" for i in range(25))
    path = _write(tmp_path, "t.csv", f"a;b;c\n{rows}\n".encode())
    fmt, header, chunks = open_table(path, usecols=["b"], chunk_rows=10)
    parts = list(chunks)
    assert header == ["a", "b", "c"] and fmt.lines_total == 26
    assert [len(p.frame) for p in parts] == [10, 10, 5]
    assert list(parts[0].frame.columns) == ["b"]
    assert parts[2].lines.tolist() == [22, 23, 24, 25, 26]


def test_excel_workbook_cells_become_text(tmp_path):
    path = tmp_path / "classeur.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Résidences"
    sheet.append(["commune_code", "date", "part", "oui"])
    sheet.append([86194, pd.Timestamp("2024-02-01").to_pydatetime(), 12.5, True])
    sheet.append([None, None, None, None])
    sheet.append(["86041", "01/02/2024", 3, False])
    book.save(path)
    table = read_all(path)
    assert table.format.kind == "excel" and "Résidences" in table.format.label
    assert table.frame.values.tolist() == [
        ["86194", "2024-02-01", "12.5", "vrai"],
        ["86041", "01/02/2024", "3", "faux"],
    ]
    assert table.lines.tolist() == [2, 4]


def test_broken_workbooks_are_refused(tmp_path):
    good = tmp_path / "bon.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["a", "b"])
    book.save(good)
    data = good.read_bytes()
    _refused(_write(tmp_path, "tronque.xlsx", data[: len(data) // 2]), "zip")
    other = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("notes.txt", "pas un classeur")
    _refused(other, "n'est pas un classeur")
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    _refused(_write(tmp_path, "ancien.xls", ole), "classeur xls illisible")
    empty_sheet = tmp_path / "vide.xlsx"
    openpyxl.Workbook().save(empty_sheet)
    _refused(empty_sheet, "vide")


def test_parquet_files_become_text_and_broken_ones_are_refused(tmp_path):
    path = tmp_path / "t.parquet"
    pd.DataFrame(
        {
            "n": [1, 2],
            "x": [1.5, float("nan")],
            "d": pd.to_datetime(["2024-01-31", "2024-02-01"]),
            "b": [True, False],
        }
    ).to_parquet(path)
    table = read_all(path)
    assert table.frame.values.tolist() == [
        ["1", "1.5", "2024-01-31", "vrai"],
        ["2", "", "2024-02-01", "faux"],
    ]
    _refused(_write(tmp_path, "casse.parquet", path.read_bytes()[:40]), "Parquet illisible")


def test_missing_file_is_refused(tmp_path):
    _refused(tmp_path / "absent.csv", "introuvable")


def test_extra_empty_cells_on_the_first_line_and_a_long_line_later(tmp_path):
    rows = "\n".join(f"{i};x" for i in range(5))
    table = read_all(_write(tmp_path, "t.csv", f"a;b\n1;2;;\n{rows}\n".encode()))
    assert table.frame["a"].tolist() == ["1", "0", "1", "2", "3", "4"]
    assert table.lines.tolist() == [2, 3, 4, 5, 6, 7]
    _refused(_write(tmp_path, "u.csv", f"a;b\n{rows}\n9;9;9\n".encode()), "ligne 7", "au plus 2")
