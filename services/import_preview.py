"""What the import page shows of a prepared import before it is confirmed: a preview of each
table and the points and outlines to draw on a map.

Only the person importing sees it (capability ``import_data``): the preview shows the rows of
the files sent, before any rule of the secret statistique, as the files themselves do.
Coordinates are WGS 84 rounded to 5 decimals (about one metre).
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj

from geodata.communes import CRS_LAMBERT93, CRS_WGS84, load_communes
from geodata.importer import PreparedImport
from geodata.proximity import load_families
from geodata.schemas import TABLES
from services.map_style import CATEGORICAL, point_radius

PREVIEW_ROWS = 20
RESIDENCE_COLOR = CATEGORICAL[0]
OUTLINE_LAYERS = {"quartiers": "Quartiers (IRIS)", "qpv": "Quartiers prioritaires (QPV)"}
UNKNOWN_PLACE = "commune non renseignée"
MIN_SPAN_DEG = 0.02  # about 1.5 km by 2 km around a single point


@dataclass(frozen=True)
class Preview:
    """The first rows of one table of the import.

    Attributes
    ----------
    table : str
        Table or layer name of the data dictionary.
    label : str
        Its French name.
    rows : int
        Rows the import brings for it.
    frame : pandas.DataFrame
        Its first :data:`PREVIEW_ROWS` rows, points as ``longitude`` / ``latitude``, outlines
        left out.
    """

    table: str
    label: str
    rows: int
    frame: pd.DataFrame


def preview_frame(frame: pd.DataFrame, rows: int = PREVIEW_ROWS) -> pd.DataFrame:
    """The first ``rows`` rows of ``frame``, points as longitude and latitude (WGS 84)."""
    head = frame.head(rows)
    if not isinstance(head, gpd.GeoDataFrame):
        return pd.DataFrame(head).reset_index(drop=True)
    out = pd.DataFrame(head.drop(columns=head.geometry.name)).reset_index(drop=True)
    geometry = head.geometry
    if len(head) and (geometry.geom_type == "Point").all():
        points = geometry.to_crs(CRS_WGS84) if head.crs is not None else geometry
        out["longitude"] = points.x.round(5).to_numpy()
        out["latitude"] = points.y.round(5).to_numpy()
    return out


def previews(prepared: PreparedImport) -> list[Preview]:
    """A preview of every table and layer the import brings, in the order they were read."""
    out = []
    for name, frame in prepared.supplied.frames.items():
        label = TABLES[name].label if name in TABLES else name
        out.append(Preview(name, label, len(frame), preview_frame(frame)))
    return out


def _commune_names(codes: pd.Series) -> np.ndarray:
    """The name of each commune code (« commune non renseignée » when missing, the code itself
    when it is not a commune of the EPCI)."""
    communes = load_communes()
    names = dict(zip(communes["commune_code"], communes["commune_name"], strict=True))
    return np.array(
        [
            UNKNOWN_PLACE if pd.isna(code) or not str(code) else names.get(str(code), str(code))
            for code in codes
        ],
        dtype=object,
    )


def _equipment_points(equipment: pd.DataFrame) -> pd.DataFrame:
    to_wgs84 = pyproj.Transformer.from_crs(CRS_LAMBERT93, CRS_WGS84, always_xy=True)
    lon, lat = to_wgs84.transform(
        equipment["x_l93_m"].to_numpy(float), equipment["y_l93_m"].to_numpy(float)
    )
    families = load_families()
    codes = list(families)
    colors = {code: CATEGORICAL[1 + i % (len(CATEGORICAL) - 1)] for i, code in enumerate(codes)}
    labels = {code: family.label for code, family in families.items()}
    family = equipment["family"].astype(str)
    return pd.DataFrame(
        {
            "longitude": np.round(lon, 5),
            "latitude": np.round(lat, 5),
            "layer": family.map(labels).fillna(family).to_numpy(),
            "name": equipment["type_code"].astype(str).to_numpy(),
            "place": _commune_names(equipment["commune_code"]),
            "color": family.map(colors).fillna(CATEGORICAL[-1]).to_numpy(),
            "radius": 3.0,
        }
    )


def _residence_points(residences: gpd.GeoDataFrame) -> pd.DataFrame:
    points = residences.geometry.to_crs(CRS_WGS84)
    return pd.DataFrame(
        {
            "longitude": points.x.round(5).to_numpy(),
            "latitude": points.y.round(5).to_numpy(),
            "layer": "résidence",
            "name": residences["residence_name"].fillna("").astype(str).to_numpy(),
            "place": residences["address"].fillna("").astype(str).to_numpy(),
            "color": RESIDENCE_COLOR,
            "radius": point_radius(residences["n_dwellings"]).to_numpy(),
        }
    )


def import_points(prepared: PreparedImport) -> pd.DataFrame:
    """Every point the import brings: residences and equipment.

    Returns
    -------
    pandas.DataFrame
        ``longitude``, ``latitude`` (WGS 84), ``layer`` (« résidence » or the equipment
        family's French name), ``name``, ``place``, ``color`` and ``radius`` (pixels).
    """
    frames = prepared.supplied.frames
    parts = []
    if "residences" in frames and len(frames["residences"]):
        parts.append(_residence_points(frames["residences"]))
    if "equipment" in frames and len(frames["equipment"]):
        parts.append(_equipment_points(frames["equipment"]))
    if not parts:
        return pd.DataFrame(
            columns=["longitude", "latitude", "layer", "name", "place", "color", "radius"]
        )
    return pd.concat(parts, ignore_index=True)


def import_outlines(prepared: PreparedImport) -> dict[str, gpd.GeoDataFrame]:
    """The outlines the import brings (quartiers, QPV), in WGS 84, by French layer name."""
    frames = prepared.supplied.frames
    return {
        label: frames[name].to_crs(CRS_WGS84)
        for name, label in OUTLINE_LAYERS.items()
        if name in frames and len(frames[name])
    }


def import_bounds(
    points: pd.DataFrame, outlines: dict[str, gpd.GeoDataFrame], min_span_deg: float = MIN_SPAN_DEG
) -> list[list[float]] | None:
    """The area the map of an import fits: every point and outline, at least ``min_span_deg``
    wide and high (a single point is shown with its surroundings).

    Returns
    -------
    list or None
        ``[[south, west], [north, east]]`` in WGS 84, None when there is nothing to show.
    """
    boxes = [frame.total_bounds for frame in outlines.values() if len(frame)]
    if len(points):
        boxes.append(
            np.array(
                [
                    points["longitude"].min(),
                    points["latitude"].min(),
                    points["longitude"].max(),
                    points["latitude"].max(),
                ]
            )
        )
    if not boxes:
        return None
    stacked = np.vstack(boxes)
    west, south = stacked[:, 0].min(), stacked[:, 1].min()
    east, north = stacked[:, 2].max(), stacked[:, 3].max()
    grow_x = max(0.0, min_span_deg - (east - west)) / 2
    grow_y = max(0.0, min_span_deg - (north - south)) / 2
    return [
        [float(south - grow_y), float(west - grow_x)],
        [float(north + grow_y), float(east + grow_x)],
    ]
