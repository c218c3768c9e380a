"""Building gold records from a layer (and the derived 'unanimous' layer), and wiring exports.

Records are plain dicts shaped by ``gold.record``'s builders (fast); offsets are code points.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import IsfError
from ..models import GOLD, GOLD_SCHEMA_IDS
from ..plural import counted
from ..store import gold as stored
from .record import UNANIMOUS, actor_record, claim_record, relation_record, span_record, stance_record, target_record

if TYPE_CHECKING:
    import sqlite3

    from ..exporting import ExportResult
    from ..store.base import ProjectBase


def gold_records(
    project: ProjectBase,
    layer: str = GOLD,
    *,
    include_all: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    """Records for every document of *layer* that is marked done (all with *include_all*), and
    (document id, reason) for those left out. 'unanimous' is not a stored layer (see agreement).
    Every read is one guarded snapshot: another thread's open action is waited for, never read."""
    with project.snapshot() as conn:
        if layer == UNANIMOUS:
            return unanimous_records(project, include_all=include_all, progress=progress)
        return _layer_records(project, conn, layer, include_all, progress)


def _layer_records(project: ProjectBase, conn: sqlite3.Connection, layer: str, include_all: bool,
                   progress: Callable[[int, int], None] | None) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    if stored.layer_is_empty(conn, layer):
        if layer == GOLD:
            others = ", ".join(project.layers()) or "none yet"
            raise IsfError(f"the gold layer is empty; export an annotator's layer with --layer NAME "
                           f"(layers: {others}) or fill gold with 'isfannotate adjudicate PROJECT --auto unanimous' "
                           f"and the app's review screen")
        raise IsfError(f"layer {layer!r} has no annotations (layers: {', '.join(project.layers()) or 'none'})")

    status = project.statuses(layer)
    actors = {a.id: a for a in project.actors()}
    targets = {t.id: t for t in project.targets()}
    docs = stored.documents_for_export(conn)
    spans_by_doc = stored.spans_by_document(conn, layer)
    claims_by_doc = stored.claims_by_document(conn, layer)
    evidence = stored.stance_evidence(conn, layer)
    stances_by_doc = stored.stances_by_document(conn, layer)
    relations_by_doc = stored.relations_by_document(conn, layer)
    labels_by_doc = stored.document_labels_by_document(conn, layer)
    prov = stored.gold_provenance_by_document(conn) if layer == GOLD else {}

    extras = _adjudication(conn, layer)
    records: list[dict[str, Any]] = []
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
            span_out.append(span_record(sid, start, end, label, text[start:end], actor_id, json.loads(attrs)))
        claim_out = []
        for _, span_id, kind, src, src_span, cue, quote in claims_by_doc.get(doc_id, []):
            if src:
                used_actors[src] = None
            claim_out.append(claim_record(span_id, kind, src, src_span, cue, quote))
        stance_out = []
        for _, stid, holder, target, polarity, cond in doc_stances:
            if holder:
                used_actors[holder] = None
            if target:
                used_targets[target] = None
            stance_out.append(stance_record(stid, holder, target, polarity, cond, evidence.get(stid, [])))
        records.append({
            "schema": GOLD_SCHEMA_IDS[1], "id": doc_id, "text": text, "sha256": sha, "offset_unit": "codepoint",
            "meta": json.loads(meta), "split": None, "near_duplicate_group": group, "layer": layer,
            "doc_labels": labels_by_doc.get(doc_id, {}),
            "actors": [actor_record(a.id, a.name, a.type, a.aliases, a.external_id)
                       for a in (actors[x] for x in used_actors if x in actors)],
            "targets": [target_record(t.id, t.name) for t in (targets[x] for x in used_targets if x in targets)],
            "spans": span_out,
            "claims": claim_out,
            "stances": stance_out,
            "relations": [relation_record(h, t, lab) for _, h, t, lab in relations_by_doc.get(doc_id, [])],
            "provenance": prov.get(doc_id, {}),
            **extras.get(doc_id, {}),
        })
    if progress:
        progress(total, total)
    return records, left_out


def _adjudication(conn: sqlite3.Connection, layer: str) -> dict[str, dict[str, Any]]:
    """What isfannotate.gold/2 adds for the gold layer, per document: the adjudicator's notes
    (keyed by gold item), document-label provenance, and the rejected units. (A /1 export
    leaves these out: ``exporting`` drops the keys.)"""
    if layer != GOLD:
        return {}
    out: dict[str, dict[str, Any]] = {}
    for doc, kind, decision, version, note, by, at in stored.decisions_in_order(conn):
        v = json.loads(version or "{}")
        rec = out.setdefault(doc, {"notes": {}, "doc_label_provenance": {}, "rejected": []})
        if decision == "accepted":
            if note and v.get("gold_item"):
                rec["notes"][v["gold_item"]] = note
            if kind == "doc_label" and v.get("provenance"):
                rec["doc_label_provenance"][v["key"]] = v["provenance"]
        else:
            unit = v.get("unit") or {}
            rec["rejected"].append({"kind": kind, "start": unit.get("start", 0), "end": unit.get("end", 0),
                                    "label": unit.get("label"), "text": unit.get("text"),
                                    "proposed_by": unit.get("proposed_by", []), "note": note, "decided_by": by,
                                    "at": at})
    return out


