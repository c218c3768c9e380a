"""Reading an annotator's file, which is untrusted input, for ``merge``.

The file is never opened in place: it is copied (with a ``-wal`` a crashed app left beside it)
into a temporary folder, and the copy is opened with ``PRAGMA trusted_schema=OFF``. It is
refused when it is still owned by a running app, fails SQLite's integrity check, holds triggers
or views or any table that is not exactly ours, or comes from a newer version; an older one is
migrated as that temporary copy. Nothing it contains is executed: it is only read with plain
SELECTs, and every row is validated (offsets inside the text, labels in the scheme, references
that resolve) before anything is written.

Spans, by far the most numerous rows, are kept as tuples in ``SPAN_COLUMNS`` order from the
file to the insert; the other rows are dicts keyed by column.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import tempfile
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any

from ..errors import InputError, ValidationError
from ..models import GOLD, layer_name
from ..scheme import Scheme, parse_scheme
from ..store import ownership, schema
from ..store.bundles import LAYERED, SPAN_COLUMNS, BundleReader, connect_bundle

__all__ = ["LAYERED", "SPAN_COLUMNS", "FileData", "UntrustedFile", "check_scheme", "check_size",
           "read_annotator_file", "validate_rows"]

Row = dict[str, Any]   # a row of the file as read, keyed by column


@dataclass
class FileData:
    path: str
    annotator: str
    scheme: Scheme
    docs: dict[str, tuple[str, str]]                 # file doc id -> (sha256, text)
    actors: dict[str, Row]
    targets: dict[str, Row]
    spans: list[tuple[Any, ...]]                               # SPAN_COLUMNS, in document order
    claims: list[Row]
    stances: list[Row]
    evidence: list[Row]
    relations: list[Row]
    doc_labels: list[Row]
    status: list[Row]
    span_doc: dict[str, str]                         # span id -> file doc id
    handout_id: str | None = None                    # project_info.handout_id of a handed-out file
    suggestion_log: list[Row] = field(default_factory=list)   # decisions on model suggestions (issue 22)
    grouped: dict[str, dict[str, Any]] | None = None   # the rows by document, when read ahead (team.merge)
    digests: dict[str, str] | None = None              # each document's digest as the file has it, then,
    digest_maps: tuple[dict[str, str], dict[str, str]] | None = None   # its links mapped so (actors, targets)


class UntrustedFile:
    """One annotator's file on its way in, to be checked against the project's *scheme*.

    ``open()`` copies the file to a temporary folder and checks what it is: the ownership, the
    header, no triggers or views, exactly our tables, not newer (an older copy is migrated), its
    scheme and annotator. ``verify()`` does the whole-file work that runs inside SQLite and
    hashlib with the GIL released, on a connection of its own: SQLite's integrity check, the
    documents' hashes, and one query that finds every span breaking a rule. ``read()`` reads the
    rows and validates them; a span the query found is explained (and refused) there, so the
    rules and their messages live in one place, ``_validate_spans``. A merge verifies the first
    file in a worker thread while reading it, and opens and verifies each next file there while
    writing the one before. ``close()`` (or the ``with`` block) removes the temporary copy.
    Nothing of the file is written anywhere before ``read()`` has returned."""

    def __init__(self, path: str | Path, scheme: Scheme):
        self.path = Path(path)
        self.src = str(self.path)
        self.scheme = scheme
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._copy: Path | None = None
        self._conn: sqlite3.Connection | None = None
        self._annotator: str | None = None
        self.handout_id: str | None = None
        self._file_scheme: Scheme | None = None
        self._integrity_checked = False
        self._docs: dict[str, tuple[str, str]] | None = None
        self._suspects: list[tuple[Any, ...]] = []

    def __enter__(self) -> UntrustedFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def copy_path(self) -> Path:
        """The checked temporary copy (after ``open()``; gone after ``close()``)."""
        assert self._copy is not None and self._tmp is not None, "open() first"
        return self._copy

    def release(self) -> None:
        """Close the reading connection, keeping the copy (a merge attaches it to copy rows)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def close(self) -> None:
        self.release()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def check(self) -> UntrustedFile:
        """``open()`` then ``verify()``; safe in a worker thread."""
        self.open()
        return self.verify()

    def open(self) -> UntrustedFile:
        """Copy the file and check what it is; raises InputError naming it."""
        path, src = self.path, self.src
        if not path.is_file():
            raise InputError(src, "no such file")
        owner = ownership.owner_of(path)
        if owner is not None:
            raise InputError(src, f"still open in {owner.describe()}; close it there, then merge")
        with open(path, "rb") as fh:
            header = fh.read(100)
        if header[:16] != b"SQLite format 3\x00":
            raise InputError(src, "not an isfannotate project (not an SQLite file)")
        check_size(src, header, path.stat().st_size, path.with_name(path.name + "-wal").exists())
        reference = schema.reference_schema()
        self._tmp = tempfile.TemporaryDirectory(prefix="isf-merge-")
        self._copy = Path(self._tmp.name) / "in.isf"
        shutil.copyfile(path, self._copy)
        wal = path.with_name(path.name + "-wal")
        if wal.exists():   # a crashed app's last work: replayed into the copy, never into the original
            shutil.copyfile(wal, Path(self._tmp.name) / "in.isf-wal")
        with _damaged(src):
            self._conn = connect_bundle(self._copy)
            self._annotator, self._file_scheme, self._integrity_checked, self.handout_id = \
                _check(self._conn, src, reference)
        check_scheme(self.scheme, self._file_scheme, src)
        return self

    def verify(self) -> UntrustedFile:
        """SQLite's integrity check, the documents' hashes and the span screen, on a connection
        of its own (``open()`` first); raises InputError naming the file."""
        assert self._copy is not None and self._annotator is not None, "open() first"
        with _damaged(self.src):
            conn = connect_bundle(self._copy)
        try:
            with _damaged(self.src):
                bundle = BundleReader(conn)
                if not self._integrity_checked:
                    _integrity(bundle, self.src)
                bundle.make_read_only()
                docs = _documents(bundle, self.src)
                lengths = json.dumps({d: len(text) for d, (_, text) in docs.items()})
                labels = json.dumps([lab.name for lab in self.scheme.span_labels])
                self._suspects = bundle.suspect_spans(self._annotator, lengths, labels)
                self._docs = docs
        finally:
            conn.close()
        return self

    def read(self, verified: Callable[[], object] | None = None) -> FileData:
        """Read every row of the opened copy and validate it against the project's scheme.
        *verified*: called once the rows are read and before they are validated, to wait for a
        ``verify()`` running meanwhile in another thread (None: ``verify()`` has returned)."""
        assert self._conn is not None and self._file_scheme is not None and self._annotator is not None, \
            "open() first"
        with _damaged(self.src):
            data = _read(self._conn, self.src, self._annotator, self._file_scheme)
        if verified is not None:
            verified()
        assert self._docs is not None, "verify() first"
        data.docs = self._docs
        data.handout_id = self.handout_id
        validate_rows(data, self.scheme, self._suspects)
        return data


