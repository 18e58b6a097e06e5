"""IRIS outlines (IGN / INSEE « CONTOURS-IRIS ») as the quartiers of Poitiers.

Columns looked for, whatever their case: the IRIS code (``CODE_IRIS``, or ``DCOMIRIS`` in older
editions), its name (``NOM_IRIS``) and its commune (``INSEE_COM``, or ``DEPCOM``). Only the IRIS
of Poitiers are kept (the national file holds about 49 000): they become the ``quartiers`` layer,
to which each residence is assigned by point in polygon.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd

from geodata.communes import CRS_WGS84, POITIERS_CODE
from geodata.errors import DataValidationError
from geodata.import_report import SourceReport
from geodata.official.contours import read_polygons, require_column
from geodata.schemas import QUARTIERS, validate_table

KIND = "iris"
LABEL = "contours IRIS (IGN / INSEE)"
CODE = ("CODE_IRIS", "DCOMIRIS", "IRIS_CODE")
NAME = ("NOM_IRIS", "LIB_IRIS", "IRIS_NAME")
COMMUNE = ("INSEE_COM", "DEPCOM", "COM", "CODE_COM")


def convert_iris(
    path: str | Path, name: str | None = None, commune_code: str = POITIERS_CODE
) -> tuple[gpd.GeoDataFrame, SourceReport]:
    """Read an IRIS outline file and keep the IRIS of one commune as quartiers.

    Parameters
    ----------
    path : str or Path
        Shapefile (or zip), GeoJSON or GeoPackage.
    name : str, optional
        File name quoted in messages.
    commune_code : str, default "86194" (Poitiers)
        Commune whose IRIS become the quartiers.

    Returns
    -------
    tuple
        The ``quartiers`` layer (EPSG:4326, ``geometry_source`` = ``imported``) and the report.

    Raises
    ------
    DataValidationError
        Unreadable file, missing column, no IRIS for the commune, duplicate codes…
    """
    path = Path(path)
    name = name or path.name
    features = read_polygons(path, name)
    code = require_column(features, CODE, name, "de code IRIS")
    label = require_column(features, NAME, name, "de nom d'IRIS")
    commune = require_column(features, COMMUNE, name, "de code commune")
    report = SourceReport(name, KIND, LABEL, "contours")
    report.rows_read = len(features)
    kept = features[features[commune].astype(str).str.strip() == commune_code]
    if kept.empty:
        raise DataValidationError(
            f"fichier « {name} », colonne « {commune} » : aucun IRIS pour la commune "
            f"{commune_code}, attendu les IRIS de Poitiers.",
            file=name,
            column=commune,
            expected=f"des IRIS de la commune {commune_code}",
        )
    frame = gpd.GeoDataFrame(
        {
            "quartier_code": kept[code].astype(str).str.strip().to_numpy(),
            "quartier_name": kept[label].astype(str).str.strip().to_numpy(),
            "commune_code": commune_code,
            "geometry_source": "imported",
        },
        geometry=kept.geometry.to_numpy(),
        crs=kept.crs,
    ).to_crs(CRS_WGS84)
    lines = kept.index.to_numpy() + 1
    validate_table(frame, QUARTIERS, file=name, lines=lines)
    report.rows_kept = len(frame)
    report.rows_left_aside = report.rows_read - report.rows_kept
    report.notes.append(
        f"{len(frame)} IRIS de la commune {commune_code} deviennent les quartiers ; les "
        "résidences y sont rattachées par leur position."
    )
    return frame.reset_index(drop=True), report
