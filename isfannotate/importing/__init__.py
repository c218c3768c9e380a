"""Importing: plain documents (``.txt``, folders, JSONL), gold JSONL annotations, and other
tools' annotations (brat, doccano, Label Studio, Prodigy, CoNLL, WebAnno TSV3).

All-or-nothing (docs/architecture.md, invariant 6): every file is read and checked first; only when all of
it is good is anything written, in one action through the Recorder. Errors name the file and
the line. ``--format auto`` tells the format from the files and says what it found; a file
that carries annotations is never imported as plain documents.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError, IsfError
from ..gcpause import paused_gc
from .documents import DOCUMENT_FORMATS, ImportReport, import_documents

if TYPE_CHECKING:
    from ..store.base import ProjectBase

ANNOTATION_FORMATS = ("brat", "doccano", "labelstudio", "prodigy", "conll", "webanno-tsv3")
FORMATS = ("auto", *DOCUMENT_FORMATS, *ANNOTATION_FORMATS)

__all__ = ["ANNOTATION_FORMATS", "DOCUMENT_FORMATS", "FORMATS", "ImportReport", "import_paths", "detect"]


def _all_plain(paths: Sequence[str | Path]) -> bool:
    files = [p for p in map(Path, paths) if p.is_file()]
    return len(files) == len(paths) and all(p.suffix.lower() in (".txt", ".jsonl", ".ndjson") for p in files)


def detect(paths: Sequence[str | Path]) -> tuple[str, str]:
    """(format, reason) of *paths* without importing anything (for the app's Import dialog)."""
    from ..formats.detect import detect_format
    return detect_format(paths)


def _check_explicit_format(paths: Sequence[str | Path], format: str) -> None:
    """Refuse an explicit ``--format`` that would not read what the files hold: annotations the
    chosen reader ignores (a Prodigy file read as doccano keeps no span), or annotation files it
    would take for documents (a brat folder read as txt). Files whose format detection cannot
    tell are left to the chosen reader, which names what it cannot read."""
    from ..formats.detect import PLAIN_FORMATS, detect_format
    try:
        seen, reason = detect_format(paths)
    except InputError:
        return
    if seen == format or seen in PLAIN_FORMATS:
        return
    what = ("would import its annotation files as documents and lose the annotations"
            if format in DOCUMENT_FORMATS else "would not read the annotations in it")
    raise IsfError(f"{', '.join(map(str, paths))}: --format {format} {what}: this looks like {seen} "
                   f"({reason}); use --format {seen}, or --format auto")


def import_paths(
    project: ProjectBase,
    paths: Sequence[str | Path],
    *,
    format: str = "auto",
    annotator: str | None = None,
    annotator_map: str | dict[str, Any] | None = None,
    add_labels: bool = False,
    replace: bool = False,
    split_discontinuous: bool = False,
    conll_tag_column: int | None = None,
    webanno_layer: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import *paths* (files or folders) into *project*, all-or-nothing. Raises IsfError
    subclasses naming the file and line. *progress(done, total)* reports the work."""
    if format not in FORMATS:
        raise IsfError(f"unknown format {format!r}; use {', '.join(FORMATS)}")
    if not paths:
        raise IsfError("give at least one file or folder to import")
    with paused_gc():
        detected = ""
        fmt = format
        if format == "auto":
            try:
                fmt, reason = detect(paths)
                detected = f"{fmt}: {reason}"
            except InputError as e:
                # plain document files the sniffer cannot read (a bad line): the document importer
                # reads them line by line and names the exact file and line. A file that reads but
                # fits no format is refused: read as plain documents, its other keys would be lost.
                from ..formats.detect import UnknownFormat
                if isinstance(e, UnknownFormat) or not _all_plain(paths):
                    raise
                fmt = "jsonl"
        else:
            _check_explicit_format(paths, format)
        if fmt in ANNOTATION_FORMATS:
            from .tools import import_tool_annotations
            return import_tool_annotations(project, paths, fmt, annotator=annotator, annotator_map=annotator_map,
                                           add_labels=add_labels, replace=replace,
                                           split_discontinuous=split_discontinuous,
                                           conll_tag_column=conll_tag_column, webanno_layer=webanno_layer,
                                           detected=detected, progress=progress)
        if annotator_map:
            raise IsfError("--annotator-map applies to files that name their annotators, not to plain documents")
        if split_discontinuous or conll_tag_column is not None or webanno_layer is not None:
            raise IsfError(f"--split-discontinuous, --conll-tag-column and --webanno-layer do not apply to {fmt} files")
        report = import_documents(project, paths, format, annotator, replace, progress, add_labels=add_labels)
        report.detected = detected
        return report
