"""The Word template of the fiches (``reports/templates/fiche.docx``) and how it was made.

The service habitat restyles the fiches by editing this file in Word: fonts, colours and spacing
of the styles below, page margins, header and footer. :func:`reports.fiche_docx.fiche_docx`
opens it, empties its body and writes the fiche with these styles. :func:`build_template`
writes the file shipped with the product (``python -m reports.docx_template``); a restyled file
only has to keep the style names of :data:`REQUIRED_STYLES`, the footnotes part and the
« {territoire} » mark of the header.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

TEMPLATE_PATH = Path(__file__).resolve().parent / "templates" / "fiche.docx"
HEADER_MARK = "{territoire}"
TABLE_STYLE = "Light List Accent 1"
REQUIRED_STYLES = (
    "Normal",
    "Title",
    "Subtitle",
    "Heading 1",
    "Heading 2",
    "Caption",
    "Footnote Text",
    "Footnote Reference",
    "Avertissement",
    "Tableau",
    TABLE_STYLE,
)
ACCENT = RGBColor(0x1F, 0x4E, 0x79)
FONT = "Liberation Sans"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
FOOTNOTES_XML = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes xmlns:w="{W_NS}">'
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" '
    'w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" '
    'w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p>'
    "</w:footnote></w:footnotes>"
)


def _font(style, size: float, bold: bool = False, color: RGBColor | None = None) -> None:
    style.font.name = FONT
    style.font.size = Pt(size)
    style.font.bold = bold
    if color is not None:
        style.font.color.rgb = color
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)


def _field(paragraph, code: str) -> None:
    """A Word field (PAGE, NUMPAGES) in ``paragraph``."""
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, code), ("separate", None), (None, "1"),
                       ("end", None)):  # fmt: skip
        if kind is not None:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == code:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {code} "
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._r.append(element)


def build_template(path: Path = TEMPLATE_PATH) -> Path:
    """Write the Word template of the fiches to ``path`` and return it."""
    document = Document()
    styles = document.styles
    _font(styles["Normal"], 9.5)
    styles["Normal"].paragraph_format.space_after = Pt(3)
    _font(styles["Title"], 22, bold=True, color=RGBColor(0, 0, 0))
    _font(styles["Subtitle"], 9.5, bold=True, color=ACCENT)
    _font(styles["Heading 1"], 13, bold=True, color=ACCENT)
    styles["Heading 1"].paragraph_format.space_before = Pt(12)
    _font(styles["Heading 2"], 10.5, bold=True, color=ACCENT)
    _font(styles["Caption"], 8, color=RGBColor(0x55, 0x55, 0x55))
    styles["Caption"].font.italic = False
    note = styles.add_style("Footnote Text", WD_STYLE_TYPE.PARAGRAPH)
    note.base_style = styles["Normal"]
    _font(note, 8)
    reference = styles.add_style("Footnote Reference", WD_STYLE_TYPE.CHARACTER)
    reference.font.superscript = True
    warning = styles.add_style("Avertissement", WD_STYLE_TYPE.PARAGRAPH)
    warning.base_style = styles["Normal"]
    _font(warning, 9, bold=True, color=RGBColor(0xB3, 0, 0))
    cell = styles.add_style("Tableau", WD_STYLE_TYPE.PARAGRAPH)
    cell.base_style = styles["Normal"]
    _font(cell, 8.5)
    cell.paragraph_format.space_after = Pt(0)

    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(1.7)
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(1.8)
    header = section.header.paragraphs[0]
    header.text = f"Communauté urbaine du Grand Poitiers — Fiche territoriale — {HEADER_MARK}"
    header.style = styles["Caption"]
    footer = section.footer.paragraphs[0]
    footer.style = styles["Caption"]
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer.add_run("page ")
    _field(footer, "PAGE")
    footer.add_run(" / ")
    _field(footer, "NUMPAGES")

    part = Part(
        PackURI("/word/footnotes.xml"),
        CT.WML_FOOTNOTES,
        FOOTNOTES_XML.encode("utf-8"),
        document.part.package,
    )
    document.part.relate_to(part, RT.FOOTNOTES)
    document.add_paragraph("Contenu de la fiche (remplacé à l'édition).")
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


if __name__ == "__main__":  # pragma: no cover - regenerates the shipped template
    print(build_template(Path(sys.argv[1]) if len(sys.argv) > 1 else TEMPLATE_PATH))
