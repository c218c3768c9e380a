"""Merging annotators' layers given as rows (the team database's, read by the lead's sync)
instead of files: ``merge_rows(project, layers)``.

The rows are untrusted exactly like an annotator's file, and go through the same checks as
``merge_files`` does after reading a file: every row validated (``untrusted.validate_rows``:
offsets inside the document's text, labels, polarities, attributes and document labels of the
scheme, references that resolve), rows of another layer refused, the documents must be the
project's, the registry reconciled (new entries, listed conflicts), and only the annotator's own
layer written, through the same steps as a file's layer (``merge.plan_layer``, ``clear_planned``,
``write_planned``; digests per document: merging the same rows twice changes nothing; those of
documents never merged, which decide nothing, made in a thread while SQLite builds the span
indexes again, ``digests.LaterDigests``, and after them the change journal's pass over the
rows written, ``store.journal.scan_ahead``). All
layers in ONE action, all-or-nothing, one undo step, one change record; every layer's old rows
are cleared before any layer is written. No scratch file is written: the rows go from Python
straight into the project.

A refusal is one line naming the layer and, where a row is at fault, its document:
``SOURCE: ann03's layer, document d12: span s9 40-20 is outside its text (length 30) or empty``.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from ..errors import InputError, IsfError, ValidationError
from ..gcpause import paused_gc
from ..ids import now
from ..models import layer_name, name_key
from ..store import journal
from ..store.bundles import SPAN_COLUMNS
from ..store.connection import bulk_cache
from ..store.merging import DeferredIndexes, documents_for_merge, spans_held
from .digests import LaterDigests
from .merge import FileReport, MergeReport, check_file, clear_planned, plan_layer, write_planned
from .untrusted import FileData, validate_rows

if TYPE_CHECKING:
    from ..store.base import ProjectBase

Row = tuple[Any, ...]

# What of each table the merge reads (the same columns ``store.bundles.BundleReader`` reads of a file).
_KEEP = {
    "actors": ("id", "name", "type", "aliases", "external_id", "note"),
    "targets": ("id", "name", "description"),
    "claims": ("span_id", "source_kind", "source_actor", "source_span", "cue_span", "quote"),
    "stances": ("id", "document_id", "holder", "target", "polarity", "conditions", "created_at"),
    "stance_evidence": ("stance_id", "span_id", "position"),
    "relations": ("id", "document_id", "head", "tail", "label"),
    "doc_labels": ("document_id", "key", "value"),
    "doc_status": ("document_id", "status", "reason", "updated_at"),
}
_LAYERED = ("spans", "stances", "relations", "doc_status", "doc_labels")
# a merge of at least this many spans, more than the project holds, goes through a rollback journal
BULK_SPANS = 20_000


@dataclass
class LayerIn:
    """One annotator's layer to merge, as rows: *rows* maps a table (spans, claims, stances,
    stance_evidence, relations, doc_status, doc_labels) to its rows as tuples in *columns*'
    order for that table; *actors* / *targets*: the registry the rows refer to (tuples in
    *columns* order of ``actors`` / ``targets``); *documents*: the project's document ids
    the rows are of (as with a file, a document's layer is replaced by its rows when they differ
    from what was merged last; a document without any row of the layer is left as it is)."""
    annotator: str
    documents: list[str]
    columns: dict[str, tuple[str, ...]]
    rows: dict[str, list[Row]] = field(default_factory=dict)
    actors: list[Row] = field(default_factory=list)
    targets: list[Row] = field(default_factory=list)


def merge_rows(project: ProjectBase, layers: Sequence[LayerIn], *, source: str = "rows",
               progress: Callable[[int, int], None] | None = None) -> MergeReport:
    """Merge *layers* into *project* as one action (see the module's docstring); *source* names
    where the rows come from in messages and in the listed conflicts. The report has one
    ``FileReport`` per layer, its ``path`` being ``"SOURCE: NAME's layer"``."""
    scheme = project.scheme
    known = {name_key(name): name for name in project.layers()}
    wanted = sorted({d for layer in layers for d in layer.documents})
    with project.snapshot() as conn:
        docs = documents_for_merge(conn, wanted)
        held = spans_held(conn)
    sha_to_doc = {sha: doc for doc, (sha, _text) in docs.items()}
    datas = [_layer_data(layer, docs, scheme, source) for layer in layers]
    by_layer: dict[str, str] = {}
    for data in datas:
        check_file(data, by_layer, known, sha_to_doc)
    report = MergeReport()
    # more spans than the project holds (a lead's first pull): the pages are mostly new, written
    # once through a rollback journal instead of into the WAL and again by its checkpoint
    incoming = sum(len(data.spans) for data in datas)
    bulk = incoming >= BULK_SPANS and incoming > held
    try:
        _write(project, datas, sha_to_doc, by_layer, report, progress, bulk)
    except sqlite3.IntegrityError as e:   # a rule of the project's tables no check above foresaw
        raise IsfError(f"{source}: the rows of {', '.join(by_layer)} break a rule of the project's tables ({e}); "
                       "nothing was merged") from None
    return report


def _write(project: ProjectBase, datas: list[FileData], sha_to_doc: dict[str, str], by_layer: dict[str, str],
           report: MergeReport, progress: Callable[[int, int], None] | None, bulk: bool = False) -> None:
    """The merge's one action: every layer planned, cleared, then written (*bulk*: through a
    rollback journal, ``connection.bulk_journal``, and the foreign keys checked once before the
    commit instead of row by row, ``connection.keys_checked_at_end``)."""
    stamp = now()
    with paused_gc(), ThreadPoolExecutor(1, thread_name_prefix="isf-pull-digest") as pool, \
            project.action("merge", None, None, bulk=bulk, keys_at_end=bulk) as rec:
        conn = rec.conn
        with bulk_cache(conn):
            indexes = DeferredIndexes(conn)
            # every layer's old rows cleared before any is written: the clears find them through
            # the indexes, which a bulk write may drop until the end (``DeferredIndexes``)
            plans = []
            for data in datas:   # the digests of documents never merged, which decide nothing, put off
                fr, plan = plan_layer(project, rec, data, sha_to_doc, stamp, later=True)
                report.files.append(fr)
                plans.append(plan)
            for plan in plans:
                clear_planned(rec, plan)
            indexes.before_insert(sum(len(parts["spans"]) for plan in plans for _, _, parts in plan.docs))
            for i, plan in enumerate(plans):
                if progress:
                    progress(i, len(plans))
                write_planned(rec, plan, None, indexes)
            # made in the pool's thread while SQLite builds the span indexes again, which holds no
            # GIL (not beside the inserts: ``executemany`` takes the GIL back after every row)
            digests = LaterDigests(pool)
            for plan in plans:
                digests.add(plan.layer, plan.later, plan.actor_map)
            # and then the change journal's pass over the rows as logged (``journal.scan_ahead``):
            # every layer row is logged by now (the digests' rows are of no layer)
            scanned = pool.submit(journal.scan_ahead, rec.change)
            indexes.restore()
            rec.change.scanned = scanned.result()
            digests.write(rec)
            rec.change.description = ", ".join(by_layer)


def _layer_data(layer: LayerIn, docs: dict[str, tuple[str, str]], scheme: Any, source: str) -> FileData:
    """The layer's rows as ``FileData`` (what a file's read gives), validated."""
    try:
        name = layer_name(layer.annotator)
    except ValidationError as e:
        raise IsfError(f"{source}: {e}") from None
    where = f"{source}: {name}'s layer"
    cols = layer.columns
    for table in _LAYERED:
        if layer.rows.get(table):
            at = cols[table].index("layer")
            other = next((r for r in layer.rows[table] if r[at] != name), None)
            if other is not None:
                doc = other[cols[table].index("document_id")]
                raise InputError(f"{where}, document {doc}", f"holds {table} rows of another layer "
                                                             f"({other[at]!r}); refused")
    missing = [d for d in layer.documents if d not in docs]
    if missing:
        raise InputError(where, f"{len(missing)} of its documents are not in the project (e.g. {missing[0]!r}); "
                                "import them first")

    def dicts(table: str, rows: list[Row]) -> list[dict[str, Any]]:
        if not rows:
            return []
        keep = _KEEP[table]
        pick = itemgetter(*(cols[table].index(c) for c in keep))
        return [dict(zip(keep, pick(r), strict=True)) for r in rows]

    registry = {"actors": dicts("actors", layer.actors), "targets": dicts("targets", layer.targets)}
    texts = {"actors": ("id", "name", "type", "aliases", "note"), "targets": ("id", "name", "description")}
    for table, rows_of_table in registry.items():   # proposals arrive as JSON: any type at all
        for r in rows_of_table:
            odd = next((c for c in texts[table] if not isinstance(r[c], str)), None)
            if odd is None and table == "actors" and not isinstance(r["external_id"], str | None):
                odd = "external_id"
            if odd is not None:
                raise InputError(f"{where}, its registry", f"{table[:-1]} {r['id']!r}: {odd} is "
                                                           f"{type(r[odd]).__name__}, not text")
    span_pick = itemgetter(*(cols["spans"].index(c) for c in SPAN_COLUMNS))
    spans = list(map(span_pick, layer.rows.get("spans", [])))
    try:
        spans.sort(key=itemgetter(1))   # in document order, as a file's read gives them
    except TypeError:   # a document id that is not text: refused by the validation below
        spans.sort(key=lambda s: str(s[1]))
    rows = layer.rows
    data = FileData(
        path=where, annotator=name, scheme=scheme,
        docs={d: docs[d] for d in layer.documents},
        actors={r["id"]: r for r in registry["actors"]},
        targets={r["id"]: r for r in registry["targets"]},
        spans=spans,
        claims=dicts("claims", rows.get("claims", [])),
        stances=dicts("stances", rows.get("stances", [])),
        evidence=sorted(dicts("stance_evidence", rows.get("stance_evidence", [])),
                        key=lambda e: (str(e["stance_id"]), e["position"] if type(e["position"]) is int else 0)),
        relations=dicts("relations", rows.get("relations", [])),
        doc_labels=dicts("doc_labels", rows.get("doc_labels", [])),
        status=dicts("doc_status", rows.get("doc_status", [])),
        span_doc={s[0]: s[1] for s in spans},
    )
    _validate(data, where)
    return data


def _validate(data: FileData, where: str) -> None:
    """``validate_rows`` over the whole layer; when it refuses, the refusal is made again naming
    the document at fault (or the registry), each checked on its own."""
    try:
        validate_rows(data, data.scheme)
        return
    except InputError:
        pass
    empty = replace(data, spans=[], claims=[], stances=[], evidence=[], relations=[], doc_labels=[], status=[],
                    path=f"{where}, its registry")
    validate_rows(empty, data.scheme)
    stance_doc = {st["id"]: st["document_id"] for st in data.stances}
    per: dict[Any, dict[str, list[Any]]] = {}
    for s in data.spans:
        per.setdefault(s[1], {}).setdefault("spans", []).append(s)
    for name in ("stances", "relations", "doc_labels", "status"):
        for r in getattr(data, name):
            per.setdefault(r["document_id"], {}).setdefault(name, []).append(r)
    for c in data.claims:
        per.setdefault(data.span_doc.get(c["span_id"]), {}).setdefault("claims", []).append(c)
    for e in data.evidence:
        per.setdefault(stance_doc.get(e["stance_id"]), {}).setdefault("evidence", []).append(e)
    for doc in sorted(per, key=str):
        parts = per[doc]
        one = replace(empty, path=f"{where}, document {doc}",
                      docs={doc: data.docs[doc]} if doc in data.docs else {},
                      spans=parts.get("spans", []), claims=parts.get("claims", []),
                      stances=parts.get("stances", []), evidence=parts.get("evidence", []),
                      relations=parts.get("relations", []), doc_labels=parts.get("doc_labels", []),
                      status=parts.get("status", []))
        validate_rows(one, data.scheme)
    validate_rows(data, data.scheme)   # not located in one document: the refusal as it is


__all__ = ["FileReport", "LayerIn", "MergeReport", "merge_rows"]
