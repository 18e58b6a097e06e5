"""Read any table file as text cells, in chunks, without ever raising anything but a French error.

The service habitat sends CSV files exported by spreadsheets or downloaded from open-data portals,
Excel workbooks (``.xlsx``, old ``.xls``, LibreOffice ``.ods``) and Parquet files. The format is
recognised from the content, not from the name. For CSV files the encoding is decided on the whole
file (a BOM, else UTF-8, else Windows-1252 — never Latin-1, which would turn « Cœur » into
``C\\x9cur``), the separator from the header line (``;``, tab, ``,`` or ``|``), and every record
keeps the line where it starts, so that every later message can quote it.

:func:`read_chunks` yields :class:`RawChunk` objects (text cells as a DataFrame, the line of each
row) of at most ``chunk_rows`` rows: memory stays bounded on a file of millions of rows.
:func:`read_all` returns the whole table at once for small files. Every problem of the file itself
— empty, binary, mixed encodings, NUL bytes, truncated or overlong lines, unclosed quotes, broken
workbook — raises :class:`geodata.errors.DataValidationError`.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import itertools
import math
import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from geodata.errors import DataValidationError, located

BLOCK_BYTES = 1 << 20
DELIMITERS = (";", "\t", ",", "|")
DELIMITER_NAMES = {";": "« ; »", "\t": "tabulation", ",": "« , »", "|": "« | »"}
ENCODING_NAMES = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 avec BOM",
    "cp1252": "Windows-1252",
    "utf-16": "UTF-16",
}
MAX_UNZIPPED_BYTES = 500 * (1 << 20)
# UTF-8 text decoded as Windows-1252 (« Ã© » for « é », « â€™ » for « ’ »): two encodings mixed.
MOJIBAKE = re.compile("Ã[\u0080-\u00bf\u2018-\u203a\u0152\u0153\u0160\u0161\u0178\u017d\u017e]|â€")
SUPPORTED = "CSV, Excel (.xlsx, .xls), OpenDocument (.ods) ou Parquet"
WORKBOOK_NAMES = {
    "xlsx": "classeur Excel (.xlsx)",
    "xls": "classeur Excel 97-2003 (.xls)",
    "ods": "classeur OpenDocument (.ods)",
}
FAST_ENCODINGS = ("utf-8", "utf-8-sig", "cp1252")


@dataclass(frozen=True)
class FileFormat:
    """What a table file turned out to be.

    Attributes
    ----------
    kind : str
        ``csv``, ``excel`` or ``parquet``.
    encoding, delimiter : str
        For CSV files only (empty otherwise).
    sheet : str
        For workbooks: the sheet read (the first one).
    workbook : str
        For workbooks: ``xlsx``, ``xls`` or ``ods``.
    lines_total : int
        Lines (CSV) or rows (workbook, Parquet) of the file, header included: the denominator
        of a progress bar.
    """

    kind: str
    encoding: str = ""
    delimiter: str = ""
    sheet: str = ""
    lines_total: int = 0
    workbook: str = ""

    @property
    def label(self) -> str:
        """French description, e.g. « CSV (séparateur « ; », encodage Windows-1252) »."""
        if self.kind == "csv":
            return (
                f"CSV (séparateur {DELIMITER_NAMES.get(self.delimiter, self.delimiter)}, "
                f"encodage {ENCODING_NAMES.get(self.encoding, self.encoding)})"
            )
        if self.kind == "excel":
            return f"{WORKBOOK_NAMES.get(self.workbook, 'classeur')} (feuille « {self.sheet} »)"
        return "Parquet"


@dataclass
class RawChunk:
    """Rows of a table file as text.

    Attributes
    ----------
    frame : pandas.DataFrame
        One column per header name (stripped), text cells (empty string when empty).
    lines : numpy.ndarray
        Line (CSV) or row (workbook) where each row starts; 1 is the header.
    """

    frame: pd.DataFrame
    lines: np.ndarray


@dataclass
class RawTable:
    """A whole table file as text: its cells, lines, header and detected format."""

    frame: pd.DataFrame
    lines: np.ndarray
    header: list[str]
    format: FileFormat


def _error(name: str, expected: str, line: int | None = None, problem: str | None = None):
    return located(expected, file=name, line=line, problem=problem)


# --- Format --------------------------------------------------------------------------------------


def detect_format(path: Path, name: str) -> str:
    """Kind of the file from its first bytes: ``csv``, ``xlsx``, ``ods``, ``xls``, ``parquet``."""
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise _error(
            name, f"un fichier lisible ({exc.strerror or exc})", problem="illisible"
        ) from exc
    if not head:
        raise _error(
            name, f"un fichier {SUPPORTED} avec une ligne d'en-tête", 1, "fichier vide (0 octet)"
        )
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(path, name)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    if head.startswith(b"PAR1"):
        return "parquet"
    return "csv"


def _zip_kind(path: Path, name: str) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            size = sum(info.file_size for info in archive.infolist())
            mimetype = archive.read("mimetype") if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, EOFError, KeyError, ValueError) as exc:
        raise _error(
            name,
            "un classeur Excel complet (réenregistrez-le ou exportez-le en CSV)",
            problem=f"archive zip tronquée ou corrompue ({exc})",
        ) from exc
    if size > MAX_UNZIPPED_BYTES:
        raise _error(
            name,
            f"un classeur de moins de {MAX_UNZIPPED_BYTES >> 20} Mo une fois décompressé "
            "(exportez la feuille en CSV)",
            problem=f"archive de {size >> 20} Mo décompressée",
        )
    if "xl/workbook.xml" in names:
        return "xlsx"
    if mimetype.startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
        return "ods"
    raise _error(
        name,
        f"un fichier {SUPPORTED}",
        problem="archive zip qui n'est pas un classeur (pas de « xl/workbook.xml »)",
    )


# --- CSV -----------------------------------------------------------------------------------------


def _bom_encoding(path: Path) -> str | None:
    with path.open("rb") as fh:
        head = fh.read(4)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return None


def _scan(path: Path, name: str, encoding: str) -> tuple[int, int, bytes] | int:
    """Decode the whole file; return its number of lines, or (line, bytes offset, bad bytes) of
    the first undecodable bytes."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    lines, last = 1, "\n"
    with path.open("rb") as fh:
        offset = 0
        while True:
            block = fh.read(BLOCK_BYTES)
            final = not block
            try:
                text = decoder.decode(block, final=final)
            except UnicodeDecodeError as exc:
                prefix = exc.object[: exc.start]
                good = codecs.getincrementaldecoder(encoding)("ignore").decode(prefix)
                bad = exc.object[exc.start : exc.end]
                return lines + good.count("\n"), offset + exc.start, bad
            _check_text(text, name, lines, encoding)
            lines += text.count("\n")
            last = text[-1] if text else last
            offset += len(block)
            if final:
                return lines - 1 if last == "\n" else lines


