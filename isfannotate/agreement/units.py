"""The neutral input model for agreement, and the alignment of annotations into units.

Pure functions on plain frozen dataclasses: no Qt, no SQLite, nothing from ``project`` or
``storage``. A thin adapter builds one :class:`Layer` per annotator from the project's readers
(``Layer.from_records`` takes the objects ``p.spans`` / ``p.claims`` / ``p.stances`` return and
the dict of ``p.doc_labels``). Offsets are Unicode code points, end exclusive, as everywhere.

The pairwise matching for F1 is in ``matching``; the alignment into units is here. Both are
deterministic (no ``hash()``, set order or clock):

* :func:`match_pair` pairs the spans of two annotators one-to-one for F1, either *exact*
  (same label, start and end) or *overlap* (same label, overlapping, greedily by overlap length).
* :func:`align_spans` groups the spans of all annotators of one document into :class:`Unit` s,
  at most one span per annotator per unit. The review screen (issue 13) reuses these units:
  "Rubio" and "Marco Rubio" with the same label are one unit with a boundary difference; the
  same span with two labels, or with two different links, stays two units.

docs/agreement.md states the rules; keep the two in step.
"""
from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .alignment import CROSS_LABEL_MIN_OVERLAP, span_groups

# ----------------------------------------------------------------------------- input model


@dataclass(frozen=True, slots=True)
class SpanAnn:
    """One annotator's span: ``doc`` id, code-point offsets (end exclusive), label, optional link
    (the actor id of an ACTOR span) and optional id (the span id in the project)."""

    doc: str
    start: int
    end: int
    label: str
    link: str | None = None
    id: str | None = None


@dataclass(frozen=True, slots=True)
class ClaimAnn:
    """One annotator's claim: the claim span's offsets and where it comes from.

    ``source_kind`` is ``"actor"``, ``"article"`` or ``None`` (not given yet); ``source`` is the
    source actor's id; ``source_span`` the offsets of the span naming the source, if any.
    """

    doc: str
    start: int
    end: int
    source_kind: str | None = None
    source: str | None = None
    source_span: tuple[int, int] | None = None
    id: str | None = None


@dataclass(frozen=True, slots=True)
class StanceAnn:
    """One annotator's stance record: holder (actor id) -> target (target id), polarity;
    ``evidence``: the offsets of its evidence spans (shown with the stance, never compared)."""

    doc: str
    holder: str | None
    target: str | None
    polarity: str
    id: str | None = None
    evidence: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True, slots=True)
class DocLabelAnn:
    """One annotator's document-level label: ``key`` -> ``value`` (any JSON value)."""

    doc: str
    key: str
    value: Any


