"""Importing gold records into a layer: checked first (all-or-nothing), then written through
the import action's Recorder. Errors name the file and line."""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from ..models import GOLD
from ..store import imports as stored
from ..store.layers import clear_layer
from ..store.matching import match_entry
from ..textclean import clean_and_hash, sha256_text
from .record import GoldActor, GoldRecord, GoldTarget

if TYPE_CHECKING:
    from ..scheme import Scheme
    from ..store.base import ProjectBase
    from ..store.changes import Recorder


@dataclass
class GoldPlan:
    """Checked gold records ready to write; ``apply`` runs inside the import transaction."""
    layer: str
    replace: bool
    items: list[tuple[str, int, GoldRecord, str]] = field(default_factory=list)  # src, line, record, doc id
    new_docs: list[tuple[str, GoldRecord]] = field(default_factory=list)
    mapped: dict[str, None] = field(default_factory=dict)   # "target 'a' -> the project's 'b' (same name)", in order

    def new_document_rows(self, seq: int, stamp: str) -> list[tuple[Any, ...]]:
        rows = []
        for doc_id, rec in self.new_docs:
            rows.append((doc_id, seq, rec.text, sha256_text(rec.text), json.dumps(rec.meta, ensure_ascii=False), stamp))
            seq += 1
        return rows

    def apply(self, project: ProjectBase, rec: Recorder) -> tuple[list[str], int]:
        """Write the planned records through the import action's recorder (one transaction,
        one change record). Returns the annotated document ids and the number of spans."""
        from ..ids import new_id, now
        stamp = now()
        scheme = project.scheme
        annotated: list[str] = []
        n_spans = 0
        for _src, _line, record, doc_id in self.items:
            if self.replace:
                clear_layer(rec, [doc_id], self.layer)
            actor_map = _reconcile_actors(rec, record.actors, scheme, project.author, stamp, self.mapped)
            target_map = _reconcile_targets(rec, record.targets, project.author, stamp, self.mapped)
            span_ids: dict[str, str] = {}
            span_rows = []
            taken = stored.taken_ids(rec.conn, "spans", [x.id for x in record.spans])
            for s in record.spans:
                sid = s.id if s.id not in taken else new_id("s")
                span_ids[s.id] = sid
                span_rows.append({"id": sid, "document_id": doc_id, "layer": self.layer, "start": s.start,
                                  "end": s.end, "label": s.label,
                                  "actor_id": actor_map.get(s.actor_id) if s.actor_id else None,
                                  "attrs": json.dumps(s.attrs, ensure_ascii=False), "author": self.layer,
                                  "created_at": stamp})
            rec.insert_many("spans", span_rows)
            rec.insert_many("claims", [
                {"span_id": span_ids[c.span], "source_kind": c.source_kind,
                 "source_actor": actor_map.get(c.source) if c.source else None,
                 "source_span": span_ids.get(c.source_span) if c.source_span else None,
                 "cue_span": span_ids.get(c.cue) if c.cue else None, "quote": c.quote} for c in record.claims])
            stance_ids: dict[str, str] = {}
            taken_st = stored.taken_ids(rec.conn, "stances", [x.id for x in record.stances])
            for st in record.stances:
                stid = st.id if st.id not in taken_st else new_id("st")
                stance_ids[st.id] = stid
                rec.insert("stances", {"id": stid, "document_id": doc_id, "layer": self.layer,
                                       "holder": actor_map.get(st.holder) if st.holder else None,
                                       "target": target_map.get(st.target) if st.target else None,
                                       "polarity": st.polarity, "conditions": st.conditions, "author": self.layer,
                                       "created_at": stamp})
                rec.insert_many("stance_evidence", [{"stance_id": stid, "span_id": span_ids[e], "position": i}
                                                    for i, e in enumerate(dict.fromkeys(st.evidence))])
            rec.insert_many("relations", [{"id": new_id("r"), "document_id": doc_id, "layer": self.layer,
                                           "head": span_ids[r.head], "tail": span_ids[r.tail], "label": r.label}
                                          for r in record.relations])
            for k, v in record.doc_labels.items():
                rec.upsert("doc_labels", {"document_id": doc_id, "layer": self.layer, "key": k,
                                          "value": json.dumps(v, ensure_ascii=False)})
            if self.layer == GOLD:
                for item, data in record.provenance.items():
                    new_item = span_ids.get(item) or stance_ids.get(item) or item
                    rec.upsert("provenance", {"item_id": new_item, "document_id": doc_id,
                                              "data": json.dumps(data, ensure_ascii=False)})
            rec.upsert("doc_status", {"document_id": doc_id, "layer": self.layer, "status": "done",
                                      "reason": "imported", "updated_at": stamp})
            annotated.append(doc_id)
            n_spans += len(record.spans)
        if self.items and self.layer != GOLD:
            project.ensure_annotator(rec, self.layer)
        return annotated, n_spans


def _reconcile_actors(rec: Recorder, actors: list[GoldActor], scheme: Scheme, author: str, stamp: str,
                      mapped: dict[str, None]) -> dict[str, str]:
    """Map record actor ids to registry ids: by id, then external id, then canonical name; else add.
    Every id mapped to another one is noted in *mapped* (the import reports it)."""
    out = {}
    for a in actors:
        found = match_entry(rec.conn, "actor", a.id, a.name, a.external_id)
        if found is not None:
            out[a.id] = found[0]
            if found[0] != a.id:
                mapped[f"actor {a.id!r} -> the project's {found[0]!r} ({found[1]})"] = None
            continue
        typ = a.type if a.type in scheme.actor_types else "other"
        rec.insert("actors", {"id": a.id, "name": a.name, "type": typ,
                              "aliases": json.dumps(a.aliases, ensure_ascii=False), "external_id": a.external_id,
                              "note": "", "created_by": author, "created_at": stamp})
        rec.insert("registry_log", {"at": stamp, "author": author, "kind": "actor", "entity_id": a.id,
                                    "op": "import", "before": None, "after": a.model_dump_json()})
        out[a.id] = a.id
    return out


