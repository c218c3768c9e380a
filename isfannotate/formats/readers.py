"""One entry point to the readers of outside tools' files, for the importer and the app.

``read_annotations(paths, "auto")`` detects the format (:func:`detect.detect_format`) and
reads the files into a :class:`~isfannotate.formats.parsed.ParsedCollection`; nothing here
touches a project. Plain documents (``txt``, ``jsonl`` and gold JSONL) are the importer's own
business: for them :func:`read_annotations` raises, so call :func:`detect_format` first when
both can occur.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from isfannotate.errors import IsfError
from isfannotate.formats import brat, conll, doccano, labelstudio, prodigy, webanno
from isfannotate.formats.detect import PLAIN_FORMATS, READ_FORMATS, detect_format
from isfannotate.formats.parsed import ParsedCollection

READERS = {
    "brat": brat.read,
    "doccano": doccano.read,
    "labelstudio": labelstudio.read,
    "prodigy": prodigy.read,
    "conll": conll.read,
    "webanno-tsv3": webanno.read,
}
assert tuple(READERS) == READ_FORMATS


def read_annotations(
    paths: Sequence[str | Path],
    format: str = "auto",
    *,
    split_discontinuous: bool = False,
    conll_tag_column: int | None = None,
    webanno_layer: str | None = None,
) -> ParsedCollection:
    """Read ``paths`` in ``format`` (one of :data:`READ_FORMATS`, or ``auto``).

    ``split_discontinuous`` is for brat, ``conll_tag_column`` (1-based) for CoNLL,
    ``webanno_layer`` (the span layer to read) for WebAnno TSV3; giving one
    for another format is an error, so that an option is never silently ignored. Raises
    :class:`~isfannotate.errors.InputError` naming the file and line for bad input, and
    IsfError for an unknown format or plain documents. Runs in the calling thread.
    """
    if format == "auto":
        format, _reason = detect_format(paths)
    if format in PLAIN_FORMATS:
        raise IsfError(f"these are plain documents ({format}), not annotations from another tool")
    if format not in READERS:
        raise IsfError(f"unknown format {format!r}; choose one of auto, {', '.join(READ_FORMATS)}")
    if split_discontinuous and format != "brat":
        raise IsfError("--split-discontinuous applies to brat only")
    if conll_tag_column is not None and format != "conll":
        raise IsfError("--conll-tag-column applies to conll only")
    if webanno_layer is not None and format != "webanno-tsv3":
        raise IsfError("--webanno-layer applies to webanno-tsv3 only")
    if format == "brat":
        return brat.read(paths, split_discontinuous=split_discontinuous)
    if format == "conll":
        return conll.read(paths, tag_column=conll_tag_column)
    if format == "webanno-tsv3":
        return webanno.read(paths, layer=webanno_layer)
    return READERS[format](paths)
