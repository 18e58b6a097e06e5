"""The French words of an import: the same lines on the « Import des données » page and on the
command line.

:func:`file_lines` says what one file gave (format, rows read, kept, rejected with reasons and
examples, notes of the conversion); :func:`outcome_lines` what the import did (notes of the
assembly, the version now in force); :func:`rollback_line` and :func:`version_line` the same for a
rollback and a listed version. Numbers and dates follow :mod:`services.fmt`.
"""

from __future__ import annotations

from geodata.import_report import SourceReport
from geodata.schemas import TABLES
from services.data_import import RESET_FILE, ImportReport, RollbackReport, VersionRow
from services.fmt import fmt_datetime, fmt_int
from store.datasets import DatasetRecord

MAX_EXAMPLES = 10
STATUS_LABELS = {
    "current": "en service",
    "retired": "retirée",
    "staged": "en attente",
    "failed": "en échec",
}


def table_label(name: str) -> str:
    """French name of a table or layer of the data set."""
    table = TABLES.get(name)
    return table.label if table is not None else name


def file_lines(report: SourceReport) -> list[str]:
    """What one file gave: a title line, the counts, the reasons of rejection with examples and
    the notes of the conversion."""
    title = f"Fichier « {report.file} » : {report.kind_label}"
    if report.format_label:
        title += f", {report.format_label}"
    counts = f"lignes lues : {fmt_int(report.rows_read)} ; gardées : {fmt_int(report.rows_kept)}"
    if report.rows_left_aside:
        counts += f" ; hors du territoire : {fmt_int(report.rows_left_aside)}"
    counts += f" ; rejetées : {fmt_int(report.rows_rejected)}"
    lines = [title, counts]
    for reason, count in report.rejections.most_common():
        lines.append(f"{fmt_int(count)} rejetée(s) : {reason}")
    lines.extend(f"par exemple {example}" for example in report.examples[:MAX_EXAMPLES])
    lines.extend(report.notes)
    return lines


def rows_text(record: DatasetRecord) -> str:
    """Rows per table of a dataset version: « Résidences du parc social 1 234 ; … »."""
    if not record.row_counts:
        return "aucune table importée (données de démonstration)"
    return " ; ".join(
        f"{table_label(name)} {fmt_int(count)}" for name, count in record.row_counts.items()
    )


def files_text(record: DatasetRecord) -> str:
    """The files of a dataset version, by name."""
    names = [name for name in record.files.values() if name != RESET_FILE]
    resets = [table_label(t) for t, name in record.files.items() if name == RESET_FILE]
    parts = [", ".join(names)] if names else []
    if resets:
        parts.append(f"retour à la démonstration : {', '.join(resets)}")
    return " ; ".join(parts) or "—"


def outcome_lines(report: ImportReport) -> list[str]:
    """What an import did: the notes of the assembly, then the version now in force."""
    record = report.dataset
    return [
        *report.version.notes,
        f"Version n° {record.id} en service (version des données {report.data_version}) : "
        f"{rows_text(record)}. Les serveurs en cours rechargent les données au prochain clic.",
    ]


def _to(record: DatasetRecord | None) -> str:
    if record is None:
        return "aux données de démonstration"
    return f"à la version n° {record.id} du {fmt_datetime(record.created_at)}"


def _instead_of(record: DatasetRecord | None) -> str:
    if record is None:
        return "des données de démonstration"
    return f"de la version n° {record.id}"


def rollback_line(report: RollbackReport) -> str:
    """What a rollback did, in one sentence."""
    return (
        f"Retour {_to(report.after)} (à la place {_instead_of(report.before)}) : version des "
        f"données {report.data_version}. Les serveurs en cours rechargent les données au "
        "prochain clic."
    )


def version_line(row: VersionRow) -> str:
    """A listed version on one line, the one in force marked with « * »."""
    record = row.dataset
    mark = "*" if row.is_current else " "
    status = STATUS_LABELS.get(record.status, record.status)
    missing = "" if row.is_available else " [fichiers absents de ce serveur]"
    comment = f" — « {record.comment} »" if record.comment else ""
    return (
        f"{mark} n° {record.id} ({status}) {fmt_datetime(record.created_at)} par "
        f"{record.author_name} : {files_text(record)} — {rows_text(record)}{comment}{missing}"
    )
