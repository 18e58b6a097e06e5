"""Transit stops of a GTFS feed (``stops.txt``, e.g. the Vitalis network) → equipment points.

GTFS is the format in which transit networks publish their timetables; its ``stops.txt`` lists
the stops with ``stop_id``, ``stop_name``, ``stop_lat``, ``stop_lon`` (WGS84) and
``location_type`` (empty or 0 for a stop, 1 for a station; entrances and other nodes are left
aside). The stops within ``[bpe] margin_m`` of the Grand Poitiers become the ``transit`` family
of the equipment layer (``config/equipment.toml``, ``gtfs_stops = true``).
"""

from __future__ import annotations

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
from geodata.placement import epci_outline, to_lambert93
from geodata.proximity import load_families
from geodata.schemas import EQUIPMENT, validate_table
from geodata.tabular import read_all

KIND = "arrets"
LABEL = "arrêts de transport en commun (GTFS, stops.txt)"
STOP_TYPES = {"", "0", "1"}


def convert_stops(path: str | Path, name: str | None = None) -> tuple[pd.DataFrame, SourceReport]:
    """Stops of a GTFS ``stops.txt`` around the Grand Poitiers, as transit equipment.

    Raises
    ------
    DataValidationError
        Unreadable file, missing columns, or no stop in the territory.
    """
    path = Path(path)
    name = name or path.name
    families = [f for f in load_families().values() if f.gtfs_stops]
    if not families:
        raise DataValidationError(
            f"fichier « {name} » : aucune famille d'équipement ne reçoit les arrêts GTFS, "
            "attendu « gtfs_stops = true » pour une famille de config/equipment.toml.",
            file=name,
            expected="une famille qui reçoit les arrêts",
        )
    raw = read_all(path, name)
    columns = {
        "lat": find_column(raw.header, ("stop_lat",)),
        "lon": find_column(raw.header, ("stop_lon",)),
        "location_type": find_column(raw.header, ("location_type",)),
        "stop_id": find_column(raw.header, ("stop_id",)),
    }
    if not (columns["lat"] and columns["lon"]):
        raise DataValidationError(
            f"fichier « {name} », ligne 1 : colonnes « stop_lat » et « stop_lon » introuvables, "
            "attendu le fichier stops.txt d'un flux GTFS.",
            file=name,
            line=1,
            column="stop_lat",
            expected="les colonnes de stops.txt",
        )
    report = SourceReport(name, KIND, LABEL, raw.format.label)
    report.rows_read = len(raw.frame)
    chunk = RowChecker(raw.frame, raw.lines, columns, report, name)
    chunk.keep &= chunk.text("location_type").isin(STOP_TYPES).to_numpy()
    lats, bad_lat = parse_numbers(chunk.text("lat"))
    lons, bad_lon = parse_numbers(chunk.text("lon"))
    chunk.reject(bad_lat | chunk.text("lat").eq("").to_numpy(), "lat", "une latitude (WGS84)")
    chunk.reject(bad_lon | chunk.text("lon").eq("").to_numpy(), "lon", "une longitude (WGS84)")
    with np.errstate(invalid="ignore"):
        out_of_range = (np.abs(lats) > 90) | (np.abs(lons) > 180)
    chunk.reject(out_of_range, "lat", "une latitude de -90 à 90 et une longitude de -180 à 180")
    rows = np.flatnonzero(chunk.keep)
    lx, ly = to_lambert93(lons[rows], lats[rows], 4326)
    margin = float(load_toml("equipment.toml").get("bpe", {}).get("margin_m", 5000))
    zone = shapely.buffer(epci_outline(), margin)
    near = np.isfinite(lx) & np.isfinite(ly)
    near[near] = shapely.contains_xy(zone, lx[near], ly[near])
    report.rows_left_aside = int(len(raw.frame) - report.rows_rejected - near.sum())
    frame = pd.concat(
        [
            pd.DataFrame(
                {
                    "family": family.code,
                    "type_code": "arret",
                    "commune_code": None,
                    "x_l93_m": lx[near],
                    "y_l93_m": ly[near],
                    "source": name,
                }
            )
            for family in families
        ],
        ignore_index=True,
    )
    if frame.empty:
        raise DataValidationError(
            f"fichier « {name} » : aucun arrêt dans le Grand Poitiers ni à moins de "
            f"{margin / 1000:g} km, attendu les arrêts du réseau de l'agglomération.",
            file=name,
            expected="des arrêts du Grand Poitiers",
        )
    validate_table(frame, EQUIPMENT, file=name, first_line=2)
    report.rows_kept = int(near.sum())
    report.notes.append(f"{report.rows_kept} arrêts gardés (famille {families[0].label}).")
    return frame, report
