"""Span actions: annotate, relabel, delete, attributes, actor links, document status.

Each public method is one user action: it validates, writes in one transaction through a
``Recorder`` and returns the ``Change`` (docs/architecture.md). Offsets are code points, end exclusive.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from ..errors import ValidationError
from ..ids import new_id, now
from ..models import STATUSES, Span, layer_name
from ..plural import counted
from ..scheme import SpanLabel
from ..store.base import ProjectBase
from ..store.changes import Change, Recorder
from ..store.session import guard_public_methods
from . import Part, naming
from .registry import RegistryActions


@guard_public_methods
class SpanActions(Part):
    """Spans, their attributes and actor links, and document status: ``project.span_actions``.
    Needs the store and the registry part (a span can create or alias an actor). ``check_label``,
    ``new_span_row``, ``own_span`` and ``touch_status`` also serve the claim and suggestion parts."""

    for_parts = ("check_label", "new_span_row", "own_span", "touch_status")

    def __init__(self, store: ProjectBase, registry_actions: RegistryActions) -> None:
        super().__init__(store)
        self.registry_actions = registry_actions

    def check_label(self, label: str) -> SpanLabel:
        """The scheme's span label *label*, or a ValidationError naming the labels there are."""
        found = self.store.scheme.label(label)
        if found is None:
            known = ", ".join(lab.name for lab in self.store.scheme.span_labels)
            raise ValidationError(f"label {label!r} is not in the scheme (labels: {known})")
        return found

    def touch_status(self, rec: Recorder, document_id: str, layer: str) -> None:
        r = self.conn.execute("SELECT status FROM doc_status WHERE document_id=? AND layer=?",
                              (document_id, layer)).fetchone()
        if r is None:
            rec.insert("doc_status", {"document_id": document_id, "layer": layer, "status": "in_progress",
                                      "reason": None, "updated_at": now()})

    def new_span_row(self, document_id: str, layer: str, start: int, end: int, label: str,
                     actor_id: str | None, attrs: dict[str, Any] | None) -> dict[str, Any]:
        length = self.store.document_length(document_id)
        if not (isinstance(start, int) and isinstance(end, int)) or not 0 <= start < end <= length:
            raise ValidationError(f"span {start}-{end} is outside document {document_id!r} (0-{length}) or empty")
        self.check_label(label)
        if actor_id is not None:
            self.store.actor(actor_id)
        return {"id": new_id("s"), "document_id": document_id, "layer": layer, "start": start, "end": end,
                "label": label, "actor_id": actor_id, "attrs": json.dumps(attrs or {}, ensure_ascii=False),
                "author": layer, "created_at": now()}

    def annotate(self, document_id: str, layer: str, start: int, end: int, label: str, *,
                 actor_id: str | None = None, attrs: dict[str, Any] | None = None) -> Change:
        """Add a span [start, end) (code points) labelled *label* to *layer*. Refuses an exact
        duplicate (same layer, offsets and label)."""
        layer = layer_name(layer, allow_gold=True)
        row = self.new_span_row(document_id, layer, start, end, label, actor_id, attrs)
        if self.conn.execute('SELECT 1 FROM spans WHERE document_id=? AND layer=? AND start=? AND "end"=? AND label=?',
                             (document_id, layer, start, end, label)).fetchone():
            raise ValidationError(f"{label} {start}-{end} is already annotated in {layer}'s layer")
        with self.store.action("annotate", document_id, layer, f"{label} {start}-{end}") as rec:
            rec.insert("spans", row)
            self.touch_status(rec, document_id, layer)
        return rec.change

    def annotate_many(self, document_id: str, layer: str,
                      items: Sequence[tuple[int, int, str, str | None]]) -> Change:
        """Add several spans (start, end, label, actor_id) to one document as ONE undoable
        action; exact duplicates of existing spans are skipped."""
        return self.annotate_across(layer, [(document_id, s, e, lab, act) for s, e, lab, act in items])

    def annotate_across(self, layer: str, items: Sequence[tuple[str, int, int, str, str | None]]) -> Change:
        """Add spans (document id, start, end, label, actor_id) in any number of documents as ONE
        undoable action ("annotate all occurrences" over the project). The change's document is
        None when it touches several. Exact duplicates of existing spans are skipped."""
        layer = layer_name(layer, allow_gold=True)
        rows = [self.new_span_row(d, layer, s, e, lab, act, None) for d, s, e, lab, act in items]
        docs = list(dict.fromkeys(row["document_id"] for row in rows))
        with self.store.action("annotate all", docs[0] if len(docs) == 1 else None, layer,
                          counted(len(rows), "span") + (f" in {len(docs)} documents" if len(docs) > 1 else "")) as rec:
            for row in rows:
                if not self.conn.execute(
                        'SELECT 1 FROM spans WHERE document_id=? AND layer=? AND start=? AND "end"=? AND label=?',
                        (row["document_id"], layer, row["start"], row["end"], row["label"])).fetchone():
                    rec.insert("spans", row)
            for d in docs:
                self.touch_status(rec, d, layer)
        return rec.change

    def own_span(self, span_id: str, layer: str | None) -> Span:
        span = self.store.span(span_id)
        if layer is not None and span.layer != layer:
            raise ValidationError(f"span {span_id} belongs to {span.layer}'s layer; {layer} cannot edit it")
        return span

    def relabel(self, span_id: str, label: str, *, layer: str | None = None) -> Change:
        span = self.own_span(span_id, layer)
        new = self.check_label(label)
        with self.store.action("relabel", span.document_id, span.layer, f"{span.label} → {label}") as rec:
            values: dict[str, Any] = {"label": label}
            if new.role != "actor":
                values["actor_id"] = None
            rec.update("spans", (span_id,), values)
            old = self.store.scheme.label(span.label)
            if old is not None and old.role == "claim" and new.role != "claim":
                rec.delete("claims", (span_id,))
        return rec.change

    def delete_span(self, span_id: str, *, layer: str | None = None) -> Change:
        """Remove a span with everything that hangs on it (claim, evidence, relations), as one action."""
        span = self.own_span(span_id, layer)
        suggested = self._suggested_here(span)
        with self.store.action("delete", span.document_id, span.layer, f"{span.label} {span.start}-{span.end}") as rec:
            self._delete_span_rows(rec, span_id)
            if suggested:
                # the registry would suggest this name here again at once (and Shift+A re-add it):
                # deleting it rejects that suggestion, in the same undo step
                rec.upsert("suggestion_decisions", {"document_id": span.document_id, "layer": span.layer,
                                                    "start": span.start, "end": span.end,
                                                    "actor_id": span.actor_id, "decision": "rejected"})
        return rec.change

    def resize_span(self, span_id: str, start: int, end: int, *, layer: str | None = None) -> Change:
        """Give a span new offsets [start, end) (code points), as one action: its label, link,
        attributes, claim and everything that refers to it stay. Refused like a new span: empty,
        outside the document, or the same offsets and label as another span of the layer."""
        span = self.own_span(span_id, layer)
        self.new_span_row(span.document_id, span.layer, start, end, span.label, None, None)     # the same checks
        if (start, end) == (span.start, span.end):
            raise ValidationError(f"{span.label} {start}-{end} already has these offsets")
        if self.conn.execute('SELECT 1 FROM spans WHERE document_id=? AND layer=? AND start=? AND "end"=? '
                             "AND label=? AND id<>?", (span.document_id, span.layer, start, end, span.label,
                                                      span_id)).fetchone():
            raise ValidationError(f"{span.label} {start}-{end} is already annotated in {span.layer}'s layer")
        with self.store.action("resize", span.document_id, span.layer, f"{span.label} {start}-{end}") as rec:
            rec.update("spans", (span_id,), {"start": start, "end": end})
        return rec.change

    def resize_span_by_word(self, span_id: str, edge: str, step: int, *, layer: str | None = None) -> Change:
        """Move a span's *edge* ("start" or "end") one word right (*step* 1) or left (-1), see
        ``words.moved_edges``; a span keeps at least one character."""
        if edge not in ("start", "end") or step not in (1, -1):
            raise ValidationError("edge is 'start' or 'end', step 1 or -1")
        span = self.own_span(span_id, layer)
        from ..words import moved_edges
        start, end = moved_edges(self.store.document(span.document_id).text, span.start, span.end, edge, step)
        if start >= end:
            raise ValidationError(f"{span.label} {span.start}-{span.end}: a span keeps at least one word")
        if (start, end) == (span.start, span.end):
            raise ValidationError(f"{span.label} {span.start}-{span.end}: no word further "
                                  f"{'right' if step > 0 else 'left'} in the document")
        return self.resize_span(span_id, start, end, layer=span.layer)

    def _suggested_here(self, span: Span) -> bool:
        """True when *span* is an actor span linked to the actor whose registry name or alias it
        reads: what a suggestion accepted at these offsets is (see ``kb.suggestions``)."""
        if span.actor_id is None or span.label != self.store.scheme.actor_label:
            return False
        from ..kb import actor_names
        text = self.store.document(span.document_id).text[span.start:span.end]
        return actor_names(self.store, [span.actor_id]).get(" ".join(text.split())) == span.actor_id

    def _delete_span_rows(self, rec: Recorder, span_id: str) -> None:
        for (claim_id,) in self.conn.execute("SELECT span_id FROM claims WHERE source_span=? OR cue_span=?",
                                             (span_id, span_id)).fetchall():
            row = self.conn.execute("SELECT source_span, cue_span FROM claims WHERE span_id=?", (claim_id,)).fetchone()
            rec.update("claims", (claim_id,), {"source_span": None if row[0] == span_id else row[0],
                                               "cue_span": None if row[1] == span_id else row[1]})
        rec.delete("claims", (span_id,))
        for (sid,) in self.conn.execute("SELECT stance_id FROM stance_evidence WHERE span_id=?", (span_id,)).fetchall():
            rec.delete("stance_evidence", (sid, span_id))
        for (rid,) in self.conn.execute("SELECT id FROM relations WHERE head=? OR tail=?",
                                        (span_id, span_id)).fetchall():
            rec.delete("relations", (rid,))
        rec.delete("provenance", (span_id,))
        rec.delete("spans", (span_id,))

    def set_span_attrs(self, span_id: str, attrs: dict[str, Any], *, layer: str | None = None) -> Change:
        """Set (merge) attributes on a span; a value of None removes that attribute."""
        span = self.own_span(span_id, layer)
        label = self.store.scheme.label(span.label)
        defs = {a.name: a for a in label.attributes} if label else {}
        merged = dict(span.attrs)
        for k, v in attrs.items():
            if v is None:
                merged.pop(k, None)
                continue
            d = defs.get(k)
            if d is not None:
                if d.type == "choice" and v not in d.choices:
                    raise ValidationError(f"{span.label}.{k} must be one of {', '.join(d.choices)}, not {v!r}")
                if d.type == "boolean" and not isinstance(v, bool):
                    raise ValidationError(f"{span.label}.{k} must be true or false")
            merged[k] = v
        role = label.role if label else None
        with self.store.action("claim" if role == "claim" else "attributes", span.document_id, span.layer,
                          naming.details(naming.changed_attrs(span.attrs, merged))) as rec:
            rec.update("spans", (span_id,), {"attrs": json.dumps(merged, ensure_ascii=False)})
        return rec.change

    def link_actor(self, span_id: str, actor_id: str | None, *, layer: str | None = None,
                   add_alias: bool = False) -> Change:
        """Link a span to an actor (None unlinks). With *add_alias*, the span's text becomes an
        alias of the actor in the same action (one undo step), unless it already is a name of it."""
        span = self.own_span(span_id, layer)
        actor = self.store.actor(actor_id) if actor_id is not None else None
        name = f"{naming.quoted(self.store.document(span.document_id).text[span.start:span.end])} → " + \
            (actor.name if actor is not None else "no actor")
        with self.store.action("link actor", span.document_id, span.layer, name) as rec:
            rec.update("spans", (span_id,), {"actor_id": actor_id})
            if add_alias and actor is not None:
                text = self.store.document(span.document_id).text
                self.registry_actions.append_alias(rec, actor, text[span.start:span.end])
        return rec.change

    def create_actor_for_span(self, span_id: str, name: str, type: str, *, aliases: Iterable[str] = (),
                              external_id: str | None = None, layer: str | None = None,
                              actor_id: str | None = None) -> Change:
        """Add a registry actor and link *span_id* to it, as ONE action (one undo step)."""
        span = self.own_span(span_id, layer)
        row = self.registry_actions.new_actor_row(name, type, aliases, external_id, "", actor_id)
        aid = row["id"]
        with self.store.action("create actor", span.document_id, span.layer, name) as rec:
            after = rec.insert("actors", row)
            self.store.log_registry(rec, "actor", aid, "add", None, after)
            rec.update("spans", (span_id,), {"actor_id": aid})
        return rec.change

    def set_status(self, document_id: str, layer: str, status: str, *, reason: str | None = None) -> Change:
        """Set a document's status in a layer: 'new', 'in_progress' or 'done'. Marking done is
        refused while ``validate`` finds problems, unless a *reason* for overriding is given."""
        if status not in STATUSES:
            raise ValidationError(f"status must be one of {', '.join(STATUSES)}")
        self.store.document_length(document_id)
        layer = layer_name(layer, allow_gold=True)
        if status == "done" and not (reason and reason.strip()):
            from ..kb import validate
            problems = validate(self.store, document_id, layer)
            if problems:
                listed = "; ".join(p.message for p in problems[:3]) + ("; …" if len(problems) > 3 else "")
                raise ValidationError(f"cannot mark done: {len(problems)} problem{'s' if len(problems) > 1 else ''} "
                                      f"({listed}); resolve them or give a reason to override")
        with self.store.action("status", document_id, layer, status) as rec:
            rec.upsert("doc_status", {"document_id": document_id, "layer": layer, "status": status,
                                      "reason": reason, "updated_at": now()})
        return rec.change

