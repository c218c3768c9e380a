"""The neutral model every reader of an outside tool's files produces, and what they share.

A reader turns files into a :class:`ParsedCollection` and touches nothing else: no project,
no database. Offsets in the model are Unicode code points into the *cleaned* text (BOM
dropped, CRLF/CR -> LF, see :mod:`isfannotate.textclean`), end exclusive (docs/architecture.md
invariants 1 and 2); ``doc.text[span.start:span.end]`` is the annotated text. A reader whose
format counts another unit, or counts into the raw text, converts here before it builds a
span, and counts the conversion.

Every item a reader meets gets exactly one entry in :attr:`ParsedCollection.counts`, keyed
``(kind, label, status)``: ``kind`` is ``span``, ``relation``, ``attribute``, ``note``,
``normalization``, ``doc_label``, ``event``, ``equivalence``, ``document``, ``chain``,
``sentence`` (CoNLL) or ``result`` (Label Studio result types not read);
``status`` is ``imported``, ``converted:<what>`` (imported after a conversion) or
``skipped:<reason>`` (not in the model). Every error is an
:class:`~isfannotate.errors.InputError` naming the file and the line.
"""
from __future__ import annotations

import json
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from isfannotate.errors import InputError
from isfannotate.formats.reading import opening, reading_files, records
from isfannotate.textclean import MAX_DOCUMENT_BYTES, clean_and_hash, decode_utf8
from isfannotate.utf16 import Utf16Map

IMPORTED = "imported"


@dataclass(slots=True)
class ParsedSpan:
    """One contiguous span. ``key`` is the id relations use (the tool's own id where it has
    one: brat ``T3``, Label Studio region id, doccano entity id; else a running number).
    ``line`` is the 1-based line of the input file it came from (None when unknown)."""

    key: str
    start: int
    end: int
    label: str
    attrs: dict[str, Any] = field(default_factory=dict)
    external_id: str | None = None
    external_name: str | None = None
    line: int | None = None


@dataclass(slots=True)
class ParsedRelation:
    """A directed relation between two spans of the same document, by span ``key``."""

    head_key: str
    tail_key: str
    label: str
    line: int | None = None


@dataclass(slots=True)
class ParsedDocument:
    """One document as one source annotator left it.

    ``text`` is cleaned (what the project stores) and ``sha256`` is its hash, so the
    importer can attach annotations to a document already in the project. ``doc_id`` is the
    id the file gives (file stem, JSON ``id``...) or None (the importer derives one).
    ``annotator`` is the source annotator (Label Studio ``completed_by``, Prodigy
    ``_session_id``, a brat annotator folder) or None; several documents may share one text
    with different annotators. ``line`` is where the document starts in ``path``.
    """

    path: str
    doc_id: str | None
    text: str
    sha256: str
    meta: dict[str, Any] = field(default_factory=dict)
    annotator: str | None = None
    spans: list[ParsedSpan] = field(default_factory=list)
    relations: list[ParsedRelation] = field(default_factory=list)
    doc_labels: dict[str, Any] = field(default_factory=dict)
    line: int | None = None
    annotated: bool = True
    """False for a text that nobody annotated (a Label Studio task with no annotation, or only
    predictions): the importer adds the document and puts nothing in any layer."""