MAX_FILE_BYTES = 4 << 30   # an annotator's file larger than this is refused before it is copied


def _size(n: int) -> str:
    return f"{n / (1 << 30):.1f} GiB" if n >= 1 << 30 else f"{n / (1 << 20):.1f} MiB" if n >= 1 << 20 else f"{n} bytes"


def check_size(src: str, header: bytes, size: int, has_wal: bool) -> None:
    """Refuse a file whose size is not what its SQLite header declares (page count x page size,
    bytes 28-31 and 16-17, when the header says that count is valid) or is beyond a sane limit,
    before anything copies it: a sparse file with a hole of gigabytes is a few KB on disk but
    would be copied in full."""
    if len(header) < 100:
        raise InputError(src, f"damaged: {size} bytes, shorter than an SQLite header")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    valid = pages > 0 and header[24:28] == header[92:96] and page_size >= 512 and page_size & (page_size - 1) == 0
    if valid:
        declared = pages * page_size
        if size > declared or (size < declared and not has_wal):
            raise InputError(src, f"is {_size(size)} but its SQLite header declares {_size(declared)} "
                                  f"({pages} pages of {page_size} bytes); damaged or not a project file: ask for "
                                  "the file again")
    if size > MAX_FILE_BYTES:
        raise InputError(src, f"is {_size(size)}, more than an annotator's file can be ({_size(MAX_FILE_BYTES)}); "
                              "refused before copying it")


@contextmanager
def _damaged(src: str) -> Iterator[None]:
    """SQLite's own errors on a file that is not a sound project, as the InputError naming it."""
    try:
        yield
    except sqlite3.DatabaseError as e:
        raise InputError(src, f"damaged or not a project file ({e})") from None


def _integrity(bundle: BundleReader, src: str) -> None:
    check = bundle.integrity_problems()
    if check != ["ok"]:
        raise InputError(src, f"fails SQLite's integrity check: {check[0]}")


def read_annotator_file(path: str | Path, scheme: Scheme) -> FileData:
    """Copy, check, read and validate an annotator's file against the project's *scheme*;
    raises InputError naming the file."""
    with UntrustedFile(path, scheme) as f:
        return f.check().read()


