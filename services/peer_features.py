"""Structural and contextual features of the residences, from which the peer groups are formed.

``config/peers.toml`` lists the features (``[groups.features.*]``) with a comment saying how each
is derived; :func:`peer_features` derives them from the residences table. Occupancy never enters:
a configured occupancy column is refused, since the flags judge occupancy against the peers.

The distance to the centre (``dist_centre_m``) is measured in Lambert-93 (EPSG:2154) from each
residence's point to the approximate centre of the « Centre-ville » quartier of Poitiers
(46.5805 N, 0.3404 E, beside the hôtel de ville; :data:`geodata.quartiers.QUARTIER_SEEDS`).
"""

from __future__ import annotations

from collections.abc import Callable

import geopandas as gpd
import numpy as np
import pandas as pd

from geodata.communes import CRS_LAMBERT93, CRS_WGS84
from geodata.quartiers import QUARTIER_SEEDS
from geodata.schemas import OCCUPANCY_SHARES
from scoring.peers import PeerSettings, load_peer_settings

CENTRE_NAME = "Centre-ville"
EQUIPMENT_COLUMNS = ("dist_school_m", "dist_shops_m", "dist_health_m", "dist_transit_m")
OCCUPANCY_COLUMNS = frozenset({*OCCUPANCY_SHARES, "n_households", "ops_survey_year"})


def centre_point() -> tuple[float, float]:
    """Latitude and longitude of the centre of Poitiers used by ``dist_centre_m``.

    The approximate centre of the « Centre-ville » quartier in
    :data:`geodata.quartiers.QUARTIER_SEEDS` (46.5805 N, 0.3404 E), beside the hôtel de ville.
    """
    for name, lat, lon in QUARTIER_SEEDS:
        if name == CENTRE_NAME:
            return lat, lon
    raise LookupError(f"quartier « {CENTRE_NAME} » absent de QUARTIER_SEEDS.")


def _numeric(residences: pd.DataFrame, column: str) -> np.ndarray:
    if column not in residences.columns:
        raise ValueError(f"résidences : colonne « {column} » absente.")
    values = residences[column]
    if pd.api.types.is_bool_dtype(values.dtype):
        return values.to_numpy(dtype=float)
    converted = pd.to_numeric(values, errors="coerce")
    bad = converted.isna() & values.notna()
    if bad.any():
        raise ValueError(
            f"résidences : valeur « {values[bad].iloc[0]} » non numérique dans « {column} »."
        )
    return converted.to_numpy(dtype=float, na_value=np.nan)


def _share_of_dwellings(*columns: str) -> Callable[[pd.DataFrame, PeerSettings], np.ndarray]:
    def derive(residences: pd.DataFrame, settings: PeerSettings) -> np.ndarray:
        total = _numeric(residences, "n_dwellings")
        units = sum(_numeric(residences, c) for c in columns)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(total > 0, 100.0 * units / total, np.nan)

    return derive


def distance_to_centre(residences: pd.DataFrame) -> np.ndarray:
    """Distance in metres from each residence's point to the centre of Poitiers.

    Computed in Lambert-93 (EPSG:2154) from the residence geometry, whatever its CRS, to the
    point of :func:`centre_point`; NaN for a missing or empty geometry.

    Parameters
    ----------
    residences : geopandas.GeoDataFrame
        Residences with point geometries and a declared CRS.

    Returns
    -------
    numpy.ndarray
        One distance per row, in metres.
    """
    has_geometry = isinstance(residences, gpd.GeoDataFrame) and (
        residences.active_geometry_name is not None
    )
    if not has_geometry:
        raise ValueError(
            "résidences : géométrie absente, nécessaire à la distance au centre de Poitiers "
            "(dist_centre_m) ; attendu un GeoDataFrame de points."
        )
    if residences.crs is None:
        raise ValueError("résidences : système de coordonnées absent (attendu un CRS déclaré).")
    lat, lon = centre_point()
    centre = gpd.GeoSeries(gpd.points_from_xy([lon], [lat]), crs=CRS_WGS84).to_crs(CRS_LAMBERT93)
    points = residences.geometry.to_crs(CRS_LAMBERT93)
    distance = points.distance(centre.iloc[0]).to_numpy(dtype=float)
    missing = (points.isna() | points.is_empty).to_numpy()
    return np.where(missing, np.nan, distance)


