"""RPLS at dwelling level (SDES open data, or the « version loi » sent to the EPCI) → residences.

The file is read as a stream of chunks (memory stays bounded on a national file of millions of
dwellings). Both layouts are read: the older one (``DEPCOM, LIBCOM, NUMVOIE, TYPVOIE, NOMVOIE,
… QPV, TYPECONST, NBPIECE, SURFHAB, CONSTRUCT, … FINAN, … DPEENERGIE, … X, Y``) and the 2023
model (``*_CODE`` / ``*_LIBELLE`` pairs, ``PLG_IRIS2024_CODE``, ``QUALITE_XY``); the header
variants are listed in ``config/rpls.toml``.

Each dwelling of the Grand Poitiers' 40 communes (the others are left aside and counted) is
checked; a dwelling is rejected, with the line, the column, the value and what was expected, when
its rooms (``NBPIECE``), surface (``SURFHAB``), year of construction (``CONSTRUCT``) or point
(``X``, ``Y`` in the declared ``EPSG``, inside its commune) cannot be read. Values that only
qualify a dwelling — DPE label, financing, QPV flag, rent — are ignored when unreadable, and
counted. The kept dwellings are grouped into residences (:mod:`geodata.official.grouping`),
which get the stock (dwellings by typology), the mean surface, the most frequent year of
construction, DPE label and financing family, the QPV flag of most of their dwellings, the mean
rent per m² when the file has rents (« version loi »), and their point (mean of the dwellings').
The bailleur is not in the open file: the label of ``config/rpls.toml`` stands for it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from config import load_toml
from geodata.communes import CRS_LAMBERT93, CRS_WGS84
from geodata.errors import DataValidationError
from geodata.housing import coerce_table
from geodata.import_report import SourceReport
from geodata.official.contours import find_column
from geodata.official.grouping import (
    DPE_COLUMNS,
    TYPOLOGY_COLUMNS,
    GroupingSettings,
    dwelling_keys,
    load_grouping,
    residences_from_partials,
)
from geodata.official.rows import RowChecker, per_distinct
from geodata.parsing import parse_numbers
from geodata.placement import (
    check_epsg,
    commune_names,
    epci_commune_codes,
    locate,
    placement_problem,
    to_lambert93,
)
from geodata.schemas import FINANCING_FAMILIES, RESIDENCES, validate_table
from geodata.tabular import open_table

KIND = "rpls"
LAYOUT_LABELS = {
    "2023": "RPLS au logement (modèle 2023, colonnes *_CODE / *_LIBELLE)",
    "ancien": "RPLS au logement (modèle antérieur à 2023)",
}
REQUIRED = ("commune_code", "rooms", "surface_m2", "year_built", "x", "y")
MISSING_WORDS = {"", "-", "NC", "NR", "ND", "N", "SO", "0", "NON RENSEIGNE", "SANS"}
DPE_LABELS = tuple("ABCDEFG")
QPV_TRUE = {"1", "OUI", "O", "QPV", "TRUE", "VRAI"}
QPV_FALSE = {"", "0", "2", "NON", "N", "HORS QPV", "FALSE", "FAUX"}
LABEL_FAMILIES = (
    ("INTEGRATION", "PLAI"),
    ("PLAI", "PLAI"),
    ("TRES SOCIAL", "PLAI"),
    ("LOYER MINORE", "PLAI"),
    ("PLUS", "PLUS"),
    ("PLA ORDINAIRE", "PLUS"),
    ("PLS", "PLS"),
    ("PLI", "PLI"),
    ("PCL", "PLI"),
    ("HBM", "avant 1977"),
    ("HLM/O", "avant 1977"),
    ("ILM", "avant 1977"),
    ("ILN", "avant 1977"),
    ("PLR", "avant 1977"),
    ("PSR", "avant 1977"),
)
MAX_ROOMS, MIN_SURFACE, MAX_SURFACE = 20, 5.0, 400.0
MIN_RENT_M2, MAX_RENT_M2 = 0.5, 30.0
CONSOLIDATE_EVERY = 4


@dataclass(frozen=True)
class RplsSettings:
    """``config/rpls.toml`` except the grouping."""

    columns: dict[str, tuple[str, ...]]
    bailleur_columns: tuple[str, ...]
    unknown_bailleur: str
    default_epsg: int
    financing_codes: dict[str, str]


def load_rpls_settings() -> RplsSettings:
    """Read the column variants, bailleur label, default EPSG and financing codes."""
    raw = load_toml("rpls.toml")
    codes = {str(k): str(v) for k, v in raw.get("financing", {}).get("codes", {}).items()}
    for code, family in codes.items():
        if family not in FINANCING_FAMILIES:
            from config import ConfigError

            raise ConfigError(
                f"config/rpls.toml, [financing.codes] « {code} » : famille « {family} » "
                f"inconnue, attendu {', '.join(FINANCING_FAMILIES)}."
            )
    return RplsSettings(
        columns={k: tuple(v) for k, v in raw["columns"].items()},
        bailleur_columns=tuple(raw.get("bailleur", {}).get("columns", [])),
        unknown_bailleur=str(raw.get("bailleur", {}).get("unknown", "Bailleur non renseigné")),
        default_epsg=int(raw.get("coordinates", {}).get("default_epsg", 2154)),
        financing_codes=codes,
    )


def _resolve(header: list[str], settings: RplsSettings, grouping: GroupingSettings, name: str):
    columns = {f: find_column(header, v) for f, v in settings.columns.items()}
    columns["bailleur"] = find_column(header, settings.bailleur_columns)
    columns["programme"] = find_column(header, grouping.programme_columns)
    missing = [f for f in REQUIRED if columns[f] is None]
    if missing:
        wanted = [settings.columns[f][0] for f in missing]
        raise DataValidationError(
            f"fichier « {name} », ligne 1 : colonne(s) "
            + ", ".join(f"« {w} »" for w in wanted)
            + " introuvable(s), attendu un fichier RPLS au logement ("
            + ", ".join(settings.columns[f][0] for f in REQUIRED)
            + " au moins).",
            file=name,
            line=1,
            column=wanted[0],
            expected="les colonnes du RPLS au logement",
        )
    new_layout = any(str(h).upper().endswith(("_CODE", "_LIBELLE")) for h in header)
    return columns, "2023" if new_layout else "ancien"


def _numbers(chunk: RowChecker, field: str, low: float, high: float, integer: bool, expected: str):
    text = chunk.text(field)
    values, bad = parse_numbers(text)
    with np.errstate(invalid="ignore"):
        bad |= text.eq("").to_numpy() | ~np.isfinite(values) | (values < low) | (values > high)
        if integer:
            bad |= values != np.floor(values)
    chunk.reject(bad, field, expected)
    return values


def _points(
    chunk: RowChecker, settings: RplsSettings, names: dict
) -> tuple[np.ndarray, np.ndarray]:
    xs, bad_x = parse_numbers(chunk.text("x"))
    ys, bad_y = parse_numbers(chunk.text("y"))
    no_point = chunk.text("x").eq("").to_numpy() | chunk.text("y").eq("").to_numpy()
    chunk.reject(no_point, "x", "des coordonnées X et Y (logement non géolocalisé)")
    chunk.reject(bad_x | bad_y, "x", "deux nombres X et Y (coordonnées)")
    epsg_text = chunk.text("epsg")
    epsg_text = epsg_text.where(epsg_text.ne(""), str(settings.default_epsg))
    lx, ly = np.full(len(xs), np.nan), np.full(len(ys), np.nan)
    for code_text in pd.unique(epsg_text[chunk.keep]):
        rows = chunk.keep & epsg_text.eq(code_text).to_numpy()
        try:
            code = check_epsg(code_text, file=chunk.name, line=None, column="EPSG")
        except DataValidationError as exc:
            chunk.reject(rows, "epsg", exc.expected or "un code EPSG", epsg_text)
            continue
        lx[rows], ly[rows] = to_lambert93(xs[rows], ys[rows], code)
    declared = chunk.text("commune_code").to_numpy(dtype=object)
    rows = np.flatnonzero(chunk.keep)
    placement = locate(lx[rows], ly[rows], declared[rows])
    misplaced = np.flatnonzero(~placement.in_declared)
    if misplaced.size:
        mask = np.zeros(len(xs), dtype=bool)
        mask[rows[misplaced]] = True
        shown = chunk.text("x") + " ; " + chunk.text("y")
        problems = [
            placement_problem(placement, int(i), str(declared[rows[i]]), names)[0]
            for i in misplaced[:5]
        ]
        expected = "un point dans la commune du logement (colonne DEPCOM), vérifiez X, Y et EPSG"
        chunk.reject(mask, "x", expected, shown, problems)
    return lx, ly


def _financing_family(code: str, label: str, codes: dict[str, str]) -> str | None:
    family = codes.get(code.lstrip("0") or "0")
    if family is None:
        upper = label.upper()
        family = next((fam for needle, fam in LABEL_FAMILIES if needle in upper), None)
    if family is None and (code or label):
        return "autre"
    return family


def _financing(chunk: RowChecker, settings: RplsSettings) -> pd.Series:
    pairs = chunk.text("financing_code") + "\x1f" + chunk.text("financing_label")
    return per_distinct(
        pairs,
        lambda distinct: [
            _financing_family(*pair.split("\x1f", 1), settings.financing_codes) for pair in distinct
        ],
    )


def _qpv_flags(values: pd.Series) -> np.ndarray:
    """1 for a QPV code or « oui », 0 for « non » or empty, NaN when unreadable."""
    upper = values.str.upper()
    is_code = upper.str.match(r"^Q[A-Z]?\d").to_numpy(dtype=bool)
    flag = np.where(is_code | upper.isin(QPV_TRUE).to_numpy(), 1.0, np.nan)
    return np.where(upper.isin(QPV_FALSE).to_numpy(), 0.0, flag)


def _qualifiers(chunk: RowChecker, settings: RplsSettings, ignored: dict) -> pd.DataFrame:
    dpe = per_distinct(chunk.text("dpe"), lambda values: values.str.upper())
    known = dpe.isin(DPE_LABELS)
    chunk.ignore(~known & ~dpe.isin(MISSING_WORDS), "dpe", "une étiquette A à G", ignored)
    flag = per_distinct(chunk.text("qpv"), _qpv_flags).to_numpy(dtype=float)
    chunk.ignore(np.isnan(flag), "qpv", "un code de QPV, 1 / oui ou 0 / non", ignored)
    rent, _ = parse_numbers(chunk.text("rent_eur_month"))
    rent_surface, _ = parse_numbers(chunk.text("rent_surface_m2"))
    with np.errstate(invalid="ignore", divide="ignore"):
        per_m2 = rent / rent_surface
        good_rent = np.isfinite(per_m2) & (per_m2 >= MIN_RENT_M2) & (per_m2 <= MAX_RENT_M2)
    if chunk.columns.get("rent_eur_month"):
        chunk.ignore(
            ~good_rent & chunk.text("rent_eur_month").ne("").to_numpy(),
            "rent_eur_month",
            f"un loyer entre {MIN_RENT_M2:g} et {MAX_RENT_M2:g} €/m² avec SURFMODE",
            ignored,
        )
    out = pd.DataFrame(index=chunk.frame.index)
    for label, column in zip(DPE_LABELS, DPE_COLUMNS, strict=True):
        out[column] = dpe.eq(label).to_numpy(dtype=float)
    family = _financing(chunk, settings)
    for fam in FINANCING_FAMILIES:
        out[f"fin_{fam}"] = family.eq(fam).to_numpy(dtype=float)
    out["qpv_sum"] = np.nan_to_num(flag)
    out["qpv_n"] = (~np.isnan(flag)).astype(float)
    out["rent_sum"] = np.where(good_rent, rent, 0.0)
    out["rent_surf_sum"] = np.where(good_rent, rent_surface, 0.0)
    return out


class _Accumulator:
    """Partial sums per (key, point), consolidated every few chunks to bound memory.

    Keys are numbered as they come (``gid``): grouping on integers is much cheaper than on the
    long key texts; what describes a key (text, label, kind, commune, bailleur) is kept once.
    """

    DESCRIPTION = ("group_key", "label", "kind", "commune_code", "bailleur")

    def __init__(self):
        self.partials: list[pd.DataFrame] = []
        self.years: list[pd.DataFrame] = []
        self.ids: dict[str, int] = {}
        self.described: list[tuple] = []

    def _gids(self, dwellings: pd.DataFrame) -> np.ndarray:
        codes, uniques = pd.factorize(dwellings["group_key"])
        first = pd.Series(np.arange(len(codes))).groupby(codes).first().to_numpy()
        described = dwellings[list(self.DESCRIPTION)].to_numpy(dtype=object)[first]
        gids = np.empty(len(uniques), dtype=np.int64)
        for i, key in enumerate(uniques):
            gid = self.ids.get(key)
            if gid is None:
                gid = self.ids[key] = len(self.described)
                self.described.append(tuple(described[i]))
            gids[i] = gid
        return gids[codes]

    def add(self, dwellings: pd.DataFrame) -> None:
        numeric = [c for c in dwellings.columns if c not in (*self.DESCRIPTION, "px", "py", "year")]
        frame = dwellings[numeric].copy()
        frame["gid"] = self._gids(dwellings)
        frame["px"], frame["py"] = dwellings["px"].to_numpy(), dwellings["py"].to_numpy()
        group = ["gid", "px", "py"]
        self.partials.append(frame.groupby(group, sort=False)[numeric].sum())
        frame["year"] = dwellings["year"].to_numpy()
        years = frame.groupby([*group, "year"], sort=False).size().rename("n").reset_index()
        self.years.append(years)
        if len(self.partials) >= CONSOLIDATE_EVERY:
            self.consolidate()

    def consolidate(self) -> None:
        if len(self.partials) > 1:
            both = pd.concat(self.partials)
            self.partials = [both.groupby(level=[0, 1, 2], sort=False).sum()]
            years = pd.concat(self.years, ignore_index=True)
            self.years = [
                years.groupby(["gid", "px", "py", "year"], sort=False)["n"].sum().reset_index()
            ]

    def result(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Partials indexed by (key number, ``px``, ``py``) with their description (the key as
        text in ``key_text``), and the year counts, as :func:`residences_from_partials` reads
        them."""
        self.consolidate()
        described = pd.DataFrame(self.described, columns=list(self.DESCRIPTION))
        described = described.rename(columns={"group_key": "key_text"})
        partials = self.partials[0].reset_index().join(described, on="gid")
        partials = partials.rename(columns={"gid": "group_key"})
        years = self.years[0].rename(columns={"gid": "group_key"})
        return partials.set_index(["group_key", "px", "py"]), years


