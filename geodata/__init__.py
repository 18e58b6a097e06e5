"""Territory and housing data: schemas, loaders, importers of official formats, the demo generator.

No scoring and no Streamlit here. Everything the rest of the product reads about the territory
comes through the loaders exported below.
"""

from geodata.communes import EPCI_NAME, EPCI_SIREN, POITIERS_CODE, load_communes
from geodata.housing import (
    dataset_origin,
    load_attributions,
    load_demands,
    load_departures,
    load_occupancy,
    load_residences,
    load_sru_inventory,
    load_sru_production,
    load_vacancies,
)
from geodata.quartiers import load_quartiers, quartiers_are_schematic

__all__ = [
    "EPCI_NAME",
    "EPCI_SIREN",
    "POITIERS_CODE",
    "dataset_origin",
    "load_attributions",
    "load_communes",
    "load_demands",
    "load_departures",
    "load_occupancy",
    "load_quartiers",
    "load_residences",
    "load_sru_inventory",
    "load_sru_production",
    "load_vacancies",
    "quartiers_are_schematic",
]
