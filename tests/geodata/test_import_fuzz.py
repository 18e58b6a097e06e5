"""Property-based fuzzing of every importable table and every official converter.

Each example starts from a valid file (demo rows written the French way, or a hand-made official
sample) and breaks it: one cell replaced by a nasty value, or the file itself damaged (cut at a
random byte, a line truncated or doubled, bytes of another encoding, NUL bytes, a BOM, random
bytes, the header lost…). The reader or converter must then either accept the file — and account
for every row — or refuse it with a :class:`DataValidationError` whose French message names the
file and what was expected, plus the line, the column and the value whenever it is about a cell.
No other exception may escape. A last property writes whole versions and checks that a refused
one leaves no trace on disk (the store's side: ``tests/services/test_data_import.py``).

The number of malformed files tried, per table or converter, and how each ended (refused with a
French message, or accepted with every row counted) are written to ``artifacts/fuzz_counts.json``.
"""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geodata import housing, versions
from geodata.errors import DataValidationError
from geodata.importer import ImportFile, prepare_import, stage_version
from geodata.official.bpe import convert_bpe
from geodata.official.gtfs import convert_stops
from geodata.official.iris import convert_iris
from geodata.official.ops import convert_ops
from geodata.official.qpv import convert_qpv
from geodata.official.rpls import convert_rpls
from geodata.table_reader import read_table
from tests.geodata.test_table_reader import _french_csv

SAMPLES = Path(__file__).resolve().parent / "samples"
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
EXAMPLES_PER_TARGET = 80
TRIED: Counter = Counter()
OUTCOMES: Counter = Counter()  # « refusé » (French message) or « accepté » (every row counted)
NASTY = [
    "",
    " ",
    "inf",
    "-inf",
    "nan",
    "NaN",
    "1e400",
    "100000000000000000000",
    "-1",
    "0",
    "2,5",
    "1,234.5",
    "01/02/24",
    "12/31/2024",
    "2024",
    "31/02/2024",
    "oui",
    "peut-être",
    "\x00",
    "a\x07b",
    "Cœur",
    "l’Église",
    "75056",
    "86194;75056",
    "x" * 400,
    "<script>alert(1)</script>",
    '=HYPERLINK("http://x")',
    "QN08601M",
    "EPSG:2154",
]


def _own_tables() -> dict[str, bytes]:
    files = {}
    for name in housing.HOUSING_TABLES:
        frame = housing.load_table(name).head(5)
        if name == "residences":
            points = frame.geometry
            frame = pd.DataFrame(frame.drop(columns="geometry"))
            frame["longitude"], frame["latitude"] = points.x.round(6), points.y.round(6)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"{name}.csv"
            _french_csv(pd.DataFrame(frame), path, encoding="cp1252" if len(files) % 2 else "utf-8")
            files[name] = path.read_bytes()
    return files


OWN = _own_tables()
OFFICIAL = {
    "rpls": (convert_rpls, "rpls_ancien_cp1252.csv"),
    "rpls_2023": (convert_rpls, "rpls_2023_utf8_bom.csv"),
    "bpe": (convert_bpe, "bpe_86_extrait.csv"),
    "arrets": (convert_stops, "gtfs_stops.txt"),
    "ops": (lambda p, n: convert_ops(p, n)[1::2], "ops_communes_cp1252.txt"),
    "iris": (convert_iris, "contours_iris.geojson"),
    "qpv": (convert_qpv, "qp2024_extrait.geojson"),
}


