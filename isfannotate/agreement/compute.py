"""Agreement over a set of annotator layers: span F1 and coefficients on matched units.

:func:`compute_agreement` is the one entry point; it returns an :class:`AgreementResult`
whose every figure can list the ids of the units behind its disagreements (``result.units``
holds them with each annotator's version), so a caller can drill down. Pure: no Qt, no I/O.
Call it from any one thread (it pauses the cyclic GC while it runs).

Which documents count: each annotator's ``Layer.documents``. A pair is compared on the
documents both have; a unit's coders are the annotators who have its document. Documents
only one annotator has are counted (``single_coder`` units) but cannot agree or disagree, and
a pair with no shared document gets no figure (``None``), never a perfect score.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from ..gcpause import paused_gc
from . import measures
from .alignment import CROSS_LABEL_MIN_OVERLAP
from .describe import unit_dict
from .facets import (  # noqa: F401
    UNLINKED,
    FacetAgreement,
    PairCoefficient,
    _actor_links,
    _claim_source_values,
    _doc_label_values,
    _facet,
    _span_labels,
    _stance_polarities,
)
from .matching import exact_keys, match_exact_keys, match_overlap_rest
from .unitizing import UnitizingSummary, pairwise_unitizing
from .units import DocumentUnits, Layer, Unit, build_units, group_by_doc

FACETS = ("span_label", "actor_link", "claim_source", "stance_polarity")


# ----------------------------------------------------------------------------- result model


@dataclass
class PairF1:
    """F1 of one annotator pair over some slice (all, one label or one document).

    ``matched`` = |A∩B| (one-to-one matches), ``n_a`` = |A|, ``n_b`` = |B|; ``f1`` is None when
    both are 0; ``documents``: shared documents compared; ``lost``: the spans of ``a`` and ``b``
    that found no partner; ``disagreements``: the ids of their units, in unit order (worked out
    on first use, so that computing the figures does not pay for every drill-down list).
    """

    a: str
    b: str
    matched: int = 0
    n_a: int = 0
    n_b: int = 0
    documents: int = 0
    lost: list[Any] = field(default_factory=list, repr=False)
    _index: _UnitIndex | None = field(default=None, repr=False, compare=False)

    @property
    def f1(self) -> float | None:
        return measures.f1(self.matched, self.n_a, self.n_b)

    @property
    def disagreements(self) -> list[str]:
        return self._index.ids(self.lost) if self.lost and self._index is not None else []

    def to_dict(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "f1": self.f1, "matched": self.matched, "n_a": self.n_a,
                "n_b": self.n_b, "documents": self.documents, "disagreements": self.disagreements}


class _UnitIndex:
    """Which unit each span version is in (by object identity), built on first use."""

    def __init__(self, doc_units: dict[str, DocumentUnits]):
        self._doc_units = doc_units
        self._of: dict[int, tuple[int, str]] | None = None

    def ids(self, spans: Iterable[Any]) -> list[str]:
        if self._of is None:
            of: dict[int, tuple[int, str]] = {}
            k = 0
            with paused_gc():
                for du in self._doc_units.values():
                    for u in du.spans:
                        key = (k, u.id)
                        for v in u.versions.values():
                            of[id(v)] = key
                        k += 1
            self._of = of
        of = self._of
        return [uid for _, uid in sorted({of[id(s)] for s in spans})]


@dataclass
class F1Summary:
    """Mean and population SD of the pairs' F1 (pairs whose F1 is None are left out and
    counted in ``n_pairs_undefined``)."""

    pairs: list[PairF1]

    @property
    def mean(self) -> float | None:
        return measures.mean_sd(p.f1 for p in self.pairs)[0]

    @property
    def sd(self) -> float | None:
        return measures.mean_sd(p.f1 for p in self.pairs)[1]

    @property
    def n_pairs(self) -> int:
        return sum(p.f1 is not None for p in self.pairs)

    @property
    def disagreements(self) -> list[str]:
        """Units behind any pair's disagreements, in unit order."""
        for p in self.pairs:
            if p.lost and p._index is not None:
                return p._index.ids(s for q in self.pairs for s in q.lost)
        return []

    def to_dict(self) -> dict[str, Any]:
        return {"mean": self.mean, "sd": self.sd, "n_pairs": self.n_pairs,
                "n_pairs_undefined": len(self.pairs) - self.n_pairs,
                "pairs": [p.to_dict() for p in self.pairs]}


