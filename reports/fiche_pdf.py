"""The PDF of a fiche territoriale, laid out by Typst (``reports/templates/fiche.typ``).

The fiche's content is written as JSON beside the template, with its two maps
(:mod:`reports.typst_doc`): every text is a string for Typst, never markup. A masked cell prints
« s » with a footnote giving the rule (one footnote per rule, referenced again by later cells).
"""

from __future__ import annotations

from geodata.communes import EPCI_NAME
from reports.fiche_images import FicheImages, fiche_images
from reports.typst_doc import breakable, compile_document, compile_pdf, table_json
from services.fiche_model import Fiche
from services.fiche_territories import LEVEL_LABELS
from services.fmt import fmt_date
from services.user_text import clean_text, paragraphs

DEMO_DETAIL = (
    "Les résidences, bailleurs, occupations et attributions de cette fiche sont générés pour la "
    "démonstration ; seuls les contours et populations des communes sont réels."
)
NO_TEXT = "Aucun texte rédigé pour ce territoire à la date d'édition."


def fiche_document(fiche: Fiche) -> dict:
    """The JSON document the Typst template reads (images named ``locator.png`` and
    ``residences.png``)."""
    notes = fiche.notes
    seen: set[int] = set()
    key_figures = table_json(fiche.key_figures, notes, seen)
    constats = [
        {
            "title": s.title,
            "paragraphs": list(s.paragraphs),
            "tables": [table_json(t, notes, seen) for t in s.tables],
        }
        for s in fiche.constats
    ]
    residences = {
        "title": fiche.residences.title,
        "paragraphs": list(fiche.residences.paragraphs),
        "tables": [table_json(t, notes, seen) for t in fiche.residences.tables],
    }
    return {
        "title": fiche.title,
        "header": fiche.title if fiche.level == "epci" else f"{EPCI_NAME} — {fiche.title}",
        "name": fiche.name,
        "epci": EPCI_NAME,
        "level_label": LEVEL_LABELS[fiche.level],
        "is_demo": fiche.is_demo,
        "demo_notice": "Données de démonstration (fictives)",
        "demo_detail": DEMO_DETAIL,
        "edition_date": fmt_date(fiche.edition_date),
        "identity": [list(pair) for pair in fiche.identity],
        "key_figures": key_figures,
        "constats": constats,
        "residences": residences,
        "residence_legend": [
            {"color": e.color, "label": e.label, "count": e.count}
            for e in fiche.residence_map.point_legend
        ],
        "no_text": NO_TEXT,
        "texts": [
            {
                "title": t.title,
                "paragraphs": [breakable(p) for p in paragraphs(t.body)],
                "byline": clean_text(t.byline),
            }
            for t in fiche.texts
        ],
        "definitions": [list(pair) for pair in fiche.definitions],
        "sources": table_json(fiche.sources, notes, seen),
        "notes": notes,
        "images": {"locator": "locator.png", "residences": "residences.png"},
    }


def fiche_pdf(fiche: Fiche, images: FicheImages | None = None) -> bytes:
    """The PDF of ``fiche`` (A4).

    Parameters
    ----------
    fiche : Fiche
        The content (:func:`services.fiche.build_fiche`).
    images : FicheImages, optional
        The maps, when already drawn for the Word file.
    """
    images = images or fiche_images(fiche)
    return compile_pdf("fiche.typ", fiche_document(fiche), _image_files(images))


def _image_files(images: FicheImages) -> dict[str, bytes]:
    return {"locator.png": images.locator, "residences.png": images.residences}


def fiche_pages_png(
    fiche: Fiche, images: FicheImages | None = None, ppi: float = 72
) -> list[bytes]:
    """Each page of the PDF of ``fiche`` as a PNG image (same layout), to look at or check."""
    images = images or fiche_images(fiche)
    pages = compile_document("fiche.typ", fiche_document(fiche), _image_files(images), "png", ppi)
    return pages if isinstance(pages, list) else [pages]
