"""Deciding units into the gold layer: one action per decision (or one for a whole auto-merge),
each structure decided whole:

- a span with its label, actor link and attributes;
- a claim with its span, source (actor or article), source span, cue, quote type and modality;
- a stance with its holder, target, polarity, conditions and evidence spans;
- a document label with its value.

The spans a claim or a stance refers to come into gold with it (a gold span with the same
offsets and label is reused). Every gold item records its provenance (``isfannotate.gold/1``:
who proposed, who agreed, who decided, when); the adjudicator's note stays with the decision
(``decisions``) and travels in ``isfannotate.gold/2``. Deciding a unit again replaces what its
earlier decision put into gold.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..errors import ValidationError
from ..ids import new_id, now
from ..models import GOLD
from ..store import review as stored
from .units import ReviewDoc, ReviewUnit, version_key

if TYPE_CHECKING:
    from ..store.base import ProjectBase
    from ..store.changes import Recorder

EDITABLE = {"span": ("start", "end", "label", "link"), "claim": ("source_kind", "source", "quote", "modality"),
            "stance": ("holder", "target", "polarity", "conditions"), "doc_label": ("value",)}


class GoldWriter:
    """Writes gold rows for decisions inside one open action (``rec``)."""

    def __init__(self, project: ProjectBase, rec: Recorder, doc: str):
        self.project, self.rec, self.doc = project, rec, doc
        self.conn = rec.conn
        self.created: list[str] = []

    def span(self, start: int, end: int, label: str, link: str | None = None,
             attrs: dict[str, Any] | None = None) -> str:
        row = stored.gold_span_at(self.conn, self.doc, start, end, label)
        if row is not None:
            if link is not None and row[1] != link:
                self.rec.update("spans", (row[0],), {"actor_id": link})
            return row[0]
        if self.project.scheme.label(label) is None:
            raise ValidationError(f"label {label!r} is not in the scheme")
        sid = new_id("s")
        self.rec.insert("spans", {"id": sid, "document_id": self.doc, "layer": GOLD, "start": start, "end": end,
                                  "label": label, "actor_id": link,
                                  "attrs": json.dumps(attrs or {}, ensure_ascii=False), "author": GOLD,
                                  "created_at": now()})
        self.created.append(sid)
        return sid

    def span_of(self, span_id: str | None) -> str | None:
        """The gold copy of an annotator's span (by id), made when missing."""
        if not span_id:
            return None
        r = stored.span_content(self.conn, span_id)
        if r is None:
            return None
        return self.span(r[0], r[1], r[2], r[3], json.loads(r[4]))


def check_edit(project: ProjectBase, unit: ReviewUnit, edited: dict[str, Any]) -> None:
    """Refuse an edited version the scheme or the registry does not allow, naming the part:
    only the parts in ``EDITABLE``; a span inside the text (code points, end exclusive) with a
    scheme label; actors, targets, polarities, quote types, modalities and document-label
    values that exist."""
    bad = set(edited) - set(EDITABLE[unit.kind])
    if bad:
        raise ValidationError(f"cannot edit {', '.join(sorted(bad))} of a {unit.kind} "
                              f"(editable: {', '.join(EDITABLE[unit.kind])})")
    scheme = project.scheme

    def actor(part: str) -> None:
        v = edited.get(part)
        if v is not None:
            if not isinstance(v, str):
                raise ValidationError(f"{part} is an actor id (a string) or null, not {v!r}")
            project.actor(v)          # ValidationError: no actor with id ...

    def one_of(part: str, allowed: Sequence[Any], what: str) -> None:
        if part in edited and edited[part] not in allowed:
            raise ValidationError(f"{part} {edited[part]!r} is not {what}: "
                                  + ", ".join("null" if a is None else str(a) for a in allowed))

    if unit.kind == "span":
        if "label" in edited and scheme.label(edited["label"]) is None:
            raise ValidationError(f"label {edited['label']!r} is not in the scheme "
                                  f"({', '.join(x.name for x in scheme.span_labels)})")
        if "start" in edited or "end" in edited:
            start, end = edited.get("start", unit.start), edited.get("end", unit.end)
            n = len(project.document(unit.doc).text)
            if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= n):
                raise ValidationError(f"start {start!r} / end {end!r}: a span is 0 <= start < end <= {n} "
                                      "(code points, end exclusive)")
        actor("link")
    elif unit.kind == "claim":
        one_of("source_kind", (None, "actor", "article"), "a source kind")
        one_of("quote", (None, "direct", "reported"), "a quote type")
        actor("source")
        claim = next((x for x in scheme.span_labels if x.role == "claim"), None)
        mod = next((a for a in (claim.attributes if claim else []) if a.name == "modality"), None)
        if mod is not None and mod.type == "choice":
            one_of("modality", (None, *mod.choices), "a modality")
    elif unit.kind == "stance":
        one_of("polarity", tuple(scheme.stance.polarities), "a polarity")
        actor("holder")
        target = edited.get("target")
        if target is not None:
            with project.snapshot() as conn:
                if not stored.target_exists(conn, target):
                    raise ValidationError(f"no target with id {target!r}")
        if edited.get("conditions") is not None and not isinstance(edited["conditions"], str):
            raise ValidationError("conditions is a text or null")
    elif unit.kind == "doc_label" and "value" in edited:
        key = next(iter(unit.versions.values()), {}).get("key")
        d = next((x for x in scheme.doc_labels if x.name == key), None)
        if d is not None and d.type == "choice" and edited["value"] is not None and edited["value"] not in d.choices:
            raise ValidationError(f"{key} must be one of {', '.join(d.choices)}")


