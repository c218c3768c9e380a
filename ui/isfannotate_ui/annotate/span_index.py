"""What the article view draws, indexed per text block (paragraph). Qt-free.

All offsets are code points into the document text, end exclusive. A *block* is what
``QTextDocument.setPlainText`` makes a block: the text between LF (or U+2029) separators,
and a very long paragraph is cut further at its display breaks (``offsets.display_breaks``):
a display block starts at each break, with no separator code point between.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterable
from typing import NamedTuple

__all__ = ["SpanStyle", "SpanIndex", "assign_levels", "BLOCK_SEPARATORS"]

KINDS = ("annotation", "suggestion")

# setPlainText splits blocks on LF and U+2029 (U+2028 stays inside its block as a line
# separator). A cleaned text holds no CR, so these are all the separators there are.
BLOCK_SEPARATORS = re.compile("[\n\u2029]")


class _StyleFields(NamedTuple):
    id: str
    start: int
    end: int
    label: str
    color: str
    kind: str = "annotation"  # "annotation" | "suggestion"
    tooltip: str = ""


class SpanStyle(_StyleFields):
    """One span to draw: code point range [start, end), label, colour and kind.

    A named tuple: a document's 10,000 spans are made at every open, and a tuple costs a fifth
    of a frozen dataclass. Made by its constructor it is checked (ValueError); ``trusted``
    makes one from a stored span without the check (``SpanIndex.bulk_load`` checks the range)."""

    __slots__ = ()

    def __new__(cls, id: str, start: int, end: int, label: str, color: str, kind: str = "annotation",
                tooltip: str = "") -> SpanStyle:
        if kind not in KINDS:
            raise ValueError(f"span {id!r}: kind must be one of {KINDS}, got {kind!r}")
        if not 0 <= start < end:
            raise ValueError(f"span {id!r}: need 0 <= start < end, got {start}..{end}")
        return tuple.__new__(cls, (id, start, end, label, color, kind, tooltip))

    @classmethod
    def trusted(cls, id: str, start: int, end: int, label: str, color: str) -> SpanStyle:
        """An annotation's style without the constructor's checks (for stored spans)."""
        return tuple.__new__(cls, (id, start, end, label, color, "annotation", ""))

    @property
    def length(self) -> int:
        return self.end - self.start


def block_starts(text: str) -> list[int]:
    """0 and the code point after each block separator (LF, U+2029), found with C-level
    ``str.find`` (a regex over 1 MB took 3.4 ms, this 0.5 ms)."""
    if "\u2029" in text:
        text = text.replace("\u2029", "\n")     # same length: offsets unchanged
    out = [0]
    find = text.find
    at = find("\n")
    while at >= 0:
        out.append(at + 1)
        at = find("\n", at + 1)
    return out


def _order_key(s: SpanStyle) -> tuple[int, int, str]:
    """Document order: by start, longer (outer) first, then id for a stable tie-break."""
    return (s.start, -s.end, s.id)


def assign_levels(spans: Iterable[SpanStyle]) -> dict[str, int]:
    """Underline level per span id: 0 is nearest the text; overlapping spans never share.

    Greedy interval colouring in document order, so an outer span takes the level above
    the spans nested in it (a CLAIM at 0, the ACTOR inside it at 1), and two identical
    spans with different labels get two levels.
    """
    ordered = sorted(spans, key=lambda s: (s.start, -s.end, s.kind, s.label, s.id))
    level_end: list[int] = []  # level -> end of the span holding it
    out: dict[str, int] = {}
    for s in ordered:
        for lvl, end in enumerate(level_end):
            if end <= s.start:
                level_end[lvl] = s.end
                out[s.id] = lvl
                break
        else:
            out[s.id] = len(level_end)
            level_end.append(s.end)
    return out


class SpanIndex:
    """Spans by id, in document order, and by the blocks they touch.

    Mutations return the block numbers whose drawing changed, so the view re-highlights
    only those. Not thread-safe: the UI thread owns it.
    """

    def __init__(self, text: str, breaks: Iterable[int] = ()) -> None:
        self.text_length = len(text)
        self.block_starts: list[int] = block_starts(text)
        if breaks:
            self.block_starts = sorted(set(self.block_starts).union(breaks))
        self._by_id: dict[str, SpanStyle] = {}
        self._sorted: list[tuple[int, int, str]] | None = []    # _order_key of every span; None: sort when asked
        self._by_block: dict[int, list[SpanStyle]] = {}
        self._levels: dict[int, dict[str, int]] = {}

    @property
    def _order(self) -> list[tuple[int, int, str]]:
        """Every span's ``_order_key``, sorted; after ``bulk_load`` sorted on first use (Tab,
        ``ordered``), not while a document opens."""
        if self._sorted is None:
            self._sorted = sorted([(s.start, -s.end, s.id) for s in self._by_id.values()])   # _order_key, inlined
        return self._sorted

    # -- lookups ---------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._by_id)

    def __contains__(self, span_id: object) -> bool:
        return span_id in self._by_id

    def get(self, span_id: str) -> SpanStyle | None:
        return self._by_id.get(span_id)

    def ordered(self) -> list[SpanStyle]:
        """All spans in document order (start, then end descending, then id)."""
        return [self._by_id[k[2]] for k in self._order]

    def block_of(self, cp: int) -> int:
        """Number of the block holding code point ``cp`` (a separator belongs to its block)."""
        return bisect_right(self.block_starts, cp) - 1

    def block_range(self, start: int, end: int) -> range:
        """Block numbers a span [start, end) touches."""
        return range(self.block_of(start), self.block_of(max(start, end - 1)) + 1)

    def in_block(self, block: int) -> list[SpanStyle]:
        """Spans that touch ``block`` (possibly reaching beyond it); empty list if none."""
        return self._by_block.get(block, [])

    def levels(self, block: int) -> dict[str, int]:
        """Underline level of each span in ``block`` (cached until the block changes)."""
        lv = self._levels.get(block)
        if lv is None:
            lv = self._levels[block] = assign_levels(self.in_block(block))
        return lv

    def at(self, cp: int) -> list[SpanStyle]:
        """Spans covering code point ``cp``, innermost (shortest) first."""
        if not 0 <= cp < self.text_length:
            return []
        hits = [s for s in self.in_block(self.block_of(cp)) if s.start <= cp < s.end]
        hits.sort(key=lambda s: (s.length, -s.start, s.kind != "annotation", s.label, s.id))
        return hits

    def neighbour(self, span_id: str | None, step: int) -> str | None:
        """Id of the span after (step=1) or before (step=-1) ``span_id`` in document order.

        ``None`` starts from the beginning (or the end, going back); returns None past the
        last (or first) span. Raises KeyError for an unknown id.
        """
        if not self._order:
            return None
        if span_id is None:
            return self._order[0 if step > 0 else -1][2]
        s = self._by_id[span_id]
        i = bisect_left(self._order, _order_key(s)) + step
        return self._order[i][2] if 0 <= i < len(self._order) else None

    # -- mutations -------------------------------------------------------------------
    def clear(self) -> None:
        self._by_id.clear()
        self._sorted = []
        self._by_block.clear()
        self._levels.clear()

    def add(self, span: SpanStyle) -> range:
        """Add one span; returns the blocks to redraw. Raises ValueError on a bad span."""
        if span.id in self._by_id:
            raise ValueError(f"span {span.id!r} is already shown")
        if span.end > self.text_length:
            raise ValueError(
                f"span {span.id!r}: end {span.end} beyond the text ({self.text_length} code points)"
            )
        self._by_id[span.id] = span
        if self._sorted is not None:
            insort(self._sorted, _order_key(span))
        blocks = self.block_range(span.start, span.end)
        by_block = self._by_block
        for b in blocks:
            lst = by_block.get(b)
            if lst is None:
                by_block[b] = [span]
            else:
                lst.append(span)
            self._levels.pop(b, None)
        return blocks

    def add_many(self, spans: Iterable[SpanStyle]) -> set[int]:
        """Add several spans (one sort, not an insertion each); returns the blocks to redraw.
        ValueError on a bad or duplicate span (the spans before it stay added)."""
        blocks: set[int] = set()
        keys = []
        try:
            for span in spans:
                if span.id in self._by_id:
                    raise ValueError(f"span {span.id!r} is already shown")
                if span.end > self.text_length:
                    raise ValueError(
                        f"span {span.id!r}: end {span.end} beyond the text ({self.text_length} code points)")
                self._by_id[span.id] = span
                keys.append((span.start, -span.end, span.id))
                rng = self.block_range(span.start, span.end)
                for b in rng:
                    lst = self._by_block.get(b)
                    if lst is None:
                        self._by_block[b] = [span]
                    else:
                        lst.append(span)
                    self._levels.pop(b, None)
                blocks.update(rng)
        finally:
            if self._sorted is not None:
                self._sorted.extend(keys)
                self._sorted.sort()
        return blocks

    def remove(self, span_id: str) -> range:
        """Remove one span; returns the blocks to redraw (empty if the id is unknown)."""
        span = self._by_id.pop(span_id, None)
        if span is None:
            return range(0)
        if self._sorted is not None:
            del self._sorted[bisect_left(self._sorted, _order_key(span))]
        blocks = self.block_range(span.start, span.end)
        for b in blocks:
            lst = self._by_block[b]
            lst.remove(span)
            if not lst:
                del self._by_block[b]
            self._levels.pop(b, None)
        return blocks

    def bulk_load(self, spans: Iterable[SpanStyle]) -> None:
        """Replace every span at once (faster than repeated ``add``)."""
        self.clear()
        by_id = self._by_id
        n = self.text_length
        starts = self.block_starts
        by_block = self._by_block
        for s in spans:
            sid, start, end = s.id, s.start, s.end
            if sid in by_id:
                raise ValueError(f"span {sid!r} appears twice")
            if end > n or not 0 <= start < end:
                raise ValueError(f"span {sid!r}: need 0 <= start < end <= {n} (the text's length), "
                                 f"got {start}..{end}")
            by_id[sid] = s
            b0 = bisect_right(starts, start) - 1
            b1 = bisect_right(starts, end - 1, b0) - 1
            if b0 == b1:        # most spans sit in one block
                lst = by_block.get(b0)
                if lst is None:
                    by_block[b0] = [s]
                else:
                    lst.append(s)
                continue
            for b in range(b0, b1 + 1):
                lst = by_block.get(b)
                if lst is None:
                    by_block[b] = [s]
                else:
                    lst.append(s)
        self._sorted = None     # sorted on first use (``_order``)