def _dist_centre(residences: pd.DataFrame, settings: PeerSettings) -> np.ndarray:
    return distance_to_centre(residences)


def _equipment(residences: pd.DataFrame, settings: PeerSettings) -> np.ndarray:
    values = np.column_stack([_numeric(residences, c) for c in EQUIPMENT_COLUMNS])
    known = ~np.isnan(values)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(known, values, 0.0).sum(axis=1) / known.sum(axis=1)


def _psp_level(residences: pd.DataFrame, settings: PeerSettings) -> np.ndarray:
    levels = dict(settings.grouping.psp_levels)
    values = residences["psp_class"].astype(object)
    unknown = sorted({str(v) for v in values.dropna() if v not in levels})
    if unknown:
        raise ValueError(
            "résidences : classe(s) PSP inconnue(s) "
            + ", ".join(f"« {u} »" for u in unknown)
            + f" (attendu : {', '.join(levels)} ; voir [groups.psp_levels])."
        )
    return values.map(levels).to_numpy(dtype=float, na_value=np.nan)


# How each configured feature is derived; any other configured feature is read as it is.
DERIVATIONS: dict[str, Callable[[pd.DataFrame, PeerSettings], np.ndarray]] = {
    "small_units_pct": _share_of_dwellings("n_t1", "n_t2"),
    "large_units_pct": _share_of_dwellings("n_t4", "n_t5_plus"),
    "dist_centre_m": _dist_centre,
    "equipment_dist_m": _equipment,
    "psp_intervention_level": _psp_level,
}


def peer_features(residences: pd.DataFrame, settings: PeerSettings | None = None) -> pd.DataFrame:
    """Structural and contextual features of each residence, as configured in ``peers.toml``.

    Derivations (``[groups.features.*]``, in the configured order):

    - ``small_units_pct`` = 100 × (``n_t1`` + ``n_t2``) / ``n_dwellings``;
    - ``large_units_pct`` = 100 × (``n_t4`` + ``n_t5_plus``) / ``n_dwellings``;
    - ``dist_centre_m``: distance in Lambert-93 to the centre of Poitiers
      (:func:`distance_to_centre`);
    - ``equipment_dist_m``: mean of the available ``dist_school_m``, ``dist_shops_m``,
      ``dist_health_m`` and ``dist_transit_m``;
    - ``psp_intervention_level``: ``psp_class`` through ``[groups.psp_levels]``;
    - any other feature (``n_dwellings``, ``year_built``, ``rent_eur_m2``, ``is_qpv``…) is the
      residence column of that name, booleans as 0/1.

    Parameters
    ----------
    residences : pandas.DataFrame
        One row per residence (``geodata.housing.load_residences()``); a GeoDataFrame when
        ``dist_centre_m`` is configured.
    settings : PeerSettings, optional
        ``config/peers.toml`` when absent.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``residence_id`` (input order), one float column per configured feature;
        NaN where a value is missing (imputed by the grouping).

    Raises
    ------
    ValueError
        On a configured occupancy column (groups are never formed on occupancy), a missing
        column, a non-numeric value or an unknown PSP class.
    """
    settings = load_peer_settings() if settings is None else settings
    occupancy = OCCUPANCY_COLUMNS | {i.column for i in settings.fragility_indicators}
    names = settings.grouping.feature_names
    forbidden = [n for n in names if n in occupancy]
    if forbidden:
        raise ValueError(
            "caractéristiques des groupes de pairs : "
            + ", ".join(f"« {n} »" for n in forbidden)
            + " décri(ven)t l'occupation ; les groupes se forment sur la structure et le "
            "contexte des résidences, jamais sur leur occupation."
        )
    if "residence_id" not in residences.columns:
        raise ValueError("résidences : colonne « residence_id » absente.")
    index = pd.Index(residences["residence_id"].astype(str).to_numpy(), name="residence_id")
    if index.has_duplicates:
        raise ValueError(f"résidences : identifiant en double « {index[index.duplicated()][0]} ».")
    columns = {
        name: DERIVATIONS[name](residences, settings)
        if name in DERIVATIONS
        else _numeric(residences, name)
        for name in names
    }
    return pd.DataFrame(columns, index=index)
