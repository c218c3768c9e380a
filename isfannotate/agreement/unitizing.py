"""Krippendorff's unitizing alpha (αU) for spans, as pure functions (standard library only).

Krippendorff (1995, "On the reliability of unitizing contiguous data"; 2004, *Content Analysis*,
2nd ed., ch. 12) measures how well coders agree on *where* the units of a category are in a
continuum, not only on what they are called. The same definition is DKPro Agreement's
``KrippendorffAlphaUnitizingAgreement`` (which INCEpTION offers). For one category c, every coder's
continuum [B, B+L) is cut into segments: their units of c and the gaps between them.

* Distance of two overlapping segments g (coder i) and h (coder j), begins b, ends e, lengths l:
  both units: (b_g - b_h)^2 + (e_g - e_h)^2; a unit inside a gap of the other: l_unit^2; else 0.
* Observed disagreement: D_o(c) = 2 / (m (m - 1) L^2) * sum over coder pairs i < j of the
  distances of all overlapping segment pairs (g of i, h of j).
* Expected disagreement, with N_c the units of c (all coders), G the gaps of c (all coders):
  D_e(c) = (2 / L) * sum over units u of [ (N_c - 1) l_u (l_u - 1)(2 l_u - 1) / 3
  + l_u^2 * sum over gaps g with l_g >= l_u of (l_g - l_u + 1) ] / (m L (m L - 1) - sum_u l_u (l_u - 1)).
* αU(c) = 1 - D_o(c) / D_e(c); over all categories αU = 1 - sum_c D_o(c) / sum_c D_e(c).

Everything is summed in exact integers and divided once at the end. A coder's units of one
category must not overlap; where they do (nested or overlapping spans of one label), they are
merged into their union first and counted in ``merged``.
"""
from __future__ import annotations

from bisect import bisect_left
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any


@dataclass(frozen=True)
class UnitizingAlpha:
    """αU for one category (or, for the overall figure, summed over the categories).

    ``value`` is None (with ``note``) when undefined: no unit of the category, or D_e = 0.
    ``d_o`` / ``d_e``: observed and expected disagreement; ``n_units``: units counted (after
    merging); ``merged``: a coder's overlapping units of the category merged into one.
    """

    value: float | None
    d_o: float | None
    d_e: float | None
    n_units: int
    merged: int = 0
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "d_o": self.d_o, "d_e": self.d_e, "n_units": self.n_units,
                "merged": self.merged, "note": self.note}


@dataclass(frozen=True)
class UnitizingResult:
    """αU per category and overall, for m coders on a continuum of length L."""

    coders: int
    length: int
    categories: dict[Hashable, UnitizingAlpha]
    overall: UnitizingAlpha
    _parts: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)


def segment_distance(b1: int, l1: int, unit1: bool, b2: int, l2: int, unit2: bool) -> int:
    """Krippendorff's distance between two segments (begin, length, is it a unit?)."""
    d = b1 - b2
    if unit1 and unit2:
        if -l1 < d < l2:           # they overlap
            e = d + (l1 - l2)
            return d * d + e * e
        return 0
    if unit1 and not unit2:
        return l1 * l1 if 0 <= d and b1 + l1 <= b2 + l2 else 0
    if unit2 and not unit1:
        return l2 * l2 if d <= 0 and b2 + l2 <= b1 + l1 else 0
    return 0


def _segments(units: list[tuple[int, int]], begin: int, end: int) -> list[tuple[int, int, bool]]:
    """One coder's sorted, non-overlapping units of a category and the gaps between them, as
    (begin, length, is_unit), covering [begin, end)."""
    out = []
    pos = begin
    for s, e in units:
        if s > pos:
            out.append((pos, s - pos, False))
        out.append((s, e - s, True))
        pos = e
    if pos < end:
        out.append((pos, end - pos, False))
    return out


