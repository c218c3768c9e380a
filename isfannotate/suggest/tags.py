"""Spans as token tags and back, for the span model (a spaCy ``tagger``; see ``train``).

A token's tag names its B (first token) or I (inside) role in every label that covers it,
joined by spaces in label order ("ACTOR-B CLAIM-I"); "O" when none does. Decoding takes the
tagger's probabilities over those combined tags, sums out each label's B, I and O, and reads
spans label by label: a span opens at a token whose B beats I and O, grows over tokens whose I
beats the others, and scores the mean probability of its tokens' tags.
"""
from __future__ import annotations

from typing import Any

OUTSIDE = "O"


def token_tags(doc: Any, spans: list[tuple[int, int, str]]) -> tuple[list[str], int]:
    """The combined tag of each token of *doc* for *spans* (start, end, label in code points), and
    how many spans were left out: not on token boundaries (a part of a word), or overlapping a
    span of the same label."""
    per_token: list[dict[str, str]] = [{} for _ in doc]
    lost = 0
    for s, e, lab in sorted(spans, key=lambda t: (t[0], -t[1], t[2])):
        sp = doc.char_span(s, e, alignment_mode="strict")
        if sp is None or any(lab in per_token[i] for i in range(sp.start, sp.end)):
            lost += 1
            continue
        for i in range(sp.start, sp.end):
            per_token[i][lab] = "B" if i == sp.start else "I"
    return [" ".join(f"{lab}-{t[lab]}" for lab in sorted(t)) or OUTSIDE for t in per_token], lost


def decode(doc: Any, tag_names: list[str], probs: Any, labels: list[str],
           min_score: float = 0.0) -> list[tuple[int, int, str, float]]:
    """(start, end, label, score) in code points from *probs* (tokens × tags, in *tag_names* order;
    raw scores are turned into probabilities first when a row does not sum to 1)."""
    import numpy
    probs = numpy.asarray(probs, dtype="float64")
    if len(probs) and not numpy.allclose(probs.sum(axis=1), 1.0, atol=1e-3):
        probs = numpy.exp(probs - probs.max(axis=1, keepdims=True))
        probs /= probs.sum(axis=1, keepdims=True)
    n = len(doc)
    out = []
    for lab in labels:
        b_cols = [k for k, t in enumerate(tag_names) if f"{lab}-B" in t.split()]
        i_cols = [k for k, t in enumerate(tag_names) if f"{lab}-I" in t.split()]
        if not b_cols:
            continue
        pb = probs[:, b_cols].sum(axis=1) if n else numpy.zeros(0)
        pi = probs[:, i_cols].sum(axis=1) if i_cols and n else numpy.zeros(n)
        po = 1.0 - pb - pi
        i = 0
        while i < n:
            if pb[i] > pi[i] and pb[i] > po[i] and not doc[i].is_space:
                j = i + 1
                total = float(pb[i])
                while j < n and pi[j] > pb[j] and pi[j] > po[j]:
                    total += float(pi[j])
                    j += 1
                while j - 1 > i and doc[j - 1].is_space:   # never end on a line break
                    j -= 1
                score = total / (j - i)
                if score >= min_score:
                    out.append((doc[i].idx, doc[j - 1].idx + len(doc[j - 1].text), lab, score))
                i = j
            else:
                i += 1
    out.sort(key=lambda t: (t[0], -t[1], t[2]))
    return out
