"""The gold JSONL (schema ``isfannotate.gold/1``, DESIGN.md): building records from a layer,
importing them back into a layer, and wiring exports.

Records are plain dicts on the export path (fast); imported records are validated with the
pydantic models below, at the boundary.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError as PydanticValidationError

from .errors import InputError, IsfError
from .models import GOLD
from .textclean import clean_and_hash, sha256_text

if TYPE_CHECKING:
    from .changes import Recorder
    from .importing import ImportReport
    from .project import Project

SCHEMA_ID = "isfannotate.gold/1"
UNANIMOUS = "unanimous"


# ------------------------------------------------------------------ building records
def gold_records(project: "Project", layer: str = GOLD, *, include_all: bool = False,
                 progress: Callable[[int, int], None] | None = None) -> tuple[list[dict], list[tuple[str, str]]]:
    """Records for every document of *layer* that is marked done (all with *include_all*), and
    (document id, reason) for those left out. 'unanimous' is not a stored layer (see agreement)."""
    conn = project.conn
    if layer == UNANIMOUS:
        return unanimous_records(project, include_all=include_all, progress=progress)
    n_spans = conn.execute("SELECT count(*) FROM spans WHERE layer=?", (layer,)).fetchone()[0]
    n_stances = conn.execute("SELECT count(*) FROM stances WHERE layer=?", (layer,)).fetchone()[0]
    if n_spans == 0 and n_stances == 0:
        if layer == GOLD:
            others = ", ".join(project.layers()) or "none yet"
            raise IsfError(f"the gold layer is empty; export an annotator's layer with --layer NAME "
                           f"(layers: {others}) or fill gold with 'isfannotate adjudicate'")
        raise IsfError(f"layer {layer!r} has no annotations (layers: {', '.join(project.layers()) or 'none'})")

    status = project.statuses(layer)
    actors = {a.id: a for a in project.actors()}
    targets = {t.id: t for t in project.targets()}
    docs = conn.execute("SELECT id, text, sha256, meta, near_dup_group FROM documents ORDER BY seq").fetchall()

    spans_by_doc: dict[str, list[tuple]] = {}
    for r in conn.execute('SELECT id, document_id, start, "end", label, actor_id, attrs FROM spans WHERE layer=? '
                          'ORDER BY document_id, start, "end" DESC, id', (layer,)):
        spans_by_doc.setdefault(r[1], []).append(r)
    claims_by_doc: dict[str, list[tuple]] = {}
    for r in conn.execute("SELECT s.document_id, c.span_id, c.source_kind, c.source_actor, c.source_span, c.cue_span, "
                          "c.quote FROM claims c JOIN spans s ON s.id=c.span_id WHERE s.layer=? "
                          "ORDER BY s.document_id, s.start, s.id", (layer,)):
        claims_by_doc.setdefault(r[0], []).append(r)
    evidence: dict[str, list[str]] = {}
    for sid, span_id in conn.execute("SELECT e.stance_id, e.span_id FROM stance_evidence e JOIN stances s "
                                     "ON s.id=e.stance_id WHERE s.layer=? ORDER BY e.stance_id, e.position", (layer,)):
        evidence.setdefault(sid, []).append(span_id)
    stances_by_doc: dict[str, list[tuple]] = {}
    for r in conn.execute("SELECT document_id, id, holder, target, polarity, conditions FROM stances WHERE layer=? "
                          "ORDER BY document_id, created_at, id", (layer,)):
        stances_by_doc.setdefault(r[0], []).append(r)
    relations_by_doc: dict[str, list[tuple]] = {}
    for r in conn.execute("SELECT document_id, head, tail, label FROM relations WHERE layer=? ORDER BY document_id, id",
                          (layer,)):
        relations_by_doc.setdefault(r[0], []).append(r)
    labels_by_doc: dict[str, dict] = {}
    for d, k, v in conn.execute("SELECT document_id, key, value FROM doc_labels WHERE layer=? ORDER BY key", (layer,)):
        labels_by_doc.setdefault(d, {})[k] = json.loads(v)
    prov: dict[str, dict] = {}
    if layer == GOLD:
        for item, d, data in conn.execute("SELECT item_id, document_id, data FROM provenance"):
            prov.setdefault(d, {})[item] = json.loads(data)

    records: list[dict] = []
    left_out: list[tuple[str, str]] = []
    total = len(docs)
    for i, (doc_id, text, sha, meta, group) in enumerate(docs):
        if progress and i % 500 == 0:
            progress(i, total)
        st = status.get(doc_id, "new")
        if not include_all and st != "done":
            left_out.append((doc_id, f"not marked done in layer {layer} (status: {st})"))
            continue
        spans = spans_by_doc.get(doc_id, [])
        doc_stances = stances_by_doc.get(doc_id, [])
        used_actors: dict[str, None] = {}
        used_targets: dict[str, None] = {}
        span_out = []
        for sid, _, start, end, label, actor_id, attrs in spans:
            if actor_id:
                used_actors[actor_id] = None
            span_out.append({"id": sid, "start": start, "end": end, "label": label, "text": text[start:end],
                             "actor_id": actor_id, "attrs": json.loads(attrs)})
        claim_out = []
        for _, span_id, kind, src, src_span, cue, quote in claims_by_doc.get(doc_id, []):
            if src:
                used_actors[src] = None
            claim_out.append({"span": span_id, "source_kind": kind, "source": src, "source_span": src_span,
                              "cue": cue, "quote": quote})
        stance_out = []
        for _, stid, holder, target, polarity, cond in doc_stances:
            if holder:
                used_actors[holder] = None
            if target:
                used_targets[target] = None
            stance_out.append({"id": stid, "holder": holder, "target": target, "polarity": polarity,
                               "conditions": cond, "evidence": evidence.get(stid, [])})
        records.append({
            "schema": SCHEMA_ID, "id": doc_id, "text": text, "sha256": sha, "offset_unit": "codepoint",
            "meta": json.loads(meta), "split": None, "near_duplicate_group": group, "layer": layer,
            "doc_labels": labels_by_doc.get(doc_id, {}),
            "actors": [{"id": a.id, "name": a.name, "type": a.type, "aliases": list(a.aliases),
                        "external_id": a.external_id} for a in (actors[x] for x in used_actors if x in actors)],
            "targets": [{"id": t.id, "name": t.name} for t in (targets[x] for x in used_targets if x in targets)],
            "spans": span_out,
            "claims": claim_out,
            "stances": stance_out,
            "relations": [{"head": h, "tail": t, "label": lab} for _, h, t, lab in relations_by_doc.get(doc_id, [])],
            "provenance": prov.get(doc_id, {}),
        })
    if progress:
        progress(total, total)
    return records, left_out


def _span_key(s: dict) -> tuple:
    return (s["start"], s["end"], s["label"], s["actor_id"], json.dumps(s["attrs"], sort_keys=True, ensure_ascii=False))


def unanimous_records(project: "Project", *, include_all: bool = False,
                      progress: Callable[[int, int], None] | None = None) -> tuple[list[dict], list[tuple[str, str]]]:
    """The 'unanimous' layer: per document, the units every annotator who marked it done agrees
    on. A span is a unit when all of them have the same offsets, label, actor link and
    attributes; a claim, stance (holder, target, polarity, conditions, evidence), relation or
    document label when all of them have it identically on such spans. With *include_all*, a
    document nobody marked done uses every annotator who annotated it. Provenance lists them."""
    layers = [L for L in project.layers() if project.conn.execute(
        "SELECT 1 FROM spans WHERE layer=? UNION SELECT 1 FROM stances WHERE layer=? LIMIT 1", (L, L)).fetchone()]
    if not layers:
        raise IsfError("no annotator has annotations yet, so there is nothing unanimous to export")
    per = {L: {r["id"]: r for r in gold_records(project, L, include_all=True)[0]} for L in layers}
    done = {L: project.statuses(L) for L in layers}
    records: list[dict] = []
    left_out: list[tuple[str, str]] = []
    docs = project.document_list()
    for n, (doc_id, _title) in enumerate(docs):
        if progress and n % 500 == 0:
            progress(n, len(docs))
        voters = [L for L in layers if done[L].get(doc_id) == "done" and doc_id in per[L]]
        if not voters and include_all:
            voters = [L for L in layers if per[L].get(doc_id, {}).get("spans") or per[L].get(doc_id, {}).get("stances")]
        if not voters:
            left_out.append((doc_id, "no annotator marked it done"))
            continue
        records.append(_agree([per[L][doc_id] for L in voters], voters))
    if progress:
        progress(len(docs), len(docs))
    return records, left_out


def _agree(recs: list[dict], voters: list[str]) -> dict:
    base = recs[0]
    keymaps = [{s["id"]: _span_key(s) for s in r["spans"]} for r in recs]
    common = set.intersection(*(set(km.values()) for km in keymaps))
    base_id: dict[tuple, str] = {}
    for s in base["spans"]:
        base_id.setdefault(_span_key(s), s["id"])
    spans = [s for s in base["spans"] if s["id"] == base_id.get(_span_key(s)) and _span_key(s) in common]

    def ref(km: dict, sid: str | None):
        return None if sid is None else km.get(sid, ("missing", sid))

    def claim_keys(r, km):
        return {(km[c["span"]], c["source_kind"], c["source"], ref(km, c["source_span"]), ref(km, c["cue"]), c["quote"])
                for c in r["claims"]}

    def stance_keys(r, km):
        return {(st["holder"], st["target"], st["polarity"], st["conditions"],
                 frozenset(ref(km, e) for e in st["evidence"])) for st in r["stances"]}

    def relation_keys(r, km):
        return {(km[x["head"]], km[x["tail"]], x["label"]) for x in r["relations"]}

    agreed_claims = set.intersection(*(claim_keys(r, km) for r, km in zip(recs, keymaps)))
    agreed_stances = set.intersection(*(stance_keys(r, km) for r, km in zip(recs, keymaps)))
    agreed_relations = set.intersection(*(relation_keys(r, km) for r, km in zip(recs, keymaps)))
    km0 = keymaps[0]
    to_id = lambda key: base_id[key] if key in common else None  # noqa: E731
    claims = [c for c in base["claims"] if (km0[c["span"]], c["source_kind"], c["source"], ref(km0, c["source_span"]),
                                            ref(km0, c["cue"]), c["quote"]) in agreed_claims
              and km0[c["span"]] in common]
    claims = [{**c, "span": to_id(km0[c["span"]]),
               "source_span": to_id(km0[c["source_span"]]) if c["source_span"] else None,
               "cue": to_id(km0[c["cue"]]) if c["cue"] else None} for c in claims]
    stances = []
    for st in base["stances"]:
        k = (st["holder"], st["target"], st["polarity"], st["conditions"], frozenset(ref(km0, e) for e in st["evidence"]))
        if k in agreed_stances and all(km0.get(e) in common for e in st["evidence"]):
            stances.append({**st, "evidence": [to_id(km0[e]) for e in st["evidence"]]})
    relations = [{**x, "head": to_id(km0[x["head"]]), "tail": to_id(km0[x["tail"]])} for x in base["relations"]
                 if (km0[x["head"]], km0[x["tail"]], x["label"]) in agreed_relations
                 and km0[x["head"]] in common and km0[x["tail"]] in common]
    doc_labels = {k: v for k, v in base["doc_labels"].items() if all(r["doc_labels"].get(k) == v for r in recs)}
    used_actors = {s["actor_id"] for s in spans} | {c["source"] for c in claims} | {st["holder"] for st in stances}
    used_targets = {st["target"] for st in stances}
    actors = {a["id"]: a for r in recs for a in r["actors"]}
    targets = {t["id"]: t for r in recs for t in r["targets"]}
    prov = {"proposed_by": list(voters), "agreed": list(voters), "decided_by": UNANIMOUS, "at": None}
    return {
        **base, "layer": UNANIMOUS, "doc_labels": doc_labels,
        "actors": [actors[a] for a in sorted(used_actors - {None}) if a in actors],
        "targets": [targets[t] for t in sorted(used_targets - {None}) if t in targets],
        "spans": spans, "claims": claims, "stances": stances, "relations": relations,
        "provenance": {item: prov for item in [*(s["id"] for s in spans), *(st["id"] for st in stances)]},
    }


def export_project(project: "Project", fmt: str, out_dir, *, layer: str, include_all: bool,
                   split, seed: int, force: bool, progress=None, cancelled=None):
    from .exporting import export_records
    records, left_out = gold_records(project, layer, include_all=include_all)
    if not records:
        raise IsfError(f"no document of layer {layer!r} is marked done; mark documents done, or export "
                       f"everything with --all ({len(left_out)} documents left out)")
    return export_records(records, fmt, Path(out_dir) if out_dir else None, project_name=project.name, layer=layer,
                          left_out=left_out, split=split, seed=seed, force=force,
                          scheme=json.loads(project.scheme.model_dump_json()), language=project.scheme.language,
                          progress=progress, cancelled=cancelled)


# ------------------------------------------------------------------ importing records
class _M(BaseModel):
    model_config = ConfigDict(extra="ignore")


class GActor(_M):
    id: str
    name: str
    type: str
    aliases: list[str] = []
    external_id: str | None = None


class GTarget(_M):
    id: str
    name: str


class GSpan(_M):
    id: str
    start: int
    end: int
    label: str
    text: str
    actor_id: str | None = None
    attrs: dict[str, Any] = {}


class GClaim(_M):
    span: str
    source_kind: Literal["actor", "article"] | None = None
    source: str | None = None
    source_span: str | None = None
    cue: str | None = None
    quote: Literal["direct", "reported"] | None = None


class GStance(_M):
    id: str
    holder: str | None = None
    target: str | None = None
    polarity: str
    conditions: str | None = None
    evidence: list[str] = []


class GRelation(_M):
    head: str
    tail: str
    label: str


class GoldRecord(_M):
    schema_: Literal["isfannotate.gold/1"]
    id: str | None = None
    text: str
    sha256: str | None = None
    offset_unit: Literal["codepoint"] = "codepoint"
    meta: dict[str, Any] = {}
    doc_labels: dict[str, Any] = {}
    actors: list[GActor] = []
    targets: list[GTarget] = []
    spans: list[GSpan] = []
    claims: list[GClaim] = []
    stances: list[GStance] = []
    relations: list[GRelation] = []
    provenance: dict[str, Any] = {}

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    @classmethod
    def parse(cls, obj: dict, src: str, line: int) -> "GoldRecord":
        try:
            return cls.model_validate({**obj, "schema_": obj.get("schema")})
        except PydanticValidationError as e:
            err = e.errors()[0]
            loc = ".".join(str(p) for p in err["loc"]).replace("schema_", "schema")
            raise InputError(src, f"gold record field {loc}: {err['msg']}", line) from None


@dataclass
class GoldPlan:
    """Checked gold records ready to write; ``apply`` runs inside the import transaction."""
    layer: str
    replace: bool
    items: list[tuple[str, int, GoldRecord, str]] = field(default_factory=list)  # src, line, record, doc id
    new_docs: list[tuple[str, GoldRecord]] = field(default_factory=list)

    def new_document_rows(self, seq: int, stamp: str) -> list[tuple]:
        rows = []
        for doc_id, rec in self.new_docs:
            rows.append((doc_id, seq, rec.text, sha256_text(rec.text), json.dumps(rec.meta, ensure_ascii=False), stamp))
            seq += 1
        return rows

    def apply(self, project: "Project", rec: "Recorder", report: "ImportReport") -> None:
        """Write the planned records through the import action's recorder (one transaction,
        one change record)."""
        from .ids import new_id, now
        conn = project.conn
        stamp = now()
        scheme = project.scheme
        for src, line, record, doc_id in self.items:
            if self.replace:
                _clear_layer(rec, doc_id, self.layer)
            actor_map = _reconcile_actors(rec, record.actors, scheme, project.author, stamp)
            target_map = _reconcile_targets(rec, record.targets, project.author, stamp)
            span_ids: dict[str, str] = {}
            span_rows = []
            for s in record.spans:
                sid = s.id if not conn.execute("SELECT 1 FROM spans WHERE id=?", (s.id,)).fetchone() else new_id("s")
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
            for st in record.stances:
                stid = st.id if not conn.execute("SELECT 1 FROM stances WHERE id=?", (st.id,)).fetchone() else new_id("st")
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
            report.annotated_documents.append(doc_id)
            report.spans += len(record.spans)
        if self.items and self.layer != GOLD:
            project._ensure_annotator(rec, self.layer)


def _clear_layer(rec: "Recorder", doc_id: str, layer: str) -> None:
    """Remove a layer's annotations of one document, every row logged (claims, evidence and
    provenance first, so nothing is left to ON DELETE CASCADE)."""
    rec.delete_where("claims", "span_id IN (SELECT id FROM spans WHERE document_id=? AND layer=?)", (doc_id, layer))
    rec.delete_where("stance_evidence", "stance_id IN (SELECT id FROM stances WHERE document_id=? AND layer=?)",
                     (doc_id, layer))
    rec.delete_where("provenance", "item_id IN (SELECT id FROM spans WHERE document_id=? AND layer=? "
                     "UNION SELECT id FROM stances WHERE document_id=? AND layer=?)", (doc_id, layer, doc_id, layer))
    rec.delete_where("stances", "document_id=? AND layer=?", (doc_id, layer))
    rec.delete_where("relations", "document_id=? AND layer=?", (doc_id, layer))
    rec.delete_where("spans", "document_id=? AND layer=?", (doc_id, layer))
    rec.delete_where("doc_labels", "document_id=? AND layer=?", (doc_id, layer))


def _reconcile_actors(rec: "Recorder", actors: list[GActor], scheme, author: str, stamp: str) -> dict[str, str]:
    """Map record actor ids to registry ids: by id, then external id, then canonical name; else add."""
    conn = rec.conn
    out = {}
    for a in actors:
        row = conn.execute("SELECT id FROM actors WHERE id=?", (a.id,)).fetchone()
        if row is None and a.external_id:
            row = conn.execute("SELECT id FROM actors WHERE external_id=?", (a.external_id,)).fetchone()
        if row is None:
            row = conn.execute("SELECT id FROM actors WHERE name=? COLLATE NOCASE", (a.name,)).fetchone()
        if row is not None:
            out[a.id] = row[0]
            continue
        typ = a.type if a.type in scheme.actor_types else "other"
        rec.insert("actors", {"id": a.id, "name": a.name, "type": typ,
                              "aliases": json.dumps(a.aliases, ensure_ascii=False), "external_id": a.external_id,
                              "note": "", "created_by": author, "created_at": stamp})
        rec.insert("registry_log", {"at": stamp, "author": author, "kind": "actor", "entity_id": a.id,
                                    "op": "import", "before": None, "after": a.model_dump_json()})
        out[a.id] = a.id
    return out


def _reconcile_targets(rec: "Recorder", targets: list[GTarget], author: str, stamp: str) -> dict[str, str]:
    conn = rec.conn
    out = {}
    for t in targets:
        row = conn.execute("SELECT id FROM targets WHERE id=?", (t.id,)).fetchone() or conn.execute(
            "SELECT id FROM targets WHERE name=? COLLATE NOCASE", (t.name,)).fetchone()
        if row is not None:
            out[t.id] = row[0]
            continue
        rec.insert("targets", {"id": t.id, "name": t.name, "description": "", "created_by": author,
                               "created_at": stamp})
        rec.insert("registry_log", {"at": stamp, "author": author, "kind": "target", "entity_id": t.id,
                                    "op": "import", "before": None, "after": t.model_dump_json()})
        out[t.id] = t.id
    return out


def plan_gold_import(project: "Project", lines: list[tuple[str, int, dict]], layer: str, replace: bool,
                     existing_sha: dict[str, str], batch_sha: dict[str, str], assign_id) -> GoldPlan:
    """Check every gold line (structure, text form, sha256, span slices, references, labels) and
    decide which document each attaches to. Raises InputError naming the file and line."""
    plan = GoldPlan(layer, replace)
    scheme = project.scheme
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
            has = project.conn.execute(
                "SELECT 1 FROM spans WHERE document_id=? AND layer=? UNION SELECT 1 FROM stances WHERE document_id=? "
                "AND layer=? LIMIT 1", (doc_id, layer, doc_id, layer)).fetchone()
            if has:
                raise InputError(src, f"layer {layer!r} already has annotations for document {doc_id!r}; "
                                      "use --replace to replace them", line)
        if doc_id in seen_docs:
            raise InputError(src, f"a second record for document {doc_id!r} in the same import", line)
        seen_docs.add(doc_id)
        plan.items.append((src, line, rec, doc_id))
    return plan