def _merge(units: Iterable[tuple[int, int]]) -> tuple[list[tuple[int, int]], int]:
    """Sorted units with overlapping ones merged into their union; and how many merges."""
    units = sorted(units)
    if all(units[k][1] <= units[k + 1][0] for k in range(len(units) - 1)):
        return units, 0                     # the usual case: nothing to merge
    out: list[list[int]] = []
    merged = 0
    for s, e in units:
        if out and s < out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
            merged += 1
        else:
            out.append([s, e])
    return [(s, e) for s, e in out], merged


def _observed_sum(segs_a: list[Any], segs_b: list[Any]) -> int:
    """Sum of distances over every overlapping pair of segments of two coders (a sweep)."""
    total = 0
    i = j = 0
    while i < len(segs_a) and j < len(segs_b):
        b1, l1, u1 = segs_a[i]
        b2, l2, u2 = segs_b[j]
        if u1 or u2:
            total += segment_distance(b1, l1, u1, b2, l2, u2)
        e1, e2 = b1 + l1, b2 + l2
        if e1 <= e2:
            i += 1
        if e2 <= e1:
            j += 1
    return total


def unitizing_alpha(units: Mapping[Hashable, Iterable[tuple[int, int, Hashable]]], *, begin: int = 0,
                    length: int, coders: Sequence[Hashable] | None = None) -> UnitizingResult:
    """αU of ``units`` ``{coder: [(start, end, category), ...]}`` (end exclusive) on the
    continuum [begin, begin + length).

    ``coders`` lists every coder (a coder with no units still counts: they found nothing);
    default: the keys of ``units``. Needs at least two coders. Units must lie inside the
    continuum (ValueError otherwise); empty units are left out.
    """
    names = list(coders) if coders is not None else list(units)
    m = len(names)
    if m < 2:
        raise ValueError("unitizing alpha needs at least two coders")
    if length <= 0:
        raise ValueError("unitizing alpha needs a continuum of positive length")
    end = begin + length
    per: dict[Hashable, dict[Hashable, list[tuple[int, int]]]] = {}
    for k, name in enumerate(names):
        for s, e, cat in units.get(name, ()):
            if not (begin <= s <= e <= end):
                raise ValueError(f"unit {s}-{e} of coder {name!r} lies outside the continuum {begin}-{end}")
            if e > s:
                per.setdefault(cat, {}).setdefault(k, []).append((s, e))
    L = length
    cats: dict[Hashable, UnitizingAlpha] = {}
    sum_o = Fraction(0)
    sum_e = Fraction(0)
    n_all = merged_all = 0
    for cat in sorted(per, key=lambda c: (str(type(c)), str(c))):
        segs = []
        lengths: list[int] = []
        gaps: list[int] = []
        merged = 0
        for k in range(m):
            us, n_merged = _merge(per[cat].get(k, ()))
            merged += n_merged
            sg = _segments(us, begin, end)
            segs.append(sg)
            lengths.extend(e - s for s, e in us)
            gaps.extend(ln for _, ln, is_unit in sg if not is_unit)
        observed = sum(_observed_sum(segs[i], segs[j]) for i in range(m) for j in range(i + 1, m))
        d_o = Fraction(2 * observed, m * (m - 1) * L * L)
        n_c = len(lengths)
        gaps.sort()
        suffix = [0] * (len(gaps) + 1)    # suffix[k] = sum of gaps[k:]
        for k in range(len(gaps) - 1, -1, -1):
            suffix[k] = suffix[k + 1] + gaps[k]
        num = 0   # l (l - 1)(2 l - 1) is 6 times a sum of squares: the division by 3 is exact
        for ln in lengths:
            k = bisect_left(gaps, ln)
            n_ge = len(gaps) - k
            num += (n_c - 1) * ln * (ln - 1) * (2 * ln - 1) // 3 + ln * ln * (suffix[k] - (ln - 1) * n_ge)
        denom = m * L * (m * L - 1) - sum(ln * (ln - 1) for ln in lengths)
        d_e = Fraction(2, L) * num / denom if denom else Fraction(0)
        cats[cat] = _alpha(d_o, d_e, n_c, merged)
        sum_o += d_o
        sum_e += d_e
        n_all += n_c
        merged_all += merged
    if not cats:
        overall = UnitizingAlpha(None, None, None, 0, 0, "no units to compare")
    else:
        overall = _alpha(sum_o, sum_e, n_all, merged_all)
    return UnitizingResult(m, L, cats, overall)