@dataclass
class SpanF1:
    """Span F1 for one match mode: over everything, per label and per document."""

    mode: str
    total: F1Summary
    labels: dict[str, F1Summary]
    documents: dict[str, F1Summary]

    def to_dict(self) -> dict[str, Any]:
        return {"mode": self.mode, "total": self.total.to_dict(),
                "labels": {k: v.to_dict() for k, v in self.labels.items()},
                "documents": {k: v.to_dict() for k, v in self.documents.items()}}


@dataclass
class AgreementResult:
    """Everything :func:`compute_agreement` found; ``to_dict()`` gives the documented JSON."""

    annotators: list[str]
    documents: dict[str, list[str]]          # doc -> its coders
    pairs: list[dict[str, Any]]                         # {"a", "b", "shared_documents"}
    span_f1: dict[str, SpanF1]                # "exact", "overlap"
    facets: dict[str, FacetAgreement]         # FACETS, then "doc_label:<key>"
    units: dict[str, Unit]
    texts: dict[str, str] | None = None
    _unitizing_input: tuple[Any, ...] | None = field(default=None, repr=False, compare=False)
    names: dict[str, str] | None = None        # actor / target id -> name, for the reports
    _unitizing: UnitizingSummary | None = field(default=None, repr=False, compare=False)

    @property
    def unitizing(self) -> UnitizingSummary | None:
        """Krippendorff's αU for spans, per pair (``unitizing.UnitizingSummary``), worked out on
        first use (it costs about as much as the rest of the figures) and kept."""
        if self._unitizing is None and self._unitizing_input is not None:
            with paused_gc():
                self._unitizing = pairwise_unitizing(*self._unitizing_input)
            self._unitizing_input = None
        return self._unitizing

    def disagreements(self, ids: Iterable[str]) -> list[Unit]:
        """The units behind a figure's ``disagreements`` (or ``incomplete``) list."""
        return [self.units[i] for i in ids]

    def to_dict(self, *, units: bool = True) -> dict[str, Any]:
        d = {"schema": "isfannotate.agreement/1", "offset_unit": "codepoint",
             "annotators": self.annotators,
             "documents": [{"id": k, "coders": v} for k, v in self.documents.items()],
             "pairs": self.pairs,
             "span_f1": {k: v.to_dict() for k, v in self.span_f1.items()},
             "unitizing_alpha": self.unitizing.to_dict() if self.unitizing is not None else None,
             "facets": {k: v.to_dict() for k, v in self.facets.items()}}
        if units:
            d["units"] = {k: unit_dict(u, self.texts, self.names) for k, u in self.units.items()}
        return d


# ----------------------------------------------------------------------------- computation


