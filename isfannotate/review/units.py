"""Review units: every annotator's work on a document aligned with the agreement's matching
(``agreement.units``: "Rubio" and "Marco Rubio" are one unit with a boundary difference;
stacked spans stay separate units), each version read in full so that structures are decided
whole, and each unit's state: agree, disagree, incomplete, accepted or rejected.

*Coders* of a document are the annotators who marked it done (when nobody has yet, every
annotator who worked on it). "Incomplete" means not every coder has the unit.

A unit's ``key`` names it by its content (kind, document, each coder's version), so a decision
stays attached to the unit it was made on; if an annotator later changes their version, the
unit is new and undecided again.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..agreement.units import align_spans, build_units, group_by_doc
from ..store import review as stored

if TYPE_CHECKING:
    from ..store.base import ProjectBase

# The parts each kind of unit is decided on: the review shows which of them differ.
PARTS: dict[str, tuple[str, ...]] = {
    "span": ("boundary", "label", "link"),
    "claim": ("boundary", "source", "source_span", "cue", "quote", "modality"),
    "stance": ("holder", "target", "polarity", "conditions", "evidence"),
    "doc_label": ("value",),
}


def _part(kind: str, part: str, v: dict) -> Any:
    if part == "boundary":
        return (v["start"], v["end"])
    if part == "source":
        return (v.get("source_kind"), v.get("source"))
    if part == "evidence":
        return tuple(tuple(e) for e in v.get("evidence") or ())
    val = v.get(part)
    return tuple(val) if isinstance(val, list) else (json.dumps(val, sort_keys=True) if isinstance(val, dict) else val)


def version_key(kind: str, v: dict) -> tuple:
    """What makes two versions the same decision (no ids)."""
    return tuple(_part(kind, p, v) for p in PARTS[kind])


@dataclass
class ReviewUnit:
    key: str
    kind: str
    doc: str
    start: int
    end: int
    coders: tuple[str, ...]
    versions: dict[str, dict]               # annotator -> their version (ids, offsets, parts)
    decision: dict | None = None            # the decisions row, when decided
    label: str = ""                         # a span's label (the first version's), a claim's "CLAIM"

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(c for c in self.coders if c not in self.versions)

    def differs(self) -> list[str]:
        """The parts on which the versions differ (``["boundary", "link"]``)."""
        vs = list(self.versions.values())
        if len(vs) < 2:
            return []
        return [p for p in PARTS[self.kind] if len({repr(_part(self.kind, p, v)) for v in vs}) > 1]

    @property
    def state(self) -> str:
        if self.decision is not None:
            return self.decision["decision"]
        if self.differs():
            return "disagree"
        return "incomplete" if self.missing else "agree"

    @property
    def decided(self) -> bool:
        return self.decision is not None

    def groups(self) -> list[tuple[tuple, list[str]]]:
        """Identical versions grouped: (version key, annotators), largest group first."""
        out: dict[tuple, list[str]] = {}
        for a in self.coders:
            if a in self.versions:
                out.setdefault(version_key(self.kind, self.versions[a]), []).append(a)
        return sorted(out.items(), key=lambda kv: (-len(kv[1]), kv[1]))


@dataclass
class ReviewDoc:
    doc: str
    coders: tuple[str, ...]
    units: list[ReviewUnit] = field(default_factory=list)

    def unit(self, key: str) -> ReviewUnit | None:
        return next((u for u in self.units if u.key == key), None)

    @property
    def decided(self) -> int:
        return sum(1 for u in self.units if u.decided)

    @property
    def open_disagreements(self) -> list[ReviewUnit]:
        return [u for u in self.units if not u.decided and u.state in ("disagree", "incomplete")]


def _unit_key(kind: str, doc: str, versions: dict[str, dict]) -> str:
    sig = json.dumps(sorted((a, repr(version_key(kind, v))) for a, v in versions.items()), ensure_ascii=False)
    return f"{kind}:{doc}:{hashlib.sha1(sig.encode('utf-8', 'surrogatepass')).hexdigest()[:16]}"


def _coded_layers(project: ProjectBase, documents: Sequence[str] | None) -> list:
    """Each annotator's layer cut to the documents they code (see the module's docstring)."""
    from ..agreement.units import Layer
    from ..team.layers import annotator_layers
    anyone = annotator_layers(project, done_only=False, documents=documents)   # read once
    done: dict[str, set[str]] = {}
    for doc, layer in project.conn.execute("SELECT document_id, layer FROM doc_status WHERE status='done'"):
        done.setdefault(layer, set()).add(doc)
    done_docs = set().union(*done.values()) if done else set()
    merged = []
    for layer in anyone:
        # the annotator's done documents, and the documents nobody marked done yet (there every
        # annotator who worked on them is a coder)
        mine = done.get(layer.annotator, set())
        keep = frozenset(d for d in layer.documents if d in mine or d not in done_docs)
        if keep:
            merged.append(Layer(layer.annotator, keep, *(tuple(x for x in getattr(layer, k) if x.doc in keep)
                                                        for k in ("spans", "claims", "stances", "doc_labels"))))
    return merged


def review_documents(project: ProjectBase, documents: Sequence[str] | None = None) -> dict[str, ReviewDoc]:
    """ReviewDocs for *documents* (default: every document some annotator worked on), in bulk."""
    merged = _coded_layers(project, documents)
    if not merged:
        return {}
    units = build_units(merged)
    details = _details(project, merged)
    decisions = _decisions(project, list(units))
    out: dict[str, ReviewDoc] = {}
    for doc, du in units.items():
        rd = ReviewDoc(doc, du.coders)
        for kind, group in (("span", du.spans), ("claim", du.claims), ("stance", du.stances),
                            ("doc_label", du.doc_labels)):
            for u in group:
                versions = {a: details.version(kind, a, v) for a, v in u.versions.items()}
                key = _unit_key(kind, doc, versions)
                label = "CLAIM" if kind == "claim" else (next(iter(versions.values())).get("label", "")
                                                         if kind == "span" else "")
                rd.units.append(ReviewUnit(key, kind, doc, u.start, u.end, du.coders, versions,
                                           decisions.get(key), label))
        out[doc] = rd
    return out


def review_counts(project: ProjectBase, documents: Sequence[str] | None = None, *,
                  progress: Callable[[int, int], None] | None = None) -> dict[str, tuple[int, int, int]]:
    """(units, decided, open disagreements) per document, as ``review_documents`` would count
    them, without building what only the review screen needs: one read of the layers, and the
    unit keys (a hash of every version) only for documents that have decisions. A span's
    version is compared on its offsets, label and link alone (its attributes are no part of
    its decision). The review queue's first opening over a large project runs on this."""
    merged = _coded_layers(project, documents)
    if not merged:
        return {}
    spans = group_by_doc(merged, "spans")
    units = build_units(merged, _spans_by_doc={})       # spans are counted below, by _span_counts
    with project.snapshot() as conn:
        with_decisions = stored.documents_with_decisions(conn, units)
    full = review_documents(project, sorted(with_decisions)) if with_decisions else {}
    details = _Details({}, {}, {}, {})
    if any(layer.claims or layer.stances for layer in merged):
        details = _details(project, merged)
    out: dict[str, tuple[int, int, int]] = {}
    step = max(1, len(units) // 50)
    for i, (doc, du) in enumerate(units.items()):
        if progress and i % step == 0:
            progress(i, len(units))
        rd = full.get(doc)
        if rd is not None:
            out[doc] = (len(rd.units), rd.decided, len(rd.open_disagreements))
            continue
        n, open_ = _span_counts(doc, du.coders, spans.get(doc))
        n += len(du.claims) + len(du.stances) + len(du.doc_labels)
        for kind, group in (("claim", du.claims), ("stance", du.stances), ("doc_label", du.doc_labels)):
            for u in group:
                versions = {a: details.version(kind, a, v) for a, v in u.versions.items()}
                ru = ReviewUnit("", kind, doc, u.start, u.end, du.coders, versions)
                open_ += ru.state in ("disagree", "incomplete")
        out[doc] = (n, 0, open_)
    if progress:
        progress(len(units), len(units))
    return out


def _span_counts(doc: str, coders: tuple[str, ...], by_annotator: dict[str, list] | None) -> tuple[int, int]:
    """(units, open units) of one document's spans, as ``align_spans`` makes them. A version
    every coder has identically (offsets, label, link) is a unit of its own that agrees (the
    aligner never joins it to anything), so it is counted without aligning; the rest is
    aligned. A unit is open when a coder lacks it or its versions differ."""
    if not by_annotator:
        return 0, 0
    keys = {a: [(s.start, s.end, s.label, s.link) for s in items] for a, items in by_annotator.items()}
    common: dict[tuple, int] = {}
    if len(keys) == len(coders):        # (every coder has spans here: otherwise nothing is common)
        lists = [keys[c] for c in coders]
        for k in lists[0]:
            common[k] = common.get(k, 0) + 1
        for other in lists[1:]:
            mine: dict[tuple, int] = {}
            for k in other:
                if k in common:
                    mine[k] = mine.get(k, 0) + 1
            common = {k: min(v, mine[k]) for k, v in common.items() if k in mine}
    n_full = sum(common.values())
    rest = by_annotator
    if n_full:
        rest = {}
        for a, items in by_annotator.items():
            skip = dict(common)
            kept = []
            for s, k in zip(items, keys[a], strict=True):
                if skip.get(k, 0) > 0:
                    skip[k] -= 1
                else:
                    kept.append(s)
            if kept:
                rest[a] = kept
    if not rest:
        return n_full, 0
    units = align_spans(doc, coders, rest)
    open_ = sum(1 for u in units if len(u.versions) < len(coders)
                or len({(v.start, v.end, v.label, v.link) for v in u.versions.values()}) > 1)
    return n_full + len(units), open_


def review_document(project: ProjectBase, document_id: str) -> ReviewDoc:
    project.document(document_id)
    return review_documents(project, [document_id]).get(document_id) or ReviewDoc(document_id, ())


def _decisions(project: ProjectBase, docs: list[str]) -> dict[str, dict]:
    cur = project.conn.execute("SELECT * FROM decisions WHERE document_id IN (SELECT value FROM json_each(?))",
                               (json.dumps(docs),))
    names = [d[0] for d in cur.description]
    return {r[0]: dict(zip(names, r, strict=True)) for r in cur.fetchall()}


class _Details:
    """The full rows behind the aligned versions (attributes, cues, quote types, conditions,
    evidence), read once per review."""

    def __init__(self, spans: dict, claims: dict, stances: dict, evidence: dict):
        self.spans, self.claims, self.stances, self.evidence = spans, claims, stances, evidence

    def _span(self, sid: str | None) -> list[int] | None:
        s = self.spans.get(sid) if sid else None
        return [s["start"], s["end"]] if s else None

    def version(self, kind: str, annotator: str, v: Any) -> dict:
        if kind == "span":
            row = self.spans.get(v.id, {})
            return {"id": v.id, "start": v.start, "end": v.end, "label": v.label, "link": v.link,
                    "attrs": json.loads(row.get("attrs") or "{}")}
        if kind == "claim":
            c = self.claims.get(v.id, {})
            span = self.spans.get(v.id, {})
            attrs = json.loads(span.get("attrs") or "{}")
            return {"id": v.id, "start": v.start, "end": v.end, "source_kind": v.source_kind, "source": v.source,
                    "source_span": self._span(c.get("source_span")), "source_span_id": c.get("source_span"),
                    "cue": self._span(c.get("cue_span")), "cue_id": c.get("cue_span"), "quote": c.get("quote"),
                    "modality": attrs.get("modality")}
        if kind == "stance":
            st = self.stances.get(v.id, {})
            ev = self.evidence.get(v.id, [])
            return {"id": v.id, "holder": v.holder, "target": v.target, "polarity": v.polarity,
                    "conditions": st.get("conditions"), "evidence": [self._span(e) for e in ev if self._span(e)],
                    "evidence_ids": ev}
        return {"key": v.key, "value": v.value}


def _details(project: ProjectBase, layers) -> _Details:
    conn = project.conn
    docs = json.dumps(sorted(set().union(*(layer.documents for layer in layers))))
    names = json.dumps([layer.annotator for layer in layers])
    spans = {r[0]: {"start": r[1], "end": r[2], "label": r[3], "actor_id": r[4], "attrs": r[5]} for r in conn.execute(
        'SELECT id, start, "end", label, actor_id, attrs FROM spans WHERE layer IN (SELECT value FROM json_each(?)) '
        "AND document_id IN (SELECT value FROM json_each(?))", (names, docs))}
    claims = {r[0]: {"source_span": r[1], "cue_span": r[2], "quote": r[3]} for r in conn.execute(
        "SELECT c.span_id, c.source_span, c.cue_span, c.quote FROM claims c JOIN spans s ON s.id = c.span_id "
        "WHERE s.layer IN (SELECT value FROM json_each(?)) AND s.document_id IN (SELECT value FROM json_each(?))",
        (names, docs))}
    stances = {r[0]: {"conditions": r[1]} for r in conn.execute(
        "SELECT id, conditions FROM stances WHERE layer IN (SELECT value FROM json_each(?)) "
        "AND document_id IN (SELECT value FROM json_each(?))", (names, docs))}
    evidence: dict[str, list[str]] = {}
    for sid, span_id in conn.execute(
            "SELECT e.stance_id, e.span_id FROM stance_evidence e JOIN stances s ON s.id = e.stance_id "
            "WHERE s.layer IN (SELECT value FROM json_each(?)) AND s.document_id IN (SELECT value FROM json_each(?)) "
            "ORDER BY e.stance_id, e.position", (names, docs)):
        evidence.setdefault(sid, []).append(span_id)
    return _Details(spans, claims, stances, evidence)
