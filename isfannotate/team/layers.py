"""The project's annotator layers as the agreement and review functions take them (pure
``agreement.Layer`` values), read in bulk: one query per kind for all documents, so a
1,000-document project loads in a few hundred milliseconds."""
from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..agreement.units import ClaimAnn, DocLabelAnn, Layer, SpanAnn, StanceAnn
from ..errors import IsfError
from ..models import GOLD

if TYPE_CHECKING:
    from ..store.base import ProjectBase


def annotator_layers(project: ProjectBase, annotators: Sequence[str] | None = None, *,
                     documents: Sequence[str] | None = None, done_only: bool = True) -> list[Layer]:
    """One ``Layer`` per annotator (default: every annotator layer, gold left out), holding the
    documents that annotator marked done (imported work counts as done); with *done_only*
    False, every document they annotated. *documents* limits the documents."""
    layers = project.layers()       # one scan of the spans, statuses and stances: read it once
    names = list(annotators) if annotators else layers
    unknown = [a for a in names if a not in layers and a != GOLD]
    if unknown:
        raise IsfError(f"no layer {', '.join(map(repr, unknown))} (layers: {', '.join(layers) or 'none'})")
    only = set(documents) if documents is not None else None
    in_docs, args = ("", ()) if documents is None else (
        " AND document_id IN (SELECT value FROM json_each(?))", (json.dumps(sorted(only)),))
    # one scan per kind for every annotator (not one per annotator: each scan reads the whole table)
    in_layers = "layer IN (SELECT value FROM json_each(?))" + in_docs
    largs = (json.dumps(names), *args)
    docs_of: dict[str, set[str]] = {name: set() for name in names}
    out = []
    with project.read_snapshot() as conn:
        if done_only:
            sql = "SELECT layer, document_id FROM doc_status WHERE status='done' AND " + in_layers
            rows = conn.execute(sql, largs)
        else:
            sql = ("SELECT DISTINCT layer, document_id FROM spans WHERE " + in_layers
                   + " UNION SELECT layer, document_id FROM stances WHERE " + in_layers
                   + " UNION SELECT layer, document_id FROM doc_status WHERE status<>'new' AND " + in_layers)
            rows = conn.execute(sql, largs * 3)
        for layer, doc in rows:
            docs_of[layer].add(doc)
        if only is not None:
            for docs in docs_of.values():
                docs &= only
        spans_of: dict[str, list] = {name: [] for name in names}
        by_id: dict[str, SpanAnn] = {}
        for layer, sid, doc, s, e, label, actor in conn.execute(
                'SELECT layer, id, document_id, start, "end", label, actor_id FROM spans WHERE ' + in_layers +
                ' ORDER BY layer, document_id, start, "end", label, id', largs):
            if doc in docs_of[layer]:
                span = SpanAnn(doc, s, e, label, actor, sid)
                spans_of[layer].append(span)
                by_id[sid] = span
        claims_of: dict[str, list] = {name: [] for name in names}
        # (claims first: most projects have far fewer claims than spans)
        for layer, span_id, kind, actor, src_span in conn.execute(
                "SELECT s.layer, c.span_id, c.source_kind, c.source_actor, c.source_span FROM claims c CROSS JOIN "
                "spans s ON s.id = c.span_id WHERE s." + in_layers.replace("document_id", "s.document_id"), largs):
            sp = by_id.get(span_id)
            if sp is None:
                continue
            src = by_id.get(src_span) if src_span else None
            claims_of[layer].append(ClaimAnn(sp.doc, sp.start, sp.end, kind, actor,
                                             (src.start, src.end) if src is not None else None, span_id))
        evidence: dict[str, list[tuple[int, int]]] = {}
        for stance_id, span_id in conn.execute(
                "SELECT e.stance_id, e.span_id FROM stance_evidence e JOIN stances t ON t.id = e.stance_id "
                "WHERE t." + in_layers.replace("document_id", "t.document_id") + " ORDER BY e.stance_id, "
                "e.position", largs):
            sp = by_id.get(span_id)
            if sp is not None:
                evidence.setdefault(stance_id, []).append((sp.start, sp.end))
        stances_of: dict[str, list] = {name: [] for name in names}
        for layer, sid, doc, holder, target, pol in conn.execute(
                "SELECT layer, id, document_id, holder, target, polarity FROM stances WHERE " + in_layers +
                " ORDER BY layer, document_id, id", largs):
            if doc in docs_of[layer]:
                stances_of[layer].append(StanceAnn(doc, holder, target, pol, sid, tuple(evidence.get(sid, ()))))
        labels_of: dict[str, list] = {name: [] for name in names}
        for layer, doc, key, value in conn.execute(
                "SELECT layer, document_id, key, value FROM doc_labels WHERE " + in_layers +
                " ORDER BY layer, document_id, key", largs):
            if doc in docs_of[layer]:
                labels_of[layer].append(DocLabelAnn(doc, key, json.loads(value)))
        for name in names:
            out.append(Layer(name, frozenset(docs_of[name]), tuple(spans_of[name]), tuple(claims_of[name]),
                             tuple(stances_of[name]), tuple(labels_of[name])))
    return out


def agreement(project: ProjectBase, annotators: Sequence[str] | None = None, *,
              documents: Sequence[str] | None = None, with_texts: bool = False):
    """``compute_agreement`` over the project's annotator layers (docs/agreement.md)."""
    from ..agreement import compute_agreement
    layers = annotator_layers(project, annotators, documents=documents)
    if len(layers) < 2:
        raise IsfError(f"agreement needs at least two annotators' layers (this project has "
                       f"{', '.join(project.layers()) or 'none'})")
    actor_labels = set(project.scheme.labels_with_role("actor"))
    texts = None
    if with_texts:
        docs = set().union(*(layer.documents for layer in layers))
        texts = {d.id: d.text for d in project.documents() if d.id in docs}
    scheme = project.scheme
    categories = {"span_label": [lab.name for lab in scheme.span_labels],
                  "stance_polarity": list(scheme.stance.polarities)}   # the scales, for Gwet's AC1
    docs = set().union(*(layer.documents for layer in layers))
    lengths = {d: n for d, n in project.conn.execute("SELECT id, length(text) FROM documents") if d in docs}
    result = compute_agreement(layers, link_labels=actor_labels, texts=texts, categories=categories, lengths=lengths)
    result.names = registry_names(project)
    return result


def registry_names(project: ProjectBase) -> dict[str, str]:
    """``{actor or target id: name}``, so that reports show names, not ids."""
    names = dict(project.conn.execute("SELECT id, name FROM targets"))
    names.update(project.conn.execute("SELECT id, name FROM actors"))
    return names
