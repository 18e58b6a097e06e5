"""OPS occupancy surveys by residence or by commune → ``occupancy`` or ``occupancy_communes``.

The level is read from the header: a residence identifier column (the ``residence_id`` of the
dataset version, shown on the residence fiches) makes residence-level rows, a commune code
column commune-level rows (communes outside the Grand Poitiers are left aside). The survey year
comes from a column or from the caller (the import page asks for it). Header variants, withheld
cells (« s », « nc »…) and the share columns are listed in ``config/ops.toml``. Shares are
percentages; a file of proportions (every share ≤ 1) is converted and said so.

The rows replace those of the same survey year in the version; the other years are kept.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from config import load_toml
from geodata.errors import DataValidationError, located
from geodata.housing import coerce_table
from geodata.import_report import SourceReport
from geodata.official.contours import find_column
from geodata.parsing import parse_numbers
from geodata.placement import epci_commune_codes
from geodata.schemas import OCCUPANCY, OCCUPANCY_COMMUNES, OCCUPANCY_SHARES, validate_table
from geodata.tabular import read_all

KIND = "ops"


class OpsRead(NamedTuple):
    """An OPS file read: its level (table name), its rows, the line of each row, the report."""

    level: str
    frame: pd.DataFrame
    lines: np.ndarray
    report: SourceReport


LABELS = {
    "occupancy": "enquête OPS par résidence",
    "occupancy_communes": "enquête OPS par commune",
}


def _columns(header: list[str], settings: dict) -> dict[str, str | None]:
    return {f: find_column(header, v) for f, v in settings["columns"].items()}


def _year(raw, columns, survey_year, name) -> np.ndarray:
    if columns["survey_year"] is None:
        if survey_year is None:
            raise DataValidationError(
                f"fichier « {name} », ligne 1 : pas de colonne d'année d'enquête, attendu une "
                "colonne « annee » ou l'année de l'enquête OPS indiquée avec le fichier.",
                file=name,
                line=1,
                column="annee",
                expected="l'année de l'enquête",
            )
        return np.full(len(raw.frame), float(survey_year))
    text = raw.frame[columns["survey_year"]].fillna("").astype(str).str.strip()
    years, bad = parse_numbers(text)
    bad |= text.eq("").to_numpy()
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise located(
            "une année d'enquête (par exemple 2024)",
            file=name,
            line=int(raw.lines[row]),
            column=columns["survey_year"],
            value=text.iloc[row],
        )
    return years


def _shares(raw, columns, missing_words, name, report) -> pd.DataFrame:
    out = {}
    withheld = 0
    for share in OCCUPANCY_SHARES:
        column = columns.get(share)
        if column is None:
            out[share] = np.full(len(raw.frame), np.nan)
            continue
        text = raw.frame[column].fillna("").astype(str).str.strip().str.rstrip("%").str.strip()
        secret = text.str.lower().isin(missing_words).to_numpy()
        withheld += int(secret.sum())
        values, bad = parse_numbers(text.where(~secret, ""))
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise located(
                "une part en % (par exemple 12,5), ou une cellule vide ou « s » si elle est "
                "couverte par le secret statistique",
                file=name,
                line=int(raw.lines[row]),
                column=column,
                value=raw.frame[column].iloc[row],
            )
        out[share] = values
    frame = pd.DataFrame(out, index=raw.frame.index)
    present = frame.to_numpy(dtype=float)
    finite = present[np.isfinite(present)]
    if finite.size and finite.max() <= 1.0 and finite.max() > 0:
        frame = frame * 100.0
        report.notes.append("Parts lues comme des proportions (toutes ≤ 1) : converties en %.")
    if withheld:
        report.notes.append(f"{withheld} valeur(s) couverte(s) par le secret laissée(s) vide(s).")
    if not any(columns.get(s) for s in OCCUPANCY_SHARES):
        raise DataValidationError(
            f"fichier « {name} », ligne 1 : aucune colonne de parts de ménages, attendu au moins "
            "l'une des colonnes de config/ops.toml (par exemple « res_below_40_pct »).",
            file=name,
            line=1,
            expected="des colonnes de parts de ménages",
        )
    return frame


def convert_ops(
    path: str | Path, name: str | None = None, *, survey_year: int | None = None
) -> OpsRead:
    """Read an OPS table by residence or by commune.

    Parameters
    ----------
    path : str or Path
        CSV, Excel or Parquet.
    name : str, optional
        File name quoted in messages.
    survey_year : int, optional
        Year of the survey when the file has no year column.

    Returns
    -------
    OpsRead
        The table name (``occupancy`` or ``occupancy_communes``), its rows (typed), the line of
        each row in the file and the report.

    Raises
    ------
    DataValidationError
        Missing columns, unreadable values, duplicate rows…
    """
    path = Path(path)
    name = name or path.name
    settings = load_toml("ops.toml")
    missing_words = {w.lower() for w in settings.get("cells", {}).get("missing_words", [])}
    raw = read_all(path, name)
    columns = _columns(raw.header, settings)
    if columns["residence_id"] is not None:
        level, key, table = "occupancy", "residence_id", OCCUPANCY
    elif columns["commune_code"] is not None:
        level, key, table = "occupancy_communes", "commune_code", OCCUPANCY_COMMUNES
    else:
        raise DataValidationError(
            f"fichier « {name} », ligne 1 : ni identifiant de résidence ni code commune, "
            "attendu une colonne « residence_id » (OPS par résidence) ou « commune_code » / "
            "« DEPCOM » (OPS par commune).",
            file=name,
            line=1,
            column="residence_id",
            expected="une colonne d'identifiant de résidence ou de commune",
        )
    report = SourceReport(name, KIND, LABELS[level], raw.format.label)
    report.rows_read = len(raw.frame)
    if raw.frame.empty:
        raise DataValidationError(
            f"fichier « {name} », ligne 2 : aucune ligne de données après l'en-tête, attendu "
            "au moins "
            "une ligne de l'enquête.",
            file=name,
            line=2,
            expected="au moins une ligne",
        )
    keys = raw.frame[columns[key]].fillna("").astype(str).str.strip()
    lines = raw.lines
    keep = np.ones(len(keys), dtype=bool)
    if level == "occupancy_communes":
        keep = keys.isin(epci_commune_codes()).to_numpy()
        report.rows_left_aside = int((~keep).sum())
    households_text = (
        raw.frame[columns["n_households"]].fillna("").astype(str).str.strip()
        if columns["n_households"]
        else pd.Series("", index=raw.frame.index)
    )
    households, bad = parse_numbers(
        households_text.where(~households_text.str.lower().isin(missing_words), "")
    )
    if columns["n_households"] is None or bad.any() or np.isnan(households).any():
        row = int(np.flatnonzero(bad | np.isnan(households))[0]) if len(households) else 0
        raise located(
            "un nombre de ménages enquêtés",
            file=name,
            line=int(lines[row]) if len(lines) else 2,
            column=columns["n_households"] or "n_households",
            value=households_text.iloc[row] if len(households_text) else "",
        )
    frame = pd.DataFrame(
        {
            key: keys.where(keys.ne(""), None),
            "survey_year": _year(raw, columns, survey_year, name),
            "n_households": households,
        }
    )
    frame = pd.concat([frame, _shares(raw, columns, missing_words, name, report)], axis=1)
    frame, lines = frame[keep].reset_index(drop=True), lines[keep]
    headers = {field: column for field, column in columns.items() if column is not None}
    shown = pd.DataFrame(
        {field: raw.frame[column].fillna("").astype(str) for field, column in headers.items()}
    )[keep].reset_index(drop=True)
    validate_table(frame, table, file=name, lines=lines, shown=shown, headers=headers)
    typed = coerce_table(frame[table.names].copy(), table)
    report.rows_kept = len(typed)
    years = sorted(int(y) for y in typed["survey_year"].unique())
    report.notes.append(
        f"Enquête{'s' if len(years) > 1 else ''} {', '.join(map(str, years))} : les lignes des "
        "mêmes années remplacent celles de la version courante, les autres années sont gardées."
    )
    return OpsRead(level, typed, lines, report)