def _check(conn: sqlite3.Connection, src: str, reference: frozenset[Any]) -> tuple[str, Scheme, bool, str | None]:
    """The file's annotator and scheme, once the file is known to be one of our projects,
    whether SQLite's integrity check was run (before migrating an older copy; otherwise
    ``verify()`` runs it), and its handout id (None: not handed out by any project)."""
    bundle = BundleReader(conn)
    objects = bundle.triggers_and_views()
    if objects:
        raise InputError(src, "holds " + ", ".join(f"{t} {n}" for t, n in objects)
                         + "; a project file never has triggers or views, so it is refused")
    tables = bundle.table_names()
    if "documents" not in tables or schema.MIGRATIONS_TABLE not in tables:
        raise InputError(src, "not an isfannotate project (no project tables)")
    applied = schema.applied(conn)
    known = [fn.__name__ for fn in schema.MIGRATIONS]
    if [n for n in applied if n not in known]:
        raise InputError(src, "written by a newer isfannotate; upgrade isfannotate to merge it")
    integrity_checked = applied != known
    if integrity_checked:   # never migrate a damaged file
        _integrity(bundle, src)
        schema.migrate(conn)   # the temporary copy only
    have = bundle.schema_entries()
    if have - reference:
        odd = sorted(n for _, n, _ in have - reference)
        raise InputError(src, f"its tables are not an isfannotate project's ({', '.join(odd[:5])}); refused")
    if not integrity_checked:   # every later read scans the tables; the integrity check compares what is left
        bundle.drop_secondary_indexes()
    info = bundle.project_info()
    try:
        scheme = parse_scheme(json.loads(info["scheme"]), f"{src} (stored scheme)")
    except (KeyError, ValueError) as e:
        raise InputError(src, f"its stored scheme is missing or invalid: {e}") from None
    stored = bundle.stored_layers()
    bad = sorted(repr(x) for x in stored if not isinstance(x, str))
    if bad:
        raise InputError(src, f"holds rows whose layer is not a name ({', '.join(bad)})")
    annotator = info.get("annotator")
    try:
        if annotator is None:   # not a handout: its one annotator's layer
            layers = {unicodedata.normalize("NFC", x) for x in stored} - {GOLD}
            if len(layers) > 1:
                raise InputError(src, f"holds several annotators' layers ({', '.join(sorted(layers))}) and records "
                                      "no annotator; merge files written by 'isfannotate handout'")
            if not layers:
                raise InputError(src, "holds no annotator's work")
            annotator = next(iter(layers))
        name = layer_name(annotator)
    except ValidationError as e:
        raise InputError(src, str(e)) from None
    others = sorted(x for x in stored if unicodedata.normalize("NFC", x) != name)
    if others:
        raise InputError(src, f"is {name}'s file but holds rows in other layers ({', '.join(others)}); "
                              f"a file brings back one annotator's work: ask {name} for their own file")
    for x in stored - {name}:   # the same name, not in NFC: stored under the NFC name (in the copy only)
        bundle.rename_layer_in_copy(x, name)
    bundle.make_read_only()
    handout_id = info.get("handout_id")
    return name, scheme, integrity_checked, handout_id if isinstance(handout_id, str) else None


def _documents(bundle: BundleReader, src: str) -> dict[str, tuple[str, str]]:
    docs = {}
    for doc_id, text, sha in bundle.documents():
        if not isinstance(text, str) or hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest() != sha:
            raise InputError(src, f"document {doc_id!r}: its text does not match its sha256")
        docs[doc_id] = (sha, text)
    return docs


def _read(conn: sqlite3.Connection, src: str, annotator: str, scheme: Scheme) -> FileData:
    """Every row of *annotator*'s layer (the documents come from ``verify()``)."""
    bundle = BundleReader(conn)
    spans = bundle.spans(annotator)
    return FileData(
        path=src, annotator=annotator, scheme=scheme, docs={},
        actors={r["id"]: r for r in bundle.actors()},
        targets={r["id"]: r for r in bundle.targets()},
        spans=spans,
        claims=bundle.claims(annotator),
        stances=bundle.stances(annotator),
        evidence=bundle.evidence(annotator),
        relations=bundle.relations(annotator),
        doc_labels=bundle.doc_labels(annotator),
        status=bundle.status(annotator),
        span_doc=dict(map(itemgetter(0, 1), spans)),   # (pairs made in C: 50,000 spans, 0.045 s -> 0.01 s)
        suggestion_log=bundle.suggestion_log(annotator),
    )


