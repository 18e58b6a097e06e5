"""What an import read, kept and rejected, file by file: the report shown before confirming.

A :class:`SourceReport` describes one file: its detected format, rows read, kept and rejected,
the reasons of the rejections (each a :class:`~geodata.errors.DataValidationError` naming the
file, the line, the column, the value and what was expected; counted by reason and kept as
examples) and French notes (rows outside the territory left aside, grouping of dwellings…).
``services.import_text`` words the report the same way on the import page and the command line.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from geodata.errors import DataValidationError

MAX_EXAMPLES_PER_REASON = 5


@dataclass
class SourceReport:
    """The report of one file.

    Attributes
    ----------
    file : str
        File name as sent.
    kind : str
        What the file was read as (``rpls``, ``bpe``, ``residences``…).
    kind_label : str
        The same, in French (« RPLS au logement (modèle 2023) »).
    format_label : str
        Detected format (« CSV (séparateur « ; », encodage Windows-1252) »).
    rows_read, rows_kept : int
        Data rows read in the file; rows kept (after filters and rejections).
    rows_left_aside : int
        Rows outside the scope, not errors (dwellings of other EPCIs…).
    rejections : Counter
        Number of rejected rows per reason (« SURFHAB : attendu un nombre… »).
    examples : list of DataValidationError
        A few rejected rows per reason, with their line, column and value.
    notes : list of str
        French sentences about what the conversion did.
    """

    file: str
    kind: str
    kind_label: str
    format_label: str = ""
    rows_read: int = 0
    rows_kept: int = 0
    rows_left_aside: int = 0
    rejections: Counter = field(default_factory=Counter)
    examples: list[DataValidationError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    example_counts: Counter = field(default_factory=Counter, repr=False)

    @property
    def rows_rejected(self) -> int:
        """Rows refused with a reason."""
        return sum(self.rejections.values())

    def reject(self, reason: str, error: DataValidationError, count: int = 1) -> None:
        """Count ``count`` rows refused for ``reason``; keep ``error`` as an example."""
        self.rejections[reason] += count
        if self.example_counts[reason] < MAX_EXAMPLES_PER_REASON:
            self.example_counts[reason] += 1
            self.examples.append(error)

    def as_dict(self) -> dict:
        """The report as plain data (kept in the version's manifest)."""
        return {
            "file": self.file,
            "kind": self.kind,
            "kind_label": self.kind_label,
            "format": self.format_label,
            "rows_read": self.rows_read,
            "rows_kept": self.rows_kept,
            "rows_left_aside": self.rows_left_aside,
            "rows_rejected": self.rows_rejected,
            "rejections": dict(self.rejections),
            "notes": list(self.notes),
        }