def _check_text(text: str, name: str, lines: int, encoding: str) -> None:
    nul = text.find("\x00")
    if nul >= 0:
        raise _error(
            name,
            "un fichier texte (CSV) sans caractère nul",
            lines + text.count("\n", 0, nul),
            "caractère nul (octet 00) : fichier binaire ou corrompu",
        )
    if encoding == "cp1252":
        mixed = MOJIBAKE.search(text)
        if mixed:
            raise _error(
                name,
                "un seul encodage pour tout le fichier (réenregistrez-le en « CSV UTF-8 »)",
                lines + text.count("\n", 0, mixed.start()),
                f"texte UTF-8 mêlé à du Windows-1252 (« {mixed.group()} »)",
            )


def detect_encoding(path: Path, name: str) -> tuple[str, int]:
    """Encoding of a text file (its BOM, else UTF-8, else Windows-1252, checked on every byte)
    and its number of lines."""
    encoding = _bom_encoding(path)
    failure = _scan(path, name, encoding or "utf-8")
    if isinstance(failure, int):
        return encoding or "utf-8", failure
    if encoding is None:
        fallback = _scan(path, name, "cp1252")
        if isinstance(fallback, int):
            return "cp1252", fallback
    line, _offset, bad = failure
    plural = "s" if len(bad) > 1 else ""
    raise _error(
        name,
        "un fichier texte en UTF-8 ou en Windows-1252 (réenregistrez-le en « CSV UTF-8 »)",
        line,
        f"octet{plural} « {bad.hex(' ')} » illisible{plural}",
    )


def _split_count(line: str, delimiter: str) -> int:
    count, quoted = 0, False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif ch == delimiter and not quoted:
            count += 1
    return count


def detect_delimiter(header_line: str) -> str:
    """The separator of a CSV header line: the most frequent of ``;``, tab, ``,``, ``|``."""
    counts = [(_split_count(header_line, d), -i, d) for i, d in enumerate(DELIMITERS)]
    best = max(counts)
    return best[2] if best[0] > 0 else ";"


