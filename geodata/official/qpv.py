"""QPV 2024 outlines (ANCT, décret 2023-1314 corrigé par le décret 2024-806).

The published file (``QP2024_France_hexagonale_LB93.shp`` or its GeoJSON) has ``code_qp``,
``lib_qp``, ``insee_com`` (the main commune), ``lib_com``, ``insee_dep``; column names are looked
for whatever their case. The QPV touching the Grand Poitiers are kept; residences are then in a
QPV when their point falls in one of the outlines.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd

from geodata.communes import CRS_WGS84
from geodata.errors import DataValidationError
from geodata.import_report import SourceReport
from geodata.official.contours import read_polygons, require_column
from geodata.placement import epci_commune_codes, epci_outline
from geodata.schemas import QPV, validate_table

KIND = "qpv"
LABEL = "contours des quartiers prioritaires 2024 (ANCT)"
CODE = ("code_qp", "CODE_QP", "qp", "code_qpv")
NAME = ("lib_qp", "nom_qp", "libelle_qp", "nom_qpv")
COMMUNE = ("insee_com", "code_insee", "depcom", "insee_com1")


def convert_qpv(path: str | Path, name: str | None = None) -> tuple[gpd.GeoDataFrame, SourceReport]:
    """Read a QPV outline file and keep the QPV of the Grand Poitiers.

    Returns
    -------
    tuple
        The ``qpv`` layer (EPSG:4326) and the report.

    Raises
    ------
    DataValidationError
        Unreadable file, missing column, duplicate codes, no QPV in the territory.
    """
    path = Path(path)
    name = name or path.name
    features = read_polygons(path, name)
    code = require_column(features, CODE, name, "de code de QPV")
    label = require_column(features, NAME, name, "de nom de QPV")
    commune = require_column(features, COMMUNE, name, "de code commune")
    report = SourceReport(name, KIND, LABEL, "contours")
    report.rows_read = len(features)
    communes = features[commune].astype(str).str.strip()
    keep = (
        communes.isin(epci_commune_codes()).to_numpy()
        | features.geometry.intersects(epci_outline()).to_numpy()
    )
    kept = features[keep]
    if kept.empty:
        raise DataValidationError(
            f"fichier « {name} », colonne « {commune} » : aucun quartier prioritaire dans le "
            "Grand Poitiers, attendu le fichier national ou départemental des QPV 2024.",
            file=name,
            column=commune,
            expected="des QPV du Grand Poitiers",
        )
    frame = gpd.GeoDataFrame(
        {
            "qpv_code": kept[code].astype(str).str.strip().to_numpy(),
            "qpv_name": kept[label].astype(str).str.strip().to_numpy(),
            "commune_code": kept[commune].astype(str).str.strip().to_numpy(),
        },
        geometry=kept.geometry.to_numpy(),
        crs=kept.crs,
    ).to_crs(CRS_WGS84)
    validate_table(frame, QPV, file=name, lines=kept.index.to_numpy() + 1)
    report.rows_kept = len(frame)
    report.rows_left_aside = report.rows_read - report.rows_kept
    report.notes.append(
        f"{len(frame)} QPV dans le Grand Poitiers : "
        + ", ".join(f"{n} ({c})" for c, n in zip(frame["qpv_code"], frame["qpv_name"], strict=True))
        + "."
    )
    return frame.reset_index(drop=True), report
