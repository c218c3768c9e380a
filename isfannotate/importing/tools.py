"""Importing other tools' annotations (brat, doccano, Label Studio, Prodigy, CoNLL, WebAnno TSV3)
as annotators' layers, all-or-nothing, in one action.

The readers (``formats/``) turn the files into a ``ParsedCollection`` without touching the
project; this module decides the layers, checks the labels against the scheme, matches the
texts to documents by sha256 (new texts become documents), and writes every span, relation,
attribute and document label through the import's Recorder.

Layers: a file that names its annotators (Label Studio ``completed_by``, Prodigy
``_session_id``, doccano users, brat annotator folders, INCEpTION's per-user files) gives one
layer per source annotator, named after it or through ``--annotator-map SRC=NAME``; work with
no annotator name goes to ``--annotator NAME``. Two sources are never mixed into one layer.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import IsfError, ValidationError
from ..ids import IdMaker
from ..models import GOLD, layer_name, name_key
from ..progress import Phases, chunks
from ..store import imports as stored
from ..store.layers import clear_layer
from ..store.merging import DeferredIndexes
from .documents import DocumentIds, ImportReport, insert_documents
from .schemechange import added_names, extended_scheme, missing_labels, write_scheme

if TYPE_CHECKING:
    from ..formats.parsed import ParsedCollection, ParsedDocument, ParsedSpan
    from ..store.base import ProjectBase


# A span row as built here; its layer, author and creation time are the same for every span of a
# layer, so they are written into the statement (``Recorder.insert_tuples``), not bound per row.
SPAN_COLUMNS = ("id", "document_id", "start", "end", "label", "actor_id", "attrs")


def parse_annotator_map(raw: str | dict[str, Any] | None) -> dict[str, str]:
    """``"u1=alice,u2=bob"`` (the CLI's form) or a dict -> ``{source: layer name}``."""
    if raw is None or raw == "":
        return {}
    if isinstance(raw, dict):
        return dict(raw)
    out = {}
    for part in raw.split(","):
        if not part.strip():
            continue
        if "=" not in part:
            raise IsfError(f"--annotator-map takes SRC=NAME pairs separated by commas, not {part.strip()!r}")
        src, name = part.split("=", 1)
        out[src.strip()] = name.strip()
    return out


def _layers(coll: ParsedCollection, annotator: str | None, mapping: dict[str, str],
            existing: list[str], source: str) -> dict[str | None, str]:
    """source annotator (None: unnamed) -> layer."""
    sources = coll.annotators
    named = [s for s in sources if s is not None]
    unknown = sorted(set(mapping) - set(named))
    if unknown:
        raise IsfError(f"{source}: --annotator-map names {', '.join(unknown)}, which the files do not have "
                       f"(annotators in the files: {', '.join(named) or 'none'})")
    if annotator is not None and len(named) > 1 and not all(s in mapping for s in named):
        raise IsfError(f"{source}: the files hold the work of {len(named)} annotators ({', '.join(named)}); each "
                       "goes to its own layer: drop --annotator, or name them with --annotator-map SRC=NAME,...")
    out: dict[str | None, str] = {}
    for s in sources:
        if s is None:
            if annotator is None:
                raise IsfError(f"{source}: these are {coll.format} annotations with no annotator name in them; "
                               "say which layer they go to with --annotator NAME (or --annotator gold)")
            name = annotator
        else:
            name = mapping.get(s) or (annotator if annotator is not None and len(named) == 1 else s)
        try:
            out[s] = layer_name(name, allow_gold=True)
        except ValidationError as e:
            raise IsfError(f"{source}: annotator {s!r}: {e}; map it with --annotator-map {s}=NAME") from None
    known = {name_key(x): x for x in existing}
    by_fold: dict[str, str] = {}
    for s, name in out.items():
        other = known.get(name_key(name))
        if other is not None and other != name:
            raise IsfError(f"{source}: layer {name!r} would be a second layer beside {other!r}; "
                           f"map it with --annotator-map {s}={other}")
        if name_key(name) in by_fold and by_fold[name_key(name)] != name:
            raise IsfError(f"{source}: {by_fold[name_key(name)]!r} and {name!r} would be two layers for one person")
        by_fold[name_key(name)] = name
    if len(set(out.values())) < len(out):
        raise IsfError(f"{source}: two source annotators would go to one layer ({out}); give each its own name")
    return out


def import_tool_annotations(project: ProjectBase, paths: Sequence[str | Path], fmt: str, *,
                            annotator: str | None, annotator_map: str | dict[str, Any] | None = None,
                            add_labels: bool = False, replace: bool = False, split_discontinuous: bool = False,
                            conll_tag_column: int | None = None, webanno_layer: str | None = None,
                            detected: str = "",
                            progress: Callable[[int, int], None] | None = None) -> ImportReport:
    from ..formats.readers import read_annotations
    from ..formats.reading import reading_progress
    source = ", ".join(map(str, paths))
    phases = Phases(progress)       # one scale for every phase, ending before the commit
    phases.report(0.0)
    with reading_progress(phases.part(0.0, 0.35)):     # the readers say how far through the files they are
        coll = read_annotations(paths, fmt, split_discontinuous=split_discontinuous,
                                conll_tag_column=conll_tag_column, webanno_layer=webanno_layer)
    if not coll.documents:
        skipped = [f"{n} {kind} {label}: {status[8:]}" for (kind, label, status), n in coll.counts.items()
                   if status.startswith("skipped:") and kind in ("document", "task")]
        why = f" (skipped {'; '.join(skipped)})" if skipped else ""
        raise IsfError(f"{source}: no documents found in these {fmt} files{why}")
    layers = _layers(coll, annotator, parse_annotator_map(annotator_map), project.layers(), source)
    seen = coll.labels_seen
    missing = missing_labels(project.scheme, seen["spans"], seen["relations"], seen["doc_labels"])
    scheme = extended_scheme(project.scheme, missing, add=add_labels, source=source)
    report = ImportReport(detected=detected)
    report.messages = list(coll.notes)
    ids = DocumentIds(project, report)
    new_rows, targets = [], []
    pairs: dict[tuple[str, str], ParsedDocument] = {}
    for pd in coll.documents:
        doc_id = ids.known(pd.sha256)
        if doc_id is None:
            row = ids.new_row(pd.doc_id, pd.text, pd.sha256, pd.meta, f"{pd.path}:{pd.line or 1}")
            new_rows.append(row)
            doc_id = row[0]
        if not pd.annotated:
            report.unannotated.append(doc_id)
            continue
        layer = layers[pd.annotator]
        if (doc_id, layer) in pairs:
            raise IsfError(f"{pd.path}:{pd.line or 1}: a second annotation of document {doc_id!r} for layer "
                           f"{layer!r} in the same import")
        pairs[(doc_id, layer)] = pd
        targets.append((doc_id, layer, pd))
    with project.snapshot() as conn:
        existing_ids = set(ids.existing_sha.values())
        taken = (
            None
            if replace
            else next(
                (
                    (doc_id, layer, pd)
                    for doc_id, layer, pd in targets
                    if doc_id in existing_ids and stored.layer_has_annotations(conn, doc_id, layer)
                ),
                None,
            )
        )
        by_external = stored.actor_ids_by_external_id(conn)
    if taken is not None:
        doc_id, layer, pd = taken
        raise IsfError(f"{pd.path}: layer {layer!r} already has annotations for document {doc_id!r}; "
                       "use --replace to replace them")
    actor_label = scheme.actor_label
    try:
        with project.action("import", None, None, f"{fmt}: {len(targets)} annotated documents",
                             undoable=False) as rec:
            if scheme is not project.scheme:
                write_scheme(project, rec, scheme)
                report.added_labels = added_names(missing)
            phases.report(0.4)      # (read and checked)
            insert_documents(rec, new_rows, report, phases.part(0.4, 0.6))
            spans: dict[str, list[tuple[Any, ...]]] = {}   # by layer
            relations: list[dict[str, Any]] = []
            labels: list[dict[str, Any]] = []
            status: list[dict[str, Any]] = []
            new_id = IdMaker()
            if replace:
                for layer in set(layers.values()):
                    clear_layer(rec, [d for d, lay, _ in targets if lay == layer], layer)
            building = phases.part(0.6, 0.75)
            every = max(1, len(targets) // 25)
            for n_done, (doc_id, layer, pd) in enumerate(targets):
                if n_done % every == 0:
                    building(n_done, len(targets))
                sids = new_id.many("s", len(pd.spans))
                keys: dict[str, str] = {s.key: sid for s, sid in zip(pd.spans, sids, strict=True)} \
                    if pd.relations else {}
                # (most spans: nothing to look up or write but the row)
                spans.setdefault(layer, []).extend(
                    (sid, doc_id, s.start, s.end, s.label, None, "{}") if not s.attrs and not s.external_id
                    else _rich_span(s, sid, doc_id, by_external, actor_label)
                    for s, sid in zip(pd.spans, sids, strict=True))
                relations += [{"id": new_id("r"), "document_id": doc_id, "layer": layer, "head": keys[r.head_key],
                               "tail": keys[r.tail_key], "label": r.label} for r in pd.relations]
                labels += [{"document_id": doc_id, "layer": layer, "key": k,
                            "value": json.dumps(v, ensure_ascii=False)} for k, v in pd.doc_labels.items()]
                status.append({"document_id": doc_id, "layer": layer, "status": "done", "reason": "imported",
                               "updated_at": ids.stamp})
                report.layers[layer] = report.layers.get(layer, 0) + 1
                report.annotated_documents.append(doc_id)
            if replace:
                for st in status:
                    rec.delete("doc_status", (st["document_id"], st["layer"]))
            else:
                have = stored.status_keys(rec.conn)
                for st in status:
                    if (st["document_id"], st["layer"]) in have:
                        rec.delete("doc_status", (st["document_id"], st["layer"]))
            writing = phases.part(0.75, 0.98)
            n_spans = sum(map(len, spans.values()))
            parts = [(layer, i, j) for layer, rows in spans.items() for i, j in chunks(len(rows))]
            # more spans than the project holds: their secondary indexes built once after the rows
            indexes = DeferredIndexes(rec.conn)
            indexes.before_insert(n_spans)
            for k, (layer, i, j) in enumerate(parts):   # in slices, so that a long import shows its progress
                # (as tuples, logged in bulk: no dict per span)
                rec.insert_tuples("spans", SPAN_COLUMNS, spans[layer][i:j],
                                  same={"layer": layer, "author": layer, "created_at": ids.stamp})
                writing(k + 1, len(parts))
            indexes.restore()
            rec.insert_many("relations", relations)
            for label_row in labels:
                rec.upsert("doc_labels", label_row)
            rec.insert_many("doc_status", status)
            for layer in set(layers.values()) - {GOLD}:
                project.ensure_annotator(rec, layer)
            phases.end()    # the last point a Cancel stops the import: the commit follows
    except BaseException:
        project.invalidate()   # the scheme change was rolled back with the rest
        raise
    report.spans = n_spans
    report.per_label = [
        (k, lab, r["imported"], r["converted"], r["skipped"]) for (k, lab), r in coll.per_label().items()
    ]
    report.skipped_items = [(k, lab, st.split(":", 1)[1], n) for k, lab, st, n in coll.summary()
                            if st.startswith("skipped")]
    return report


def _rich_span(s: ParsedSpan, sid: str, doc_id: str, by_external: dict[str, str],
               actor_label: str | None) -> tuple[Any, ...]:
    """The row of a span with attributes or an external id (``SPAN_COLUMNS``): the id linked to
    the registry entry that has it when the span is an actor's, else kept in its attributes."""
    attrs = dict(s.attrs)
    actor_id = None
    if s.external_id:
        actor_id = by_external.get(s.external_id) if s.label == actor_label else None
        if actor_id is None:
            attrs["external_id"] = s.external_id
            if s.external_name:
                attrs["external_name"] = s.external_name
    return (sid, doc_id, s.start, s.end, s.label, actor_id, json.dumps(attrs, ensure_ascii=False) if attrs else "{}")