@dataclass(slots=True)
class ParsedCollection:
    """Everything read from one or more files of one format.

    ``declared`` holds what the files' own configuration declares (brat ``annotation.conf``:
    ``entities``/``relations``/``events``/``attributes`` name lists), which may list labels
    that no document uses. ``notes`` are lines for the import summary saying what the reader
    chose where a file offered several things (the CoNLL tag column, the WebAnno layer).
    """

    format: str
    documents: list[ParsedDocument] = field(default_factory=list)
    counts: Counter[Any] = field(default_factory=Counter)
    declared: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)   # what the reader chose (a CoNLL column, a TSV layer)

    @property
    def span_labels(self) -> list[str]:
        """Span labels used by the documents, sorted."""
        return sorted({s.label for d in self.documents for s in d.spans})

    @property
    def relation_labels(self) -> list[str]:
        return sorted({r.label for d in self.documents for r in d.relations})

    @property
    def labels_seen(self) -> dict[str, list[str]]:
        """``{"spans": [...], "relations": [...], "doc_labels": [...]}``, each sorted."""
        return {
            "spans": self.span_labels,
            "relations": self.relation_labels,
            "doc_labels": sorted({k for d in self.documents for k in d.doc_labels}),
        }

    @property
    def annotators(self) -> list[str | None]:
        """Distinct source annotators in order of first appearance (None = not given)."""
        seen: dict[str | None, None] = {}
        for d in self.documents:
            if d.annotated:
                seen.setdefault(d.annotator, None)
        return list(seen)

    def summary(self) -> list[tuple[str, str, str, int]]:
        """``(kind, label, status, n)`` rows, sorted, for the import report."""
        return sorted((k, lab, st, n) for (k, lab, st), n in self.counts.items())

    def per_label(self) -> dict[tuple[str, str], dict[str, int]]:
        """``(kind, label) -> {"imported", "converted", "skipped"}`` for the import summary:
        ``imported`` counts everything that reaches the model (``converted`` items included),
        ``converted`` the part of it that needed a conversion, ``skipped`` what did not."""
        out: dict[tuple[str, str], dict[str, int]] = {}
        for (kind, label, status), n in sorted(self.counts.items()):
            row = out.setdefault((kind, label), {"imported": 0, "converted": 0, "skipped": 0})
            if status.startswith("skipped"):
                row["skipped"] += n
            else:
                row["imported"] += n
                if status.startswith("converted"):
                    row["converted"] += n
        return out

    def count(self, kind: str | None = None, status: str | None = None) -> int:
        """How many items of ``kind`` with ``status`` (a prefix such as ``skipped`` matches
        every ``skipped:<reason>``); None matches everything."""
        return sum(
            n
            for (k, _lab, st), n in self.counts.items()
            if (kind is None or k == kind) and (status is None or st == status or st.startswith(status + ":"))
        )


# --------------------------------------------------------------------------- text


class SourceText:
    """A document's text as the file gives it (``raw``) and as the project stores it (``text``).

    Cleaning drops a leading BOM and turns CRLF into LF (a lone CR into LF, same length), so
    offsets that count into the raw text are moved back by the characters removed before
    them: :meth:`to_clean`. :attr:`u16` converts UTF-16 offsets into the raw text.
    """

    __slots__ = ("raw", "text", "sha256", "_removed", "_u16")

    def __init__(self, raw: str, path: str, line: int | None = None) -> None:
        self.raw = raw
        # one document is at most MAX_DOCUMENT_BYTES of UTF-8, whichever file it comes in; a
        # text of fewer code points than a quarter of that cannot be over it (no encoding needed)
        if len(raw) * 4 > MAX_DOCUMENT_BYTES and len(raw.encode("utf-8", "surrogatepass")) > MAX_DOCUMENT_BYTES:
            size = len(raw.encode("utf-8", "surrogatepass"))
            raise InputError(path, f"a document of {size / 1048576:.1f} MiB is over the limit of "
                             f"{MAX_DOCUMENT_BYTES // 1048576} MiB for one document (split it)", line)
        self.text, self.sha256 = clean_and_hash(raw, path, line)
        removed: list[int] = []
        if "\r" in raw or raw.startswith("\ufeff"):
            if raw.startswith("\ufeff"):
                removed.append(0)
            removed.extend(m.start() for m in re.finditer("\r(?=\n)", raw))
        self._removed = removed
        self._u16: Utf16Map | None = None
        assert len(self.text) == len(raw) - len(removed), "cleaning rules changed: update SourceText"

    @property
    def changed(self) -> bool:
        """True when cleaning removed characters (so raw offsets must be moved)."""
        return bool(self._removed)

    def to_clean(self, raw_offset: int) -> int:
        """Code point offset into ``raw`` -> code point offset into ``text``."""
        if not self._removed:
            return raw_offset
        return raw_offset - bisect_left(self._removed, raw_offset)

    @property
    def u16(self) -> Utf16Map:
        if self._u16 is None:
            self._u16 = Utf16Map(self.raw)
        return self._u16


