"""Every Streamlit cache of the product, in one place.

Static data (boundaries, their simplified GeoJSON, the housing tables) is loaded once per server
process with ``st.cache_resource`` and must never be mutated by callers. Derived tables that depend
on user choices are cached with ``st.cache_data`` keyed on those choices.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import streamlit as st

import geodata
from geodata import housing
from services.territory import commune_figures, epci_figures, quartier_figures
from ui.maps import polygons_geojson


@st.cache_resource(show_spinner=False)
def communes() -> gpd.GeoDataFrame:
    """The 40 communes with their boundaries."""
    return geodata.load_communes()


@st.cache_resource(show_spinner=False)
def communes_geojson() -> dict:
    """Simplified GeoJSON of the communes (built once; properties are added per render)."""
    return polygons_geojson(communes(), "commune_code")


@st.cache_resource(show_spinner=False)
def quartiers() -> gpd.GeoDataFrame:
    """The Poitiers quartiers (schematic or imported)."""
    return geodata.load_quartiers()


@st.cache_resource(show_spinner=False)
def quartiers_geojson() -> dict:
    """Simplified GeoJSON of the quartiers."""
    return polygons_geojson(quartiers(), "quartier_code", tolerance=0.0002)


@st.cache_resource(show_spinner=False)
def residences() -> gpd.GeoDataFrame:
    """One row per residence, with the latest OPS survey."""
    return housing.load_residences()


@st.cache_resource(show_spinner=False)
def sru_inventory() -> pd.DataFrame:
    """The SRU inventory, all years."""
    return housing.load_sru_inventory()


@st.cache_resource(show_spinner=False)
def is_demo() -> bool:
    """Whether the housing data shown is the embedded demo data set."""
    return housing.dataset_origin("residences") == "demo"


@st.cache_resource(show_spinner=False)
def commune_table() -> pd.DataFrame:
    """Key figures per commune."""
    return commune_figures(communes(), residences(), sru_inventory())


@st.cache_resource(show_spinner=False)
def quartier_table() -> pd.DataFrame:
    """Key figures per Poitiers quartier."""
    return quartier_figures(quartiers(), residences())


@st.cache_resource(show_spinner=False)
def epci_row() -> pd.Series:
    """Totals of the EPCI, for comparisons."""
    return epci_figures(commune_table(), sru_inventory())
