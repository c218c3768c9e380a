"""Conversion between code points (what the app stores) and Qt's UTF-16 positions.

This is the one module that knows Qt counts UTF-16 code units. Everything above the
widget boundary speaks code points (Python ``str`` indices, end exclusive); everything a
``QTextCursor`` or ``QTextBlock.position()`` returns is UTF-16. A character outside the
Basic Multilingual Plane (an emoji, a regional indicator of a flag, ...) is one code point
but two UTF-16 units, so every position after it shifts by one.

The map models ``QPlainTextEdit.setPlainText`` / ``QTextDocument.setPlainText`` for texts
cleaned the way the core stores them (LF line ends, no leading BOM). Under those
conditions every other character, including U+2028 and U+2029 (which Qt keeps or turns
into a block separator), is one code point and one UTF-16 unit.
"""
from __future__ import annotations

import re
from bisect import bisect_right

__all__ = ["OffsetMap"]

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class OffsetMap:
    """Code point <-> UTF-16 position map for one text.

    Construction is O(n) in C (a regex scan); a text without astral characters takes the
    identity fast path. Lookups are O(log k) for k astral characters (bisect over their
    precomputed positions). Instances are immutable; safe to share between threads.
    """

    __slots__ = ("_n", "_astral", "_qstarts")

    def __init__(self, text: str) -> None:
        self._n = len(text)
        # Code-point indices of the astral characters, ascending.
        self._astral: list[int] = [m.start() for m in _ASTRAL.finditer(text)]
        # UTF-16 index of the high surrogate of each astral character.
        self._qstarts: list[int] = [a + i for i, a in enumerate(self._astral)]

    @property
    def length(self) -> int:
        """Length of the text in code points."""
        return self._n

    @property
    def qt_length(self) -> int:
        """Length of the text in UTF-16 units (Qt positions)."""
        return self._n + len(self._astral)

    @property
    def is_identity(self) -> bool:
        """True when the text has no astral characters, so both units agree."""
        return not self._astral

    def to_qt(self, cp: int) -> int:
        """UTF-16 position of code point index ``cp`` (0 <= cp <= length).

        Raises ValueError outside that range.
        """
        if cp < 0 or cp > self._n:
            raise ValueError(f"code point offset {cp} outside 0..{self._n}")
        if not self._astral:
            return cp
        # Every astral character strictly before cp adds one unit.
        return cp + bisect_right(self._astral, cp - 1)

    def from_qt(self, pos: int, *, round_up: bool = False) -> int:
        """Code point index of UTF-16 position ``pos`` (0 <= pos <= qt_length).

        A position inside a surrogate pair (which Qt's cursor never produces, but a
        hand-made ``QTextCursor`` can) is rounded down to the start of that character, or
        up past it with ``round_up=True``, so a converted range never splits a pair.
        Raises ValueError outside the range.
        """
        qn = self._n + len(self._astral)
        if pos < 0 or pos > qn:
            raise ValueError(f"Qt position {pos} outside 0..{qn}")
        if not self._astral:
            return pos
        if round_up:
            # astral characters whose both units lie before pos
            return pos - bisect_right(self._qstarts, pos - 2)
        # astral characters that start before pos (a split one counts whole)
        return pos - bisect_right(self._qstarts, pos - 1)

    def to_qt_range(self, start: int, end: int) -> tuple[int, int]:
        """Convert a code point range (end exclusive) to a Qt range."""
        return self.to_qt(start), self.to_qt(end)

    def from_qt_range(self, start: int, end: int) -> tuple[int, int]:
        """Convert a Qt range to code points, widening it rather than splitting a pair."""
        lo, hi = (start, end) if start <= end else (end, start)
        return self.from_qt(lo), self.from_qt(hi, round_up=True)

    def __repr__(self) -> str:
        return f"OffsetMap(length={self._n}, astral={len(self._astral)})"
