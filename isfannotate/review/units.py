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
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..agreement.alignment import flat_span_counts, span_groups
from ..agreement.units import build_units
from ..gcpause import paused_gc
from ..store import review as stored
from ..store import review_counts as store_counts

if TYPE_CHECKING:
    from ..agreement.units import DocumentUnits, Layer
    from ..store.base import ProjectBase

# Documents read in full (claims, stances, ...) per part of the review queue's first count: about
# half a second between two progress calls (smaller parts cost more: each reads the layers again).
FULL_PART = 1000

# The parts each kind of unit is decided on: the review shows which of them differ.
PARTS: dict[str, tuple[str, ...]] = {
    "span": ("boundary", "label", "link"),
    "claim": ("boundary", "source", "source_span", "cue", "quote", "modality"),
    "stance": ("holder", "target", "polarity", "conditions", "evidence"),
    "doc_label": ("value",),
}


def _part(kind: str, part: str, v: dict[str, Any]) -> Any:
    if part == "boundary":
        return (v["start"], v["end"])
    if part == "source":
        return (v.get("source_kind"), v.get("source"))
    if part == "evidence":
        return tuple(tuple(e) for e in v.get("evidence") or ())
    return _plain(v.get(part))


def version_key(kind: str, v: dict[str, Any]) -> tuple[Any, ...]:
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
    versions: dict[str, dict[str, Any]]               # annotator -> their version (ids, offsets, parts)
    decision: dict[str, Any] | None = None            # the decisions row, when decided
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
            return str(self.decision["decision"])
        if self.differs():
            return "disagree"
        return "incomplete" if self.missing else "agree"

    @property
    def decided(self) -> bool:
        return self.decision is not None

    def groups(self) -> list[tuple[tuple[Any, ...], list[str]]]:
        """Identical versions grouped: (version key, annotators), largest group first."""
        out: dict[tuple[Any, ...], list[str]] = {}
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


def _unit_key(kind: str, doc: str, versions: dict[str, dict[str, Any]]) -> str:
    return _key_of(kind, doc, {a: version_key(kind, v) for a, v in versions.items()})


def _key_of(kind: str, doc: str, version_keys: dict[str, tuple[Any, ...]]) -> str:
    """A unit's key from each annotator's ``version_key``."""
    sig = json.dumps(sorted((a, repr(k)) for a, k in version_keys.items()), ensure_ascii=False)
    return f"{kind}:{doc}:{hashlib.sha1(sig.encode('utf-8', 'surrogatepass')).hexdigest()[:16]}"


def _coded_layers(project: ProjectBase, documents: Sequence[str] | None,
                  span_documents: Collection[str] | None = None) -> list[Any]:
    """Each annotator's layer cut to the documents they code (see the module's docstring); with
    *span_documents*, holding those documents' spans only (``annotator_layers``)."""
    from ..agreement.units import Layer
    from ..team.layers import annotator_layers
    anyone = annotator_layers(project, done_only=False, documents=documents,   # read once
                              span_documents=span_documents)
    with project.snapshot() as conn:
        done = stored.done_documents_by_layer(conn, None if documents is None else list(documents))
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


def _aligned(project: ProjectBase, documents: Sequence[str] | None
             ) -> tuple[dict[str, DocumentUnits], _Details, dict[str, dict[str, Any]]] | None:
    """What the review of *documents* is made of: their units, the versions' details and the
    decisions (None when no annotator codes any of them)."""
    merged = _coded_layers(project, documents)
    if not merged:
        return None
    units = build_units(merged)
    return units, _details(project, merged), _decisions(project, list(units))


def _by_kind(du: DocumentUnits) -> tuple[tuple[str, list[Any]], ...]:
    return (("span", du.spans), ("claim", du.claims), ("stance", du.stances), ("doc_label", du.doc_labels))


