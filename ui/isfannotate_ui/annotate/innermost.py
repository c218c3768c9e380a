"""Which span tints each piece of a block: the innermost annotation, else the innermost suggestion.
Qt-free.

``SpanHighlighter.highlightBlock`` cuts a block at every span edge inside it and gives each
piece the colour of one span covering it: the first annotation covering it in *ordered* (the
block's spans, innermost first), else the first other span covering it. Asking every span for
every piece made a block's colouring O(pieces × spans): a 5 KB paragraph with a model's hundred
suggestions beside its annotations took ~5 ms of each key press that changed it. ``innermost``
sweeps the pieces in order with a heap per kind instead: O((pieces + spans) log spans), the same
choice for every piece.
"""
from __future__ import annotations

from heapq import heappop, heappush
from typing import TypeVar

from .span_index import SpanStyle

S = TypeVar("S", bound=SpanStyle)

__all__ = ["block_pieces", "innermost"]


def block_pieces(spans: list[S], b0: int, bend: int) -> tuple[list[int], list[S | None]]:
    """A block [b0, bend) cut at every edge of its *spans* inside it: (the cuts, the span that
    tints each piece between two cuts or None). Innermost first; an annotation wins over a
    suggestion of the same length (``innermost``)."""
    ordered = sorted(spans, key=lambda s: (s.length, s.kind != "annotation"))
    points = {b0, bend}
    for s in spans:
        if s.start > b0:
            points.add(s.start)
        if s.end < bend:
            points.add(s.end)
    cuts = sorted(points)
    return cuts, innermost(ordered, cuts)


def innermost(ordered: list[S], cuts: list[int]) -> list[S | None]:
    """For each piece [cuts[i], cuts[i+1]): the first span of *ordered* of kind "annotation" that
    covers it (start <= a and end >= b), else the first span of another kind that does, else None.
    *cuts*: sorted, every edge of a span of *ordered* that falls between the first and the last
    cut among them (so no span starts or ends inside a piece)."""
    by_start = sorted(range(len(ordered)), key=lambda i: ordered[i].start)
    notes: list[int] = []       # heap of ranks in *ordered*: annotations begun by the piece
    others: list[int] = []      # ... and the other spans
    nxt, n = 0, len(by_start)
    out: list[S | None] = []
    for a in cuts[:-1]:
        while nxt < n and ordered[by_start[nxt]].start <= a:
            rank = by_start[nxt]
            heappush(notes if ordered[rank].kind == "annotation" else others, rank)
            nxt += 1
        # a span that ends at or before the piece never covers a later one: dropped for good
        while notes and ordered[notes[0]].end <= a:
            heappop(notes)
        if notes:
            out.append(ordered[notes[0]])
            continue
        while others and ordered[others[0]].end <= a:
            heappop(others)
        out.append(ordered[others[0]] if others else None)
    return out