def compute_agreement(layers: Sequence[Layer], *, annotators: Sequence[str] | None = None,
                      link_labels: Iterable[str] | None = None, texts: dict[str, str] | None = None,
                      categories: Mapping[str, Iterable[str]] | None = None,
                      cross_label_min_overlap: float = CROSS_LABEL_MIN_OVERLAP,
                      lengths: Mapping[str, int] | None = None) -> AgreementResult:
    """Span F1 (exact and overlap) and kappa / alpha / AC1 on matched units, for ``layers``.

    ``annotators`` restricts and orders the compared layers (default: all, in the given order).
    ``link_labels``: the span labels whose link is compared as the actor link (default: every
    label that carries a link in some layer). ``texts`` (``{doc: text}``, optional) only adds the
    covered text to the units in ``to_dict()``. ``categories`` (``{facet: values}``, optional):
    the scheme's full set of values for a facet, e.g. ``{"stance_polarity": scheme polarities,
    "span_label": scheme labels}``; only Gwet's AC1 uses it (its q counts the categories of the
    scale, not only those used). ``lengths`` (``{doc: length in code points}``): the texts'
    lengths, for Krippendorff's αU (taken from ``texts`` when not given; without either, αU is
    left out with a note). Deterministic for the same input.
    """
    if annotators is not None:
        by_name = {layer.annotator: layer for layer in layers}
        missing = [a for a in annotators if a not in by_name]
        if missing:
            raise ValueError(f"no layer for annotator(s) {', '.join(map(repr, missing))}")
        layers = [by_name[a] for a in annotators]
    layers = list(layers)
    with paused_gc():
        if lengths is None and texts is not None:
            lengths = {d: len(t) for d, t in texts.items()}
        return _compute(layers, link_labels, texts, dict(categories or {}), cross_label_min_overlap, lengths)


def _compute(layers: list[Layer], link_labels: Iterable[str] | None, texts: dict[str, str] | None,
             categories: dict[str, Iterable[str]], cross_label_min_overlap: float,
             lengths: Mapping[str, int] | None = None) -> AgreementResult:
    names = [layer.annotator for layer in layers]
    spans_by_doc = group_by_doc(layers, "spans")
    doc_units = build_units(layers, cross_label_min_overlap=cross_label_min_overlap, _spans_by_doc=spans_by_doc)
    units: dict[str, Unit] = {}
    for du in doc_units.values():
        for u in du.all():
            units[u.id] = u
    if link_labels is None:
        link_labels = {s.label for layer in layers for s in layer.spans if s.link is not None}
    link_labels = set(link_labels)

    docsets = {layer.annotator: layer.documents for layer in layers}
    pairs = [(a, b) for a, b in combinations(names, 2)]
    pair_info = [{"a": a, "b": b, "shared_documents": len(docsets[a] & docsets[b])} for a, b in pairs]

    span_f1 = _span_f1(spans_by_doc, pairs, docsets, doc_units)

    facets: dict[str, FacetAgreement] = {}
    span_u = [u for du in doc_units.values() for u in du.spans]
    facets["span_label"] = _facet("span_label", names, span_u, _span_labels, categories.get("span_label"))
    facets["actor_link"] = _facet("actor_link", names, span_u, _actor_links(link_labels),
                                  categories.get("actor_link"))
    facets["claim_source"] = _facet("claim_source", names, [u for du in doc_units.values() for u in du.claims],
                                    _claim_source_values, categories.get("claim_source"))
    facets["stance_polarity"] = _facet("stance_polarity", names,
                                       [u for du in doc_units.values() for u in du.stances],
                                       _stance_polarities, categories.get("stance_polarity"))
    label_units: dict[str, list[Unit]] = defaultdict(list)
    for du in doc_units.values():
        for u in du.doc_labels:
            label_units[next(iter(u.versions.values())).key].append(u)
    for key in sorted(label_units):
        facets[f"doc_label:{key}"] = _facet(f"doc_label:{key}", names, label_units[key], _doc_label_values,
                                            categories.get(f"doc_label:{key}"))
    return AgreementResult(names, {d: list(du.coders) for d, du in doc_units.items()}, pair_info, span_f1,
                           facets, units, texts, (spans_by_doc, pairs, docsets, lengths))