def _dwellings(chunk: RowChecker, settings, grouping, names, ignored, memo) -> pd.DataFrame | None:
    rooms = _numbers(chunk, "rooms", 1, MAX_ROOMS, True, f"un nombre de pièces de 1 à {MAX_ROOMS}")
    surface = _numbers(
        chunk,
        "surface_m2",
        MIN_SURFACE,
        MAX_SURFACE,
        False,
        f"une surface habitable de {MIN_SURFACE:g} à {MAX_SURFACE:g} m²",
    )
    this_year = dt.date.today().year
    year = _numbers(
        chunk, "year_built", 1500, this_year + 1, True, f"une année de 1500 à {this_year + 1}"
    )
    lx, ly = _points(chunk, settings, names)
    qualifiers = _qualifiers(chunk, settings, ignored)
    keep = chunk.keep
    if not keep.any():
        return None
    px, py = np.round(lx[keep]).astype(np.int64), np.round(ly[keep]).astype(np.int64)
    points = pd.Series(px.astype(str), dtype=object) + "," + pd.Series(py.astype(str), dtype=object)
    parts = {
        f: chunk.text(f)[keep].reset_index(drop=True)
        for f in (
            "commune_code",
            "street_number",
            "repetition",
            "street_type",
            "street_name",
            "place_name",
            "building",
            "block",
            "entrance",
            "programme",
        )
    }
    bailleur = chunk.text("bailleur")[keep].reset_index(drop=True)
    parts["bailleur"] = bailleur.where(bailleur.ne(""), settings.unknown_bailleur)
    keys = dwelling_keys(parts, points, grouping, memo)
    out = pd.concat([keys, qualifiers[keep].reset_index(drop=True)], axis=1)
    out["commune_code"] = parts["commune_code"].to_numpy()
    out["bailleur"] = parts["bailleur"].to_numpy()
    out["px"], out["py"] = px, py
    out["n"] = 1.0
    room_count = rooms[keep]
    for i, column in enumerate(TYPOLOGY_COLUMNS, start=1):
        out[column] = (room_count == i) if i < 5 else (room_count >= 5)
        out[column] = out[column].astype(float)
    out["surf_sum"] = surface[keep]
    out["year"] = year[keep].astype(int)
    return out