def _provenance(unit: ReviewUnit, version: dict[str, Any], adjudicator: str, stamp: str) -> dict[str, Any]:
    key = version_key(unit.kind, version)
    return {"proposed_by": sorted(unit.versions), "agreed": sorted(a for a, v in unit.versions.items()
                                                                   if version_key(unit.kind, v) == key),
            "decided_by": adjudicator, "at": stamp}


def _write(w: GoldWriter, unit: ReviewUnit, v: dict[str, Any], prov: dict[str, Any]) -> str | None:
    """Write *v* (a version of *unit*) into gold; returns the gold item that carries provenance."""
    rec = w.rec
    if unit.kind == "span":
        item = w.span(v["start"], v["end"], v["label"], v.get("link"), v.get("attrs"))
    elif unit.kind == "claim":
        label = next((lab.name for lab in w.project.scheme.span_labels if lab.role == "claim"), "CLAIM")
        base = unit.versions.get(v.get("_from") or "", {})
        attrs = {"modality": v["modality"]} if v.get("modality") else {}
        item = w.span(v["start"], v["end"], label, None, attrs)
        source_span = w.span_of(v.get("source_span_id") or base.get("source_span_id"))
        cue = w.span_of(v.get("cue_id") or base.get("cue_id"))
        source = v.get("source")
        if source_span and not source:
            source = stored.span_actor(w.conn, source_span)
        rec.upsert("claims", {"span_id": item, "source_kind": v.get("source_kind") or ("actor" if source else None),
                              "source_actor": source, "source_span": source_span, "cue_span": cue,
                              "quote": v.get("quote")})
    elif unit.kind == "stance":
        item = new_id("st")
        evidence = [w.span_of(e) for e in v.get("evidence_ids") or []]
        rec.insert("stances", {"id": item, "document_id": w.doc, "layer": GOLD, "holder": v.get("holder"),
                               "target": v.get("target"), "polarity": v["polarity"], "conditions": v.get("conditions"),
                               "author": GOLD, "created_at": prov["at"]})
        w.created.append(item)
        for pos, e in enumerate(dict.fromkeys(x for x in evidence if x)):
            rec.insert("stance_evidence", {"stance_id": item, "span_id": e, "position": pos})
    else:
        rec.upsert("doc_labels", {"document_id": w.doc, "layer": GOLD, "key": v["key"],
                                  "value": json.dumps(v["value"], ensure_ascii=False)})
        return None
    rec.upsert("provenance", {"item_id": item, "document_id": w.doc, "data": json.dumps(prov, ensure_ascii=False)})
    return item