def _csv_error(name: str, line: int, exc: csv.Error) -> DataValidationError:
    text = str(exc)
    if "field larger" in text:
        problem = f"valeur de plus de {csv.field_size_limit():,} caractères".replace(",", " ")
        expected = "des valeurs courtes (ou un guillemet fermé)"
    else:
        problem = f"guillemets mal formés ({text})"
        expected = 'des valeurs entre guillemets « " » correctement fermés'
    return _error(name, expected, line, problem)


def _header(cells: Sequence[str], name: str, line: int) -> list[str]:
    header = [c.strip().lstrip("\ufeff").strip() for c in cells]
    while header and header[-1] == "":
        header.pop()  # trailing separators of spreadsheet exports
    seen: dict[str, int] = {}
    for position, column in enumerate(header, start=1):
        if not column:
            raise located(
                "un nom pour chaque colonne de la ligne d'en-tête",
                file=name,
                line=line,
                column=f"n° {position}",
                value="",
                problem="colonne sans nom",
            )
        key = column.casefold()
        if key in seen:
            raise located(
                "des noms de colonnes tous différents",
                file=name,
                line=line,
                column=column,
                value=column,
                problem=f"colonne en double (déjà en position {seen[key]})",
            )
        seen[key] = position
    return header


def _first_line(path: Path, name: str, encoding: str) -> str:
    with path.open("r", encoding=encoding, newline="") as fh:
        for raw in fh:
            if raw.strip().lstrip("\ufeff").strip():
                return raw
    raise _error(
        name,
        "une ligne d'en-tête puis des lignes de données",
        1,
        "fichier sans contenu (lignes vides ou marque d'encodage seule)",
    )


def _csv_records(
    path: Path, name: str, encoding: str, delimiter: str
) -> Iterator[tuple[int, list[str]]]:
    """(start line, cells) of every non-blank record, header first."""
    with path.open("r", encoding=encoding, newline="") as fh:
        reader = csv.reader(fh, delimiter=delimiter, strict=True)
        previous = 0
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise _csv_error(name, previous + 1, exc) from exc
            start, previous = previous + 1, reader.line_num
            if not any(row) or (len(row) == 1 and not row[0].strip()):
                continue
            yield start, row


def _header_record(
    path: Path, name: str, encoding: str, delimiter: str
) -> tuple[int, int, list[str]]:
    """(start line, end line, cells) of the first non-blank record: the header."""
    with path.open("r", encoding=encoding, newline="") as fh:
        reader = csv.reader(fh, delimiter=delimiter, strict=True)
        previous = 0
        for row in reader:
            if any(c.strip() for c in row):
                return previous + 1, reader.line_num, row
            previous = reader.line_num
    raise _error(name, "une ligne d'en-tête puis des lignes de données", 1, "fichier sans contenu")


def _csv_chunks(
    path: Path, name: str, usecols: Sequence[str] | None, chunk_rows: int, columns_for=None
) -> tuple[FileFormat, list[str], Iterator[RawChunk]]:
    encoding, lines_total = detect_encoding(path, name)
    delimiter = detect_delimiter(_first_line(path, name, encoding))
    fmt = FileFormat("csv", encoding=encoding, delimiter=delimiter, lines_total=lines_total)
    if encoding in FAST_ENCODINGS:
        try:
            start, end, cells = _header_record(path, name, encoding, delimiter)
        except csv.Error as exc:
            raise _csv_error(name, 1, exc) from exc
        header = _header(cells, name, start)
        usecols = _Wanted(usecols, columns_for).resolve(header)
        layout = _Layout(path, name, encoding, delimiter, end, len(cells), header)
        return fmt, header, _fast_chunks(layout, usecols, chunk_rows)
    records = _csv_records(path, name, encoding, delimiter)
    header_line, cells = next(records)
    header = _header(cells, name, header_line)
    usecols = _Wanted(usecols, columns_for).resolve(header)
    return fmt, header, _row_chunks(records, header, name, usecols, chunk_rows, delimiter)


@dataclass(frozen=True)
class _Layout:
    """What the fast reader needs to know of a CSV file once its header is read."""

    path: Path
    name: str
    encoding: str
    delimiter: str
    header_end: int
    raw_width: int
    header: list[str]


