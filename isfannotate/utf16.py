"""The core's one converter between code points and UTF-16 code units.

The core speaks code points (Python ``str`` indices, end exclusive; docs/architecture.md, invariant 1).
Some outside tools count UTF-16 code units instead (JavaScript string indices: doccano;
Java: WebAnno/INCEpTION TSV3). A character outside the Basic Multilingual Plane (an emoji,
a regional indicator of a flag, ...) is one code point but two UTF-16 units, so every offset
after it differs by one per such character. Every reader and writer of such a format
converts here, at its own boundary, and nowhere else. (The desktop app has its own map for
Qt positions in ``isfannotate_ui.offsets``.)
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

__all__ = ["Utf16Map", "utf16_length"]

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def utf16_length(text: str) -> int:
    """Length of ``text`` in UTF-16 code units."""
    if text.isascii():
        return len(text)
    return len(text) + len(_ASTRAL.findall(text))


class Utf16Map:
    """Code point <-> UTF-16 code unit offsets for one text.

    Construction is one regex scan in C (skipped for ASCII text); a text without astral
    characters takes the identity fast path. Lookups are O(log k) for k astral characters.
    Immutable; safe to share between threads.
    """

    __slots__ = ("length", "_astral", "_ustarts")

    def __init__(self, text: str) -> None:
        self.length = len(text)
        """Length of the text in code points."""
        # Code-point indices of the astral characters, ascending.
        self._astral: list[int] = [] if text.isascii() else [m.start() for m in _ASTRAL.finditer(text)]
        # UTF-16 index of the high surrogate of each astral character.
        self._ustarts: list[int] = [a + i for i, a in enumerate(self._astral)]

    @property
    def is_identity(self) -> bool:
        """True when the text has no astral characters, so both units agree."""
        return not self._astral

    @property
    def astral(self) -> tuple[int, ...]:
        """Code point offsets of the astral characters (each two UTF-16 units), ascending."""
        return tuple(self._astral)

    @property
    def utf16_length(self) -> int:
        """Length of the text in UTF-16 code units."""
        return self.length + len(self._astral)

    def to_utf16(self, cp: int) -> int:
        """UTF-16 offset of code point offset ``cp`` (0 <= cp <= length); ValueError outside."""
        if cp < 0 or cp > self.length:
            raise ValueError(f"code point offset {cp} outside 0..{self.length}")
        if not self._astral:
            return cp
        # every astral character strictly before cp adds one unit
        return cp + bisect_left(self._astral, cp)

    def from_utf16(self, unit: int, *, inside_pair: str = "error") -> int:
        """Code point offset of UTF-16 offset ``unit`` (0 <= unit <= utf16_length).

        ValueError outside that range. An offset between the two halves of a surrogate pair
        (no character boundary is there) raises ValueError with *inside_pair* ``"error"`` (a
        file whose offsets split a character is broken), or is rounded ``"down"`` to the
        character's start or ``"up"`` past it (a widget's hand-made cursor: a converted range
        then never splits a character).
        """
        n16 = self.length + len(self._astral)
        if unit < 0 or unit > n16:
            raise ValueError(f"UTF-16 offset {unit} outside 0..{n16}")
        if not self._astral:
            return unit
        k = bisect_right(self._ustarts, unit - 1)  # astral characters starting before unit
        if k and self._ustarts[k - 1] == unit - 1:
            if inside_pair == "down":
                return unit - k
            if inside_pair == "up":
                return unit - k + 1
            raise ValueError(f"UTF-16 offset {unit} splits a surrogate pair (an emoji or other astral character)")
        return unit - k

    def __repr__(self) -> str:
        return f"Utf16Map(length={self.length}, astral={len(self._astral)})"
