"""Distance from each residence to the nearest equipment of each family, with a spatial index.

The families (school, health, shops, transit) and the residence column each one fills are those
of ``config/equipment.toml``. Distances are straight lines in Lambert-93, computed with a
:class:`scipy.spatial.cKDTree` per family: a few milliseconds for thousands of residences and
equipment points. A family without any point leaves its column missing (the cotation then leaves
the indicator out for every residence rather than inventing a value).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from config import ConfigError, load_toml
from geodata.schemas import EQUIPMENT_FAMILIES, RESIDENCES


@dataclass(frozen=True)
class Family:
    """An equipment family of ``config/equipment.toml``."""

    code: str
    column: str
    label: str
    typequ: tuple[str, ...]
    gtfs_stops: bool


def load_families() -> dict[str, Family]:
    """The equipment families, checked (columns of the residences table, known families).

    Raises
    ------
    ConfigError
        French message naming the key at fault.
    """
    raw = load_toml("equipment.toml").get("families", {})
    families = {}
    for code, entry in raw.items():
        where = f"config/equipment.toml, [families.{code}]"
        if code not in EQUIPMENT_FAMILIES:
            raise ConfigError(
                f"{where} : famille inconnue, attendu {', '.join(EQUIPMENT_FAMILIES)}."
            )
        column = entry.get("column")
        if column not in RESIDENCES.names or not str(column).startswith("dist_"):
            raise ConfigError(f"{where} « column » : attendu une colonne dist_… des résidences.")
        typequ = entry.get("typequ", [])
        if not isinstance(typequ, list) or not all(isinstance(t, str) for t in typequ):
            raise ConfigError(f"{where} « typequ » : attendu une liste de codes TYPEQU.")
        families[code] = Family(
            code,
            column,
            str(entry.get("label", code)),
            tuple(t.strip().upper() for t in typequ),
            bool(entry.get("gtfs_stops", False)),
        )
    return families


def typequ_families() -> dict[str, str]:
    """Family of each configured BPE type (``C108`` → ``school``)."""
    return {t: f.code for f in load_families().values() for t in f.typequ}


def nearest_distances(
    xs: np.ndarray, ys: np.ndarray, equipment: pd.DataFrame
) -> dict[str, np.ndarray]:
    """Distance (m) from each Lambert-93 point to the nearest equipment of each family.

    Parameters
    ----------
    xs, ys : numpy.ndarray
        Lambert-93 coordinates of the residences.
    equipment : pandas.DataFrame
        The ``equipment`` layer: ``family``, ``x_l93_m``, ``y_l93_m``.

    Returns
    -------
    dict
        Residence column (``dist_school_m``…) → distances rounded to the metre; NaN for every
        residence when the family has no point.
    """
    points = np.column_stack([np.asarray(xs, float), np.asarray(ys, float)])
    out = {}
    for family in load_families().values():
        members = equipment[equipment["family"] == family.code]
        if members.empty or not len(points):
            out[family.column] = np.full(len(points), np.nan)
            continue
        tree = cKDTree(members[["x_l93_m", "y_l93_m"]].to_numpy(dtype=float))
        distances, _ = tree.query(points, k=1)
        out[family.column] = np.round(distances)
    return out
