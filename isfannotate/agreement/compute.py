"""Agreement over a set of annotator layers: span F1 and coefficients on matched units.

:func:`compute_agreement` is the one entry point; it returns an :class:`AgreementResult`
whose every figure carries the ids of the units behind its disagreements (``result.units``
holds them with each annotator's version), so a caller can drill down. Pure: no Qt, no I/O.

Which documents count: each annotator's ``Layer.documents``. A pair is compared on the
documents both have; a unit's coders are the annotators who have its document. Documents
only one annotator has are counted (``single_coder`` units) but cannot agree or disagree, and
a pair with no shared document gets no figure (``None``), never a perfect score.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from . import measures as M
from .units import (CROSS_LABEL_MIN_OVERLAP, DocumentUnits, Layer, Unit, _key, _overlap, build_units,
                    claim_source_key, group_by_doc, match_pair)

UNLINKED = "(unlinked)"
FACETS = ("span_label", "actor_link", "claim_source", "stance_polarity")


# ----------------------------------------------------------------------------- result model


@dataclass
class PairF1:
    """F1 of one annotator pair over some slice (all, one label or one document).

    ``matched`` = |A∩B| (one-to-one matches), ``n_a`` = |A|, ``n_b`` = |B|; ``f1`` is None when
    both are 0; ``documents``: shared documents compared; ``disagreements``: ids of the units
    holding a span of ``a`` or ``b`` that found no partner.
    """

    a: str
    b: str
    matched: int = 0
    n_a: int = 0
    n_b: int = 0
    documents: int = 0
    disagreements: list[str] = field(default_factory=list)

    @property
    def f1(self) -> float | None:
        return M.f1(self.matched, self.n_a, self.n_b)

    def to_dict(self) -> dict:
        return {"a": self.a, "b": self.b, "f1": self.f1, "matched": self.matched, "n_a": self.n_a,
                "n_b": self.n_b, "documents": self.documents, "disagreements": self.disagreements}


@dataclass
class F1Summary:
    """Mean and population SD of the pairs' F1 (pairs whose F1 is None are left out and
    counted in ``n_pairs_undefined``)."""

    pairs: list[PairF1]

    @property
    def mean(self) -> float | None:
        return M.mean_sd(p.f1 for p in self.pairs)[0]

    @property
    def sd(self) -> float | None:
        return M.mean_sd(p.f1 for p in self.pairs)[1]

    @property
    def n_pairs(self) -> int:
        return sum(p.f1 is not None for p in self.pairs)

    @property
    def disagreements(self) -> list[str]:
        return sorted({u for p in self.pairs for u in p.disagreements}, key=_unit_sort_key)

    def to_dict(self) -> dict:
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

    def to_dict(self) -> dict:
        return {"mode": self.mode, "total": self.total.to_dict(),
                "labels": {k: v.to_dict() for k, v in self.labels.items()},
                "documents": {k: v.to_dict() for k, v in self.documents.items()}}


@dataclass
class PairCoefficient:
    """Cohen's kappa for one pair: over units both marked on their shared documents;
    ``incomplete``: units there that only one of the two marked."""

    a: str
    b: str
    kappa: M.Coefficient
    incomplete: int
    disagreements: list[str]

    def to_dict(self) -> dict:
        return {"a": self.a, "b": self.b, "kappa": self.kappa.to_dict(), "incomplete": self.incomplete,
                "disagreements": self.disagreements}


@dataclass
class FacetAgreement:
    """Coefficients for one compared part of the units (a *facet*: span label, actor link, ...).

    Unit counts (only units on documents with two or more coders can agree or disagree):
    ``n_units`` all of those, ``n_complete`` marked by every coder of their document,
    ``n_incomplete`` marked by some but not all, ``n_single_coder`` units on documents only one
    compared annotator has. ``cohen``: per pair; ``fleiss``: over complete units;
    ``alpha``: every unit coded by >= 2 (its own missing-value handling); ``ac1``: Gwet's AC1
    with missing ratings; ``agreement``: observed pairwise agreement on units coded by >= 2.
    ``disagreements``: units whose values differ; ``incomplete``: units some coder left out.
    """

    facet: str
    n_units: int
    n_complete: int
    n_incomplete: int
    n_single_coder: int
    cohen: list[PairCoefficient]
    fleiss: M.Coefficient
    alpha: M.Coefficient
    ac1: M.Coefficient
    agreement: M.Coefficient
    disagreements: list[str]
    incomplete: list[str]
    categories: list[str]

    @property
    def cohen_mean(self) -> float | None:
        return M.mean_sd(p.kappa.value for p in self.cohen)[0]

    @property
    def cohen_sd(self) -> float | None:
        return M.mean_sd(p.kappa.value for p in self.cohen)[1]

    def to_dict(self) -> dict:
        return {"facet": self.facet, "n_units": self.n_units, "n_complete": self.n_complete,
                "n_incomplete": self.n_incomplete, "n_single_coder": self.n_single_coder,
                "categories": self.categories,
                "cohen": {"mean": self.cohen_mean, "sd": self.cohen_sd, "pairs": [p.to_dict() for p in self.cohen]},
                "fleiss": self.fleiss.to_dict(), "alpha": self.alpha.to_dict(), "ac1": self.ac1.to_dict(),
                "agreement": self.agreement.to_dict(),
                "disagreements": self.disagreements, "incomplete": self.incomplete}


@dataclass
class AgreementResult:
    """Everything :func:`compute_agreement` found; ``to_dict()`` gives the documented JSON."""

    annotators: list[str]
    documents: dict[str, list[str]]          # doc -> its coders
    pairs: list[dict]                         # {"a", "b", "shared_documents"}
    span_f1: dict[str, SpanF1]                # "exact", "overlap"
    facets: dict[str, FacetAgreement]         # FACETS, then "doc_label:<key>"
    units: dict[str, Unit]
    texts: dict[str, str] | None = None

    def disagreements(self, ids: Iterable[str]) -> list[Unit]:
        """The units behind a figure's ``disagreements`` (or ``incomplete``) list."""
        return [self.units[i] for i in ids]

    def to_dict(self, *, units: bool = True) -> dict:
        d = {"schema": "isfannotate.agreement/1", "offset_unit": "codepoint",
             "annotators": self.annotators,
             "documents": [{"id": k, "coders": v} for k, v in self.documents.items()],
             "pairs": self.pairs,
             "span_f1": {k: v.to_dict() for k, v in self.span_f1.items()},
             "facets": {k: v.to_dict() for k, v in self.facets.items()}}
        if units:
            d["units"] = {k: _unit_dict(u, self.texts) for k, u in self.units.items()}
        return d