def review_documents(project: ProjectBase, documents: Sequence[str] | None = None) -> dict[str, ReviewDoc]:
    """ReviewDocs for *documents* (default: every document some annotator worked on), in bulk."""
    aligned = _aligned(project, documents)
    if aligned is None:
        return {}
    units, details, decisions = aligned
    out: dict[str, ReviewDoc] = {}
    for doc, du in units.items():
        rd = ReviewDoc(doc, du.coders)
        for kind, group in _by_kind(du):
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
    them, without building what only the review screen needs. The review queue's first
    opening over a large project runs on this.

    The coders of each document and their spans come from SQL as plain keys (no layers, no
    span objects: ``store.review_counts.coded_span_rows``); a document whose review holds only
    spans is counted by ``flat_span_counts`` (a span's version is compared on its offsets, label
    and link alone: its attributes are no part of its decision). Documents with a claim,
    stance, document label or decision are built in full by ``review_documents`` (unit keys,
    versions), which is exact by definition."""
    with paused_gc():   # (hundreds of thousands of small objects, none in a cycle: no collection walks them)
        with project.snapshot() as conn:
            coders_of, spans = store_counts.coded_span_rows(conn, documents)
            full_docs = store_counts.documents_beyond_spans(conn, coders_of)
        # the documents read in full are the slow part (~0.5 ms each against ~0.05 for a document
        # of spans): read in parts, so that progress (and a job's Cancel) comes every thousand
        full_list = sorted(full_docs)
        total = len(full_list) + len(coders_of)
        full: dict[str, tuple[int, int, int]] = {}
        bits = {c: 1 << i for i, c in enumerate({c for cs in coders_of.values() for c in cs})}
        part = max(FULL_PART, len(full_list) // 10)
        for i in range(0, len(full_list), part):
            if progress:
                progress(i, total)
            full.update(_full_counts(project, full_list[i:i + part], (coders_of, spans, bits)))
        out: dict[str, tuple[int, int, int]] = {}
        step = max(1, len(coders_of) // 50)
        for i, (doc, coders) in enumerate(coders_of.items()):
            if progress and i % step == 0:
                progress(len(full_list) + i, total)
            counted = full.get(doc)
            if counted is not None:
                out[doc] = counted
            elif doc not in full_docs:
                n, open_ = flat_span_counts(spans.get(doc, ()), coders, bits)
                out[doc] = (n, 0, open_)
    if progress:
        progress(total, total)
    return out


FlatSpans = tuple[dict[str, Any], dict[str, Any], dict[str, int]]


def _full_counts(project: ProjectBase, documents: Sequence[str], flat: FlatSpans
                 ) -> dict[str, tuple[int, int, int]]:
    """``review_documents``' (units, decided, open disagreements) of *documents*, with each
    version's ``version_key`` made once: it says whether the versions differ (the parts' reprs,
    as ``ReviewUnit.differs``) and, in a document that has decisions, makes the unit's key to
    look its decision up. A document without decisions needs no keys (hashing every version
    was a third of the review queue's first opening over documents with claims), and its span
    units are counted from *flat* (``review_counts``' coders, span rows and coder bits) by
    ``flat_span_counts``, as a document of spans alone is: only its claims, stances and
    document labels are aligned here (aligning the spans was half of that opening)."""
    decisions = _decisions(project, list(documents))
    decided_docs = {row["document_id"] for row in decisions.values()}
    merged = _coded_layers(project, documents, decided_docs)    # (the spans to align: decided documents')
    if not merged:
        return {}
    spans_of: dict[str, dict[str, list[Any]]] = {}
    for layer in merged:
        for it in layer.spans:
            spans_of.setdefault(it.doc, {}).setdefault(layer.annotator, []).append(it)
    units = build_units(merged, _spans_by_doc=spans_of)
    details = _details(project, merged)
    coders_of, span_rows, bits = flat
    out: dict[str, tuple[int, int, int]] = {}
    for doc, du in units.items():
        n = decided = open_ = 0
        keyed = doc in decided_docs
        coders = du.coders
        if not keyed:
            n, open_ = flat_span_counts(span_rows.get(doc, ()), coders_of.get(doc, coders), bits)
        for kind, group in _by_kind(du):
            for u in group:
                n += 1
                vkeys = {a: details.key(kind, v) for a, v in u.versions.items()}
                if keyed and _key_of(kind, doc, vkeys) in decisions:
                    decided += 1
                elif (len(vkeys) > 1 and len({tuple(map(repr, k)) for k in vkeys.values()}) > 1) \
                        or any(c not in vkeys for c in coders):
                    open_ += 1
        out[doc] = (n, decided, open_)
    return out


def unit_states(project: ProjectBase, document_id: str) -> list[tuple[str, bool]]:
    """(key, open) of each unit of a document, in the review's unit order: what the
    next-disagreement key needs, equal to ``review_document``'s ``(u.key, u in
    open_disagreements)``. A document whose units are all spans is read as plain keys
    (``store.review_counts.coded_spans``: a span's version key is its offsets, label and link,
    so neither the versions' details nor the project's layers are read); one with claims,
    stances or document labels goes through the full review."""
    project.document_length(document_id)     # (ValidationError for an unknown document)
    with project.snapshot() as conn:
        more = store_counts.holds_more_than_spans(conn, document_id)
        if not more:
            coders_of, spans = store_counts.coded_spans(conn, [document_id])
            decided = stored.decisions_of_documents(conn, [document_id])
    if more:
        rd = review_document(project, document_id)
        open_ = {id(u) for u in rd.open_disagreements}
        return [(u.key, id(u) in open_) for u in rd.units]
    coders = coders_of.get(document_id, [])
    by_annotator = spans.get(document_id, {})
    keys = [by_annotator.get(c, []) for c in coders]
    if not any(keys):
        return []
    ann, units = span_groups(keys)
    flat = [k for mine in keys for k in mine]
    out = []
    for _, idx, _, _ in units:
        versions = {coders[ann[i]]: ((flat[i][0], flat[i][1]), flat[i][2], flat[i][3]) for i in idx}
        key = _key_of("span", document_id, versions)
        out.append((key, key not in decided and (len(idx) < len(coders) or len(set(versions.values())) > 1)))
    return out


def review_document(project: ProjectBase, document_id: str) -> ReviewDoc:
    project.document(document_id)
    return review_documents(project, [document_id]).get(document_id) or ReviewDoc(document_id, ())


def _decisions(project: ProjectBase, docs: list[str]) -> dict[str, dict[str, Any]]:
    with project.snapshot() as conn:
        return stored.decisions_of_documents(conn, docs)


class _Details:
    """The full rows behind the aligned versions (attributes, cues, quote types, conditions,
    evidence), read once per review."""

    def __init__(self, spans: dict[str, Any], claims: dict[str, Any], stances: dict[str, Any],
                 evidence: dict[str, Any]) -> None:
        self.spans, self.claims, self.stances, self.evidence = spans, claims, stances, evidence

    def _span(self, sid: str | None) -> list[int] | None:
        s = self.spans.get(sid) if sid else None
        return [s["start"], s["end"]] if s else None

    def version(self, kind: str, annotator: str, v: Any) -> dict[str, Any]:
        if kind == "span":
            row = self.spans.get(v.id, {})
            return {"id": v.id, "start": v.start, "end": v.end, "label": v.label, "link": v.link,
                    "attrs": _attrs(row.get("attrs"))}
        if kind == "claim":
            c = self.claims.get(v.id, {})
            span = self.spans.get(v.id, {})
            attrs = _attrs(span.get("attrs"))
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

    def key(self, kind: str, v: Any) -> tuple[Any, ...]:
        """``version_key(kind, self.version(kind, _, v))``, without building the version (the
        review queue's first count makes one per version)."""
        if kind == "span":
            return (v.start, v.end), _plain(v.label), _plain(v.link)
        if kind == "claim":
            c = self.claims.get(v.id, {})
            text = self.spans.get(v.id, {}).get("attrs")
            modality = _attrs(text).get("modality") if text and text != "{}" else None
            source_span, cue = self._span(c.get("source_span")), self._span(c.get("cue_span"))
            return ((v.start, v.end), (v.source_kind, v.source), source_span and tuple(source_span),
                    cue and tuple(cue), _plain(c.get("quote")), _plain(modality))
        if kind == "stance":
            st = self.stances.get(v.id, {})
            spans = (self._span(e) for e in self.evidence.get(v.id, []))
            return (_plain(v.holder), _plain(v.target), _plain(v.polarity), _plain(st.get("conditions")),
                    tuple(tuple(e) for e in spans if e))
        return (_plain(v.value),)


def _plain(val: Any) -> Any:
    """A part's value as ``_part`` compares it (a list as a tuple, a mapping as sorted JSON)."""
    return tuple(val) if isinstance(val, list) else (json.dumps(val, sort_keys=True) if isinstance(val, dict)
                                                     else val)


def _attrs(text: str | None) -> dict[str, Any]:
    """A span's attributes from their JSON (most spans have none: "{}" is not parsed)."""
    return {} if not text or text == "{}" else json.loads(text)


def _details(project: ProjectBase, layers: Sequence[Layer]) -> _Details:
    docs = sorted(set().union(*(layer.documents for layer in layers)))
    with project.snapshot() as conn:
        return _Details(*stored.unit_details(conn, [layer.annotator for layer in layers], docs))