def _cells_reader(layout: _Layout, keep: list[int], chunk_rows: int):
    """pandas' C parser over the data lines: text cells, rows too long for it skipped."""
    return pd.read_csv(
        layout.path,
        sep=layout.delimiter,
        encoding=layout.encoding,
        dtype=str,
        na_filter=False,
        keep_default_na=False,
        skip_blank_lines=False,
        header=None,
        skiprows=layout.header_end,
        names=list(range(layout.raw_width)),
        usecols=keep,
        chunksize=chunk_rows,
        engine="c",
        on_bad_lines="skip",
        quotechar='"',
        doublequote=True,
    )


def _fast_chunks(
    layout: _Layout, usecols: Sequence[str] | None, chunk_rows: int
) -> Iterator[RawChunk]:
    """Two readers in step: Python's csv module counts the cells and lines of each record (and
    says what is wrong with a record), pandas' C parser reads the cells themselves."""
    header, width = layout.header, len(layout.header)
    keep = [i for i, c in enumerate(header) if usecols is None or c in usecols]
    with layout.path.open("r", encoding=layout.encoding, newline="") as fh:
        reader = csv.reader(fh, delimiter=layout.delimiter, strict=True)
        while reader.line_num < layout.header_end:
            next(reader)
        cells = None
        previous = layout.header_end
        while True:
            chunk_start = previous
            lengths, ends, odd = [], [], {}
            add_length, add_end = lengths.append, ends.append
            try:
                for row in itertools.islice(reader, chunk_rows):
                    add_length(len(row))
                    add_end(reader.line_num)
                    if len(row) != width or not any(row):
                        odd[len(lengths) - 1] = row
            except csv.Error as exc:
                raise _csv_error(layout.name, reader.line_num, exc) from exc
            if not lengths:
                return
            ends_array = np.asarray(ends, dtype=np.int64)
            starts = np.concatenate(([previous], ends_array[:-1])) + 1
            previous = int(ends_array[-1])
            blank, restored = _irregular(odd, width, layout, starts)
            try:
                cells = cells or _cells_reader(layout, keep, chunk_rows)
                frame = next(cells, None)
                if frame is None:
                    frame = pd.DataFrame({i: pd.Series([], dtype=str) for i in keep})
                frame = _realign(frame, len(lengths), odd, restored, layout.raw_width, keep)
            except (ValueError, pd.errors.ParserError):
                # Records the C parser cannot align (extra empty cells on the first line…): the
                # exact reader takes over from the start of this chunk.
                yield from _exact_after(layout, chunk_start, usecols, chunk_rows)
                return
            rows = np.ones(len(lengths), dtype=bool)
            rows[blank] = False
            frame = frame[rows]
            frame.columns = [header[i] for i in keep]
            yield RawChunk(frame.reset_index(drop=True), starts[rows])


def _exact_after(
    layout: _Layout, after_line: int, usecols: Sequence[str] | None, chunk_rows: int
) -> Iterator[RawChunk]:
    """The records that start after ``after_line``, read by the exact (slower) reader."""
    records = _csv_records(layout.path, layout.name, layout.encoding, layout.delimiter)
    later = ((start, row) for start, row in records if start > after_line)
    yield from _row_chunks(later, layout.header, layout.name, usecols, chunk_rows, layout.delimiter)


def _irregular(odd: dict, width: int, layout: _Layout, starts: np.ndarray):
    """Blank records to drop; long records whose extra cells are empty, cut to the header."""
    blank, restored = [], {}
    for index, row in odd.items():
        if not any(str(c).strip() for c in row):
            blank.append(index)
            continue
        fitted = _fit(row, width, layout.header, layout.name, int(starts[index]), layout.delimiter)
        if len(row) > width:
            restored[index] = fitted
    return blank, restored


def _realign(frame, n, odd, restored, raw_width, keep) -> pd.DataFrame:
    """Put back, in their place, the records the C parser skipped (more cells than the header
    line, all extra ones empty), when it skipped them."""
    skipped = sorted(i for i, row in odd.items() if len(row) > raw_width)
    if len(frame) == n:  # the C parser kept them (it does when it reads some columns only)
        return frame.set_axis(np.arange(n))
    positions = np.delete(np.arange(n), skipped)
    if len(frame) != len(positions):
        raise ValueError("the C parser and the csv module disagree on the records")
    frame = frame.set_axis(positions)
    if skipped:
        extra = pd.DataFrame(
            {i: [restored[j][i] if j in restored else "" for j in skipped] for i in keep},
            index=skipped,
        )
        frame = pd.concat([frame, extra]).sort_index()
    return frame


