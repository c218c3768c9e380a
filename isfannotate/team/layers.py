"""The project's annotator layers as the agreement and review functions take them (pure
``agreement.Layer`` values), read in bulk: one query per kind for all documents, so a
1,000-document project loads in a few hundred milliseconds."""
from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

from ..agreement.units import ClaimAnn, DocLabelAnn, Layer, SpanAnn, StanceAnn
from ..errors import IsfError
from ..models import GOLD
from ..store.layer_rows import LayerRows, document_lengths
from ..store.layer_rows import registry_names as read_registry_names

if TYPE_CHECKING:
    from ..agreement.compute import AgreementResult
    from ..store.base import ProjectBase


def annotator_layers(project: ProjectBase, annotators: Sequence[str] | None = None, *,
                     documents: Sequence[str] | None = None, done_only: bool = True,
                     span_documents: Collection[str] | None = None) -> list[Layer]:
    """One ``Layer`` per annotator (default: every annotator layer, gold left out), holding the
    documents that annotator marked done (imported work counts as done); with *done_only*
    False, every document they annotated. *documents* limits the documents. With
    *span_documents*, the layers hold the spans of those documents only (the claims and stances
    of every document are whole: the spans they point at are read all the same)."""
    layers = project.layers()       # one scan of the spans, statuses and stances: read it once
    names = list(annotators) if annotators else layers
    unknown = [a for a in names if a not in layers and a != GOLD]
    if unknown:
        raise IsfError(f"no layer {', '.join(map(repr, unknown))} (layers: {', '.join(layers) or 'none'})")
    only = set(documents) if documents is not None else None
    docs_of: dict[str, set[str]] = {name: set() for name in names}
    out = []
    with project.snapshot() as conn:
        rows = LayerRows(conn, names, documents)
        for layer, doc in (rows.documents_done() if done_only else rows.documents_annotated()):
            docs_of[layer].add(doc)
        if only is not None:
            for docs in docs_of.values():
                docs &= only
        spans_of: dict[str, list[SpanAnn]] = {name: [] for name in names}
        by_id: dict[str, SpanAnn] = {}
        claim_rows, evidence_rows = list(rows.claims()), list(rows.evidence())
        # with span_documents, the other documents' spans are read only where a claim or stance points
        pointed = None if span_documents is None else \
            {r[1] for r in claim_rows} | {r[4] for r in claim_rows} | {r[1] for r in evidence_rows}
        for layer, sid, doc, s, e, label, actor in rows.spans():
            if doc not in docs_of[layer]:
                continue
            if span_documents is None or doc in span_documents:
                span = by_id[sid] = SpanAnn(doc, s, e, label, actor, sid)
                spans_of[layer].append(span)
            elif sid in (pointed or ()):
                by_id[sid] = SpanAnn(doc, s, e, label, actor, sid)
        claims_of: dict[str, list[ClaimAnn]] = {name: [] for name in names}
        # (claims first: most projects have far fewer claims than spans)
        for layer, span_id, kind, actor, src_span in claim_rows:
            sp = by_id.get(span_id)
            if sp is None:
                continue
            src = by_id.get(src_span) if src_span else None
            claims_of[layer].append(ClaimAnn(sp.doc, sp.start, sp.end, kind, actor,
                                             (src.start, src.end) if src is not None else None, span_id))
        evidence: dict[str, list[tuple[int, int]]] = {}
        for stance_id, span_id in evidence_rows:
            sp = by_id.get(span_id)
            if sp is not None:
                evidence.setdefault(stance_id, []).append((sp.start, sp.end))
        stances_of: dict[str, list[StanceAnn]] = {name: [] for name in names}
        for layer, sid, doc, holder, target, pol in rows.stances():
            if doc in docs_of[layer]:
                stances_of[layer].append(StanceAnn(doc, holder, target, pol, sid, tuple(evidence.get(sid, ()))))
        labels_of: dict[str, list[DocLabelAnn]] = {name: [] for name in names}
        for layer, doc, key, value in rows.doc_labels():
            if doc in docs_of[layer]:
                labels_of[layer].append(DocLabelAnn(doc, key, json.loads(value)))
        for name in names:
            out.append(Layer(name, frozenset(docs_of[name]), tuple(spans_of[name]), tuple(claims_of[name]),
                             tuple(stances_of[name]), tuple(labels_of[name])))
    return out


def agreement(project: ProjectBase, annotators: Sequence[str] | None = None, *,
              documents: Sequence[str] | None = None, with_texts: bool = False) -> AgreementResult:
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
    with project.snapshot() as conn:
        lengths = {d: n for d, n in document_lengths(conn).items() if d in docs}
    result = compute_agreement(layers, link_labels=actor_labels, texts=texts, categories=categories, lengths=lengths)
    result.names = registry_names(project)
    return result


def registry_names(project: ProjectBase) -> dict[str, str]:
    """``{actor or target id: name}``, so that reports show names, not ids."""
    with project.snapshot() as conn:
        return read_registry_names(conn)