def _span_f1(spans: dict[str, dict[str, list[Any]]], pairs: list[tuple[str, str]], docsets: dict[str, frozenset[Any]],
             doc_units: dict[str, DocumentUnits]) -> dict[str, SpanF1]:
    """Pairwise span F1, exact and overlap, in one pass over the pairs' shared documents.

    Per pair: |A|, |B| per label are counted once over the shared documents; |A∩B| per label is
    |A| minus A's spans left unmatched; the unmatched spans are kept for the drill-down.
    """
    index = _UnitIndex(doc_units)
    modes = ("exact", "overlap")
    total: dict[str, list[PairF1]] = {m: [] for m in modes}
    per_label: dict[str, dict[str, dict[tuple[Any, ...], PairF1]]] = {m: defaultdict(dict) for m in modes}
    per_doc: dict[str, dict[str, list[PairF1]]] = {m: defaultdict(list) for m in modes}
    no_spans: list[Any] = []
    keys: dict[tuple[str, str], list[Any]] = {}
    all_labels: dict[str, Counter[Any]] = {}

    def label_counts(name: str, shared: list[str]) -> Counter[Any]:
        """|A| per label over the shared documents (counted once per annotator when the pair
        shares all of that annotator's documents, the usual case)."""
        if len(shared) == len(docsets[name]):
            c = all_labels.get(name)
            if c is None:
                c = all_labels[name] = Counter(s.label for d in shared for s in spans.get(d, {}).get(name, no_spans))
            return c
        return Counter(s.label for d in shared for s in spans.get(d, {}).get(name, no_spans))

    for a, b in pairs:
        shared = sorted(docsets[a] & docsets[b])
        n_docs = len(shared)
        ca, cb = label_counts(a, shared), label_counts(b, shared)
        lost_a: dict[str, list[Any]] = {m: [] for m in modes}
        lost_b: dict[str, list[Any]] = {m: [] for m in modes}
        for d in shared:
            per = spans.get(d)
            if per is None:
                sa = sb = no_spans
            else:
                sa, sb = per.get(a, no_spans), per.get(b, no_spans)
            ka = keys.get((d, a))
            if ka is None:
                ka = keys[(d, a)] = exact_keys(sa)
            kb = keys.get((d, b))
            if kb is None:
                kb = keys[(d, b)] = exact_keys(sb)
            exact, rest_a, rest_b = match_exact_keys(ka, kb)
            n_exact = len(exact)
            for mode in modes:
                if mode == "exact":
                    matched = n_exact
                else:
                    more, rest_a, rest_b = match_overlap_rest(sa, sb, rest_a, rest_b)
                    matched = n_exact + len(more)
                pd = PairF1(a, b, matched, len(sa), len(sb), 1, _index=index)
                if rest_a or rest_b:
                    la = [sa[i] for i in rest_a]
                    lb = [sb[j] for j in rest_b]
                    lost_a[mode].extend(la)
                    lost_b[mode].extend(lb)
                    pd.lost = la + lb
                per_doc[mode][d].append(pd)
        for mode in modes:
            lost_labels = Counter(s.label for s in lost_a[mode])
            total[mode].append(PairF1(a, b, ca.total() - lost_labels.total(), ca.total(), cb.total(), n_docs,
                                      lost_a[mode] + lost_b[mode], index))
            by_label: dict[str, list[Any]] = defaultdict(list)
            for s in lost_a[mode]:
                by_label[s.label].append(s)
            for s in lost_b[mode]:
                by_label[s.label].append(s)
            for lbl in ca.keys() | cb.keys():
                per_label[mode][lbl][(a, b)] = PairF1(a, b, ca[lbl] - lost_labels[lbl], ca[lbl], cb[lbl], n_docs,
                                                      by_label.get(lbl, []), index)
    out = {}
    for mode in modes:
        pl = per_label[mode]
        labels = {lbl: F1Summary([pl[lbl][p] for p in pairs if p in pl[lbl]]) for lbl in sorted(pl)}
        out[mode] = SpanF1(mode, F1Summary(total[mode]), labels,
                           {d: F1Summary(per_doc[mode][d]) for d in sorted(per_doc[mode])})
    return out


