"""The editable Word file of a fiche territoriale, from the template the service habitat restyles.

The template (:mod:`reports.docx_template`) gives the styles, the page, the header and the footer;
its body is replaced by the fiche: identity and locator map, key figures, *Constats partagés*,
residences and their map, orientations and actions, definitions and sources. A masked cell prints
« s » with a real Word footnote giving the rule (the first cell of each rule carries the footnote,
the next ones repeat its number).
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from lxml import etree

from geodata.schemas import DEMO_NOTICE
from reports.docx_template import HEADER_MARK, REQUIRED_STYLES, TABLE_STYLE, TEMPLATE_PATH
from reports.fiche_images import FicheImages, fiche_images
from reports.fiche_pdf import DEMO_DETAIL, NO_TEXT
from services.fiche_model import Fiche, Section, Table
from services.fiche_territories import LEVEL_LABELS
from services.fmt import fmt_date
from services.user_text import clean_text, paragraphs

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ALIGN = {
    "l": WD_ALIGN_PARAGRAPH.LEFT,
    "r": WD_ALIGN_PARAGRAPH.RIGHT,
    "c": WD_ALIGN_PARAGRAPH.CENTER,
}
TEXT_WIDTH_CM = 17.6
CELL_STYLE_ID = "Tableau"  # style id of the « Tableau » paragraph style
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


class TemplateError(ValueError):
    """The Word template cannot be used; the message is in French."""


class _Footnotes:
    """The footnotes of the document: one per rule, numbered in order of first use."""

    def __init__(self, document) -> None:
        try:
            self.part = document.part.part_related_by(RT.FOOTNOTES)
        except KeyError as exc:
            raise TemplateError(
                f"modèle Word « {TEMPLATE_PATH.name} » : la partie des notes de bas de page "
                "manque (enregistrez le modèle depuis Word avec au moins une note, puis "
                "supprimez-la)."
            ) from exc
        self.root = etree.fromstring(self.part.blob)
        ids = [int(n.get(qn("w:id"))) for n in self.root.findall(qn("w:footnote"))]
        self.next_id = max([0, *ids]) + 1
        self.by_text: dict[str, tuple[int, int]] = {}

    def reference(self, paragraph, text: str) -> None:
        """Append « ¹ » to ``paragraph``: a footnote holding ``text`` the first time, its number
        afterwards."""
        if text in self.by_text:
            _, number = self.by_text[text]
            run = paragraph.add_run(str(number))
            run.style = "Footnote Reference"
            return
        note_id, number = self.next_id, len(self.by_text) + 1
        self.next_id += 1
        self.by_text[text] = (note_id, number)
        run = paragraph.add_run()
        run.style = "Footnote Reference"
        reference = OxmlElement("w:footnoteReference")
        reference.set(qn("w:id"), str(note_id))
        run._r.append(reference)
        note = parse_xml(
            f'<w:footnote xmlns:w="{W_NS}" w:id="{note_id}"><w:p><w:pPr>'
            '<w:pStyle w:val="FootnoteText"/></w:pPr><w:r><w:rPr><w:rStyle '
            'w:val="FootnoteReference"/></w:rPr><w:footnoteRef/></w:r><w:r><w:t '
            'xml:space="preserve"> </w:t></w:r></w:p></w:footnote>'
        )
        note.findall(f".//{{{W_NS}}}t")[-1].text = f" {text}"
        self.root.append(note)

    def save(self) -> None:
        """Write the footnotes back into the package."""
        self.part._blob = etree.tostring(
            self.root, xml_declaration=True, encoding="UTF-8", standalone=True
        )


def _open_template():
    document = Document(str(TEMPLATE_PATH))
    names = {s.name for s in document.styles}
    missing = [s for s in REQUIRED_STYLES if s not in names]
    if missing:
        raise TemplateError(
            f"modèle Word « {TEMPLATE_PATH.name} » : styles manquants {', '.join(missing)} "
            "(un modèle restylé doit garder le nom des styles)."
        )
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    return document


def _header(document, fiche: Fiche) -> None:
    for section in document.sections:
        for paragraph in section.header.paragraphs:
            for run in paragraph.runs:
                if HEADER_MARK in run.text:
                    name = "ensemble du territoire" if fiche.level == "epci" else fiche.name
                    run.text = run.text.replace(HEADER_MARK, name)
            if fiche.is_demo and paragraph.text and DEMO_NOTICE not in paragraph.text:
                paragraph.add_run(f" — {DEMO_NOTICE.upper()}").bold = True


def _table(document, table: Table, notes: _Footnotes) -> None:
    if table.title:
        document.add_heading(table.title, level=2)
    n_cols = len(table.columns)
    grid = document.add_table(rows=len(table.rows) + 1, cols=n_cols)
    grid.style = document.styles[TABLE_STYLE]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    widths = table.widths or (1.0,) * n_cols
    total = sum(widths)
    sizes = [Cm(TEXT_WIDTH_CM * w / total) for w in widths]
    for column, size in zip(grid.columns, sizes, strict=True):
        column.width = size
    align = table.alignment
    cells = grid._cells
    for row_index, row in enumerate([None, *table.rows]):
        for col in range(n_cols):
            cell = cells[row_index * n_cols + col]
            cell.width = sizes[col]
            paragraph = cell.paragraphs[0]
            properties = paragraph._p.get_or_add_pPr()
            properties.style = CELL_STYLE_ID  # by id: a lookup by name per cell is slow
            paragraph.alignment = ALIGN[align[col]]
            if row is None:
                paragraph.add_run(table.columns[col]).bold = True
                continue
            value = row[col]
            paragraph.add_run(value.text)
            if value.note:
                notes.reference(paragraph, value.note)
    _repeat_header(grid)
    if table.caption:
        document.add_paragraph(table.caption, style="Caption")


def _repeat_header(grid) -> None:
    properties = grid.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _section(document, section: Section, notes: _Footnotes, level: int = 1) -> None:
    document.add_heading(section.title, level=level)
    for text in section.paragraphs:
        document.add_paragraph(text)
    for table in section.tables:
        _table(document, table, notes)


def _identity(document, fiche: Fiche, images: FicheImages) -> None:
    layout = document.add_table(rows=1, cols=2)
    left, right = layout.rows[0].cells
    left.width, right.width = Cm(11.4), Cm(6.0)
    first = True
    for label, value in fiche.identity:
        paragraph = left.paragraphs[0] if first else left.add_paragraph()
        first = False
        paragraph.style = document.styles["Tableau"]
        paragraph.paragraph_format.space_after = Pt(2)
        paragraph.add_run(f"{label} : ").bold = True
        paragraph.add_run(value)
    picture = right.paragraphs[0]
    picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
    picture.add_run().add_picture(io.BytesIO(images.locator), width=Cm(5.6))
    right.add_paragraph("Situation dans le Grand Poitiers", style="Caption")


def _texts(document, fiche: Fiche) -> None:
    for text in fiche.texts:
        document.add_heading(text.title, level=1)
        written = paragraphs(text.body)
        if not written:
            document.add_paragraph(NO_TEXT)
        for paragraph in written:
            document.add_paragraph(paragraph)  # a line break inside becomes a Word line break
        if text.byline:
            document.add_paragraph(clean_text(text.byline), style="Caption")


def fiche_docx(fiche: Fiche, images: FicheImages | None = None) -> bytes:
    """The Word file of ``fiche``.

    Parameters
    ----------
    fiche : Fiche
        The content (:func:`services.fiche.build_fiche`).
    images : FicheImages, optional
        The maps, when already drawn for the PDF.

    Raises
    ------
    TemplateError
        When the template lacks a style or its footnotes part (French message).
    """
    images = images or fiche_images(fiche)
    document = _open_template()
    notes = _Footnotes(document)
    _header(document, fiche)
    document.core_properties.title = fiche.title
    document.add_paragraph(f"Fiche territoriale — {LEVEL_LABELS[fiche.level]}", style="Subtitle")
    document.add_paragraph(fiche.name, style="Title")
    if fiche.is_demo:
        document.add_paragraph(f"{DEMO_NOTICE}. {DEMO_DETAIL}", style="Avertissement")
    _identity(document, fiche, images)
    document.add_heading("Chiffres clés", level=1)
    _table(document, fiche.key_figures, notes)
    document.add_heading("Constats partagés", level=1)
    for section in fiche.constats:
        _section(document, section, notes, level=2)
    document.add_heading(fiche.residences.title, level=1)
    for text in fiche.residences.paragraphs:
        document.add_paragraph(text)
    document.add_picture(io.BytesIO(images.residences), width=Cm(11.5))
    legend = " ; ".join(f"{e.label} ({e.count})" for e in fiche.residence_map.point_legend)
    document.add_paragraph(
        f"Résidences du territoire par classe de cotation (taille : nombre de logements) — "
        f"{legend}.",
        style="Caption",
    )
    for table in fiche.residences.tables:
        _table(document, table, notes)
    _texts(document, fiche)
    document.add_heading("Définitions, méthode et sources", level=1)
    for term, definition in fiche.definitions:
        paragraph = document.add_paragraph(style="Tableau")
        paragraph.paragraph_format.space_after = Pt(3)
        paragraph.add_run(f"{term}. ").bold = True
        paragraph.add_run(definition)
    _table(document, fiche.sources, notes)
    document.add_paragraph(f"Édition du {fmt_date(fiche.edition_date)}.", style="Caption")
    notes.save()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