@dataclass(frozen=True)
class Layer:
    """Everything one annotator did, for the documents they marked.

    ``documents`` is the set of documents this annotator has *done* (or, for imported work,
    has): it decides which documents each pair is compared on. A document in it with no
    annotations means "I read it and found nothing", which disagrees with another annotator's
    spans there; a document not in it is not this annotator's and is never compared.
    Annotations on a document outside ``documents`` are refused (ValueError).
    """

    annotator: str
    documents: frozenset[str]
    spans: tuple[SpanAnn, ...] = ()
    claims: tuple[ClaimAnn, ...] = ()
    stances: tuple[StanceAnn, ...] = ()
    doc_labels: tuple[DocLabelAnn, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "documents", frozenset(self.documents))
        for kind in ("spans", "claims", "stances", "doc_labels"):
            items = tuple(getattr(self, kind))
            object.__setattr__(self, kind, items)
            for it in items:
                if it.doc not in self.documents:
                    raise ValueError(f"annotator {self.annotator!r}: {kind[:-1]} on document {it.doc!r}, "
                                     "which is not among this annotator's documents")
        for s in self.spans:
            if not (0 <= s.start <= s.end):
                raise ValueError(f"annotator {self.annotator!r}: span {s.start}-{s.end} in {s.doc!r} "
                                 "has bad offsets")

    @classmethod
    def from_records(cls, annotator: str, documents: Iterable[str], *, spans: Iterable[Any] = (),
                     claims: Iterable[Any] = (), stances: Iterable[Any] = (),
                     doc_labels: Mapping[str, Mapping[str, Any]] | None = None) -> Layer:
        """A Layer from the project's read models (``isfannotate.models``), duck-typed.

        ``spans``: objects with ``document_id, start, end, label, actor_id, id``;
        ``claims``: objects with ``span_id, source_kind, source_actor, source_span`` (span ids,
        resolved against ``spans``; a claim whose span is not among them is an error), or a
        mapping of them such as ``p.claims(doc, layer)`` returns;
        ``stances``: objects with ``document_id, holder, target, polarity, id``;
        ``doc_labels``: ``{document_id: {key: value}}``.
        """
        span_list = list(spans)
        by_id = {s.id: s for s in span_list}
        out_spans = tuple(SpanAnn(s.document_id, s.start, s.end, s.label, s.actor_id, s.id) for s in span_list)
        out_claims = []
        for c in (claims.values() if isinstance(claims, Mapping) else claims):
            sp = by_id.get(c.span_id)
            if sp is None:
                raise ValueError(f"annotator {annotator!r}: claim on span {c.span_id!r}, which is not among the spans")
            src = by_id.get(c.source_span) if c.source_span else None
            out_claims.append(ClaimAnn(sp.document_id, sp.start, sp.end, c.source_kind, c.source_actor,
                                       (src.start, src.end) if src is not None else None, c.span_id))
        out_stances = tuple(StanceAnn(s.document_id, s.holder, s.target, s.polarity, s.id,
                                      tuple((by_id[e].start, by_id[e].end) for e in (getattr(s, "evidence", None) or ())
                                            if e in by_id)) for s in stances)
        out_labels = tuple(DocLabelAnn(d, k, v) for d, kv in sorted((doc_labels or {}).items())
                           for k, v in sorted(kv.items()))
        return cls(annotator, frozenset(documents), out_spans, tuple(out_claims), out_stances, out_labels)


# ----------------------------------------------------------------------------- units


@dataclass(slots=True)
class Unit:
    """One aligned unit: at most one version per annotator.

    ``kind`` is ``"span"``, ``"claim"``, ``"stance"`` or ``"doc_label"``; ``id`` is stable for
    the same input (``"<kind>:<doc>:<n>"``, numbered in document order; document labels by
    key order). ``coders`` are the annotators who have the document (and so
    were expected to mark the unit); ``versions`` maps each annotator who marked it to their
    annotation. ``start``/``end`` are the hull of the versions' offsets (0, 0 for stances and
    document labels).
    """

    id: str
    kind: str
    doc: str
    coders: tuple[str, ...]
    versions: dict[str, Any]
    start: int = 0
    end: int = 0

    @property
    def missing(self) -> tuple[str, ...]:
        """Coders of the document who did not mark this unit."""
        return tuple(c for c in self.coders if c not in self.versions)

    @property
    def complete(self) -> bool:
        return len(self.coders) >= 2 and not self.missing

    def differs(self) -> list[str]:
        """Which parts differ between the versions: e.g. ``["boundary", "link"]``; ``[]`` if
        all versions are equal (an incomplete unit may still have equal versions)."""
        vs = [self.versions[a] for a in self.coders if a in self.versions]
        if len(vs) < 2:
            return []
        parts = PARTS[self.kind]
        return [name for name, get in parts if len({_key(get(v)) for v in vs}) > 1]

    @property
    def state(self) -> str:
        """``"agree"`` (every coder marked it, all versions equal), ``"disagree"`` (some part
        differs) or ``"incomplete"`` (versions agree, but not every coder marked it). A unit
        on a document that only one annotator has is ``"agree"`` by this rule."""
        return self._state(self.differs())

    def _state(self, differs: list[str]) -> str:
        if differs:
            return "disagree"
        return "incomplete" if self.missing else "agree"

    def to_dict(self) -> dict[str, Any]:
        differs = self.differs()
        return {"id": self.id, "kind": self.kind, "doc": self.doc, "start": self.start, "end": self.end,
                "coders": list(self.coders), "missing": list(self.missing), "state": self._state(differs),
                "differs": differs, "versions": {a: version_dict(v) for a, v in self.versions.items()}}