def _unit_dict(u: Unit, texts: dict[str, str] | None) -> dict:
    d = u.to_dict()
    if texts is not None and u.doc in texts and u.end > u.start:
        d["text"] = texts[u.doc][u.start:u.end]
    return d


def _unit_sort_key(uid: str) -> tuple:
    kind, rest = uid.split(":", 1)
    doc, _, n = rest.rpartition(":")
    return (doc, kind, int(n) if n.isdigit() else 0, n)


# ----------------------------------------------------------------------------- computation


def compute_agreement(layers: Sequence[Layer], *, annotators: Sequence[str] | None = None,
                      link_labels: Iterable[str] | None = None, texts: dict[str, str] | None = None,
                      cross_label_min_overlap: float = CROSS_LABEL_MIN_OVERLAP) -> AgreementResult:
    """Span F1 (exact and overlap) and kappa / alpha / AC1 on matched units, for ``layers``.

    ``annotators`` restricts and orders the compared layers (default: all, in the given order).
    ``link_labels``: the span labels whose link is compared as the actor link (default: every
    label that carries a link in some layer). ``texts`` (``{doc: text}``, optional) only adds the
    covered text to the units in ``to_dict()``. Deterministic for the same input.
    """
    if annotators is not None:
        by_name = {layer.annotator: layer for layer in layers}
        missing = [a for a in annotators if a not in by_name]
        if missing:
            raise ValueError(f"no layer for annotator(s) {', '.join(map(repr, missing))}")
        layers = [by_name[a] for a in annotators]
    layers = list(layers)
    names = [layer.annotator for layer in layers]
    doc_units = build_units(layers, cross_label_min_overlap=cross_label_min_overlap)
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

    span_f1 = _span_f1(layers, pairs, docsets, doc_units)

    facets: dict[str, FacetAgreement] = {}
    span_u = [u for du in doc_units.values() for u in du.spans]
    facets["span_label"] = _facet("span_label", names, span_u, lambda u: {a: v.label for a, v in u.versions.items()})
    facets["actor_link"] = _facet("actor_link", names, span_u,
                                  lambda u: {a: v.link if v.link is not None else UNLINKED
                                             for a, v in u.versions.items() if v.label in link_labels})
    facets["claim_source"] = _facet("claim_source", names, [u for du in doc_units.values() for u in du.claims],
                                    _claim_source_values)
    facets["stance_polarity"] = _facet("stance_polarity", names,
                                       [u for du in doc_units.values() for u in du.stances],
                                       lambda u: {a: v.polarity for a, v in u.versions.items()})
    label_units: dict[str, list[Unit]] = defaultdict(list)
    for du in doc_units.values():
        for u in du.doc_labels:
            label_units[u.id.rsplit(":", 1)[1]].append(u)
    for key in sorted(label_units):
        facets[f"doc_label:{key}"] = _facet(f"doc_label:{key}", names, label_units[key],
                                            lambda u: {a: _key(v.value) for a, v in u.versions.items()})
    return AgreementResult(names, {d: list(du.coders) for d, du in doc_units.items()}, pair_info, span_f1,
                           facets, units, texts)


