"""The content of a fiche territoriale, as printed: French texts and tables, nothing to compute.

The services fill these objects (:mod:`services.fiche`) with figures already formatted the French
way and already masked by the export rules; ``reports/`` lays them out in PDF and Word without
touching a number. A masked cell holds « s » and the rule that hid it (:attr:`Cell.note`),
printed as a footnote.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from services.map_content import MapContent

MASKED_TEXT = "s"


@dataclass(frozen=True)
class Cell:
    """One cell: its text, and the rule that hid it when it is « s ».

    Attributes
    ----------
    text : str
        The French text (number with its unit, « s », « — »).
    note : str, optional
        The rule of the secret statistique that hid the figure (footnote text).
    """

    text: str
    note: str | None = None

    @property
    def is_masked(self) -> bool:
        """Whether the figure is hidden by the secret statistique."""
        return self.note is not None


@dataclass(frozen=True)
class Table:
    """A table of the fiche.

    Attributes
    ----------
    columns : tuple of str
        Column headers.
    rows : tuple of tuple of Cell
        The rows, each as long as ``columns``.
    title : str
        Heading printed above the table (may be empty).
    caption : str
        Note printed under the table.
    widths : tuple of float
        Relative column widths.
    align : str
        One letter per column, ``l`` (text) or ``r`` (figures); by default the first column is
        text and the others figures.
    """

    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    title: str = ""
    caption: str = ""
    widths: tuple[float, ...] = ()
    align: str = ""

    @property
    def alignment(self) -> str:
        """:attr:`align`, or its default (``l`` then ``r`` for every other column)."""
        return self.align or "l" + "r" * (len(self.columns) - 1)

    def __post_init__(self) -> None:
        for i, row in enumerate(self.rows):
            if len(row) != len(self.columns):
                raise ValueError(
                    f"tableau « {self.title} », ligne {i + 1} : {len(row)} cellules, "
                    f"{len(self.columns)} attendues."
                )

    @property
    def notes(self) -> list[str]:
        """The rules that hid cells of this table, in order of appearance."""
        return list(dict.fromkeys(c.note for row in self.rows for c in row if c.note))


@dataclass(frozen=True)
class Section:
    """A section of the fiche: a heading, paragraphs and tables.

    Attributes
    ----------
    title : str
        Heading.
    paragraphs : tuple of str
        Text paragraphs printed before the tables.
    tables : tuple of Table
        Tables, in order.
    """

    title: str
    paragraphs: tuple[str, ...] = ()
    tables: tuple[Table, ...] = ()


@dataclass(frozen=True)
class FicheText:
    """An *Orientations d'attribution* or *Actions complémentaires* text.

    Attributes
    ----------
    title : str
        « Orientations d'attribution » or « Actions complémentaires ».
    body : str
        The text as written in the dashboard (paragraphs separated by blank lines); empty when
        none was written yet.
    byline : str
        Who wrote the version printed and when (« version 3, par … le … »).
    """

    title: str
    body: str
    byline: str = ""


@dataclass(frozen=True)
class Fiche:
    """One fiche territoriale.

    Attributes
    ----------
    level : str
        ``epci``, ``commune`` or ``quartier``.
    code : str
        The code of the command line: INSEE code, quartier code or ``epci``.
    name : str
        Name of the territory.
    reference_name : str
        Name of the territory the key figures are compared with.
    identity : tuple of (str, str)
        Identity lines: label, value.
    key_figures : Table
        Key figures of the territory and of the reference.
    constats : tuple of Section
        The *Constats partagés*.
    residences : Section
        The residences of the territory.
    texts : tuple of FicheText
        Orientations and complementary actions, always both (a body is empty when no text was
        written).
    definitions : tuple of (str, str)
        Term and definition, generated from the configuration.
    sources : Table
        Sources with their vintages and licences.
    is_demo : bool
        Whether the figures are demo data.
    edition_date : date
        Edition date.
    locator : MapContent
        The locator map.
    residence_map : MapContent
        The residences of the territory by cotation class.
    """

    level: str
    code: str
    name: str
    reference_name: str
    identity: tuple[tuple[str, str], ...]
    key_figures: Table
    constats: tuple[Section, ...]
    residences: Section
    texts: tuple[FicheText, ...]
    definitions: tuple[tuple[str, str], ...]
    sources: Table
    is_demo: bool
    edition_date: dt.date
    locator: MapContent
    residence_map: MapContent

    @property
    def title(self) -> str:
        """« Fiche territoriale — Buxerolles »."""
        return f"Fiche territoriale — {self.name}"

    @property
    def file_stem(self) -> str:
        """File name without extension (``fiche_86041``)."""
        return f"fiche_{self.code}"

    @property
    def tables(self) -> list[Table]:
        """Every table, in the order of the fiche."""
        out = [self.key_figures]
        for section in (*self.constats, self.residences):
            out.extend(section.tables)
        return [*out, self.sources]

    @property
    def notes(self) -> list[str]:
        """The rules of the masked cells, in order of first appearance (one footnote each)."""
        return list(dict.fromkeys(n for t in self.tables for n in t.notes))
