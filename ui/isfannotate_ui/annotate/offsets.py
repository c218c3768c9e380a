"""Conversion between code points (what the app stores) and Qt's UTF-16 positions.

This is the one module of the app that knows Qt counts UTF-16 code units; the arithmetic
itself is the core's one converter (``isfannotate.utf16.Utf16Map``), and this module adds
what is Qt's own: the display breaks below. Everything above the
widget boundary speaks code points (Python ``str`` indices, end exclusive); everything a
``QTextCursor`` or ``QTextBlock.position()`` returns is UTF-16. A character outside the
Basic Multilingual Plane (an emoji, a regional indicator of a flag, ...) is one code point
but two UTF-16 units, so every position after it shifts by one.

The map models ``QPlainTextEdit.setPlainText`` / ``QTextDocument.setPlainText`` for texts
cleaned the way the core stores them (LF line ends, no leading BOM). Under those
conditions every other character, including U+2028 and U+2029 (which Qt keeps or turns
into a block separator), is one code point and one UTF-16 unit.

**Display breaks.** Qt lays a paragraph out as one block, and a 1 MB paragraph with no line
break takes seconds to lay out and colour. The view therefore shows a very long paragraph
as several blocks: it inserts an LF before the code points listed in ``breaks`` (see
``display_breaks``) in the text it gives Qt. The stored text never changes: those inserted
LFs have no code point, the map counts them as one more kind of extra Qt unit, and a Qt
position on one (the end of a display block) maps to the code point that follows it.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right

from isfannotate.utf16 import Utf16Map

__all__ = ["OffsetMap", "display_breaks", "with_breaks", "SPLIT_OVER", "DISPLAY_PIECE"]

SPLIT_OVER = 8192       # paragraphs longer than this (code points) are shown as several blocks
DISPLAY_PIECE = 2048    # ... of about this length, cut after a space where there is one


def display_breaks(text: str, split_over: int = SPLIT_OVER, piece: int = DISPLAY_PIECE) -> list[int]:
    """Code points before which the view starts a new display block: inside paragraphs longer
    than *split_over*, about every *piece* code points, just after whitespace (within the last
    eighth of the piece), else at the piece's end. Ascending; never 0, never a paragraph start."""
    out: list[int] = []
    if len(text) <= split_over:
        return out
    for p0, p1 in _paragraphs(text):
        if p1 - p0 <= split_over:
            continue
        at = p0
        while p1 - at > piece + piece // 4:
            limit = at + piece
            cut = -1
            for sep in (" ", "\t", "\u2028"):
                cut = max(cut, text.rfind(sep, limit - piece // 8, limit))
            b = cut + 1 if cut >= 0 else limit
            out.append(b)
            at = b
    return out


def _paragraphs(text: str):
    """(start, end) of each paragraph (text between LF / U+2029), by C-level ``str.find``."""
    if "\u2029" in text:
        text = text.replace("\u2029", "\n")    # same length: offsets unchanged
    at, n = 0, len(text)
    while at <= n:
        nl = text.find("\n", at)
        end = n if nl < 0 else nl
        yield at, end
        at = end + 1


def with_breaks(text: str, breaks: list[int]) -> str:
    """*text* with an LF inserted before each code point in *breaks*: what the view gives Qt."""
    if not breaks:
        return text
    parts, prev = [], 0
    for b in breaks:
        parts.append(text[prev:b])
        prev = b
    parts.append(text[prev:])
    return "\n".join(parts)


class OffsetMap:
    """Code point <-> UTF-16 position map for one text (and its display breaks).

    Construction is O(n) in C (a regex scan); a text without astral characters or breaks
    takes the identity fast path. Lookups are O(log k) for k extra units (bisect over their
    precomputed positions). Instances are immutable; safe to share between threads.
    """

    __slots__ = ("_n", "_u16", "_astral", "_breaks", "_extra", "_low")

    def __init__(self, text: str, breaks: list[int] | tuple[int, ...] = ()) -> None:
        self._n = len(text)
        self._u16 = Utf16Map(text)          # the core's code point <-> UTF-16 arithmetic
        # Code-point indices of the astral characters, ascending.
        self._astral = self._u16.astral
        self._breaks: list[int] = list(breaks)
        if any(not 0 < b < self._n for b in self._breaks) or self._breaks != sorted(set(self._breaks)):
            raise ValueError("display breaks must be ascending code points inside the text")
        # With breaks: Qt positions of every extra unit (low surrogates, inserted LFs), and of
        # the low surrogates alone (a position there is inside a character).
        self._extra: list[int] = []
        self._low: set[int] = set()
        if self._breaks:
            events = sorted([(a, 1) for a in self._astral] + [(b, 0) for b in self._breaks])
            for k, (cp, kind) in enumerate(events):
                q = cp + k          # Qt position of code point cp before its own extra unit
                if kind == 0:       # the LF goes before cp
                    self._extra.append(q)
                else:               # the low surrogate after cp's high one
                    self._extra.append(q + 1)
                    self._low.add(q + 1)

    @property
    def length(self) -> int:
        """Length of the text in code points."""
        return self._n

    @property
    def qt_length(self) -> int:
        """Length of the text in UTF-16 units (Qt positions), display breaks included."""
        return self._u16.utf16_length + len(self._breaks)

    @property
    def is_identity(self) -> bool:
        """True when the text has no astral characters and no display breaks."""
        return not self._astral and not self._breaks

    @property
    def breaks(self) -> list[int]:
        """The display breaks (code points before which Qt sees an inserted LF)."""
        return list(self._breaks)

    def to_qt(self, cp: int) -> int:
        """UTF-16 position of code point index ``cp`` (0 <= cp <= length). At a display break
        this is the start of the next display block.

        Raises ValueError outside that range.
        """
        if cp < 0 or cp > self._n:
            raise ValueError(f"code point offset {cp} outside 0..{self._n}")
        q = self._u16.to_utf16(cp)
        # every display break at or before cp adds one unit
        return q + bisect_right(self._breaks, cp) if self._breaks else q

    def from_qt(self, pos: int, *, round_up: bool = False) -> int:
        """Code point index of UTF-16 position ``pos`` (0 <= pos <= qt_length).

        A position inside a surrogate pair (which Qt's cursor never produces, but a
        hand-made ``QTextCursor`` can) is rounded down to the start of that character, or
        up past it with ``round_up=True``, so a converted range never splits a pair. A
        position on an inserted display-break LF maps to the code point after the break.
        Raises ValueError outside the range.
        """
        qn = self.qt_length
        if pos < 0 or pos > qn:
            raise ValueError(f"Qt position {pos} outside 0..{qn}")
        if not self._astral and not self._breaks:
            return pos
        if self._breaks:
            cp = pos - bisect_left(self._extra, pos)
            return cp - 1 if (pos in self._low and not round_up) else cp
        return self._u16.from_utf16(pos, inside_pair="up" if round_up else "down")

    def to_qt_range(self, start: int, end: int) -> tuple[int, int]:
        """Convert a code point range (end exclusive) to a Qt range."""
        return self.to_qt(start), self.to_qt(end)

    def from_qt_range(self, start: int, end: int) -> tuple[int, int]:
        """Convert a Qt range to code points, widening it rather than splitting a pair."""
        lo, hi = (start, end) if start <= end else (end, start)
        return self.from_qt(lo), self.from_qt(hi, round_up=True)

    def __repr__(self) -> str:
        return f"OffsetMap(length={self._n}, astral={len(self._astral)}, breaks={len(self._breaks)})"
