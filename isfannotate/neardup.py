"""Near-duplicate detection that stays fast at 10,000 documents.

Two documents are near-duplicates when at least NEAR_DUP_CONTAINMENT of the 5-word shingles of
the shorter one also occur in the longer one (containment, not Jaccard: the same story
republished with a photo caption and "Also Read" links keeps its containment high while its
Jaccard drops; seeds 001/002 measure 0.84 containment, 0.63 Jaccard, and no other seed pair
reaches 0.15).

Candidates come from an inverted index of normalised sentences (a story republished keeps
most of its sentences word for word), so only candidate pairs pay for the shingle comparison.
A sentence found in more than MAX_SENTENCE_POSTINGS documents is boilerplate and not used.
Everything here is deterministic: no hash(), no set iteration order in the results.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

NEAR_DUP_CONTAINMENT = 0.5
SHINGLE_WORDS = 5
MIN_SENTENCE_WORDS = 6
MAX_SENTENCE_POSTINGS = 50

_SENTENCE_SPLIT = re.compile(r"(?<=[.!?\u201d\"])\s+|\n+")
_WORD = re.compile(r"\w+")


def sentence_keys(text: str) -> list[str]:
    """Normalised sentences (lower-case words joined by spaces) of at least MIN_SENTENCE_WORDS words."""
    keys = []
    for sentence in _SENTENCE_SPLIT.split(text.lower()):
        words = _WORD.findall(sentence)
        if len(words) >= MIN_SENTENCE_WORDS:
            keys.append(" ".join(words))
    return keys


def shingles(text: str, k: int = SHINGLE_WORDS) -> set[str]:
    words = _WORD.findall(text.lower())
    return {" ".join(words[i:i + k]) for i in range(max(0, len(words) - k + 1))}


def containment(a: set[str], b: set[str]) -> float:
    """|A ∩ B| / min(|A|, |B|): the share of the shorter document found in the other."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def find_groups(texts: Sequence[str], threshold: float = NEAR_DUP_CONTAINMENT) -> list[list[int]]:
    """Group indices of near-duplicate texts. Returns groups of two or more indices, each sorted,
    ordered by their first index. Candidate pairs share a normalised sentence; each candidate
    pair is confirmed by shingle containment >= *threshold*."""
    postings: dict[str, list[int]] = {}
    for i, text in enumerate(texts):
        for key in dict.fromkeys(sentence_keys(text)):
            postings.setdefault(key, []).append(i)
    candidates: dict[tuple[int, int], None] = {}
    for docs in postings.values():
        if 1 < len(docs) <= MAX_SENTENCE_POSTINGS:
            for x in range(len(docs)):
                for y in range(x + 1, len(docs)):
                    candidates[(docs[x], docs[y])] = None
    parent = list(range(len(texts)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    shingle_cache: dict[int, set[str]] = {}
    for a, b in sorted(candidates):
        ra, rb = find(a), find(b)
        if ra == rb:
            continue
        sa = shingle_cache.get(a) or shingle_cache.setdefault(a, shingles(texts[a]))
        sb = shingle_cache.get(b) or shingle_cache.setdefault(b, shingles(texts[b]))
        if containment(sa, sb) >= threshold:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, list[int]] = {}
    for i in range(len(texts)):
        groups.setdefault(find(i), []).append(i)
    return [g for g in sorted(groups.values()) if len(g) > 1]
