"""Many fiches at once: files of one fiche, a batch on both cores, the ZIP of a batch.

A batch renders each fiche (maps, PDF, Word) in a pool of worker processes, one per core. The
workers are forked from a clean server process (``forkserver``), never from the caller: the
dashboard runs threads, and Typst keeps native threads once it has compiled a document, so a
plain fork could deadlock. Each worker reads the data once. One or two fiches are rendered in
the calling process: starting workers would cost more than it saves. The orientations and
actions of every fiche are read from the store once, by the caller, and handed to the workers
(a worker never opens the store). Files are written to a temporary name, then renamed, so that
an interrupted batch never leaves a half-written file.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from reports.fiche_docx import DOCX_MIME, fiche_docx
from reports.fiche_images import fiche_images
from reports.fiche_pdf import fiche_pdf
from services.export_data import ExportData, load_export_data
from services.fiche import build_fiche
from services.fiche_model import FicheText
from services.fiche_territories import resolve_territories
from services.fiche_texts import fiche_texts_for

FICHE_FORMATS = {"pdf": "application/pdf", "docx": DOCX_MIME}
ZIP_MIME = "application/zip"
INLINE_MAX = 2  # batches this small are rendered in the calling process


@dataclass(frozen=True)
class FicheFile:
    """A file of a fiche: its name and content."""

    name: str
    content: bytes


def check_formats(formats: Sequence[str]) -> tuple[str, ...]:
    """The formats asked for, checked.

    Raises
    ------
    ValueError
        Unknown or no format (French message listing the valid ones).
    """
    wanted = tuple(dict.fromkeys(f.strip().lower() for f in formats if f.strip()))
    unknown = [f for f in wanted if f not in FICHE_FORMATS]
    if unknown or not wanted:
        raise ValueError(
            f"format(s) de fiche inconnu(s) : {', '.join(unknown) or 'aucun'} "
            f"(attendu : {', '.join(FICHE_FORMATS)})."
        )
    return wanted


def fiche_files(
    data: ExportData,
    key: str,
    formats: Sequence[str] = ("pdf", "docx"),
    reference: str | None = None,
    texts: Sequence[FicheText] | None = None,
) -> list[FicheFile]:
    """The files of one fiche (maps drawn once for both formats).

    Parameters
    ----------
    data : ExportData
        The data set.
    key : str
        The territory (``epci``, INSEE code, quartier code).
    formats : sequence of str
        ``pdf`` and/or ``docx``.
    reference : str, optional
        The territory of comparison (the EPCI by default).
    texts : sequence of FicheText, optional
        Orientations and actions of the territory (read from the store when None).
    """
    formats = check_formats(formats)
    fiche = build_fiche(data, key, reference, texts)
    images = fiche_images(fiche)
    render = {"pdf": fiche_pdf, "docx": fiche_docx}
    return [FicheFile(f"{fiche.file_stem}.{f}", render[f](fiche, images)) for f in formats]


def _worker_init() -> None:
    load_export_data()


def _worker(
    key: str, formats: tuple[str, ...], reference: str | None, texts: tuple
) -> list[FicheFile]:
    return fiche_files(load_export_data(), key, formats, reference, texts)


def _context() -> multiprocessing.context.BaseContext:
    return multiprocessing.get_context("forkserver")


def run_batch(
    data: ExportData,
    keys: Sequence[str],
    formats: Sequence[str] = ("pdf", "docx"),
    reference: str | None = None,
    texts: Mapping[str, Sequence[FicheText]] | None = None,
    workers: int | None = None,
) -> Iterator[tuple[str, list[FicheFile]]]:
    """Render the fiches of ``keys`` (all of them when empty), yielding each as it is done.

    Parameters
    ----------
    data : ExportData
        The data set (rendered in-process for small batches; workers read the same files).
    keys : sequence of str
        Territory codes; empty for every territory.
    formats : sequence of str
        ``pdf`` and/or ``docx``.
    reference : str, optional
        The territory of comparison of every fiche.
    texts : mapping, optional
        Territory code → its orientations and actions; read from the store, once for the whole
        batch, when None (workers never open the store).
    workers : int, optional
        Worker processes (the number of cores by default).

    Yields
    ------
    (str, list of FicheFile)
        The territory code and its files, in the order they finish.

    Raises
    ------
    ValueError
        Unknown code or format, raised before anything is rendered.
    """
    formats = check_formats(formats)
    territories = resolve_territories(data, keys)
    if reference:
        resolve_territories(data, [reference])
    if texts is None:
        texts = fiche_texts_for(t.key for t in territories)
    workers = workers or os.cpu_count() or 1
    if workers <= 1 or len(territories) <= INLINE_MAX:
        for t in territories:
            yield t.key, fiche_files(data, t.key, formats, reference, texts.get(t.key, ()))
        return
    with ProcessPoolExecutor(workers, mp_context=_context(), initializer=_worker_init) as pool:
        futures = {
            pool.submit(_worker, t.key, formats, reference, tuple(texts.get(t.key, ()))): t.key
            for t in territories
        }
        for future in as_completed(futures):
            yield futures[future], future.result()


def write_files(files: Sequence[FicheFile], folder: Path) -> list[Path]:
    """Write ``files`` into ``folder``, each to a temporary name first, then renamed."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for file in files:
        target = folder / file.name
        write_atomic(target, file.content)
        written.append(target)
    return written


def write_atomic(target: Path, content: bytes) -> None:
    """Write ``content`` to ``target`` through a temporary file renamed at the end."""
    temporary = target.with_name(f".{target.name}.partiel")
    try:
        temporary.write_bytes(content)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def zip_bytes(
    batch: Iterator[tuple[str, list[FicheFile]]],
    on_done: Callable[[str], None] | None = None,
) -> bytes:
    """A ZIP of every file of ``batch``, files sorted by name; ``on_done`` is called with each
    territory code as its fiche is added (progress bar)."""
    files: list[FicheFile] = []
    for key, rendered in batch:
        files.extend(rendered)
        if on_done is not None:
            on_done(key)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(files, key=lambda f: f.name):
            archive.writestr(file.name, file.content)
    return buffer.getvalue()