def _undo_earlier(rec: Recorder, decision: dict[str, Any] | None, unit: ReviewUnit, still_used: set[str]) -> None:
    """Remove what an earlier decision of this unit put into gold (items other decisions use stay)."""
    if decision is None:
        return
    conn = rec.conn
    for item in json.loads(decision["gold_items"]):
        if item in still_used:
            continue
        for claim, src, cue in stored.claims_pointing_at(conn, item):
            rec.update("claims", (claim,), {"source_span": None if src == item else src,
                                            "cue_span": None if cue == item else cue})
        rec.delete("claims", (item,))
        rec.delete_where("stance_evidence", "stance_id=? OR span_id=?", (item, item))
        rec.delete_where("relations", "head=? OR tail=?", (item, item))
        rec.delete("provenance", (item,))
        rec.delete("stances", (item,))
        rec.delete("spans", (item,))
    if unit.kind == "doc_label" and decision["decision"] == "accepted":
        v = json.loads(decision["version"] or "{}")
        rec.delete("doc_labels", (unit.doc, GOLD, v.get("key")))


def _used_elsewhere(conn: sqlite3.Connection, doc: str, key: str) -> set[str]:
    return stored.gold_items_of_other_decisions(conn, doc, key)


def apply_decision(project: ProjectBase, rec: Recorder, rd: ReviewDoc, unit: ReviewUnit, decision: str, *,
                   annotator: str | None = None, edited: dict[str, Any] | None = None, note: str = "",
                   decided_by: str | None = None) -> None:
    """Record *decision* ('accepted' or 'rejected') on *unit* inside the open action."""
    if decision not in ("accepted", "rejected"):
        raise ValidationError("a unit is accepted or rejected")
    stamp = now()
    adjudicator = decided_by or project.author
    _undo_earlier(rec, unit.decision, unit, _used_elsewhere(rec.conn, unit.doc, unit.key))
    w = GoldWriter(project, rec, unit.doc)
    version: dict[str, Any] | None = None
    chosen = None
    if decision == "accepted":
        if annotator is not None:
            if annotator not in unit.versions:
                raise ValidationError(f"{annotator} has no version of this unit")
            base, chosen = dict(unit.versions[annotator]), annotator
        elif unit.versions:
            group = unit.groups()[0][1]
            base, chosen = dict(unit.versions[group[0]]), group[0]
        else:
            raise ValidationError("this unit has no version to accept")
        if edited:
            check_edit(project, unit, edited)
            base.update(edited)
            chosen = "edited"
        base["_from"] = annotator or chosen
        version = base
        prov = _provenance(unit, version, adjudicator, stamp)
        version["gold_item"] = _write(w, unit, version, prov)
        version["provenance"] = prov
    if version is None:   # rejected: what was rejected, for the record (gold/2 "rejected")
        text = project.document(unit.doc).text
        version = {"unit": {"start": unit.start, "end": unit.end, "label": unit.label or None,
                            "text": text[unit.start:unit.end] if unit.end > unit.start else None,
                            "proposed_by": sorted(unit.versions)}}
    rec.upsert("decisions", {"unit_key": unit.key, "document_id": unit.doc, "kind": unit.kind, "decision": decision,
                             "version": json.dumps({k: v for k, v in version.items() if k != "_from"},
                                                   ensure_ascii=False, default=str),
                             "chosen": chosen, "gold_items": json.dumps(w.created), "note": note,
                             "decided_by": adjudicator, "decided_at": stamp})
    unit.decision = {"decision": decision, "chosen": chosen, "note": note, "decided_by": adjudicator,
                     "decided_at": stamp, "gold_items": json.dumps(w.created)}


def update_gold_status(rec: Recorder, rd: ReviewDoc) -> None:
    """A gold document is done once every unit of it is decided."""
    if not rd.units:
        return
    status = "done" if all(u.decided for u in rd.units) else "in_progress"
    if stored.gold_status(rec.conn, rd.doc) != status:
        rec.upsert("doc_status", {"document_id": rd.doc, "layer": GOLD, "status": status,
                                  "reason": "adjudicated" if status == "done" else None, "updated_at": now()})