@st.composite
def damaged(draw, data: bytes) -> tuple[bytes, str]:
    """A broken version of ``data`` and the kind of damage."""
    kind = draw(
        st.sampled_from(
            [
                "cell",
                "cell",
                "cell",
                "cut",
                "truncate-line",
                "double-line",
                "drop-header",
                "cp1252",
                "nul",
                "bom",
                "random",
                "blank",
                "separator",
                "only-header",
            ]
        )
    )
    lines = data.split(b"\n")
    if kind == "cell":
        text = data.decode("cp1252", errors="replace") if b"\xef\xbb\xbf" not in data[:3] else None
        encoding = "utf-8" if text is None or _is_utf8(data) else "cp1252"
        text = data.decode(encoding)
        rows = text.split("\n")
        sep = max((";", ",", "\t"), key=rows[0].count)
        row = draw(st.integers(1, max(1, len([r for r in rows if r.strip()]) - 1)))
        cells = rows[row].split(sep)
        column = draw(st.integers(0, len(cells) - 1))
        cells[column] = draw(st.sampled_from(NASTY) | st.text(max_size=12))
        rows[row] = sep.join(cells)
        return "\n".join(rows).encode(encoding, errors="replace"), kind
    if kind == "cut":
        return data[: draw(st.integers(0, max(0, len(data) - 1)))], kind
    if kind == "truncate-line" and len(lines) > 2:
        i = draw(st.integers(1, len(lines) - 2))
        lines[i] = lines[i][: draw(st.integers(0, max(0, len(lines[i]) - 1)))]
        return b"\n".join(lines), kind
    if kind == "double-line" and len(lines) > 2:
        i = draw(st.integers(1, len(lines) - 2))
        return b"\n".join([*lines[: i + 1], lines[i], *lines[i + 1 :]]), kind
    if kind == "drop-header":
        return b"\n".join(lines[1:]), kind
    if kind == "cp1252":
        return data.decode("utf-8", errors="replace").encode("cp1252", errors="replace"), kind
    if kind == "nul":
        at = draw(st.integers(0, len(data)))
        return data[:at] + b"\x00" + data[at:], kind
    if kind == "bom":
        return b"\xef\xbb\xbf" + b"\xef\xbb\xbf" + data, kind
    if kind == "blank":
        return b"\n" * draw(st.integers(0, 3)) + b"\xef\xbb\xbf" * draw(st.integers(0, 1)), kind
    if kind == "separator" and len(lines) > 2:
        i = draw(st.integers(1, len(lines) - 2))
        lines[i] = lines[i].replace(b";", b"|").replace(b",", b"|")
        return b"\n".join(lines), kind
    if kind == "only-header":
        return lines[0] + b"\n", kind
    return draw(st.binary(max_size=300)), "random"


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _check_refusal(error: DataValidationError, name: str) -> None:
    message = str(error)
    assert f"fichier « {name} »" in message or error.file == name, message
    assert "attendu" in message, message
    if error.line is not None:
        assert f"ligne {error.line}" in message, message
    if error.column is not None and error.value is not None:
        assert f"colonne « {error.column} », valeur « {error.value} »" in message, message
    assert "Traceback" not in message


def _run(reader, data: bytes, name: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            result = reader(path, name)
        except DataValidationError as error:
            _check_refusal(error, name)
            OUTCOMES["refusé"] += 1
            return
    OUTCOMES["accepté"] += 1
    report = result[1] if isinstance(result, tuple) else result.report
    kept = report.rows_kept + report.rows_rejected + report.rows_left_aside
    assert kept == report.rows_read or report.kind in ("iris", "qpv"), report
    for example in report.examples:
        _check_refusal(example, name)


FUZZ = settings(
    max_examples=EXAMPLES_PER_TARGET,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.mark.parametrize("table", list(OWN))
@FUZZ
@given(data=st.data())
def test_own_tables_never_crash(table, data):
    broken, _kind = data.draw(damaged(OWN[table]))
    if broken == OWN[table]:
        return
    TRIED[table] += 1
    _run(lambda p, n: read_table(table, p, n), broken, f"{table}.csv")


@pytest.mark.parametrize("target", list(OFFICIAL))
@FUZZ
@given(data=st.data())
def test_official_converters_never_crash(target, data):
    reader, sample = OFFICIAL[target]
    original = (SAMPLES / sample).read_bytes()
    broken, _kind = data.draw(damaged(original))
    if broken == original:
        return
    TRIED[target] += 1
    _run(reader, broken, sample)


@settings(max_examples=40, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_refused_import_leaves_no_trace(data):
    table = data.draw(st.sampled_from(["residences", "occupancy", "sru_inventory"]))
    broken, _ = data.draw(damaged(OWN[table]))
    TRIED["import"] += 1
    root = versions.versions_root()
    before = sorted(p.name for p in root.iterdir())
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{table}.csv"
        path.write_bytes(broken)
        try:
            new = stage_version(prepare_import([ImportFile(table, path)]), None)
        except DataValidationError as error:
            _check_refusal(error, f"{table}.csv") if error.file == f"{table}.csv" else None
            assert sorted(p.name for p in root.iterdir()) == before
            OUTCOMES["version refusée"] += 1
            return
    OUTCOMES["version écrite"] += 1
    assert versions.read_version(new.path) is not None  # complete, or not there at all
    assert not [p for p in root.iterdir() if p.name.startswith(versions.TMP_PREFIX)]
    versions.discard_version(new.version_id)


def test_fuzzing_tried_at_least_a_thousand_malformed_files():
    expected = {*OWN, *OFFICIAL, "import"}
    if set(TRIED) != expected:
        pytest.skip("le décompte demande toutes les propriétés de ce module")
    ARTIFACTS.mkdir(exist_ok=True)
    counts = {"essayés": dict(TRIED), "issues": dict(OUTCOMES)}
    (ARTIFACTS / "fuzz_counts.json").write_text(json.dumps(counts, indent=1, ensure_ascii=False))
    assert sum(TRIED.values()) >= 1000, dict(TRIED)
