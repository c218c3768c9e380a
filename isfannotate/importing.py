"""Importing documents (``.txt`` files and folders, JSONL) and gold JSONL annotations.

All-or-nothing (DESIGN.md invariant 6): every file is read and checked first; only when all
of it is good is anything written, in one transaction. Errors name the file and the line.
"""
from __future__ import annotations

import gc
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .changes import Op
from .errors import InputError, IsfError, ValidationError
from .models import layer_name
from .neardup import find_groups
from .textclean import MAX_DOCUMENT_BYTES, clean_and_hash, decode_utf8

if TYPE_CHECKING:
    from .changes import Recorder
    from .store.base import ProjectBase

DOCUMENT_FORMATS = ("txt", "jsonl")
ANNOTATION_FORMATS = ("brat", "doccano", "labelstudio", "prodigy", "conll", "webanno-tsv3")


@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)          # human-readable: exact duplicates
    renamed: list[str] = field(default_factory=list)          # id clashes resolved with a suffix
    near_duplicate_groups: list[list[str]] = field(default_factory=list)
    annotated_documents: list[str] = field(default_factory=list)
    spans: int = 0
    messages: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"imported {len(self.added)} document{'s' if len(self.added) != 1 else ''}"]
        if self.annotated_documents:
            parts.append(f"{self.spans} spans in {len(self.annotated_documents)} annotated documents")
        if self.skipped:
            parts.append(f"skipped {len(self.skipped)} already in the project")
        if self.renamed:
            parts.append(f"{len(self.renamed)} ids renamed")
        if self.near_duplicate_groups:
            parts.append(f"{len(self.near_duplicate_groups)} near-duplicate groups")
        return "; ".join(parts)


@dataclass
class _Doc:
    source: str            # "file" or "file:line"
    wanted_id: str | None
    text: str
    sha: str
    meta: dict[str, Any]


def _expand(paths: Sequence[str | Path], fmt: str) -> list[tuple[Path, str]]:
    out: list[tuple[Path, str]] = []
    for p in map(Path, paths):
        if p.is_dir():
            files = sorted(f for f in p.rglob("*") if f.is_file() and not f.name.startswith("."))
            for f in files:
                kind = fmt if fmt != "auto" else {".txt": "txt", ".jsonl": "jsonl"}.get(f.suffix.lower())
                if kind is not None:
                    out.append((f, kind))
        elif p.is_file():
            kind = fmt
            if fmt == "auto":
                kind = {".txt": "txt", ".jsonl": "jsonl", ".ndjson": "jsonl"}.get(p.suffix.lower())
                if kind is None:
                    raise InputError(str(p), "cannot tell the format from the extension; give --format txt or jsonl")
            out.append((p, kind))
        else:
            raise InputError(str(p), "no such file or folder")
    return out