def _key(v: Any) -> Any:
    """A hashable stand-in for a value: strings, tuples and None as they are, anything else as
    JSON text (so lists and dicts compare by content, and true stays apart from 1)."""
    if v is None or isinstance(v, (str, tuple)):
        return v
    return json.dumps(v, sort_keys=True, default=str)


PARTS: dict[str, list[tuple[str, Any]]] = {
    "span": [("boundary", lambda s: (s.start, s.end)), ("label", lambda s: s.label), ("link", lambda s: s.link)],
    "claim": [("boundary", lambda c: (c.start, c.end)), ("source", lambda c: (c.source_kind, c.source)),
              ("source_span", lambda c: c.source_span)],
    "stance": [("polarity", lambda s: s.polarity)],
    "doc_label": [("value", lambda d: d.value)],
}


def version_dict(v: Any) -> dict[str, Any]:
    """An annotator's version as JSON-ready keys (the dataclass fields, ``doc`` left out)."""
    d = {name: getattr(v, name) for name in v.__slots__ if name != "doc"}
    if isinstance(v, ClaimAnn) and v.source_span is not None:
        d["source_span"] = list(v.source_span)
    if isinstance(v, StanceAnn):
        d["evidence"] = [list(e) for e in v.evidence]
    return d


# ----------------------------------------------------------------------------- multi-annotator alignment

def align_spans(doc: str, coders: Sequence[str], by_annotator: Mapping[str, Sequence[Any]], *,
                kind: str = "span", label_of: Callable[[Any], str] | None = None,
                link_of: Callable[[Any], str | None] | None = None,
                cross_label_min_overlap: float = CROSS_LABEL_MIN_OVERLAP) -> list[Unit]:
    """Group the spans (or span-like claims) of the ``coders`` of one document into units.

    Candidate pairs are spans of two different annotators that overlap (same label), or that
    overlap by at least ``cross_label_min_overlap`` of the longer span (different labels).
    They are taken best first by (same label, same link, larger overlap, smaller boundary
    distance, then offsets and input order); a pair joins its two units when the result has
    at most one span per annotator and every two of its spans overlap. Every span ends in
    exactly one unit; units are numbered by (start, end, label, link) of their first version.
    ``label_of`` / ``link_of`` default to the items' ``label`` / ``link``.
    """
    items: list[Any] = []
    keys: list[list[tuple[Any, ...]]] = []
    plain = label_of is None and link_of is None
    for a in coders:
        got = by_annotator.get(a, ())
        items.extend(got)
        if plain:
            keys.append([(it.start, it.end, it.label, it.link) for it in got])
        else:
            keys.append([(it.start, it.end, label_of(it) if label_of else it.label, link_of(it) if link_of else it.link)
                         for it in got])
    ann, out = span_groups(keys, cross_label_min_overlap)
    coders = tuple(coders)
    return [Unit(f"{kind}:{doc}:{k}", kind, doc, coders, {coders[ann[i]]: items[i] for i in idx}, lo, hi)
            for k, (_, idx, lo, hi) in enumerate(out)]


def align_stances(doc: str, coders: Sequence[str], by_annotator: Mapping[str, Sequence[StanceAnn]]) -> list[Unit]:
    """Stances are matched on (holder, target): one unit per such pair and occurrence.

    An annotator with two stances on the same holder and target gives two units; each unit
    takes from every annotator a stance with the unit's polarity if they have one left, else
    their first one left (by polarity, then id). Units are numbered by (holder, target).
    A different holder or target makes a different unit (so it shows as incomplete units).
    """
    keyed: dict[tuple[Any, ...], dict[str, list[StanceAnn]]] = defaultdict(lambda: defaultdict(list))
    for a in coders:
        for s in by_annotator.get(a, ()):
            keyed[(s.holder or "", s.target or "", s.holder is None, s.target is None)][a].append(s)
    units: list[Unit] = []
    for key in sorted(keyed):
        left = {a: sorted(v, key=lambda s: (s.polarity, s.id or "")) for a, v in keyed[key].items()}
        while any(left.values()):
            counts: dict[str, int] = defaultdict(int)
            for v in left.values():
                for pol in {s.polarity for s in v}:
                    counts[pol] += 1
            pol = min(counts, key=lambda p: (-counts[p], p))
            versions = {}
            for a in coders:
                mine = left.get(a)
                if not mine:
                    continue
                pick = next((s for s in mine if s.polarity == pol), mine[0])
                mine.remove(pick)
                versions[a] = pick
            units.append(Unit(f"stance:{doc}:{len(units)}", "stance", doc, tuple(coders), versions))
    return units


