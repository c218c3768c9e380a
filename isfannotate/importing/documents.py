"""Importing documents (``.txt`` files and folders, JSONL) and gold JSONL annotations.

All-or-nothing (docs/architecture.md, invariant 6): every file is read and checked first; only when all
of it is good is anything written, in one transaction. Errors name the file and the line.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError, IsfError, ValidationError
from ..formats.parsed import loads
from ..models import layer_name
from ..neardup import find_groups
from ..progress import Phases, chunks
from ..store import imports as stored
from ..textclean import MAX_DOCUMENT_BYTES, clean_and_hash, decode_utf8
from .fastjsonl import parse_jsonl_bytes
from .schemechange import added_names, extended_scheme, missing_labels, write_scheme

if TYPE_CHECKING:
    from ..models import Actor
    from ..store.base import ProjectBase
    from ..store.changes import Recorder

DOCUMENT_FORMATS = ("txt", "jsonl")


@dataclass
class ImportReport:
    detected: str = ""                                          # "brat (3 .ann files under x/)" when auto
    added: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)          # human-readable: exact duplicates
    renamed: list[str] = field(default_factory=list)          # id clashes resolved with a suffix
    near_duplicate_groups: list[list[str]] = field(default_factory=list)
    annotated_documents: list[str] = field(default_factory=list)
    spans: int = 0
    messages: list[str] = field(default_factory=list)
    layers: dict[str, int] = field(default_factory=dict)  # layer -> documents annotated in it
    per_label: list[tuple[str, str, int, int, int]] = field(
        default_factory=list
    )  # kind, label, imported, converted, skipped
    skipped_items: list[tuple[str, str, str, int]] = field(default_factory=list)    # kind, label, reason, n
    added_labels: list[str] = field(default_factory=list)
    unannotated: list[str] = field(default_factory=list)        # documents added with no layer (nobody annotated them)
    mapped_ids: list[str] = field(default_factory=list)         # "target 'x' is the project's 'y' (same name)"
    registry: str = ""                                          # what became of a folder's registry.json

    def table(self) -> list[str]:
        """The per-label lines of an annotation import: imported, converted, skipped."""
        if not self.per_label:
            return []
        lines = [f"{'kind':<14} {'label':<24} {'imported':>8} {'converted':>9} {'skipped':>8}"]
        lines += [f"{k:<14} {lab:<24} {i:>8} {c:>9} {s:>8}" for k, lab, i, c, s in self.per_label]
        lines += [f"skipped {n} {k} {lab}: {why}" for k, lab, why, n in self.skipped_items]
        return lines

    def summary(self) -> str:
        parts = [f"imported {len(self.added)} document{'s' if len(self.added) != 1 else ''}"]
        if self.layers:
            parts.append("layers " + ", ".join(f"{k} ({n} documents)" for k, n in self.layers.items()))
        if self.added_labels:
            parts.append("added to the scheme: " + ", ".join(self.added_labels))
        if self.annotated_documents:
            parts.append(f"{self.spans} spans in {len(self.annotated_documents)} annotated documents")
        if self.unannotated:
            n = len(self.unannotated)
            parts.append(f"{n} document{'s' if n != 1 else ''} with no annotation (in no layer, not done)")
        if self.mapped_ids:
            parts.append("ids mapped: " + "; ".join(self.mapped_ids))
        if self.skipped:
            parts.append(f"skipped {len(self.skipped)} already in the project")
        if self.renamed:
            parts.append(f"{len(self.renamed)} ids renamed")
        if self.near_duplicate_groups:
            parts.append(f"{len(self.near_duplicate_groups)} near-duplicate groups")
        if self.registry:
            parts.append(self.registry)
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


def _read_jsonl(path: Path, data: bytes, docs: list[_Doc], gold: list[tuple[str, int, dict[str, Any]]],
                read: Callable[[float], None] | None = None) -> None:
    """*read(fraction)* is told how far into the file's lines it is (25 times a file)."""
    text = decode_utf8(data, str(path), limit=None)
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.split("\n")
    every = max(1, len(lines) // 25)
    for lineno, line in enumerate(lines, start=1):
        if read is not None and lineno % every == 0:
            read(lineno / len(lines))
        line = line.rstrip("\r")
        if not line.strip():
            continue
        if len(line) > MAX_DOCUMENT_BYTES:
            raise InputError(
                str(path), f"line longer than the {MAX_DOCUMENT_BYTES // 1048576} MiB limit for one document", lineno
            )
        try:
            obj = loads(line)
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


def _manifest_meta(path: Path, cache: dict[Path, dict[str, dict[str, Any]]]) -> dict[str, Any]:
    """Meta for a .txt file from a ``manifest.json`` beside it (``{"documents": [{"file": ...,
    "title", "outlet", "date", ...}]}``, as in seeds/), without its ``file`` key and null values."""
    folder = path.parent
    if folder not in cache:
        entries: dict[str, dict[str, Any]] = {}
        mf = folder / MANIFEST
        if mf.is_file():
            try:
                data = json.loads(mf.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
                line = getattr(e, "lineno", None)
                raise InputError(str(mf), f"not a readable JSON manifest: {getattr(e, 'msg', e)}", line) from None
            docs = data.get("documents") if isinstance(data, dict) else None
            if not isinstance(docs, list) or not all(
                isinstance(d, dict) and isinstance(d.get("file"), str) for d in docs
            ):
                raise InputError(str(mf), 'a manifest is {"documents": [{"file": NAME, ...}, ...]}')
            entries = {d["file"]: {k: v for k, v in d.items() if k != "file" and v is not None} for d in docs}
        cache[folder] = entries
    return dict(cache[folder].get(path.name, {}))


def import_documents(project: ProjectBase, paths: Sequence[str | Path], format: str, annotator: str | None,
                     replace: bool, progress: Callable[[int, int], None] | None, *,
                     add_labels: bool = False) -> ImportReport:
    """Plain documents and gold JSONL (see the package docstring)."""
    if format not in ("auto", *DOCUMENT_FORMATS):
        raise IsfError(f"unknown format {format!r}; use auto, {', '.join(DOCUMENT_FORMATS)}")
    files = _expand(paths, format)
    if not files:
        raise IsfError("no .txt or .jsonl files found in " + ", ".join(map(str, paths)))
    sizes = [f.stat().st_size for f, _ in files]
    total_bytes, done_bytes = sum(sizes) or 1, 0
    docs: list[_Doc] = []
    gold: list[tuple[str, int, dict[str, Any]]] = []
    manifests: dict[Path, dict[str, dict[str, Any]]] = {}
    phases = Phases(progress)       # one scale for every phase, ending before the commit
    reading = phases.part(0.0, 0.35)
    reading(0, total_bytes)
    for (path, kind), size in zip(files, sizes, strict=True):
        def read_part(frac: float, base: int = done_bytes, size: int = size) -> None:
            reading(base + int(size * frac), total_bytes)
        try:
            data = path.read_bytes()
        except OSError as e:
            raise InputError(str(path), f"cannot read: {e.strerror}") from None
        fast = parse_jsonl_bytes(str(path), data, read_part) if kind == "jsonl" else None
        if fast is not None:
            docs.extend(_Doc(*fields) for fields in fast[0])
            gold.extend(fast[1])
            done_bytes += size
            reading(done_bytes, total_bytes)
            continue
        # a .txt file, or a line the fast path cannot vouch for: the standard reader names it (the same bytes)
        if kind == "txt":
            text, sha = clean_and_hash(decode_utf8(data, str(path)), str(path))
            meta = {"source": path.name, **_manifest_meta(path, manifests)}
            docs.append(_Doc(str(path), path.stem, text, sha, meta))
        else:
            if not data or data.isspace():      # (not data.strip(): a copy of the whole file)
                raise InputError(str(path), "the file is empty")
            _read_jsonl(path, data, docs, gold, read_part)
        done_bytes += size
        reading(done_bytes, total_bytes)

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
    ids = DocumentIds(project, report)
    existing_sha, batch_sha, assign_id = ids.existing_sha, ids.batch_sha, ids.assign_id
    stamp = ids.stamp
    new_rows: list[tuple[Any, ...]] = []
    for d in docs:
        prior = existing_sha.get(d.sha) or batch_sha.get(d.sha)
        if prior is not None:
            report.skipped.append(f"{d.source}: same text as document {prior!r}, skipped")
            continue
        new_rows.append(ids.new_row(d.wanted_id, d.text, d.sha, d.meta, d.source))

    from ..gold import plan_gold_import
    scheme, missing = project.scheme, {}
    if gold:

        def items(
            o: dict[str, Any], key: str
        ) -> list[Any]:  # a malformed record is refused by the gold check, with its line
            value = o.get(key)
            return value if isinstance(value, list) else []

        missing = missing_labels(scheme, {s["label"] for _, _, o in gold for s in items(o, "spans")
                                          if isinstance(s, dict) and isinstance(s.get("label"), str)},
                                 {r["label"] for _, _, o in gold for r in items(o, "relations")
                                  if isinstance(r, dict) and isinstance(r.get("label"), str)},
                                 {k for _, _, o in gold if isinstance(o.get("doc_labels"), dict)
                                  for k in o["doc_labels"]})
        scheme = extended_scheme(scheme, missing, add=add_labels, source=gold[0][0])
    gold_plan = plan_gold_import(project, gold, layer, replace, existing_sha, batch_sha, assign_id,
                                 scheme=scheme) if gold and layer is not None else None
    if gold_plan is not None:
        new_rows.extend(gold_plan.new_document_rows(ids.next_seq, stamp))

    registry_file, registry_actors = _folder_registry(paths)
    if registry_file is not None:
        with project.snapshot() as conn:
            have = stored.actor_count(conn)
        known = {a.id: a for a in project.actors()} if have else {}
        if have and registry_actors and all(known.get(a.id) == a for a in registry_actors):   # the same entries
            report.registry = f"{registry_file}: its {len(registry_actors)} actors are already in the project"
            registry_actors = []
        elif have:
            registry_actors = []
            report.registry = (f"{registry_file} not loaded: the project already has {have} actors (a folder's "
                               "registry is loaded only into an empty registry; add actors in the app's registry)")
        else:
            report.registry = f"{len(registry_actors)} actors from {registry_file}"

    try:
        with project.action("import", None, None, f"{len(new_rows)} documents", undoable=False,
                            bulk=True) as rec:
            if registry_actors:
                from ..registry import actor_rows
                rec.insert_many("actors", actor_rows(registry_actors))
            if scheme is not project.scheme:
                write_scheme(project, rec, scheme)
                report.added_labels = added_names(missing)
            insert_documents(rec, new_rows, report, phases.part(0.4, 0.85))
            if gold_plan is not None:
                annotated, n_spans = gold_plan.apply(project, rec)
                report.annotated_documents.extend(annotated)
                report.spans += n_spans
                report.mapped_ids.extend(gold_plan.mapped)
            phases.end()    # the last point a Cancel stops the import: the commit follows
    finally:
        project.invalidate()   # new documents; a scheme change kept, or rolled back with the rest
    return report


def _folder_registry(paths: Sequence[str | Path]) -> tuple[Path | None, list[Actor]]:
    """The first imported folder's ``registry.json`` (as in seeds/) and its actors, read and
    checked before anything is written; (None, []) when no folder holds one."""
    from ..registry import REGISTRY_FILE, read_registry_file
    for p in map(Path, paths):
        f = p / REGISTRY_FILE
        if p.is_dir() and f.is_file():
            return f, read_registry_file(f)
    return None, []


class DocumentIds:
    """Ids, order and duplicates of the documents an import adds: a text already in the project
    (same sha256) is not added again; a wanted id that is taken gets a numeric suffix (and is
    reported)."""

    def __init__(self, project: ProjectBase, report: ImportReport):
        from ..ids import now
        self.report = report
        with project.snapshot() as conn:
            self.existing_sha: dict[str, str] = stored.document_ids_by_sha(conn)
            self.taken_ids = stored.document_ids(conn)
            self.next_seq = stored.last_document_seq(conn) + 1
        self.batch_sha: dict[str, str] = {}
        self.stamp = now()

    def assign_id(self, wanted: str | None, sha: str, source: str) -> str:
        base = wanted or f"doc-{sha[:12]}"
        doc_id, n = base, 1
        while doc_id in self.taken_ids:
            n += 1
            doc_id = f"{base}-{n}"
        if doc_id != base:
            self.report.renamed.append(f"{source}: id {base!r} is taken, stored as {doc_id!r}")
        self.taken_ids.add(doc_id)
        return doc_id

    def known(self, sha: str) -> str | None:
        return self.existing_sha.get(sha) or self.batch_sha.get(sha)

    def new_row(self, wanted: str | None, text: str, sha: str, meta: dict[str, Any], source: str) -> tuple[Any, ...]:
        doc_id = self.assign_id(wanted, sha, source)
        self.batch_sha[sha] = doc_id
        row = (doc_id, self.next_seq, text, sha, json.dumps(meta, ensure_ascii=False) if meta else "{}", self.stamp)
        self.next_seq += 1
        return row


_DOC_COLS = ("id", "seq", "text", "sha256", "meta", "imported_at")


def insert_documents(rec: Recorder, rows: list[tuple[Any, ...]], report: ImportReport,
                     progress: Callable[[int, int], None] | None = None) -> None:
    """Insert new document rows (from ``DocumentIds.new_row``) inside the import's action and
    regroup the near-duplicates."""
    report.added = [r[0] for r in rows]
    before = _ProjectBefore(rec) if rows else None
    parts = chunks(len(rows))
    for k, (i, j) in enumerate(parts):     # in slices, so that a long import shows its progress
        rec.insert_tuples("documents", _DOC_COLS, rows[i:j], key_order=False)   # no dict per row
        if progress:
            progress(3 * (k + 1), 4 * len(parts))
    if before is not None:
        _regroup_near_duplicates(rec, report, before, rows)
    if progress:
        progress(1, 1)


class _ProjectBefore:
    """The project's documents before the import's rows go in (read in the same transaction):
    ids in import order, texts, near-duplicate groups. With the new rows by seq after them, that
    is the order of ``document_ids_in_order`` once they are in, without reading the new rows back
    (an import into an empty project reads nothing)."""

    def __init__(self, rec: Recorder):
        # ids come before the text in a row and groups from their partial index: no text is read here
        self.groups = stored.near_duplicate_groups(rec.conn)
        self.ids = stored.document_ids_in_order(rec.conn)
        self.texts = stored.texts(rec.conn) if self.ids else {}


def _regroup_near_duplicates(rec: Recorder, report: ImportReport, before: _ProjectBefore,
                             rows: list[tuple[Any, ...]]) -> None:
    """Recompute near-duplicate groups over the whole project and store them (inside the caller's
    transaction). Group names g1, g2, ... follow the import order of each group's first document.
    *rows* are the documents just inserted, so their texts are not read back."""
    groups_now = before.groups
    texts = [(doc_id, before.texts[doc_id], groups_now.get(doc_id)) for doc_id in before.ids]
    texts += [(r[0], r[2], None) for r in sorted(rows, key=itemgetter(1))]     # (new: in no group)
    groups = find_groups([r[1] for r in texts])
    wanted: dict[str, str | None] = {r[0]: None for r in texts}
    for n, g in enumerate(groups, start=1):
        for i in g:
            wanted[texts[i][0]] = f"g{n}"
    changed = [(grp, doc_id) for (doc_id, _, old) in texts for grp in [wanted[doc_id]] if grp != old]
    rec.set_column("documents", "near_dup_group",
                   [(doc_id, groups_now.get(doc_id), grp) for grp, doc_id in changed])
    added = set(report.added)
    for g in groups:
        ids = [texts[i][0] for i in g]
        if added.intersection(ids):
            report.near_duplicate_groups.append(ids)