def read_text_file(path: Path, *, one_document: bool = True) -> str:
    """Strict UTF-8 text of ``path``, not cleaned (InputError naming the file and line).
    A file that is one document is held to the project's size limit for one document."""
    opening(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise InputError(str(path), f"cannot be read: {e.strerror or e}") from None
    if one_document:
        return decode_utf8(data, str(path))
    return decode_utf8(data, str(path), limit=None)


def line_at(text: str, offset: int) -> int:
    """1-based line number of character ``offset`` of ``text``."""
    return text.count("\n", 0, offset) + 1


_KEY_CACHE = [str(i) for i in range(256)]


def index_keys(n: int) -> list[str]:
    """``["0", "1", ... str(n - 1)]`` without building common small strings again."""
    if n <= len(_KEY_CACHE):
        return _KEY_CACHE[:n]
    return _KEY_CACHE + [str(i) for i in range(len(_KEY_CACHE), n)]


# --------------------------------------------------------------------------- JSON


def loads(data: str) -> Any:
    """``json.loads`` (one place to swap in a faster parser; orjson measured no faster on
    this machine's noisy 2-core VM, so the standard library it is. The plain JSONL import's
    fast path, ``importing/fastjsonl.py``, does use orjson: on the bytes of 5 KB lines it
    parsed 10,050 articles in 0.06 s CPU against 0.18 s).

    JSON nested deeper than Python's parser can follow (``[[[[...`` 100,000 times) raises
    ``json.JSONDecodeError`` placed where the nesting gets too deep, never ``RecursionError``."""
    try:
        return json.loads(data)
    except RecursionError:
        raise json.JSONDecodeError(f"nested more than {_DEPTH_SHOWN} levels deep ([ and {{); "
                                   "no annotation file nests like this", data, _deep_position(data)) from None


_DEPTH_SHOWN = 500


def _deep_position(data: str) -> int:
    """Index of the bracket that opens nesting level ``_DEPTH_SHOWN + 1`` (outside strings),
    else of the deepest one: where a too-deeply nested JSON text goes wrong."""
    depth = best = where = 0
    in_string = escaped = False
    for i, ch in enumerate(data):
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > best:
                best, where = depth, i
                if depth > _DEPTH_SHOWN:
                    return i
        elif ch in "]}":
            depth -= 1
    return where


def parse_json_document(path: str, text: str) -> Any:
    """A whole file as one JSON value; bad JSON -> InputError with the line and column."""
    try:
        return loads(text)
    except json.JSONDecodeError as e:
        raise InputError(path, f"bad JSON: {e.msg} (column {e.colno})", e.lineno) from None


def parse_json_line(path: str, line: str, lineno: int) -> Any:
    try:
        return loads(line)
    except json.JSONDecodeError as e:
        raise InputError(path, f"bad JSON: {e.msg} (column {e.colno})", lineno) from None


def json_lines(path: str, text: str) -> Iterable[tuple[int, Any]]:
    """(line number, value) of every non-blank line of a JSONL text."""
    lines = text.split("\n")
    for lineno, line in enumerate(records(lines), 1):
        if line.strip():
            yield lineno, parse_json_line(path, line, lineno)


def find_line(text: str, needle: str, default: int | None = None, start: int = 0, end: int | None = None) -> int | None:
    """Line of the first occurrence of ``needle`` in ``text[start:end]`` of a pretty-printed
    JSON file (for error messages about values a JSON parser does not place); ``default`` when
    absent."""
    i = text.find(needle, start, len(text) if end is None else end)
    return line_at(text, i) if i >= 0 else default


_WS_RE = re.compile(r"[ \t\n\r]*")


def _ws_end(text: str, pos: int) -> int:
    """The end of the JSON whitespace run at *pos* (the pattern matches the empty string too)."""
    m = _WS_RE.match(text, pos)
    assert m is not None
    return m.end()


def json_list_items(path: str, text: str) -> list[tuple[int, int, Any]]:
    """``(start offset, end offset, value)`` of each item of a JSON list (or of the one value
    when the text is not a list), parsed item by item so that every item knows where it is in
    the file. Bad JSON -> InputError with the line and column where it breaks."""
    decoder = json.JSONDecoder()
    pos = _ws_end(text, 0)
    try:
        if not text.startswith("[", pos):
            value, end = decoder.raw_decode(text, pos)
            if _ws_end(text, end) != len(text):
                raise json.JSONDecodeError("Extra data", text, _ws_end(text, end))
            return [(pos, end, value)]
        items: list[tuple[int, int, Any]] = []
        pos = _ws_end(text, pos + 1)
        if text.startswith("]", pos):
            end = pos + 1
        else:
            while True:
                value, end = decoder.raw_decode(text, pos)
                items.append((pos, end, value))
                pos = _ws_end(text, end)
                if text.startswith(",", pos):
                    pos = _ws_end(text, pos + 1)
                    continue
                if text.startswith("]", pos):
                    end = pos + 1
                    break
                raise json.JSONDecodeError("Expecting ',' delimiter or ']'", text, pos)
        if _ws_end(text, end) != len(text):
            raise json.JSONDecodeError("Extra data", text, _ws_end(text, end))
        return items
    except RecursionError:
        e = json.JSONDecodeError(f"nested more than {_DEPTH_SHOWN} levels deep ([ and {{); no annotation file "
                                 "nests like this", text, _deep_position(text))
        raise InputError(path, f"bad JSON: {e.msg} (column {e.colno})", e.lineno) from None
    except json.JSONDecodeError as e:
        raise InputError(path, f"bad JSON: {e.msg} (column {e.colno})", e.lineno) from None


# --------------------------------------------------------------------------- checks


def check_offsets(path: str, line: int | None, start: Any, end: Any, length: int, what: str, unit: str = "") -> None:
    """Refuse offsets that are not integers, run backwards or end past the text."""
    if type(start) is not int or type(end) is not int:
        raise InputError(path, f"{what}: offsets must be integers, got {start!r}, {end!r}", line)
    if start < 0:
        raise InputError(path, f"{what}: bad offsets: start {start}, end {end} (a start cannot be negative)", line)
    if end < start:
        raise InputError(path, f"{what}: bad offsets: start {start}, end {end} (the end is before the start)", line)
    if end > length:
        raise InputError(
            path, f"{what}: start {start}, end {end}: past the end of the text ({length}{unit and ' ' + unit})", line
        )


def raw_range(
    src: SourceText, start: Any, end: Any, stated: str | None, *, path: str, line: int | None, what: str,
    utf16: bool = False,
) -> tuple[int, int, bool]:
    """Check a span given as offsets into the raw text, return it in *clean* code points.
    *start* and *end* are the file's values as read (JSON: anything); they are checked here.

    ``utf16`` says the format counts UTF-16 units. Otherwise, where the file states the
    span's text and it disagrees with the code-point slice, UTF-16 units are tried; the
    third value tells whether they were used. Refuses (InputError) offsets past the end, an
    offset inside a surrogate pair, and a stated text that matches neither reading.
    """
    converted = False
    if utf16:
        s, e = _from_utf16(src, start, end, path, line, what)
        converted = not src.u16.is_identity
    else:
        n = len(src.raw)
        in_range = type(start) is int and type(end) is int and 0 <= start <= end <= n
        s, e = start, end
        if not in_range or (stated is not None and src.raw[s:e] != stated):
            alt = None
            if stated is not None and not src.u16.is_identity:
                try:
                    alt = _from_utf16(src, start, end, path, line, what)
                except InputError:
                    alt = None
            if alt is not None and src.raw[alt[0] : alt[1]] == stated:
                s, e = alt
                converted = True
            else:
                check_offsets(path, line, start, end, n, what, "characters")
                raise InputError(
                    path,
                    f"{what}: the stated text {stated!r} does not match the document at start {start}, end {end} "
                    f"({src.raw[s:e]!r}), neither in code points nor in UTF-16 units",
                    line,
                )
    return src.to_clean(s), src.to_clean(e), converted


def _from_utf16(src: SourceText, start: Any, end: Any, path: str, line: int | None, what: str) -> tuple[int, int]:
    m = src.u16
    check_offsets(path, line, start, end, m.utf16_length, what, "UTF-16 units")
    try:
        return m.from_utf16(start), m.from_utf16(end)
    except ValueError as e:
        raise InputError(path, f"{what}: {e}", line) from None


def doc_id_of(value: Any) -> str | None:
    """A document id from a JSON value (int ids become strings); None for missing/empty."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, str)):
        s = str(value).strip()
        return s or None
    return None


def _our_manifest(f: Path) -> bool:
    """The ``manifest.json`` isfannotate writes beside an export: not data, so a folder of our
    own export imports as it is."""
    if f.name != "manifest.json":
        return False
    try:
        with open(f, "rb") as fh:
            head = fh.read(200)
    except OSError:
        return False
    return b'"tool": "isfannotate"' in head


def expand_paths(paths: Sequence[str | Path], suffixes: Iterable[str]) -> list[Path]:
    """Files under ``paths`` (folders searched recursively, hidden files skipped) whose
    suffix is in ``suffixes``, sorted by path; files given by name are kept whatever their
    suffix."""
    sfx = tuple(s.lower() for s in suffixes)
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(
                f for f in p.rglob("*")
                if f.is_file() and f.name.lower().endswith(sfx) and not f.name.startswith(".")
                and not _our_manifest(f)
            ))
        elif p.exists():
            out.append(p)
        else:
            raise InputError(str(p), "no such file or folder")
    reading_files(out)
    return out