def align_doc_labels(doc: str, coders: Sequence[str], by_annotator: Mapping[str, Sequence[DocLabelAnn]]) -> list[Unit]:
    """One unit per document-label key any coder set on the document, numbered in key order
    (the last value wins if an annotator gives the same key twice)."""
    keys: dict[str, dict[str, DocLabelAnn]] = defaultdict(dict)
    for a in coders:
        for d in by_annotator.get(a, ()):
            keys[d.key][a] = d
    return [Unit(f"doc_label:{doc}:{n}", "doc_label", doc, tuple(coders),
                 {a: keys[k][a] for a in coders if a in keys[k]}) for n, k in enumerate(sorted(keys))]


@dataclass
class DocumentUnits:
    """All units of one document, per kind, with the annotators who have it."""

    doc: str
    coders: tuple[str, ...]
    spans: list[Unit] = field(default_factory=list)
    claims: list[Unit] = field(default_factory=list)
    stances: list[Unit] = field(default_factory=list)
    doc_labels: list[Unit] = field(default_factory=list)

    def all(self) -> list[Unit]:
        return self.spans + self.claims + self.stances + self.doc_labels


def group_by_doc(layers: Sequence[Layer], kind: str) -> dict[str, dict[str, list[Any]]]:
    """``{doc: {annotator: [items]}}`` for one kind (``spans``, ``claims``, ...)."""
    out: dict[str, dict[str, list[Any]]] = {}
    for layer in layers:
        name = layer.annotator
        for it in getattr(layer, kind):
            per = out.get(it.doc)
            if per is None:
                per = out[it.doc] = {}
            lst = per.get(name)
            if lst is None:
                per[name] = [it]
            else:
                lst.append(it)
    return out


def build_units(layers: Sequence[Layer], *, cross_label_min_overlap: float = CROSS_LABEL_MIN_OVERLAP,
                _spans_by_doc: dict[str, Any] | None = None) -> dict[str, DocumentUnits]:
    """Align every document that at least one layer has; ``{doc: DocumentUnits}`` in doc order.

    The review screen can call this for one document (pass layers holding just that document).
    """
    names = [layer.annotator for layer in layers]
    if len(set(names)) != len(names):
        raise ValueError(f"annotator names repeat: {names}")
    docs = sorted(set().union(*(layer.documents for layer in layers))) if layers else []
    spans = _spans_by_doc if _spans_by_doc is not None else group_by_doc(layers, "spans")
    claims = group_by_doc(layers, "claims")
    stances, labels = group_by_doc(layers, "stances"), group_by_doc(layers, "doc_labels")
    out = {}
    for d in docs:
        coders = tuple(layer.annotator for layer in layers if d in layer.documents)
        out[d] = DocumentUnits(
            d, coders,
            # (a document without claims, stances or labels skips their aligners: most have none)
            align_spans(d, coders, spans[d], cross_label_min_overlap=cross_label_min_overlap) if d in spans else [],
            align_spans(d, coders, claims[d], kind="claim", label_of=_claim_label,
                        link_of=claim_source_key) if d in claims else [],
            align_stances(d, coders, stances[d]) if d in stances else [],
            align_doc_labels(d, coders, labels[d]) if d in labels else [])
    return out


def _claim_label(c: ClaimAnn) -> str:
    return "CLAIM"


def claim_source_key(c: ClaimAnn) -> str:
    """The claim's source as one comparable value: ``article``, ``actor:<id>``, ``span:<s>-<e>``
    (an actor source given only by its span) or ``unset``."""
    if c.source_kind == "article":
        return "article"
    if c.source:
        return f"actor:{c.source}"
    if c.source_span is not None:
        return f"span:{c.source_span[0]}-{c.source_span[1]}"
    return "unset"
