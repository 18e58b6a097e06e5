"""The quartiers of Poitiers: a schematic default and an importer for real outlines.

No public quartier geometry can be shipped with the product, so the default is **schematic**: the
real Poitiers polygon cut into Voronoi cells around the approximate centre of each quartier
(computed in Lambert-93, clipped to the commune). The map says so. The service habitat can replace
it with a real quartier or IRIS file (GeoJSON, GeoPackage or Shapefile, any CRS): the import
(:func:`services.data_import.import_quartier_file`) reads it with :func:`read_quartier_file` and
writes it into a new dataset version, whose outlines then replace the schematic ones everywhere.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from geodata.communes import CRS_LAMBERT93, CRS_WGS84, POITIERS_CODE, load_communes
from geodata.housing import read_version_dir
from geodata.schemas import QUARTIERS, DataValidationError, validate_table

# Approximate centres (lat, lon) of the quartiers, in a fixed order that gives their codes.
QUARTIER_SEEDS: tuple[tuple[str, float, float], ...] = (
    ("Centre-ville", 46.5805, 0.3404),
    ("Les Couronneries", 46.5885, 0.3640),
    ("Saint-Éloi", 46.6000, 0.3930),
    ("Breuil-Mingot", 46.5960, 0.4200),
    ("Beaulieu", 46.5830, 0.3810),
    ("Bel-Air", 46.5930, 0.3300),
    ("Les Trois-Cités", 46.5650, 0.3480),
    ("La Gibauderie", 46.5660, 0.3760),
    ("Montmidi", 46.5700, 0.3270),
    ("Pont-Neuf", 46.5800, 0.3570),
    ("Porteau", 46.6080, 0.3330),
    ("Saint-Cyprien", 46.5720, 0.3450),
)
IMPORTED_FILE = "quartiers.parquet"
READABLE_SUFFIXES = (".geojson", ".json", ".gpkg", ".shp", ".zip")


def quartier_code(position: int) -> str:
    """Code of the schematic quartier at ``position`` (0-based) in :data:`QUARTIER_SEEDS`."""
    return f"{POITIERS_CODE}Q{position + 1:02d}"


def schematic_quartiers(poitiers: shapely.Geometry | None = None) -> gpd.GeoDataFrame:
    """Cut the Poitiers polygon into Voronoi cells around the quartier centres.

    Parameters
    ----------
    poitiers : shapely geometry, optional
        The Poitiers polygon in EPSG:4326 (read from :func:`geodata.load_communes` by default).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per quartier, columns of the ``quartiers`` table, ``geometry_source`` =
        ``"schematic"``, EPSG:4326. The cells partition the commune exactly.
    """
    if poitiers is None:
        communes = load_communes()
        poitiers = communes.loc[communes["commune_code"] == POITIERS_CODE, "geometry"].iloc[0]
    outline = gpd.GeoSeries([poitiers], crs=CRS_WGS84).to_crs(CRS_LAMBERT93).iloc[0]
    seeds = gpd.GeoSeries(
        gpd.points_from_xy([s[2] for s in QUARTIER_SEEDS], [s[1] for s in QUARTIER_SEEDS]),
        crs=CRS_WGS84,
    ).to_crs(CRS_LAMBERT93)
    cells = shapely.voronoi_polygons(
        shapely.MultiPoint(list(seeds)), extend_to=outline.buffer(5000)
    )
    # voronoi_polygons does not keep the input order: match each cell to the seed it contains.
    by_seed = {}
    for cell in shapely.get_parts(cells):
        for position, seed in enumerate(seeds):
            if cell.contains(seed):
                by_seed[position] = shapely.make_valid(cell.intersection(outline))
    frame = gpd.GeoDataFrame(
        {
            "quartier_code": [quartier_code(i) for i in range(len(QUARTIER_SEEDS))],
            "quartier_name": [s[0] for s in QUARTIER_SEEDS],
            "commune_code": POITIERS_CODE,
            "geometry_source": "schematic",
        },
        geometry=[by_seed[i] for i in range(len(QUARTIER_SEEDS))],
        crs=CRS_LAMBERT93,
    )
    return frame.to_crs(CRS_WGS84)


def read_quartier_file(
    path: str | Path,
    code_column: str,
    name_column: str,
    commune_code: str = POITIERS_CODE,
    commune_column: str | None = None,
) -> gpd.GeoDataFrame:
    """Read a real quartier or IRIS file and map it onto the ``quartiers`` table.

    Parameters
    ----------
    path : str or Path
        GeoJSON, GeoPackage, Shapefile (or a zipped Shapefile), in any CRS.
    code_column, name_column : str
        Columns of the file holding the quartier code and name (e.g. ``CODE_IRIS``, ``NOM_IRIS``).
    commune_code : str, default "86194"
        Commune of the quartiers, used when ``commune_column`` is not given.
    commune_column : str, optional
        Column holding the INSEE code of each feature's commune (e.g. ``INSEE_COM``); features of
        other communes than ``commune_code`` are then left out.

    Returns
    -------
    geopandas.GeoDataFrame
        Validated quartiers in EPSG:4326 with ``geometry_source`` = ``"imported"``.

    Raises
    ------
    DataValidationError
        With a French message naming the file, the column and the value at fault.
    """
    path = Path(path)
    if path.suffix.lower() not in READABLE_SUFFIXES:
        raise DataValidationError(
            f"fichier « {path.name} » : format non reconnu ({path.suffix or 'sans extension'}), "
            "attendu GeoJSON (.geojson), GeoPackage (.gpkg) ou Shapefile (.shp ou .zip)."
        )
    try:
        raw = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several types for unreadable files
        raise DataValidationError(f"fichier « {path.name} » illisible : {exc}") from exc
    if raw.crs is None:
        raise DataValidationError(
            f"fichier « {path.name} » : système de coordonnées absent, attendu un fichier qui "
            "déclare son CRS (par exemple EPSG:2154 ou EPSG:4326)."
        )
    for column in (code_column, name_column, commune_column):
        if column is not None and column not in raw.columns:
            raise DataValidationError(
                f"fichier « {path.name} » : colonne « {column} » introuvable, colonnes présentes : "
                + ", ".join(c for c in raw.columns if c != raw.geometry.name)
                + "."
            )
    if commune_column is not None:
        raw = raw[raw[commune_column].astype(str) == commune_code]
        if raw.empty:
            raise DataValidationError(
                f"fichier « {path.name} », colonne « {commune_column} » : aucune entité pour la "
                f"commune {commune_code}."
            )
    geometry = raw.geometry.to_crs(CRS_WGS84)
    polygonal = geometry.geom_type.isin(["Polygon", "MultiPolygon"]).to_numpy()
    if not polygonal.all():
        row = int((~polygonal).nonzero()[0][0])
        raise DataValidationError(
            f"fichier « {path.name} », entité {row + 1}, colonne « geometry », valeur "
            f"« {geometry.iloc[row].geom_type} » : attendu un polygone."
        )
    frame = gpd.GeoDataFrame(
        {
            "quartier_code": raw[code_column].astype(str).to_numpy(),
            "quartier_name": raw[name_column].astype(str).to_numpy(),
            "commune_code": commune_code,
            "geometry_source": "imported",
        },
        geometry=shapely.make_valid(geometry.to_numpy()),
        crs=CRS_WGS84,
    )
    validate_table(frame, QUARTIERS, file=path.name, first_line=1)
    return frame


@lru_cache(maxsize=4)
def _read_imported(path: Path, mtime_ns: int) -> gpd.GeoDataFrame:
    try:
        frame = gpd.read_parquet(path)
    except Exception as exc:  # pyarrow raises many types for broken files
        raise DataValidationError(
            f"fichier « {path.name} » illisible ({exc}), attendu les quartiers d'une version "
            "des données."
        ) from exc
    validate_table(frame, QUARTIERS, file=path.name, first_line=1)
    return frame.to_crs(CRS_WGS84)


@lru_cache(maxsize=1)
def _schematic() -> gpd.GeoDataFrame:
    return schematic_quartiers()


def quartiers_path(version_dir: Path | None = None) -> Path | None:
    """File of the imported quartiers of a dataset version (None: the schematic ones)."""
    info = read_version_dir(version_dir)
    if info is None or info.origin("quartiers") == "demo":
        return None
    return info.path / IMPORTED_FILE


def load_quartiers(version_dir: Path | None = None) -> gpd.GeoDataFrame:
    """Return the quartiers of Poitiers: imported outlines if any, else the schematic ones.

    Parameters
    ----------
    version_dir : Path, optional
        A dataset version directory (:mod:`geodata.versions`); the schematic quartiers when None.

    Returns
    -------
    geopandas.GeoDataFrame
        ``quartier_code``, ``quartier_name``, ``commune_code``, ``geometry_source``
        (``"schematic"`` or ``"imported"``), ``geometry`` (EPSG:4326).
    """
    path = quartiers_path(version_dir)
    if path is None:
        return _schematic().copy()
    return _read_imported(path, path.stat().st_mtime_ns).copy()


def quartiers_are_schematic(quartiers: pd.DataFrame) -> bool:
    """Whether the quartier outlines are the schematic default (to be said on every map)."""
    return bool((quartiers["geometry_source"] == "schematic").any())
