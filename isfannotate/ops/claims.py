"""Claim, stance, relation and document-label actions (one transaction and one ``Change`` each)."""
from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ..errors import ValidationError
from ..ids import new_id, now
from ..models import layer_name
from ..store.base import ProjectBase
from ..store.changes import Change
from ..store.session import guard_public_methods
from . import Part, naming
from .spans import SpanActions


@guard_public_methods
class ClaimActions(Part):
    """Claims, stances, relations and document labels: ``project.claim_actions``. Needs the store
    and the span part (a claim is a span; a cue may be added with it)."""

    def __init__(self, store: ProjectBase, span_actions: SpanActions) -> None:
        super().__init__(store)
        self.span_actions = span_actions

    def set_claim(self, span_id: str, *, source_kind: str | None = None, source_actor: str | None = None,
                  source_span: str | None = None, cue_span: str | None = None, quote: str | None = None,
                  layer: str | None = None, new_cue: tuple[int, int, str] | None = None,
                  attrs: dict[str, Any] | None = None) -> Change:
        """Set a CLAIM span's source (an actor, optionally via the ACTOR span naming them, or the
        article), cue span and quote type. A source span implies its actor. *new_cue* (start,
        end, label) annotates the cue span in the same action (it becomes the cue), and *attrs*
        are merged into the claim span's attributes: a proposal accepted is ONE undo step."""
        span = self.span_actions.own_span(span_id, layer)
        claim_label = self.store.scheme.label(span.label)
        if claim_label is None or claim_label.role != "claim":
            raise ValidationError(f"span {span_id} is a {span.label}, not a claim")
        if source_kind not in (None, "actor", "article"):
            raise ValidationError("source_kind must be 'actor' or 'article'")
        if quote not in (None, "direct", "reported"):
            raise ValidationError("quote must be 'direct' or 'reported'")
        for other in (source_span, cue_span):
            if other is not None:
                o = self.store.span(other)
                if o.document_id != span.document_id or o.layer != span.layer:
                    raise ValidationError(f"span {other} is not in the same document and layer as the claim")
        if source_span is not None:
            source_kind = "actor"
            source_actor = source_actor or self.store.span(source_span).actor_id
        if source_kind == "article":
            source_actor = source_span = None
        if source_actor is not None:
            self.store.actor(source_actor)
            source_kind = "actor"
        cue_row = None
        if new_cue is not None:
            self.span_actions.check_label(new_cue[2])
            cue_row = self.span_actions.new_span_row(span.document_id, span.layer, new_cue[0], new_cue[1], new_cue[2],
                                                     None, None)
            cue_span = cue_row["id"]
        before = self.conn.execute("SELECT source_kind, source_actor, cue_span, quote FROM claims WHERE span_id=?",
                                   (span_id,)).fetchone() or (None, None, None, None)
        parts = []
        if (source_kind, source_actor) != tuple(before[:2]):
            parts.append("source: " + ("the article" if source_kind == "article" else
                                       naming.actor_name(self.conn, source_actor) if source_actor else "—"))
        if cue_span != before[2]:
            if cue_span is None:
                parts.append("cue: —")
            else:
                if cue_row is not None and new_cue is not None:
                    cs, ce = new_cue[0], new_cue[1]
                else:
                    cue = self.store.span(cue_span)
                    cs, ce = cue.start, cue.end
                parts.append("cue: " + naming.quoted(self.store.document(span.document_id).text[cs:ce]))
        if quote != before[3]:
            parts.append(f"quote: {naming.value_text(quote)}")
        if attrs:
            parts += naming.changed_attrs(span.attrs, {**span.attrs, **attrs})
        with self.store.action("claim", span.document_id, span.layer, naming.details(parts)) as rec:
            if cue_row is not None:
                rec.insert("spans", cue_row)
            if attrs:
                merged = {**span.attrs, **attrs}
                if merged != span.attrs:
                    rec.update("spans", (span_id,), {"attrs": json.dumps(merged, ensure_ascii=False)})
            rec.upsert("claims", {"span_id": span_id, "source_kind": source_kind, "source_actor": source_actor,
                                  "source_span": source_span, "cue_span": cue_span, "quote": quote})
        return rec.change

    def set_stance(self, document_id: str, layer: str, *, holder: str | None, target: str | None,
                   polarity: str, conditions: str | None = None, evidence: Sequence[str] = (),
                   stance_id: str | None = None) -> Change:
        """Create (or, with *stance_id*, replace) a stance record: holder actor → target, polarity,
        conditions, evidence spans (in this document and layer)."""
        layer = layer_name(layer, allow_gold=True)
        if polarity not in self.store.scheme.stance.polarities:
            raise ValidationError(f"polarity must be one of {', '.join(self.store.scheme.stance.polarities)}")
        if holder is not None:
            self.store.actor(holder)
        if target is not None and not self.conn.execute("SELECT 1 FROM targets WHERE id=?", (target,)).fetchone():
            raise ValidationError(f"no target with id {target!r}")
        for sid in evidence:
            s = self.store.span(sid)
            if s.document_id != document_id or s.layer != layer:
                raise ValidationError(f"evidence span {sid} is not in document {document_id} / layer {layer}")
        sid = stance_id or new_id("st")
        name = naming.stance_name(self.conn, holder, target, polarity)
        with self.store.action("stance", document_id, layer, name) as rec:
            row = {"id": sid, "document_id": document_id, "layer": layer, "holder": holder, "target": target,
                   "polarity": polarity, "conditions": conditions or None, "author": layer, "created_at": now()}
            if stance_id is not None:
                old = self.conn.execute("SELECT created_at FROM stances WHERE id=?", (stance_id,)).fetchone()
                if old is None:
                    raise ValidationError(f"no stance with id {stance_id!r}")
                row["created_at"] = old[0]
                for (span_id,) in self.conn.execute("SELECT span_id FROM stance_evidence WHERE stance_id=?",
                                                    (stance_id,)).fetchall():
                    rec.delete("stance_evidence", (stance_id, span_id))
            rec.upsert("stances", row)
            for pos, span_id in enumerate(dict.fromkeys(evidence)):
                rec.insert("stance_evidence", {"stance_id": sid, "span_id": span_id, "position": pos})
            self.span_actions.touch_status(rec, document_id, layer)
        return rec.change

    def delete_stance(self, stance_id: str) -> Change:
        r = self.conn.execute("SELECT document_id, layer, holder, target, polarity FROM stances WHERE id=?",
                              (stance_id,)).fetchone()
        if r is None:
            raise ValidationError(f"no stance with id {stance_id!r}")
        with self.store.action("delete stance", r[0], r[1], naming.stance_name(self.conn, *r[2:])) as rec:
            for (span_id,) in self.conn.execute("SELECT span_id FROM stance_evidence WHERE stance_id=?",
                                                (stance_id,)).fetchall():
                rec.delete("stance_evidence", (stance_id, span_id))
            rec.delete("provenance", (stance_id,))
            rec.delete("stances", (stance_id,))
        return rec.change

    def add_relation(self, head: str, tail: str, label: str) -> Change:
        h, t = self.store.span(head), self.store.span(tail)
        if (h.document_id, h.layer) != (t.document_id, t.layer):
            raise ValidationError("a relation joins two spans of the same document and layer")
        rel = next((r for r in self.store.scheme.relation_types if r.name == label), None)
        if rel is None:
            raise ValidationError(f"relation {label!r} is not in the scheme")
        if rel.head_labels and h.label not in rel.head_labels:
            raise ValidationError(f"{label} starts at a {', '.join(rel.head_labels)} span, not {h.label}")
        if rel.tail_labels and t.label not in rel.tail_labels:
            raise ValidationError(f"{label} ends at a {', '.join(rel.tail_labels)} span, not {t.label}")
        text = self.store.document(h.document_id).text
        name = f"{label} {naming.quoted(text[h.start:h.end])} → {naming.quoted(text[t.start:t.end])}"
        with self.store.action("relation", h.document_id, h.layer, name) as rec:
            rec.insert("relations", {"id": new_id("r"), "document_id": h.document_id, "layer": h.layer,
                                     "head": head, "tail": tail, "label": label})
        return rec.change

    def delete_relation(self, relation_id: str) -> Change:
        r = self.conn.execute("SELECT document_id, layer, label, head, tail FROM relations WHERE id=?",
                              (relation_id,)).fetchone()
        if r is None:
            raise ValidationError(f"no relation with id {relation_id!r}")
        text = self.store.document(r[0]).text
        h, t = self.store.span(r[3]), self.store.span(r[4])
        name = f"{r[2]} {naming.quoted(text[h.start:h.end])} → {naming.quoted(text[t.start:t.end])}"
        with self.store.action("delete relation", r[0], r[1], name) as rec:
            rec.delete("relations", (relation_id,))
        return rec.change

    def set_doc_label(self, document_id: str, layer: str, key: str, value: Any) -> Change:
        """Set a document-level label from the scheme (None clears it)."""
        defs = {d.name: d for d in self.store.scheme.doc_labels}
        if key not in defs:
            raise ValidationError(f"document label {key!r} is not in the scheme")
        d = defs[key]
        if value is not None and d.type == "choice" and value not in d.choices:
            raise ValidationError(f"{key} must be one of {', '.join(d.choices)}")
        layer = layer_name(layer, allow_gold=True)
        self.store.document_length(document_id)
        with self.store.action("document label", document_id, layer, f"{key}: {naming.value_text(value)}") as rec:
            if value is None:
                rec.delete("doc_labels", (document_id, layer, key))
            else:
                rec.upsert("doc_labels", {"document_id": document_id, "layer": layer, "key": key,
                                          "value": json.dumps(value, ensure_ascii=False)})
        return rec.change

