"""Territory and housing data: schemas, loaders, importers of official formats, the demo generator.

No scoring and no Streamlit here. Everything the rest of the product reads about the territory
comes through the loaders exported below.
"""

from geodata.communes import EPCI_NAME, EPCI_SIREN, POITIERS_CODE, load_communes
from geodata.quartiers import import_quartiers, load_quartiers, quartiers_are_schematic

__all__ = [
    "EPCI_NAME",
    "EPCI_SIREN",
    "POITIERS_CODE",
    "import_quartiers",
    "load_communes",
    "load_quartiers",
    "quartiers_are_schematic",
]
