"""Assemble the tables of a new dataset version and check them all together.

An import supplies some tables (own-format files or converted official files); the others are
carried over from the current version, or are the demo tables. :func:`assemble` builds the new
version's tables and applies the rules that tie them together:

- residences converted from the RPLS get their quartier, QPV membership and distances to the
  equipment from the version's layers (quartier outlines, imported or schematic; QPV outlines;
  equipment points); a layer supplied on its own recomputes what it derives for the imported
  residences already there, and says so;
- own-format residences keep their quartier codes, which must be quartiers of the version
  located in the residence's commune;
- the tables tied to residences (occupancy, vacancies, attributions, departures) must only name
  residences of the version, and attributions and departures only vacancies of the version. A
  supplied file that does not is refused (file, line, column, value). Rows carried over from the
  current version that no longer match are refused too, unless the caller asked to drop them
  (``drop_orphans``), which is then reported. Demo tables never describe imported residences:
  once residences are imported, the demo tables tied to them are replaced by empty tables, which
  become the demo tables again when the residences are given back to the demo.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from geodata import versions
from geodata.communes import CRS_LAMBERT93, CRS_WGS84
from geodata.errors import DataValidationError, located
from geodata.housing import HOUSING_TABLES, coerce_table, load_demo_table, load_table
from geodata.layers import LAYERS, load_layer
from geodata.placement import polygon_codes
from geodata.proximity import load_families, nearest_distances
from geodata.quartiers import load_quartiers, schematic_quartiers
from geodata.schemas import TABLES, validate_table

LINKED_TABLES = ("occupancy", "vacancies", "attributions", "departures")
DATASET_TABLES = (*HOUSING_TABLES, *LAYERS)
MAX_LISTED = 5


@dataclass
class Supplied:
    """What an import brings.

    Attributes
    ----------
    frames : dict
        Table or layer name → typed frame (validated on its own already).
    files : dict
        Table or layer name → name of the file it was read from (for messages).
    lines : dict
        Table name → line of each row in its file (own-format files only).
    derived_residences : bool
        The residences were converted from the RPLS: their quartier, QPV and distances are
        derived from the layers of the version.
    reset : tuple of str
        Tables to give back to the demo data.
    keep_from_base : dict
        Table name → function of the current version's rows giving the mask of those to keep
        beside the supplied rows (an OPS survey replaces its own year only; GTFS stops replace
        the stops only). Tables not listed are replaced whole.
    """

    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    lines: dict[str, np.ndarray] = field(default_factory=dict)
    derived_residences: bool = False
    reset: tuple[str, ...] = ()
    keep_from_base: dict = field(default_factory=dict)


@dataclass
class Assembly:
    """The tables of a new version: frames of the tables it holds, origin of every table."""

    frames: dict[str, pd.DataFrame]
    origins: dict[str, str]
    notes: list[str]


def empty_table(name: str) -> pd.DataFrame:
    """A table of the data dictionary with no row and the right dtypes."""
    table = TABLES[name]
    frame = pd.DataFrame(
        {c: pd.Series([], dtype=object) for c in table.all_names if c != "geometry"}
    )
    return coerce_table(frame, table)


def _load_base(base: versions.VersionInfo | None) -> tuple[dict, dict]:
    frames, origins = {}, {}
    for name in DATASET_TABLES:
        origin = base.origin(name) if base is not None else "demo"
        origins[name] = origin
        if origin == "demo":
            continue
        if name in HOUSING_TABLES:
            frames[name] = load_table(name, base.path)
        elif name == "quartiers":
            frames[name] = load_quartiers(base.path)
        else:
            frames[name] = load_layer(name, base.path)
    return frames, origins


def _lambert(residences: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    projected = residences.geometry.to_crs(CRS_LAMBERT93)
    return projected.x.to_numpy(), projected.y.to_numpy()


def _quartiers_of(frames: dict, origins: dict) -> gpd.GeoDataFrame:
    if origins["quartiers"] != "demo":
        return frames["quartiers"]
    return schematic_quartiers()


def _derive_quartiers(res, quartiers, recompute: bool, supplied: Supplied, notes: list) -> None:
    communes = dict(zip(quartiers["quartier_code"], quartiers["commune_code"], strict=True))
    if recompute:
        xs, ys = _lambert(res)
        codes = polygon_codes(xs, ys, quartiers, "quartier_code")
        same_commune = np.array(
            [
                c is not None and communes.get(c) == r
                for c, r in zip(codes, res["commune_code"], strict=True)
            ],
            dtype=bool,
        )
        codes = np.where(same_commune, codes, None)
        before = res["quartier_code"].astype(object).where(res["quartier_code"].notna(), None)
        changed = int((before.to_numpy() != codes).sum())
        res["quartier_code"] = pd.Series(codes, index=res.index, dtype=object)
        if not supplied.derived_residences:
            notes.append(
                f"Quartier recalculé d'après les contours importés : {changed} résidence(s) "
                "changent de quartier."
            )
        return
    if "residences" not in supplied.frames:
        return
    file = supplied.files.get("residences")
    lines = supplied.lines.get("residences")
    pairs = zip(res["quartier_code"], res["commune_code"], strict=True)
    for row, (code, commune) in enumerate(pairs):
        if pd.isna(code):
            continue
        line = int(lines[row]) if lines is not None else row + 2
        if code not in communes:
            raise located(
                "le code d'un quartier des contours de la version ("
                + ", ".join(sorted(communes)[:MAX_LISTED])
                + ("…" if len(communes) > MAX_LISTED else "")
                + ") ou une cellule vide",
                file=file,
                line=line,
                column="quartier_code",
                value=code,
                problem="quartier inconnu",
            )
        if communes[code] != commune:
            raise located(
                f"un quartier de la commune de la résidence ({commune})",
                file=file,
                line=line,
                column="quartier_code",
                value=code,
                problem=f"quartier de la commune {communes[code]}",
            )


def _derive_qpv(res, qpv: pd.DataFrame, supplied: Supplied, notes: list) -> None:
    xs, ys = _lambert(res)
    codes = polygon_codes(xs, ys, qpv, "qpv_code")
    inside = np.array([c is not None for c in codes], dtype=bool)
    before = res["is_qpv"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    res["qpv_code"] = pd.Series(codes, index=res.index, dtype=object)
    res["is_qpv"] = inside
    if not supplied.derived_residences:
        notes.append(
            f"Appartenance aux QPV recalculée d'après les contours importés : {int(inside.sum())} "
            f"résidence(s) en QPV, {int((before != inside).sum())} changement(s)."
        )


def _derive_distances(res, equipment: pd.DataFrame, supplied: Supplied, notes: list) -> None:
    xs, ys = _lambert(res)
    for column, values in nearest_distances(xs, ys, equipment).items():
        res[column] = values
    if not supplied.derived_residences:
        labels = ", ".join(f.label for f in load_families().values())
        notes.append(
            f"Distances aux équipements ({labels}) recalculées pour {len(res)} résidence(s) "
            "d'après les équipements importés."
        )


def _derive(frames: dict, origins: dict, supplied: Supplied, notes: list) -> None:
    if origins["residences"] == "demo":
        return
    res = frames["residences"].copy()
    recompute = supplied.derived_residences or "quartiers" in supplied.frames
    _derive_quartiers(res, _quartiers_of(frames, origins), recompute, supplied, notes)
    if origins["qpv"] != "demo" and (supplied.derived_residences or "qpv" in supplied.frames):
        _derive_qpv(res, frames["qpv"], supplied, notes)
    if origins["equipment"] != "demo" and (
        supplied.derived_residences or "equipment" in supplied.frames
    ):
        _derive_distances(res, frames["equipment"], supplied, notes)
    table = TABLES["residences"]
    res = gpd.GeoDataFrame(coerce_table(res[table.all_names].copy(), table), crs=CRS_WGS84)
    validate_table(res, table, file=supplied.files.get("residences", "residences"), first_line=2)
    frames["residences"] = res


def _unknown(frame: pd.DataFrame, column: str, known: set) -> np.ndarray:
    values = frame[column]
    return (values.notna() & ~values.isin(known)).to_numpy()


def _check_supplied(name: str, column: str, known: set, supplied: Supplied, target: str) -> None:
    frame = supplied.frames[name]
    bad = _unknown(frame, column, known)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        lines = supplied.lines.get(name)
        raise located(
            f"l'identifiant d'une {target} de la version importée",
            file=supplied.files.get(name, name),
            line=int(lines[row]) if lines is not None else row + 2,
            column=column,
            value=frame[column].iloc[row],
            problem=f"{target} inconnue",
        )


def _carried_orphans(
    name: str, frame: pd.DataFrame, column: str, known: set, drop: bool, notes: list, target: str
) -> pd.DataFrame:
    bad = _unknown(frame, column, known)
    if not bad.any():
        return frame
    label = TABLES[name].label
    values = frame[column]
    missing = sorted(set(values[bad].astype(str)))
    listed = ", ".join(missing[:MAX_LISTED]) + ("…" if len(missing) > MAX_LISTED else "")
    if drop:
        notes.append(
            f"Table « {label} » : {int(bad.sum())} ligne(s) de la version précédente écartée(s), "
            f"rattachée(s) à {len(missing)} {target}(s) absente(s) ({listed})."
        )
        return frame[~bad].reset_index(drop=True)
    row = int(np.flatnonzero(bad)[0])
    raise DataValidationError(
        f"table « {label} » de la version courante, ligne {row + 1}, colonne « {column} », "
        f"valeur « {values.iloc[row]} » : {int(bad.sum())} ligne(s) rattachée(s) à "
        f"{len(missing)} {target}(s) absente(s) des données importées ({listed}), attendu des "
        f"{target}s présentes : importez aussi cette table, ou acceptez d'écarter ces lignes "
        "(option --ecarter-orphelins).",
        file=f"{name}.parquet",
        line=row + 1,
        column=column,
        value=str(values.iloc[row]),
        expected=f"une {target} présente",
    )


def _carried(name: str, frames: dict, origins: dict, supplied: Supplied) -> pd.DataFrame | None:
    """Rows of the current version kept beside the supplied ones (None when replaced whole)."""
    if origins[name] == "demo" or name not in frames:
        return None
    if name not in supplied.frames:
        return frames[name]
    keep = supplied.keep_from_base.get(name)
    return frames[name][keep(frames[name])].reset_index(drop=True) if keep else None


def _link(name, known, carried, supplied: Supplied, drop: bool, notes: list) -> pd.DataFrame:
    """Supplied rows (checked) and carried rows (orphans refused or dropped) of a linked table."""
    if name in supplied.frames:
        _check_supplied(name, "residence_id", known, supplied, "résidence")
    if carried is not None:
        carried = _carried_orphans(name, carried, "residence_id", known, drop, notes, "résidence")
    parts = [f for f in (carried, supplied.frames.get(name)) if f is not None]
    frame = pd.concat([p for p in parts if len(p)] or parts[:1], ignore_index=True)
    table = TABLES[name]
    return frame.sort_values(list(table.key), ignore_index=True) if table.key else frame


def _linked_tables(
    frames: dict, base_origins: dict, origins: dict, supplied: Supplied, drop: bool, notes: list
) -> None:
    res = frames["residences"] if origins["residences"] != "demo" else None
    ids = set((res if res is not None else load_demo_table("residences"))["residence_id"])
    for name in LINKED_TABLES:
        if origins[name] == "demo" and name not in supplied.frames:
            if origins["residences"] != "demo":
                origins[name] = "empty"
                frames[name] = empty_table(name)
                notes.append(
                    f"Table « {TABLES[name].label} » : vide (les données de démonstration "
                    "décrivent des résidences fictives ; importez-la pour la remplir)."
                )
            continue
        carried = _carried(name, frames, base_origins, supplied)
        frames[name] = _link(name, ids, carried, supplied, drop, notes)
        if name in supplied.frames:
            origins[name] = "imported"
    vacancies = frames["vacancies"] if origins["vacancies"] != "demo" else None
    vacancy_ids = vacancies if vacancies is not None else load_demo_table("vacancies")
    known = set(vacancy_ids["vacancy_id"])
    for name in ("attributions", "departures"):
        if origins[name] == "demo":
            continue
        if name in supplied.frames:
            _check_supplied(name, "vacancy_id", known, supplied, "période de vacance")
        frames[name] = _carried_orphans(
            name, frames[name], "vacancy_id", known, drop, notes, "période de vacance"
        )


def assemble(
    supplied: Supplied, base: versions.VersionInfo | None, *, drop_orphans: bool = False
) -> Assembly:
    """The tables of the version that replaces ``base`` with what ``supplied`` brings.

    Parameters
    ----------
    supplied : Supplied
        Tables and layers of the import (already read and checked one by one).
    base : VersionInfo or None
        The current version (None: the demo data).
    drop_orphans : bool, default False
        Drop the rows carried over from ``base`` that name residences or vacancies the new
        version no longer has (reported), instead of refusing the import.

    Returns
    -------
    Assembly

    Raises
    ------
    DataValidationError
        When the tables do not hold together (unknown residence, quartier or vacancy).
    """
    frames, origins = _load_base(base)
    base_origins = dict(origins)
    notes: list[str] = []
    reset = set(supplied.reset)
    if "residences" in reset:  # the flows emptied for real residences follow the demo back
        reset |= {n for n in LINKED_TABLES if origins[n] == "empty"}
    for name in reset:
        origins[name] = "demo"
        frames.pop(name, None)
    for name, frame in supplied.frames.items():
        if name in LINKED_TABLES:
            continue  # merged with the carried rows once the residences are known
        carried = _carried(name, frames, base_origins, supplied)
        if carried is not None and len(carried):
            frame = pd.concat([carried, frame], ignore_index=True)
        frames[name] = frame
        origins[name] = "imported"
    _derive(frames, origins, supplied, notes)
    _linked_tables(frames, base_origins, origins, supplied, drop_orphans, notes)
    return Assembly({n: f for n, f in frames.items() if origins[n] != "demo"}, origins, notes)