def _span_key(s: dict[str, Any]) -> tuple[Any, ...]:
    return (s["start"], s["end"], s["label"], s["actor_id"], json.dumps(s["attrs"], sort_keys=True, ensure_ascii=False))


def unanimous_records(
    project: ProjectBase, *, include_all: bool = False, progress: Callable[[int, int], None] | None = None
) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    """The 'unanimous' layer: per document, the units every annotator who marked it done agrees
    on. A span is a unit when all of them have the same offsets, label, actor link and
    attributes; a claim, stance (holder, target, polarity, conditions, evidence), relation or
    document label when all of them have it identically on such spans. With *include_all*, a
    document nobody marked done uses every annotator who annotated it. Provenance lists them."""
    with project.snapshot() as conn:
        return _unanimous_records(project, conn, include_all, progress)


def _unanimous_records(
    project: ProjectBase, conn: sqlite3.Connection, include_all: bool, progress: Callable[[int, int], None] | None
) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    layers = [L for L in project.layers() if not stored.layer_is_empty(conn, L)]
    if not layers:
        raise IsfError("no annotator has annotations yet, so there is nothing unanimous to export")
    per = {L: {r["id"]: r for r in gold_records(project, L, include_all=True)[0]} for L in layers}
    done = {L: project.statuses(L) for L in layers}
    records: list[dict[str, Any]] = []
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


def _agree(recs: list[dict[str, Any]], voters: list[str]) -> dict[str, Any]:
    base = recs[0]
    keymaps = [{s["id"]: _span_key(s) for s in r["spans"]} for r in recs]
    common = set.intersection(*(set(km.values()) for km in keymaps))
    base_id: dict[tuple[Any, ...], str] = {}
    for s in base["spans"]:
        base_id.setdefault(_span_key(s), s["id"])
    spans = [s for s in base["spans"] if s["id"] == base_id.get(_span_key(s)) and _span_key(s) in common]

    def ref(km: dict[str, Any], sid: str | None) -> Any:
        return None if sid is None else km.get(sid, ("missing", sid))

    def claim_keys(r: dict[str, Any], km: dict[str, Any]) -> set[tuple[Any, ...]]:
        return {(km[c["span"]], c["source_kind"], c["source"], ref(km, c["source_span"]), ref(km, c["cue"]), c["quote"])
                for c in r["claims"]}

    def stance_keys(r: dict[str, Any], km: dict[str, Any]) -> set[tuple[Any, ...]]:
        return {(st["holder"], st["target"], st["polarity"], st["conditions"],
                 frozenset(ref(km, e) for e in st["evidence"])) for st in r["stances"]}

    def relation_keys(r: dict[str, Any], km: dict[str, Any]) -> set[tuple[Any, ...]]:
        return {(km[x["head"]], km[x["tail"]], x["label"]) for x in r["relations"]}

    agreed_claims = set.intersection(*(claim_keys(r, km) for r, km in zip(recs, keymaps, strict=True)))
    agreed_stances = set.intersection(*(stance_keys(r, km) for r, km in zip(recs, keymaps, strict=True)))
    agreed_relations = set.intersection(*(relation_keys(r, km) for r, km in zip(recs, keymaps, strict=True)))
    km0 = keymaps[0]
    def to_id(key: Any) -> str | None:
        return base_id[key] if key in common else None

    claims = [c for c in base["claims"] if (km0[c["span"]], c["source_kind"], c["source"], ref(km0, c["source_span"]),
                                            ref(km0, c["cue"]), c["quote"]) in agreed_claims
              and km0[c["span"]] in common]
    claims = [{**c, "span": to_id(km0[c["span"]]),
               "source_span": to_id(km0[c["source_span"]]) if c["source_span"] else None,
               "cue": to_id(km0[c["cue"]]) if c["cue"] else None} for c in claims]
    stances = []
    for st in base["stances"]:
        k = (
            st["holder"],
            st["target"],
            st["polarity"],
            st["conditions"],
            frozenset(ref(km0, e) for e in st["evidence"]),
        )
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


def export_project(project: ProjectBase, fmt: str, out_dir: str | Path | None, *, layer: str, include_all: bool,
                   split: Sequence[float] | None, seed: int, force: bool,
                   progress: Callable[[int, int], None] | None = None, cancelled: Callable[[], bool] | None = None,
                   schema_version: int = 2) -> ExportResult:
    from ..exporting import export_records
    # one bar for both halves: reading the layer is the first half, writing the files the second
    reading = None if progress is None else (lambda done, total: progress(done, 2 * total))
    writing = None if progress is None else (lambda done, total: progress(total + done, 2 * total))
    records, left_out = gold_records(project, layer, include_all=include_all, progress=reading)
    if not records:
        raise IsfError(f"no document of layer {layer!r} is marked done; mark documents done, or export "
                       f"everything with --all ({counted(len(left_out), 'document')} left out)")
    return export_records(records, fmt, Path(out_dir) if out_dir else None, project_name=project.name, layer=layer,
                          left_out=left_out, split=split, seed=seed, force=force,
                          scheme=json.loads(project.scheme.model_dump_json()), language=project.scheme.language,
                          progress=writing, cancelled=cancelled, schema_version=schema_version)
