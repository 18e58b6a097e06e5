"""BPE (INSEE base permanente des équipements) → equipment points of the cotation's families.

The file as published (``AN;DEPCOM;DOM;SDOM;TYPEQU;LAMBERT_X;LAMBERT_Y;QUALITE_XY;…``, about 2.8
million rows for France, or a departmental extract) is read as a stream. Only the equipment types
of ``config/equipment.toml`` are kept (school, general practitioner, food shop, station), and only
those within ``[bpe] margin_m`` of the Grand Poitiers: the nearest school of a residence on the
edge of the territory may be in the next commune. Coordinates are ``LAMBERT_X`` / ``LAMBERT_Y``
in the file's ``EPSG`` column (Lambert-93 by default, ``config/equipment.toml``) or
``LONGITUDE`` / ``LATITUDE`` (WGS84). An equipment without coordinates (``QUALITE_XY`` « non
géolocalisé ») or with unreadable ones is rejected with its line, column and value.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from config import load_toml
from geodata.errors import DataValidationError
from geodata.import_report import SourceReport
from geodata.official.contours import find_column
from geodata.official.rows import RowChecker
from geodata.parsing import parse_numbers
from geodata.placement import check_epsg, epci_outline, to_lambert93
from geodata.proximity import load_families, typequ_families
from geodata.schemas import EQUIPMENT, validate_table
from geodata.tabular import open_table

KIND = "bpe"
LABEL = "base permanente des équipements (INSEE)"
COLUMNS = {
    "typequ": ("TYPEQU",),
    "commune_code": ("DEPCOM", "CODGEO", "DEPCOM_CODE"),
    "x": ("LAMBERT_X", "X"),
    "y": ("LAMBERT_Y", "Y"),
    "lon": ("LONGITUDE", "LON"),
    "lat": ("LATITUDE", "LAT"),
    "epsg": ("EPSG",),
    "quality_xy": ("QUALITE_XY",),
}


def _columns(header: list[str], name: str) -> dict[str, str | None]:
    found = {f: find_column(header, v) for f, v in COLUMNS.items()}
    has_xy = found["x"] and found["y"]
    has_lonlat = found["lon"] and found["lat"]
    if not found["typequ"] or not (has_xy or has_lonlat):
        missing = "TYPEQU" if not found["typequ"] else "LAMBERT_X et LAMBERT_Y"
        raise DataValidationError(
            f"fichier « {name} », ligne 1 : colonne(s) {missing} introuvable(s), attendu un "
            "fichier de la BPE (TYPEQU, LAMBERT_X, LAMBERT_Y ou LONGITUDE, LATITUDE).",
            file=name,
            line=1,
            column=missing.split()[0],
            expected="les colonnes de la BPE",
        )
    if has_xy:
        found["lon"] = found["lat"] = None
    else:
        found["x"], found["y"], found["epsg"] = found["lon"], found["lat"], None
    return found


def _chunk_points(chunk: RowChecker, default_epsg: int, geographic: bool):
    xs, bad_x = parse_numbers(chunk.text("x"))
    ys, bad_y = parse_numbers(chunk.text("y"))
    empty = chunk.text("x").eq("").to_numpy() | chunk.text("y").eq("").to_numpy()
    chunk.reject(empty, "x", "des coordonnées (équipement non géolocalisé)")
    chunk.reject(bad_x | bad_y, "x", "deux nombres (coordonnées)")
    epsg_text = chunk.text("epsg")
    default = "4326" if geographic else str(default_epsg)
    epsg_text = epsg_text.where(epsg_text.ne(""), default)
    lx, ly = np.full(len(xs), np.nan), np.full(len(xs), np.nan)
    for code_text in pd.unique(epsg_text[chunk.keep]):
        rows = chunk.keep & epsg_text.eq(code_text).to_numpy()
        try:
            code = check_epsg(code_text, file=chunk.name, line=None, column="EPSG")
        except DataValidationError as exc:
            chunk.reject(rows, "epsg", exc.expected or "un code EPSG", epsg_text)
            continue
        lx[rows], ly[rows] = to_lambert93(xs[rows], ys[rows], code)
    chunk.reject(~(np.isfinite(lx) & np.isfinite(ly)), "x", "des coordonnées en France")
    return lx, ly


def convert_bpe(
    path: str | Path,
    name: str | None = None,
    *,
    progress: Callable[[float], None] | None = None,
    chunk_rows: int = 200_000,
) -> tuple[pd.DataFrame, SourceReport]:
    """Equipment points of the configured families around the Grand Poitiers.

    Returns
    -------
    tuple
        The ``equipment`` layer (``family``, ``type_code``, ``commune_code``, ``x_l93_m``,
        ``y_l93_m``, ``source``) and the report.

    Raises
    ------
    DataValidationError
        Unreadable file or missing columns.
    """
    path = Path(path)
    name = name or path.name
    settings = load_toml("equipment.toml").get("bpe", {})
    margin = float(settings.get("margin_m", 5000))
    default_epsg = int(settings.get("default_epsg", 2154))
    families = typequ_families()
    fmt, header, chunks = open_table(path, name, chunk_rows=chunk_rows)
    columns = _columns(header, name)
    geographic = columns["lon"] is None and find_column(header, COLUMNS["x"]) is None
    report = SourceReport(name, KIND, LABEL, fmt.label)
    outline = epci_outline()
    zone = shapely.buffer(outline, margin)
    shapely.prepare(zone)
    kept: list[pd.DataFrame] = []
    other_types = 0
    for raw in chunks:
        report.rows_read += len(raw.frame)
        chunk = RowChecker(raw.frame, raw.lines, columns, report, name)
        family = chunk.text("typequ").str.upper().map(families)
        wanted = family.notna().to_numpy()
        other_types += int((~wanted).sum())
        chunk.keep &= wanted
        if not chunk.keep.any():
            continue
        lx, ly = _chunk_points(chunk, default_epsg, geographic)
        rows = np.flatnonzero(chunk.keep)
        near = shapely.contains_xy(zone, lx[rows], ly[rows])
        report.rows_left_aside += int((~near).sum())
        rows = rows[near]
        kept.append(
            pd.DataFrame(
                {
                    "family": family.iloc[rows].to_numpy(),
                    "type_code": chunk.text("typequ").str.upper().iloc[rows].to_numpy(),
                    "commune_code": chunk.text("commune_code").iloc[rows].replace("", None),
                    "x_l93_m": lx[rows],
                    "y_l93_m": ly[rows],
                    "source": name,
                }
            )
        )
        if progress is not None and fmt.lines_total:
            progress(min(1.0, float(raw.lines[-1]) / fmt.lines_total))
    frame = pd.concat(kept, ignore_index=True) if kept else None
    if frame is None or frame.empty:
        raise DataValidationError(
            f"fichier « {name} » : aucun équipement des familles retenues (école, médecin, "
            "commerce alimentaire, gare) dans le Grand Poitiers ou à moins de "
            f"{margin / 1000:g} km, attendu la BPE du département ou de la France "
            "(codes TYPEQU de config/equipment.toml).",
            file=name,
            expected="des équipements du Grand Poitiers",
        )
    frame["commune_code"] = (
        frame["commune_code"].astype(object).where(frame["commune_code"].notna(), None)
    )
    validate_table(frame, EQUIPMENT, file=name, first_line=2)
    report.rows_kept = len(frame)
    report.rows_left_aside += other_types
    counts = frame["family"].value_counts()
    families = load_families()
    report.notes.append(
        "Équipements gardés : "
        + ", ".join(f"{families[f].label} {counts.get(f, 0)}" for f in families)
        + f" ; {other_types} ligne(s) d'autres types d'équipement laissée(s) de côté."
    )
    return frame, report
