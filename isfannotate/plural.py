"""Counts in words for the lines a person reads: "1 document", "2 documents"."""
from __future__ import annotations


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """*count* and *noun*, the noun plural unless the count is one (``plural`` for irregular nouns)."""
    return f"{count} {noun if count == 1 else (plural or noun + 's')}"
