"""The two maps of a fiche territoriale as PNG images, drawn once for the PDF and the Word file.

The locator map (the EPCI, the territory in red) and the map of the territory's residences by
cotation class are compact snapshots (:func:`reports.map_snapshot.render_map`), at a resolution
fit for printing at the size the fiche gives them.
"""

from __future__ import annotations

from dataclasses import dataclass

from reports.map_snapshot import render_map
from services.fiche_model import Fiche

LOCATOR_SIZE_IN = (2.4, 2.2)
RESIDENCES_SIZE_IN = (4.6, 3.9)
DPI = 220


@dataclass(frozen=True)
class FicheImages:
    """PNG bytes of the fiche's maps."""

    locator: bytes
    residences: bytes


def fiche_images(fiche: Fiche) -> FicheImages:
    """Draw the locator map and the residences map of ``fiche``."""
    return FicheImages(
        locator=render_map(fiche.locator, "png", compact=True, size_in=LOCATOR_SIZE_IN, dpi=DPI),
        residences=render_map(
            fiche.residence_map, "png", compact=True, size_in=RESIDENCES_SIZE_IN, dpi=DPI
        ),
    )