# --------------------------------------------------------------------------- validation
def check_scheme(project_scheme: Scheme, file_scheme: Scheme, src: str) -> None:
    """The file's labels, attributes, actor types and polarities must be a subset of the project's."""
    diff = []
    mine = {lab.name: lab for lab in project_scheme.span_labels}
    for lab in file_scheme.span_labels:
        if lab.name not in mine:
            diff.append(f"label {lab.name}")
            continue
        attrs = {a.name: a for a in mine[lab.name].attributes}
        for a in lab.attributes:
            if a.name not in attrs or attrs[a.name].type != a.type:
                diff.append(f"attribute {lab.name}.{a.name}")
            elif a.type == "choice" and set(a.choices) - set(attrs[a.name].choices):
                extra = sorted(set(a.choices) - set(attrs[a.name].choices))
                diff.append(f"choices {lab.name}.{a.name}: {', '.join(extra)}")
    diff += [f"actor type {t}" for t in file_scheme.actor_types if t not in project_scheme.actor_types]
    diff += [f"polarity {p}" for p in file_scheme.stance.polarities if p not in project_scheme.stance.polarities]
    rels = {r.name for r in project_scheme.relation_types}
    diff += [f"relation {r.name}" for r in file_scheme.relation_types if r.name not in rels]
    dls = {d.name for d in project_scheme.doc_labels}
    diff += [f"document label {d.name}" for d in file_scheme.doc_labels if d.name not in dls]
    if diff:
        raise InputError(src, "its scheme is not a subset of the project's; not in the project: " + "; ".join(diff))


def validate_rows(data: FileData, scheme: Scheme, suspects: list[tuple[Any, ...]] | None = None) -> None:
    """Refuse the file at its first row that breaks a rule. *suspects*: the spans that may break
    one, found by ``_SUSPECT_SPANS`` (None: check every span here)."""
    src = data.path
    labels = {lab.name for lab in scheme.span_labels}
    for a in data.actors.values():
        if a["type"] not in scheme.actor_types:
            raise InputError(src, f"actor {a['id']}: type {a['type']!r} is not in the scheme")
        try:
            aliases = json.loads(a["aliases"])
        except (TypeError, ValueError):
            aliases = None
        if not isinstance(aliases, list) or not all(isinstance(x, str) for x in aliases):
            raise InputError(src, f"actor {a['id']}: aliases are not a JSON list of names")
        if not isinstance(a["name"], str) or not a["name"].strip():
            raise InputError(src, f"actor {a['id']}: no name")
    _validate_spans(data, labels, data.spans if suspects is None else suspects)
    span_doc = data.span_doc
    for c in data.claims:
        doc = span_doc.get(c["span_id"])
        for ref in (c["span_id"], c["source_span"], c["cue_span"]):
            if ref is not None and (doc is None or span_doc.get(ref) != doc):
                raise InputError(src, f"claim {c['span_id']}: span {ref!r} is not in the same document and layer")
        if c["source_actor"] is not None and c["source_actor"] not in data.actors:
            raise InputError(src, f"claim {c['span_id']}: source {c['source_actor']!r} is not in the file's registry")
    stances = {}
    for st in data.stances:
        if st["document_id"] not in data.docs:
            raise InputError(src, f"stance {st['id']}: document {st['document_id']!r} is not in the file")
        if st["polarity"] not in scheme.stance.polarities:
            raise InputError(src, f"stance {st['id']}: polarity {st['polarity']!r} is not in the scheme")
        if st["holder"] is not None and st["holder"] not in data.actors:
            raise InputError(src, f"stance {st['id']}: holder {st['holder']!r} is not in the file's registry")
        if st["target"] is not None and st["target"] not in data.targets:
            raise InputError(src, f"stance {st['id']}: target {st['target']!r} is not in the file's target list")
        stances[st["id"]] = st["document_id"]
    for e in data.evidence:
        if e["stance_id"] not in stances or span_doc.get(e["span_id"]) != stances[e["stance_id"]]:
            raise InputError(src, f"stance {e['stance_id']}: evidence {e['span_id']!r} does not resolve")
    for r in data.relations:
        for end in (r["head"], r["tail"]):
            if span_doc.get(end) != r["document_id"]:
                raise InputError(src, f"relation {r['id']}: span {end!r} is not in the same document and layer")
    doc_label_names = {d.name for d in scheme.doc_labels}
    for d in data.doc_labels:
        if d["key"] not in doc_label_names or d["document_id"] not in data.docs:
            raise InputError(src, f"document label {d['key']!r} of {d['document_id']!r} does not resolve")
    for st in data.status:
        if st["status"] not in ("new", "in_progress", "done") or st["document_id"] not in data.docs:
            raise InputError(src, f"document status {st['status']!r} of {st['document_id']!r} is not valid")
    _validate_suggestion_log(data)