def _reconcile_targets(rec: Recorder, targets: list[GoldTarget], author: str, stamp: str,
                       mapped: dict[str, None]) -> dict[str, str]:
    """Map record target ids to the project's: by id, then by name; else add (mapped ids noted)."""
    out = {}
    for t in targets:
        found = match_entry(rec.conn, "target", t.id, t.name)
        if found is not None:
            out[t.id] = found[0]
            if found[0] != t.id:
                mapped[f"target {t.id!r} -> the project's {found[0]!r} ({found[1]})"] = None
            continue
        rec.insert("targets", {"id": t.id, "name": t.name, "description": "", "created_by": author,
                               "created_at": stamp})
        rec.insert("registry_log", {"at": stamp, "author": author, "kind": "target", "entity_id": t.id,
                                    "op": "import", "before": None, "after": t.model_dump_json()})
        out[t.id] = t.id
    return out


def plan_gold_import(project: ProjectBase, lines: list[tuple[str, int, dict[str, Any]]], layer: str, replace: bool,
                     existing_sha: dict[str, str], batch_sha: dict[str, str],
                     assign_id: Callable[[str | None, str, str], str], *, scheme: Scheme | None = None) -> GoldPlan:
    """Check every gold line (structure, text form, sha256, span slices, references, labels) and
    decide which document each attaches to. Raises InputError naming the file and line."""
    plan = GoldPlan(layer, replace)
    scheme = scheme or project.scheme
    labels = {lab.name for lab in scheme.span_labels}
    relation_names = {r.name for r in scheme.relation_types}
    seen_docs: set[str] = set()
    existing_ids = set(existing_sha.values())
    for src, line, obj in lines:
        rec = GoldRecord.parse(obj, src, line)
        text = rec.text
        if text.startswith("\ufeff") or "\r" in text:
            raise InputError(src, "gold text must be stored text (no BOM, LF newlines); offsets would not match", line)
        _, sha = clean_and_hash(text, src, line)
        if rec.sha256 is not None and rec.sha256 != sha:
            raise InputError(src, f"sha256 {rec.sha256[:12]}… does not match the text ({sha[:12]}…)", line)
        span_ids = set()
        for s in rec.spans:
            if not 0 <= s.start < s.end <= len(text):
                raise InputError(src, f"span {s.id} {s.start}-{s.end} is outside the text (length {len(text)})", line)
            if text[s.start:s.end] != s.text:
                raise InputError(src, f"span {s.id} {s.start}-{s.end}: text {s.text!r} is not "
                                      f"{text[s.start:s.end]!r} at those code points", line)
            if s.label not in labels:
                raise InputError(src, f"span {s.id}: label {s.label!r} is not in the project's scheme", line)
            if s.id in span_ids:
                raise InputError(src, f"span id {s.id} appears twice", line)
            span_ids.add(s.id)
        actor_ids = {a.id for a in rec.actors}
        target_ids = {t.id for t in rec.targets}
        for s in rec.spans:
            if s.actor_id is not None and s.actor_id not in actor_ids:
                raise InputError(src, f"span {s.id}: actor {s.actor_id!r} is not in the record's actors", line)
        for c in rec.claims:
            for ref in (c.span, c.source_span, c.cue):
                if ref is not None and ref not in span_ids:
                    raise InputError(src, f"claim refers to unknown span {ref!r}", line)
            if c.source is not None and c.source not in actor_ids:
                raise InputError(src, f"claim source {c.source!r} is not in the record's actors", line)
        for st in rec.stances:
            if st.polarity not in scheme.stance.polarities:
                raise InputError(src, f"stance {st.id}: polarity {st.polarity!r} is not in the scheme", line)
            if st.holder is not None and st.holder not in actor_ids:
                raise InputError(src, f"stance {st.id}: holder {st.holder!r} is not in the record's actors", line)
            if st.target is not None and st.target not in target_ids:
                raise InputError(src, f"stance {st.id}: target {st.target!r} is not in the record's targets", line)
            for e in st.evidence:
                if e not in span_ids:
                    raise InputError(src, f"stance {st.id}: evidence {e!r} is not a span of the record", line)
        for r in rec.relations:
            if r.head not in span_ids or r.tail not in span_ids:
                raise InputError(src, f"relation {r.label} refers to an unknown span", line)
            if r.label not in relation_names:
                raise InputError(src, f"relation label {r.label!r} is not in the scheme", line)

        doc_id = existing_sha.get(sha) or batch_sha.get(sha)
        if doc_id is None:
            doc_id = assign_id(rec.id, sha, f"{src}:{line}")
            batch_sha[sha] = doc_id
            plan.new_docs.append((doc_id, rec))
        elif not replace and doc_id in existing_ids:
            assert project.conn is not None   # an open project
            if stored.layer_has_annotations(project.conn, doc_id, layer):
                raise InputError(src, f"layer {layer!r} already has annotations for document {doc_id!r}; "
                                      "use --replace to replace them", line)
        if doc_id in seen_docs:
            raise InputError(src, f"a second record for document {doc_id!r} in the same import", line)
        seen_docs.add(doc_id)
        plan.items.append((src, line, rec, doc_id))
    return plan