def _finish(acc: _Accumulator, grouping: GroupingSettings, settings, report, name):
    if not acc.partials:
        raise DataValidationError(
            f"fichier « {name} » : aucun logement des 40 communes du Grand Poitiers n'a pu être "
            "gardé, attendu des logements du Grand Poitiers (voir les lignes rejetées).",
            file=name,
            expected="des logements du Grand Poitiers",
        )
    residences, counts = residences_from_partials(*acc.result(), grouping)
    duplicates = residences["residence_id"].duplicated(keep=False)
    if duplicates.any():  # a 40-bit hash collision: keep ids unique, deterministically
        rank = residences[duplicates].groupby("residence_id").cumcount() + 1
        residences.loc[rank.index, "residence_id"] += "-" + rank.astype(str)
    names = commune_names()
    label = residences["label"].where(residences["label"].str.strip().ne(""), "Logements")
    with np.errstate(invalid="ignore", divide="ignore"):
        rent = residences["rent_sum"] / residences["rent_surf_sum"]
    qpv_share = residences["qpv_sum"] / residences["qpv_n"].where(residences["qpv_n"] > 0)
    frame = pd.DataFrame(
        {
            "residence_id": residences["residence_id"],
            "residence_name": label,
            "address": label + ", " + residences["commune_code"].map(names),
            "bailleur": residences["bailleur"],
            "commune_code": residences["commune_code"],
            "quartier_code": None,
            "is_qpv": (qpv_share >= 0.5).fillna(False).to_numpy(dtype=bool),
            "n_dwellings": residences["n"].round().astype(int),
            **{c: residences[c].round().astype(int) for c in TYPOLOGY_COLUMNS},
            "mean_surface_m2": (residences["surf_sum"] / residences["n"]).round(1),
            "year_built": residences["year_built"],
            "year_rehab": None,
            "dpe_label": residences["dpe_label"],
            "rent_eur_m2": rent.where(np.isfinite(rent)).round(2),
            "psp_class": None,
            "has_lift": None,
            "vacancy_rate_pct": np.nan,
            "rotation_rate_pct": np.nan,
            "dist_school_m": np.nan,
            "dist_shops_m": np.nan,
            "dist_health_m": np.nan,
            "dist_transit_m": np.nan,
            "tranquillity_reports_per_100": np.nan,
            "green_space_share_pct": np.nan,
            "private_rent_eur_m2": np.nan,
            "financing": residences["financing"],
            "qpv_code": None,
        }
    )
    geometry = gpd.points_from_xy(residences["x"], residences["y"], crs=CRS_LAMBERT93)
    frame = gpd.GeoDataFrame(frame, geometry=geometry).to_crs(CRS_WGS84)
    validate_table(frame, RESIDENCES, file=name, first_line=1)
    typed = coerce_table(frame[RESIDENCES.all_names].copy(), RESIDENCES)
    typed = gpd.GeoDataFrame(typed, geometry="geometry", crs=CRS_WGS84)
    _grouping_notes(report, residences, counts, grouping)
    return typed.sort_values("residence_id", ignore_index=True)