def _alpha(d_o: Fraction, d_e: Fraction, n: int, merged: int) -> UnitizingAlpha:
    if d_e == 0:
        return UnitizingAlpha(None, float(d_o), 0.0, n, merged, "undefined: expected disagreement is 0")
    return UnitizingAlpha(float(1 - d_o / d_e), float(d_o), float(d_e), n, merged)


# ----------------------------------------------------------------------------- per annotator pair, over documents


@dataclass
class PairUnitizing:
    """αU of one annotator pair over the documents both have, laid end to end as one continuum
    (each document's length in code points): overall and per label."""

    a: str
    b: str
    documents: int
    length: int
    overall: UnitizingAlpha
    labels: dict[str, UnitizingAlpha]

    def to_dict(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "documents": self.documents, "length": self.length,
                "overall": self.overall.to_dict(), "labels": {k: v.to_dict() for k, v in self.labels.items()}}


@dataclass
class UnitizingSummary:
    """αU per pair, and the mean and population SD over the pairs that have a value (overall and
    per label). ``note`` says why there is no figure at all (e.g. no document lengths)."""

    pairs: list[PairUnitizing]
    note: str = ""

    def mean_sd(self, label: str | None = None) -> tuple[float | None, float | None, int]:
        from .measures import mean_sd
        if label is None:
            return mean_sd(p.overall.value for p in self.pairs)
        return mean_sd(p.labels[label].value for p in self.pairs if label in p.labels)

    @property
    def labels(self) -> list[str]:
        return sorted({lbl for p in self.pairs for lbl in p.labels})

    def to_dict(self) -> dict[str, Any]:
        m, sd, n = self.mean_sd()
        out: dict[str, Any] = {
            "mean": m,
            "sd": sd,
            "n_pairs": n,
            "note": self.note,
            "labels": {},
            "pairs": [p.to_dict() for p in self.pairs],
        }
        for lbl in self.labels:
            lm, lsd, ln = self.mean_sd(lbl)
            out["labels"][lbl] = {"mean": lm, "sd": lsd, "n_pairs": ln}
        return out


def pairwise_unitizing(spans: Mapping[str, Mapping[str, Sequence[Any]]], pairs: Sequence[tuple[str, str]],
                       docsets: Mapping[str, frozenset[Any]], lengths: Mapping[str, int] | None) -> UnitizingSummary:
    """αU for each pair: ``spans`` is ``{doc: {annotator: [span, ...]}}`` (objects with ``start``,
    ``end``, ``label``); ``lengths`` ``{doc: length in code points}``. Each pair's shared documents
    are laid end to end in document order. Without ``lengths`` there is no figure (``note``)."""
    if lengths is None:
        return UnitizingSummary([], "document lengths not given (αU needs the length of each text)")
    out = []
    for a, b in pairs:
        shared = sorted(docsets[a] & docsets[b])
        units: dict[Hashable, list[tuple[int, int, str]]] = {a: [], b: []}
        base = 0
        for d in shared:
            n = lengths.get(d, 0)
            per = spans.get(d, {})
            for name in (a, b):
                for s in per.get(name, ()):
                    e = min(s.end, n)
                    if s.start < e:
                        units[name].append((base + s.start, base + e, s.label))
            base += n
        if base == 0:
            out.append(
                PairUnitizing(a, b, len(shared), 0, UnitizingAlpha(None, None, None, 0, 0, "no shared text"), {})
            )
            continue
        r = unitizing_alpha(units, length=base, coders=[a, b])
        out.append(PairUnitizing(a, b, len(shared), base, r.overall, {str(k): v for k, v in r.categories.items()}))
    return UnitizingSummary(out)