def _claim_source_values(u: Unit) -> dict[str, str]:
    """Claim sources as categories; sources given only by a span count as equal when their
    source spans overlap (the first such span in coder order names the category)."""
    out = {}
    seen: list[tuple[int, int, str]] = []
    for a, c in u.versions.items():
        v = claim_source_key(c)
        if v.startswith("span:"):
            s, e = c.source_span
            for s2, e2, name in seen:
                if _overlap(s, e, s2, e2):
                    v = name
                    break
            else:
                seen.append((s, e, v))
        out[a] = v
    return out


def _span_f1(layers: Sequence[Layer], pairs: list[tuple[str, str]], docsets: dict[str, frozenset],
             doc_units: dict[str, DocumentUnits]) -> dict[str, SpanF1]:
    spans = group_by_doc(layers, "spans")
    unit_of: dict[int, str] = {}
    for du in doc_units.values():
        for u in du.spans:
            for v in u.versions.values():
                unit_of[id(v)] = u.id
    out = {}
    for mode in ("exact", "overlap"):
        total: list[PairF1] = []
        per_label: dict[str, dict[tuple, PairF1]] = defaultdict(dict)
        per_doc: dict[str, list[PairF1]] = defaultdict(list)
        for a, b in pairs:
            shared = sorted(docsets[a] & docsets[b])
            tot = PairF1(a, b, documents=len(shared))
            lab: dict[str, PairF1] = {}
            for d in shared:
                sa = spans.get(d, {}).get(a, [])
                sb = spans.get(d, {}).get(b, [])
                m = match_pair(sa, sb, mode)
                pd = PairF1(a, b, len(m), len(sa), len(sb), 1)
                ma = {i for i, _ in m}
                mb = {j for _, j in m}
                ca = Counter(s.label for s in sa)
                cb = Counter(s.label for s in sb)
                cm = Counter(sa[i].label for i, _ in m)
                for lbl in ca.keys() | cb.keys():
                    pl = lab.get(lbl)
                    if pl is None:
                        pl = lab[lbl] = PairF1(a, b, documents=len(shared))
                    pl.matched += cm[lbl]
                    pl.n_a += ca[lbl]
                    pl.n_b += cb[lbl]
                if len(ma) < len(sa) or len(mb) < len(sb):
                    lost = [s for i, s in enumerate(sa) if i not in ma] + [s for j, s in enumerate(sb) if j not in mb]
                    dis = sorted({unit_of[id(s)] for s in lost}, key=_unit_sort_key)
                    pd.disagreements = dis
                    tot.disagreements.extend(dis)
                    for lbl in sorted({s.label for s in lost}):
                        lab[lbl].disagreements.extend(
                            sorted({unit_of[id(s)] for s in lost if s.label == lbl}, key=_unit_sort_key))
                tot.matched += pd.matched
                tot.n_a += pd.n_a
                tot.n_b += pd.n_b
                per_doc[d].append(pd)
            total.append(tot)
            for lbl, pl in lab.items():
                per_label[lbl][(a, b)] = pl
        labels = {lbl: F1Summary([per_label[lbl].get(p, PairF1(*p)) for p in pairs if p in per_label[lbl]])
                  for lbl in sorted(per_label)}
        out[mode] = SpanF1(mode, F1Summary(total), labels, {d: F1Summary(per_doc[d]) for d in sorted(per_doc)})
    return out


def _facet(name: str, annotators: list[str], units: list[Unit], values_of) -> FacetAgreement:
    counts: list[Counter] = []
    cats: set[str] = set()
    n_units = n_complete = n_incomplete = n_single = 0
    disagreements: list[str] = []
    incomplete: list[str] = []
    complete_counts: list[Counter] = []
    pair_data: dict[tuple[str, str], tuple[list, list, list]] = {p: ([], [], []) for p in combinations(annotators, 2)}
    pair_incomplete: Counter = Counter()
    for u in units:
        vals = values_of(u)
        if not vals:
            continue
        cats.update(vals.values())
        if len(u.coders) < 2:
            n_single += 1
            continue
        n_units += 1
        c = Counter(vals.values())
        counts.append(c)
        if len(c) > 1:
            disagreements.append(u.id)
        if len(vals) == len(u.coders):
            n_complete += 1
            complete_counts.append(c)
        else:
            n_incomplete += 1
            incomplete.append(u.id)
        for x, y in combinations(u.coders, 2):
            vx, vy = vals.get(x), vals.get(y)
            if vx is None and vy is None:
                continue
            if vx is None or vy is None:
                pair_incomplete[(x, y)] += 1
                continue
            pa, pb, pdis = pair_data[(x, y)]
            pa.append(vx)
            pb.append(vy)
            if vx != vy:
                pdis.append(u.id)
    cohen = [PairCoefficient(x, y, M.cohen_kappa(pa, pb), pair_incomplete[(x, y)], pdis)
             for (x, y), (pa, pb, pdis) in pair_data.items()]
    return FacetAgreement(name, n_units, n_complete, n_incomplete, n_single, cohen,
                          M.fleiss_kappa(complete_counts), M.krippendorff_alpha_from_counts(counts),
                          M.gwet_ac1_from_counts(counts, cats), M.percent_agreement(counts),
                          disagreements, incomplete, sorted(cats))