def _row_chunks(
    records: Iterator[tuple[int, Sequence[str]]],
    header: list[str],
    name: str,
    usecols: Sequence[str] | None,
    chunk_rows: int,
    delimiter: str = ";",
) -> Iterator[RawChunk]:
    width = len(header)
    keep = [i for i, c in enumerate(header) if usecols is None or c in usecols]
    rows: list[Sequence[str]] = []
    lines: list[int] = []
    for line, row in records:
        if not any(row):
            continue
        if len(row) != width:
            row = _fit(row, width, header, name, line, delimiter)
            if row is None:
                continue
        rows.append(row)
        lines.append(line)
        if len(rows) >= chunk_rows:
            yield _chunk(rows, lines, header, keep)
            rows, lines = [], []
    if rows:
        yield _chunk(rows, lines, header, keep)


def _fit(row, width, header, name, line, delimiter):
    if all(not str(c).strip() for c in row):
        return None
    if len(row) < width:
        sep = DELIMITER_NAMES.get(delimiter, delimiter)
        raise located(
            f"{width} valeurs séparées par {sep}, comme l'en-tête",
            file=name,
            line=line,
            column=header[len(row)],
            value="",
            problem=f"ligne tronquée ({len(row)} valeur{'s' if len(row) > 1 else ''})",
        )
    extra = row[width:]
    if all(not str(c).strip() for c in extra):
        return row[:width]
    position = width + next(i for i, c in enumerate(extra) if str(c).strip())
    raise located(
        f"au plus {width} valeurs, comme l'en-tête",
        file=name,
        line=line,
        column=f"n° {position + 1} (sans en-tête)",
        value=row[position],
        problem=f"{len(row)} valeurs sur la ligne",
    )


def _chunk(rows, lines, header, keep) -> RawChunk:
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in header]
    data = {header[i]: np.asarray(columns[i], dtype=object) for i in keep}
    frame = pd.DataFrame(data, dtype=object)
    return RawChunk(frame, np.asarray(lines, dtype=np.int64))


# --- Workbooks -----------------------------------------------------------------------------------


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "vrai" if value else "faux"
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.strftime("%Y-%m-%d")
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    return str(value)


def _workbook_chunks(
    path: Path, name: str, kind: str, wanted: _Wanted, chunk_rows: int
) -> tuple[FileFormat, list[str], Iterator[RawChunk]]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        if not workbook.sheet_names:
            raise ValueError("aucune feuille")
        sheet_name = workbook.sheet_names[0]
        rows = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises its own types for every broken workbook
        raise _error(
            name,
            "un classeur lisible (réenregistrez-le ou exportez la feuille en CSV)",
            problem=f"classeur {kind} illisible ({type(exc).__name__} : {exc})",
        ) from exc
    records = (
        (number, [_cell_text(v) for v in row])
        for number, row in enumerate(rows, start=1)
        if any(_cell_text(v).strip() for v in row)
    )
    try:
        header_line, cells = next(records)
    except StopIteration:
        raise _error(
            name,
            "une ligne d'en-tête puis des lignes de données",
            1,
            f"feuille « {sheet_name} » vide",
        ) from None
    header = _header(cells, name, header_line)
    fmt = FileFormat("excel", sheet=sheet_name, lines_total=len(rows), workbook=kind)
    return fmt, header, _row_chunks(records, header, name, wanted.resolve(header), chunk_rows)


# --- Parquet -------------------------------------------------------------------------------------


def _parquet_text(values: pd.Series) -> np.ndarray:
    if pd.api.types.is_bool_dtype(values.dtype):
        out = values.map({True: "vrai", False: "faux"})
    elif pd.api.types.is_datetime64_any_dtype(values.dtype):
        stamps = pd.to_datetime(values)
        midnight = stamps.dt.normalize() == stamps
        out = stamps.dt.strftime("%Y-%m-%d").where(midnight, stamps.astype(str))
    elif pd.api.types.is_float_dtype(values.dtype):
        out = values.map(lambda v: "" if pd.isna(v) else _cell_text(float(v)))
    else:
        out = values.map(lambda v: "" if v is None or v is pd.NA else _cell_text(v))
    return out.where(values.notna(), "").astype(object).to_numpy()