def _grouping_notes(report, residences, counts, grouping: GroupingSettings) -> None:
    dwellings = int(residences["n"].sum())
    key_words = {
        "adresse": "l'adresse normalisée",
        "batiment": "l'adresse et le bâtiment",
        "programme": "le programme",
    }
    report.notes.append(
        f"Regroupement par {key_words[grouping.key]} : {dwellings} logements → "
        f"{counts['residences']} résidences."
    )
    per_kind = residences.groupby("kind")["n"].agg(["size", "sum"])
    texts = {
        "sans numéro": "sans numéro de voie, regroupés par rue (à vérifier : une rue peut porter "
        "plusieurs résidences)",
        "lieu-dit": "sans nom de voie, regroupés par lieu-dit",
        "position": "sans adresse, regroupés par point géolocalisé",
    }
    for kind, text in texts.items():
        if kind in per_kind.index:
            size, total = per_kind.loc[kind, "size"], int(per_kind.loc[kind, "sum"])
            report.notes.append(
                f"Adresses ambiguës : {total} logements {text} → {size} résidence(s)."
            )
    if counts["split_keys"]:
        report.notes.append(
            f"Adresses ambiguës : {counts['split_keys']} adresse(s) dont les logements sont à plus "
            f"de {grouping.max_spread_m:g} m les uns des autres, séparées en "
            f"{counts['split_residences']} résidences (une par point géolocalisé)."
        )
    if counts["wide_year_gap"]:
        report.notes.append(
            f"{counts['wide_year_gap']} résidence(s) réunissent des logements construits à plus de "
            f"{grouping.max_year_gap} ans d'écart (année retenue : la plus fréquente)."
        )


