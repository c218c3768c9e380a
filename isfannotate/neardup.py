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
MIN_SENTENCE_CHARS = 40
MAX_SENTENCE_POSTINGS = 50

_WORD = re.compile(r"\w+")


LONG_PARAGRAPH = 1500
FEW_PARAGRAPHS = 4


def sentence_keys(text: str) -> set[str]:
    """Exact keys for candidate search: each paragraph and, for a text of few paragraphs or a
    very long paragraph (a whole article on one line), each sentence. A story republished with
    edits keeps most of its paragraphs word for word (seeds 001/002 share 16 of 20). Only
    C-level string work per paragraph: 50 MB of text is keyed in about a tenth of a second."""
    keys = set(text.split("\n"))
    if len(keys) <= FEW_PARAGRAPHS:
        for para in list(keys):
            keys.update(para.split(". "))
    elif max(map(len, keys)) > LONG_PARAGRAPH:    # (most texts have none: no Python loop over them)
        for para in [p for p in keys if len(p) > LONG_PARAGRAPH]:
            keys.update(para.split(". "))
    return keys


# every ASCII character that \w does not match, as a space: an ASCII text's words are then what
# str.split gives (three times faster than the regex's findall on 5 KB articles)
_ASCII_NON_WORD = str.maketrans({c: " " for c in range(128) if not _WORD.fullmatch(chr(c))})


def words_of(text: str) -> list[str]:
    """The lower-cased runs of word characters (the regex ``\\w+``) of *text*."""
    low = text.lower()
    if low.isascii():
        return low.translate(_ASCII_NON_WORD).split()
    return _WORD.findall(low)


def shingles(text: str, k: int = SHINGLE_WORDS) -> set[str]:
    words = words_of(text)
    # the runs of k words joined in C (map over zip), not in a Python loop: the same strings
    return set(map(" ".join, zip(*(words[i:] for i in range(k)), strict=False)))   # shorter slices end it


def containment(a: set[str], b: set[str]) -> float:
    """|A ∩ B| / min(|A|, |B|): the share of the shorter document found in the other."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def find_groups(texts: Sequence[str], threshold: float = NEAR_DUP_CONTAINMENT) -> list[list[int]]:
    """Group indices of near-duplicate texts. Returns groups of two or more indices, each sorted,
    ordered by their first index. Candidate pairs share a sentence of at least
    MIN_SENTENCE_CHARS characters found in at most MAX_SENTENCE_POSTINGS documents; each
    candidate pair is confirmed by 5-word shingle containment >= *threshold*."""
    keyed = [sentence_keys(t) for t in texts]
    seen: set[str] = set()
    repeated: set[str] = set()
    for keys in keyed:
        repeated |= keys & seen
        seen |= keys
    del seen
    repeated = {k for k in repeated if len(k) >= MIN_SENTENCE_CHARS}
    postings: dict[str, list[int]] = {}
    if repeated:
        for i, keys in enumerate(keyed):
            for key in keys & repeated:
                postings.setdefault(key, []).append(i)
    candidates: set[tuple[int, int]] = set()
    for docs in postings.values():
        if 1 < len(docs) <= MAX_SENTENCE_POSTINGS:
            for x in range(len(docs)):
                for y in range(x + 1, len(docs)):
                    candidates.add((docs[x], docs[y]))
    parent = list(range(len(texts)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    shingle_cache: dict[int, set[str]] = {}

    def shingles_of(i: int) -> set[str]:
        if i not in shingle_cache:
            shingle_cache[i] = shingles(texts[i])
        return shingle_cache[i]

    for a, b in sorted(candidates):
        ra, rb = find(a), find(b)
        if ra != rb and containment(shingles_of(a), shingles_of(b)) >= threshold:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, list[int]] = {}
    for i in range(len(texts)):
        groups.setdefault(find(i), []).append(i)
    return [g for g in sorted(groups.values()) if len(g) > 1]