def _parquet_frame(path: Path, name: str) -> pd.DataFrame:
    import pyarrow.parquet as pq

    try:
        metadata = pq.read_schema(path).metadata or {}
        if b"geo" in metadata:
            import geopandas as gpd

            frame = gpd.read_parquet(path)
            crs = frame.crs
            frame = pd.DataFrame(frame)
            geometry = frame.pop("geometry")
            frame["x"] = [g.x if g is not None and g.geom_type == "Point" else "" for g in geometry]
            frame["y"] = [g.y if g is not None and g.geom_type == "Point" else "" for g in geometry]
            frame["epsg"] = str(crs.to_epsg()) if crs is not None and crs.to_epsg() else ""
            return frame
        return pd.read_parquet(path)
    except DataValidationError:
        raise
    except Exception as exc:  # pyarrow raises many types for broken files
        raise _error(
            name,
            "un fichier Parquet complet",
            problem=f"Parquet illisible ({type(exc).__name__} : {exc})",
        ) from exc


def _parquet_chunks(
    path: Path, name: str, wanted: _Wanted, chunk_rows: int
) -> tuple[FileFormat, list[str], Iterator[RawChunk]]:
    frame = _parquet_frame(path, name)
    header = _header([str(c) for c in frame.columns], name, 1)
    frame.columns = header
    usecols = wanted.resolve(header)
    keep = [c for c in header if usecols is None or c in usecols]

    def chunks() -> Iterator[RawChunk]:
        for start in range(0, max(len(frame), 1), chunk_rows):
            part = frame.iloc[start : start + chunk_rows]
            if part.empty:
                return
            text = pd.DataFrame({c: _parquet_text(part[c]) for c in keep}, dtype=object)
            yield RawChunk(text, np.arange(start + 1, start + 1 + len(part), dtype=np.int64))

    return FileFormat("parquet", lines_total=len(frame) + 1), header, chunks()


# --- Public API ----------------------------------------------------------------------------------


def open_table(
    path: str | Path,
    name: str | None = None,
    *,
    usecols: Sequence[str] | None = None,
    chunk_rows: int = 50_000,
    columns_for: Callable[[list[str]], Sequence[str]] | None = None,
) -> tuple[FileFormat, list[str], Iterator[RawChunk]]:
    """Open a table file: its format, its header and an iterator over its rows in chunks.

    Parameters
    ----------
    path : str or Path
        The file (CSV, Excel, OpenDocument or Parquet, recognised from its content).
    name : str, optional
        File name quoted in messages (the uploaded file's name); ``path``'s name by default.
    usecols : sequence of str, optional
        Header names to keep in the chunks (all by default).
    chunk_rows : int, default 50 000
        Rows per chunk.
    columns_for : callable, optional
        Given the header, the names to keep (instead of ``usecols``): a converter that finds
        its columns among header variants reads only those.

    Returns
    -------
    tuple
        :class:`FileFormat`, header names (stripped), iterator of :class:`RawChunk`. The file is
        read as the iterator advances; errors of later lines are raised then.

    Raises
    ------
    DataValidationError
        French message naming the file, the line and what was expected.
    """
    path = Path(path)
    name = name or path.name
    if not path.is_file():
        raise _error(name, "un fichier existant", problem="fichier introuvable")
    kind = detect_format(path, name)
    if kind == "csv":
        return _csv_chunks(path, name, usecols, chunk_rows, columns_for)
    wanted = _Wanted(usecols, columns_for)
    if kind == "parquet":
        return _parquet_chunks(path, name, wanted, chunk_rows)
    return _workbook_chunks(path, name, kind, wanted, chunk_rows)


class _Wanted:
    """The columns to keep, given directly or computed from the header once it is known."""

    def __init__(self, usecols, columns_for):
        self.usecols, self.columns_for = usecols, columns_for

    def __contains__(self, column: str) -> bool:
        return column in self.usecols

    def resolve(self, header: list[str]) -> Sequence[str] | None:
        if self.columns_for is not None:
            return list(self.columns_for(header))
        return self.usecols


def read_all(path: str | Path, name: str | None = None) -> RawTable:
    """Read a whole table file as text (see :func:`open_table`); for files of modest size."""
    fmt, header, chunks = open_table(path, name)
    parts = list(chunks)
    if parts:
        frame = pd.concat([p.frame for p in parts], ignore_index=True)
        lines = np.concatenate([p.lines for p in parts])
    else:
        frame = pd.DataFrame({c: pd.Series([], dtype=object) for c in header})
        lines = np.array([], dtype=np.int64)
    return RawTable(frame, lines, header, fmt)