# A logged decision's text values are short: an id, a label, a timestamp. Longer is not ours.
MAX_LOG_TEXT = 200
_LOG_KINDS = ("span", "claim", "stance")
_LOG_DECISIONS = ("accept", "reject", "correct")


def _validate_suggestion_log(data: FileData) -> None:
    """Refuse the file at its first logged suggestion decision that is not one the app writes:
    the row named by its position in the log (and its id when that is text)."""
    src, docs = data.path, data.docs
    for i, r in enumerate(data.suggestion_log, 1):
        rid = r["id"]
        where = f"suggestion log row {i}" + (f" ({rid[:40]!r})" if isinstance(rid, str) else "")

        def bad(why: str, where: str = where) -> InputError:
            return InputError(src, f"{where}: {why}; a decision the app logs never looks like this, so the file "
                                   "is refused")
        for col in ("id", "label", "at", "kind", "decision"):
            v = r[col]
            if not isinstance(v, str) or not v.strip():
                raise bad(f"{col} is {type(v).__name__}, not text")
            if len(v) > MAX_LOG_TEXT:
                raise bad(f"{col} is {len(v)} characters long (at most {MAX_LOG_TEXT})")
        if r["kind"] not in _LOG_KINDS:
            raise bad(f"kind {r['kind']!r} is not one of {', '.join(_LOG_KINDS)}")
        if r["decision"] not in _LOG_DECISIONS:
            raise bad(f"decision {r['decision']!r} is not one of {', '.join(_LOG_DECISIONS)}")
        doc = docs.get(r["document_id"])
        if doc is None:
            raise bad(f"document {str(r['document_id'])[:40]!r} is not in the file")
        n = len(doc[1])
        if r["model_version"] is not None and type(r["model_version"]) is not int:
            raise bad(f"model version is {type(r['model_version']).__name__}, not a whole number")
        if r["score"] is not None and type(r["score"]) not in (int, float):
            raise bad(f"score is {type(r['score']).__name__}, not a number")
        for a, b in (("start", "end"), ("corrected_start", "corrected_end")):
            start, end = r[a], r[b]
            if a == "corrected_start" and start is None and end is None:
                continue
            if not (type(start) is int and type(end) is int and 0 <= start <= end <= n):
                raise bad(f"{a}-{b} {start!r}-{end!r} is not inside its text (length {n})")
        label = r["corrected_label"]
        if label is not None and (not isinstance(label, str) or len(label) > MAX_LOG_TEXT):
            raise bad("corrected_label is not a short text")


def _validate_spans(data: FileData, labels: set[str], spans: list[tuple[Any, ...]]) -> None:
    """Refuse the first of *spans* (SPAN_COLUMNS tuples) that breaks a rule. One pass keeps the
    spans that may break one (attributes other than ``{}`` are parsed below); the loop explains
    the first of them that does."""
    src, docs, actors = data.path, data.docs, data.actors
    n_of = {d: len(text) for d, (_sha, text) in docs.items()}
    if not set(map(itemgetter(1), spans)) <= n_of.keys():   # (else a span's document is looked up in the loop below)
        n_of = defaultdict(lambda: -1, n_of)
    spans = [s for s in spans
             if not (type(s[2]) is int and type(s[3]) is int and 0 <= s[2] < s[3] <= n_of[s[1]]
                     and s[4] in labels and (s[5] is None or s[5] in actors) and s[6] == "{}")]
    for sid, doc_id, start, end, label, actor_id, attrs, _created in spans:
        doc = docs.get(doc_id)
        if doc is None:
            raise InputError(src, f"span {sid}: document {doc_id!r} is not in the file")
        n = len(doc[1])
        if not (type(start) is int and type(end) is int and 0 <= start < end <= n):
            raise InputError(src, f"span {sid} {start}-{end} is outside its text (length {n}) or empty")
        if label not in labels:
            raise InputError(src, f"span {sid}: label {label!r} is not in the scheme")
        if actor_id is not None and actor_id not in actors:
            raise InputError(src, f"span {sid}: actor {actor_id!r} is not in the file's registry")
        if attrs != "{}":
            try:
                ok = isinstance(json.loads(attrs), dict)
            except (TypeError, ValueError):
                ok = False
            if not ok:
                raise InputError(src, f"span {sid}: attributes are not a JSON object")
