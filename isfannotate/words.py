"""Word boundaries in a document's text (code points), for moving a span's edge by one word."""
from __future__ import annotations

import unicodedata

_JOINERS = "\u200c\u200d\u00ad"


def is_word_char(c: str) -> bool:
    """A letter, digit, underscore, joiner or combining mark: what a word is made of."""
    return c.isalnum() or c == "_" or c in _JOINERS or unicodedata.category(c)[0] == "M"


def next_word_end(text: str, pos: int) -> int:
    """The end of the first word that ends after *pos* (signs and spaces before it skipped)."""
    n = len(text)
    while pos < n and not is_word_char(text[pos]):
        pos += 1
    while pos < n and is_word_char(text[pos]):
        pos += 1
    return pos


def previous_word_end(text: str, pos: int) -> int:
    """The end of the word before the one that ends at or runs through *pos*."""
    while pos > 0 and is_word_char(text[pos - 1]):
        pos -= 1
    while pos > 0 and not is_word_char(text[pos - 1]):
        pos -= 1
    return pos


def previous_word_start(text: str, pos: int) -> int:
    """The start of the first word that starts before *pos*."""
    while pos > 0 and not is_word_char(text[pos - 1]):
        pos -= 1
    while pos > 0 and is_word_char(text[pos - 1]):
        pos -= 1
    return pos


def next_word_start(text: str, pos: int) -> int:
    """The start of the word after the one that starts at or runs through *pos*."""
    n = len(text)
    while pos < n and is_word_char(text[pos]):
        pos += 1
    while pos < n and not is_word_char(text[pos]):
        pos += 1
    return pos


def moved_edges(text: str, start: int, end: int, edge: str, step: int) -> tuple[int, int]:
    """[start, end) with its *edge* ("start" or "end") moved one word right (*step* 1) or left
    (-1): the end to the end of the next / previous word, the start to the start of the
    previous / next word. The range may come out empty or unchanged: the caller refuses that."""
    if edge == "end":
        return start, (next_word_end(text, end) if step > 0 else previous_word_end(text, end))
    return (next_word_start(text, start) if step > 0 else previous_word_start(text, start)), end
