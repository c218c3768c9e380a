"""Pairwise matching of two annotators' spans of one document, for span F1: exact (same label,
start and end) or overlap (same label, overlapping, one-to-one, greedily by overlap length).
Deterministic: no ``hash()``, set order or clock. docs/agreement.md states the rules."""
from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from typing import Any, Protocol


class SpanAnn(Protocol):
    """What matching reads of a span (``units.SpanAnn`` has it)."""
    start: int
    end: int
    label: str


def _overlap(a_start: int, a_end: int, b_start: int, b_end: int) -> int:
    """Overlap length in code points; two empty spans at the same offset count as 1."""
    ov = min(a_end, b_end) - max(a_start, b_start)
    if ov > 0:
        return ov
    if a_start == b_start and a_end == b_end:
        return 1
    return 0


def match_pair(a: Sequence[SpanAnn], b: Sequence[SpanAnn], mode: str = "overlap") -> list[tuple[int, int]]:
    """One-to-one matches between two annotators' spans of one document, as sorted index pairs ``(i, j)``.

    ``mode="exact"``: same label, start and end (duplicates pair off in index order).
    ``mode="overlap"``: same label and at least one shared code point; candidates are taken
    greedily, best first by (larger overlap, smaller boundary distance |Δstart|+|Δend|, a's
    offsets, b's offsets, a's index, b's index), each span used once. Deterministic.
    """
    if mode not in ("exact", "overlap"):
        raise ValueError(f"unknown match mode {mode!r} (exact or overlap)")
    exact, rest_a, rest_b = match_exact_keys(exact_keys(a), exact_keys(b))
    if mode == "exact":
        return exact
    more, _, _ = match_overlap_rest(a, b, rest_a, rest_b)
    return sorted(exact + more)


def exact_keys(spans: Sequence[SpanAnn]) -> list[tuple[int, int, str]]:
    """``(start, end, label)`` of each span: what an exact match compares."""
    return [(s.start, s.end, s.label) for s in spans]


def match_exact_keys(
    ka: Sequence[tuple[Any, ...]], kb: Sequence[tuple[Any, ...]]
) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """Exact matches from :func:`exact_keys` lists (duplicates pair off in index order), with
    the indices left unmatched on each side, ascending."""
    pool: dict[tuple[Any, ...], list[int]] = {}
    for j, k in enumerate(kb):
        lst = pool.get(k)
        if lst is None:
            pool[k] = [j]
        else:
            lst.append(j)
    out = []
    rest_a = []
    for i, k in enumerate(ka):
        lst = pool.get(k)
        if lst:
            out.append((i, lst.pop(0)))
        else:
            rest_a.append(i)
    if len(out) == len(kb):
        return out, rest_a, []
    rest_b = sorted(j for lst in pool.values() for j in lst)
    return out, rest_a, rest_b


def match_overlap_rest(a: Sequence[SpanAnn], b: Sequence[SpanAnn], rest_a: list[int],
                       rest_b: list[int]) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """Greedy overlap matching of the spans the exact matching left (``rest_a``, ``rest_b``):
    the new pairs, and what is still unmatched on each side.

    Taking the exact pairs first gives the same result as the plain greedy: an exact pair has
    the largest overlap either of its spans can have (its own length) at boundary distance 0,
    so no candidate ranks before it for either span (an exact duplicate ties, and the index
    tie-break pairs duplicates in index order, as the exact matcher does).
    """
    if not rest_a or not rest_b:
        return [], rest_a, rest_b
    by_label: dict[str, list[int]] = {}
    for j in rest_b:
        lst = by_label.get(b[j].label)
        if lst is None:
            by_label[b[j].label] = [j]
        else:
            lst.append(j)
    cands = []
    for label, js in by_label.items():
        is_ = [i for i in rest_a if a[i].label == label]
        if not is_:
            continue
        js.sort(key=lambda j: (b[j].start, b[j].end, j))
        starts = [b[j].start for j in js]
        longest = max(b[j].end - b[j].start for j in js)
        n = len(js)
        for i in is_:
            s = a[i]
            s0, e0 = s.start, s.end
            k = bisect_left(starts, s0 - longest)
            while k < n and starts[k] <= e0:
                t = b[js[k]]
                ov = _overlap(s0, e0, t.start, t.end)
                if ov:
                    cands.append((-ov, abs(s0 - t.start) + abs(e0 - t.end), s0, e0, t.start, t.end, i, js[k]))
                k += 1
    if not cands:
        return [], rest_a, rest_b
    cands.sort()
    used_a: set[int] = set()
    used_b: set[int] = set()
    out = []
    for c in cands:
        i, j = c[6], c[7]
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        out.append((i, j))
    return out, [i for i in rest_a if i not in used_a], [j for j in rest_b if j not in used_b]


