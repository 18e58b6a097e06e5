"""The printable fiche résidence as an A4 PDF (Typst, ``reports/templates/residence.typ``).

Replaces the browser's print of the page: the charts are vector images sized to the column they
sit in, so nothing is cut at the margins. The content is :func:`services.residence_print.
residence_print`, under the public rules whoever prints it.
"""

from __future__ import annotations

from geodata.schemas import DEMO_NOTICE
from reports.residence_charts import impact_chart, pillar_chart
from reports.typst_doc import compile_pdf, table_json
from services.fmt import fmt_date
from services.residence_print import ResidencePrint


def residence_pdf(card: ResidencePrint) -> bytes:
    """The A4 PDF of the printable card ``card``."""
    notes = card.notes
    seen: set[int] = set()
    tables = [t for t in (card.occupancy, card.flows) if t is not None]
    document = {
        "title": f"Fiche résidence — {card.name}",
        "name": card.name,
        "subtitle": card.subtitle,
        "is_demo": card.is_demo,
        "demo_notice": DEMO_NOTICE,
        "edition_date": fmt_date(card.edition_date),
        "headline": [list(pair) for pair in card.headline],
        "facts": table_json(card.facts, notes, seen),
        "flag": list(card.flag),
        "hidden_note": card.hidden_note,
        "tables": [table_json(t, notes, seen) for t in tables],
        "notes": notes,
    }
    files = {
        "pillars.svg": pillar_chart(card.pillars, card.score),
        "impacts.svg": impact_chart(card.impacts),
    }
    return compile_pdf("residence.typ", document, files)