def _read_jsonl(path: Path, data: bytes, docs: list[_Doc], gold: list[tuple[str, int, dict]]) -> None:
    text = decode_utf8(data, str(path), limit=None)
    if text.startswith("\ufeff"):
        text = text[1:]
    for lineno, line in enumerate(text.split("\n"), start=1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        if len(line) > MAX_DOCUMENT_BYTES:
            raise InputError(str(path), f"line longer than the {MAX_DOCUMENT_BYTES // 1048576} MiB limit for one document", lineno)
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            raise InputError(str(path), f"not valid JSON: {e.msg} (column {e.colno})", lineno) from None
        if not isinstance(obj, dict):
            raise InputError(str(path), f"each line must be a JSON object, not {type(obj).__name__}", lineno)
        if "schema" in obj:
            gold.append((str(path), lineno, obj))
            continue
        if "text" not in obj:
            raise InputError(str(path), 'the object has no "text" field', lineno)
        if not isinstance(obj["text"], str):
            raise InputError(str(path), '"text" must be a string', lineno)
        doc_id = obj.get("id")
        if doc_id is not None:
            if isinstance(doc_id, bool) or not isinstance(doc_id, (str, int)):
                raise InputError(str(path), '"id" must be a string or an integer', lineno)
            doc_id = str(doc_id).strip() or None
        meta = obj.get("meta", {})
        if not isinstance(meta, dict):
            raise InputError(str(path), '"meta" must be an object', lineno)
        cleaned, sha = clean_and_hash(obj["text"], str(path), lineno)
        docs.append(_Doc(f"{path}:{lineno}", doc_id, cleaned, sha, {**meta}))


MANIFEST = "manifest.json"


def _manifest_meta(path: Path, cache: dict[Path, dict[str, dict]]) -> dict[str, Any]:
    """Meta for a .txt file from a ``manifest.json`` beside it (``{"documents": [{"file": ...,
    "title", "outlet", "date", ...}]}``, as in seeds/), without its ``file`` key and null values."""
    folder = path.parent
    if folder not in cache:
        entries: dict[str, dict] = {}
        mf = folder / MANIFEST
        if mf.is_file():
            try:
                data = json.loads(mf.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
                line = getattr(e, "lineno", None)
                raise InputError(str(mf), f"not a readable JSON manifest: {getattr(e, 'msg', e)}", line) from None
            docs = data.get("documents") if isinstance(data, dict) else None
            if not isinstance(docs, list) or not all(isinstance(d, dict) and isinstance(d.get("file"), str) for d in docs):
                raise InputError(str(mf), 'a manifest is {"documents": [{"file": NAME, ...}, ...]}')
            entries = {d["file"]: {k: v for k, v in d.items() if k != "file" and v is not None} for d in docs}
        cache[folder] = entries
    return dict(cache[folder].get(path.name, {}))


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector: a bulk import allocates hundreds of thousands of
    acyclic objects, and the collector's repeated full passes over them cost more than half of
    the near-duplicate search. Reference counting still frees everything as usual."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def import_paths(project: "ProjectBase", paths: Sequence[str | Path], *, format: str = "auto",
                 annotator: str | None = None, replace: bool = False,
                 progress: Callable[[int, int], None] | None = None) -> ImportReport:
    """Import *paths* (files or folders) into *project*; all-or-nothing. *progress(done, total)*
    is called with bytes read, then with documents written. Raises IsfError subclasses."""
    with _gc_paused():
        return _import_paths(project, paths, format, annotator, replace, progress)


def _import_paths(project: "ProjectBase", paths: Sequence[str | Path], format: str, annotator: str | None,
                  replace: bool, progress: Callable[[int, int], None] | None) -> ImportReport:
    if format in ANNOTATION_FORMATS:
        raise IsfError(f"importing {format} annotations is not supported yet; "
                       f"supported formats: auto, {', '.join(DOCUMENT_FORMATS)}")
    if format not in ("auto", *DOCUMENT_FORMATS):
        raise IsfError(f"unknown format {format!r}; use auto, {', '.join(DOCUMENT_FORMATS)}")
    files = _expand(paths, format)
    if not files:
        raise IsfError("no .txt or .jsonl files found in " + ", ".join(map(str, paths)))
    sizes = [f.stat().st_size for f, _ in files]
    total_bytes, done_bytes = sum(sizes) or 1, 0
    docs: list[_Doc] = []
    gold: list[tuple[str, int, dict]] = []
    manifests: dict[Path, dict[str, dict]] = {}
    if progress:
        progress(0, total_bytes)
    for (path, kind), size in zip(files, sizes):
        try:
            data = path.read_bytes()
        except OSError as e:
            raise InputError(str(path), f"cannot read: {e.strerror}") from None
        if kind == "txt":
            text, sha = clean_and_hash(decode_utf8(data, str(path)), str(path))
            meta = {"source": path.name, **_manifest_meta(path, manifests)}
            docs.append(_Doc(str(path), path.stem, text, sha, meta))
        else:
            if not data.strip():
                raise InputError(str(path), "the file is empty")
            _read_jsonl(path, data, docs, gold)
        done_bytes += size
        if progress:
            progress(done_bytes, total_bytes)

    layer = None
    if gold:
        if annotator is None:
            src, line, _ = gold[0]
            raise InputError(src, "these are annotations: say which layer they go to with --annotator NAME "
                                  "(or --annotator gold)", line)
        try:
            layer = layer_name(annotator, allow_gold=True)
        except ValidationError as e:
            raise IsfError(str(e)) from None

    report = ImportReport()
    conn = project.conn
    existing_sha = dict(conn.execute("SELECT sha256, id FROM documents"))
    taken_ids = {r[0] for r in conn.execute("SELECT id FROM documents")}
    next_seq = (conn.execute("SELECT max(seq) FROM documents").fetchone()[0] or 0) + 1
    new_rows: list[tuple] = []
    batch_sha: dict[str, str] = {}

    def assign_id(wanted: str | None, sha: str, source: str) -> str:
        base = wanted or f"doc-{sha[:12]}"
        doc_id, n = base, 1
        while doc_id in taken_ids:
            n += 1
            doc_id = f"{base}-{n}"
        if doc_id != base:
            report.renamed.append(f"{source}: id {base!r} is taken, stored as {doc_id!r}")
        taken_ids.add(doc_id)
        return doc_id

    from .ids import now
    stamp = now()
    for d in docs:
        prior = existing_sha.get(d.sha) or batch_sha.get(d.sha)
        if prior is not None:
            report.skipped.append(f"{d.source}: same text as document {prior!r}, skipped")
            continue
        doc_id = assign_id(d.wanted_id, d.sha, d.source)
        batch_sha[d.sha] = doc_id
        new_rows.append((doc_id, next_seq, d.text, d.sha, json.dumps(d.meta, ensure_ascii=False), stamp))
        next_seq += 1

    from .gold import plan_gold_import
    gold_plan = plan_gold_import(project, gold, layer, replace, existing_sha, batch_sha, assign_id) if gold else None
    if gold_plan is not None:
        new_rows.extend(gold_plan.new_document_rows(next_seq, stamp))

    total_docs = len(new_rows)
    cols = ("id", "seq", "text", "sha256", "meta", "imported_at")
    with project._action("import", None, None, f"{total_docs} documents", undoable=False) as rec:
        rec.insert_many("documents", [dict(zip(cols, r)) for r in new_rows])
        report.added = [r[0] for r in new_rows]
        if progress:
            progress(total_docs, total_docs)
        if new_rows:
            _regroup_near_duplicates(rec, report, {r[0]: r[2] for r in new_rows})
        if gold_plan is not None:
            annotated, n_spans = gold_plan.apply(project, rec)
            report.annotated_documents.extend(annotated)
            report.spans += n_spans
    project._doc_lengths.clear()
    return report


def _regroup_near_duplicates(rec: "Recorder", report: ImportReport, new_texts: dict[str, str]) -> None:
    """Recompute near-duplicate groups over the whole project and store them (inside the caller's
    transaction). Group names g1, g2, ... follow the import order of each group's first document.
    *new_texts* (id -> text) are the documents just inserted, so their texts are not read back."""
    # ids come before the text in a row and groups from their partial index: no text is read here
    conn = rec.conn
    groups_now = dict(conn.execute("SELECT id, near_dup_group FROM documents WHERE near_dup_group IS NOT NULL"))
    rows = [(doc_id, groups_now.get(doc_id)) for (doc_id,) in conn.execute("SELECT id FROM documents ORDER BY seq")]
    old_texts = dict(conn.execute("SELECT id, text FROM documents WHERE id NOT IN (SELECT value FROM json_each(?))",
                                  (json.dumps(list(new_texts)),))) if len(rows) > len(new_texts) else {}
    rows = [(doc_id, new_texts.get(doc_id) or old_texts[doc_id], group) for doc_id, group in rows]
    groups = find_groups([r[1] for r in rows])
    wanted: dict[str, str | None] = {r[0]: None for r in rows}
    for n, g in enumerate(groups, start=1):
        for i in g:
            wanted[rows[i][0]] = f"g{n}"
    changed = [(grp, doc_id) for (doc_id, _, old) in rows for grp in [wanted[doc_id]] if grp != old]
    conn.executemany("UPDATE documents SET near_dup_group=? WHERE id=?", changed)
    for grp, doc_id in changed:   # logged as partial rows (id + group): no text is read back
        rec.change.ops.append(Op("documents", {"id": doc_id, "near_dup_group": groups_now.get(doc_id)},
                                 {"id": doc_id, "near_dup_group": grp}))
    added = set(report.added)
    for g in groups:
        ids = [rows[i][0] for i in g]
        if added.intersection(ids):
            report.near_duplicate_groups.append(ids)