def convert_rpls(
    path: str | Path,
    name: str | None = None,
    *,
    progress: Callable[[float], None] | None = None,
    chunk_rows: int = 50_000,
) -> tuple[gpd.GeoDataFrame, SourceReport]:
    """Convert an RPLS file at dwelling level into residences of the Grand Poitiers.

    Parameters
    ----------
    path : str or Path
        The RPLS file (CSV as published, any separator and encoding; Excel or Parquet too).
    name : str, optional
        File name quoted in messages.
    progress : callable, optional
        Called with the fraction of the file read (0 to 1) after each chunk.
    chunk_rows : int, default 50 000
        Dwellings read at a time.

    Returns
    -------
    tuple
        The ``residences`` table (GeoDataFrame, EPSG:4326; quartier, QPV outlines and equipment
        distances are added when the import assembles the version) and the report.

    Raises
    ------
    DataValidationError
        Unreadable file, missing columns, or no dwelling of the territory kept.
    """
    path = Path(path)
    name = name or path.name
    settings, grouping = load_rpls_settings(), load_grouping()
    fmt, header, chunks = open_table(
        path,
        name,
        chunk_rows=chunk_rows,
        columns_for=lambda h: [c for c in _resolve(h, settings, grouping, name)[0].values() if c],
    )
    columns, layout = _resolve(header, settings, grouping, name)
    report = SourceReport(name, KIND, LAYOUT_LABELS[layout], fmt.label)
    epci, names = epci_commune_codes(), commune_names()
    acc, ignored, memo = _Accumulator(), {}, {}
    for raw in chunks:
        report.rows_read += len(raw.frame)
        chunk = RowChecker(raw.frame, raw.lines, columns, report, name)
        commune = chunk.text("commune_code")
        in_epci = commune.isin(epci).to_numpy()
        well_formed = commune.str.fullmatch(r"\d{5}|2[AB]\d{3}").to_numpy(dtype=bool)
        report.rows_left_aside += int((well_formed & ~in_epci).sum())
        chunk.reject(~well_formed, "commune_code", "un code INSEE de commune de 5 caractères")
        chunk.keep &= in_epci
        if chunk.keep.any():
            dwellings = _dwellings(chunk, settings, grouping, names, ignored, memo)
            if dwellings is not None:
                report.rows_kept += len(dwellings)
                acc.add(dwellings)
        if progress is not None and fmt.lines_total:
            progress(min(1.0, float(raw.lines[-1]) / fmt.lines_total))
    for column, (count, example, expected) in ignored.items():
        line, value = example
        report.notes.append(
            f"{column} : {count} valeur(s) non reconnue(s) laissée(s) vide(s), attendu "
            f"{expected} (par exemple ligne {line}, « {value} »)."
        )
    if not columns.get("bailleur"):
        report.notes.append(
            f"Bailleur absent du fichier (RPLS public) : « {settings.unknown_bailleur} »."
        )
    if not columns.get("epsg"):
        report.notes.append(
            f"Pas de colonne EPSG : coordonnées lues en EPSG:{settings.default_epsg} "
            "(config/rpls.toml)."
        )
    return _finish(acc, grouping, settings, report, name), report
