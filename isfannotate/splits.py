"""Document splits (train / dev / test) for exports.

Splits are by document. Documents of one near-duplicate group are one unit and land in the
same split. The order in which units are dealt out comes from a seeded SHA-256 of the unit
key (never Python's ``hash()``, set order or the clock), so the same documents and seed give
the same split on every machine; each unit then goes to the split furthest below its target
share, which keeps the reached ratios close to the requested ones even for small corpora.
"""
from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence

from isfannotate.errors import IsfError

SPLIT_NAMES = ("train", "dev", "test")
RATIO_TOLERANCE = 1e-6


def check_ratios(split: Sequence[float] | None) -> tuple[float, ...] | None:
    """Validate ``TRAIN,DEV[,TEST]`` ratios: 2 or 3 positive numbers summing to 1 (±1e-6)."""
    if split is None:
        return None
    try:
        ratios = tuple(float(r) for r in split)
    except (TypeError, ValueError) as exc:
        raise IsfError(f"--split takes numbers like 0.8,0.1,0.1, got {split!r}") from exc
    if not 2 <= len(ratios) <= 3:
        raise IsfError(f"--split takes 2 or 3 ratios (TRAIN,DEV[,TEST]), got {len(ratios)}")
    if any(not math.isfinite(r) or r <= 0 for r in ratios):
        raise IsfError(f"--split ratios must be positive, got {','.join(map(str, ratios))}")
    if abs(sum(ratios) - 1.0) > RATIO_TOLERANCE:
        raise IsfError(f"--split ratios must sum to 1, got {','.join(map(str, ratios))} (sum {sum(ratios):g})")
    return ratios


def unit_key(doc_id: str, group: str | None) -> str:
    """The unit a document is dealt out with: its near-duplicate group, else itself."""
    return f"group:{group}" if group is not None else f"doc:{doc_id}"


def seeded_rank(key: str, seed: int) -> str:
    """A reproducible pseudo-random rank for ``key`` under ``seed`` (hex SHA-256)."""
    return hashlib.sha256(f"isfannotate-split/1\0{seed}\0{key}".encode("utf-8", "surrogatepass")).hexdigest()


def assign_splits(
    docs: Sequence[tuple[str, str | None]], ratios: Sequence[float], seed: int = 0
) -> dict[str, str]:
    """Map each document id to ``train``/``dev``/``test``.

    ``docs`` is ``(document id, near-duplicate group or None)``. Units (groups, or single
    documents) are taken in seeded-hash order; each goes whole to the split with the largest
    shortfall ``ratio * (documents dealt so far + unit size) - split size`` (ties: the earlier
    split). Independent of the order of ``docs``.
    """
    names = SPLIT_NAMES[: len(ratios)]
    units: dict[str, list[str]] = {}
    for doc_id, group in docs:
        units.setdefault(unit_key(doc_id, group), []).append(doc_id)
    ordered = sorted(units, key=lambda k: (seeded_rank(k, seed), k))
    sizes = [0] * len(names)
    dealt = 0
    out: dict[str, str] = {}
    for key in ordered:
        members = units[key]
        after = dealt + len(members)
        best = max(range(len(names)), key=lambda i: (ratios[i] * after - sizes[i], -i))
        sizes[best] += len(members)
        dealt = after
        for doc_id in members:
            out[doc_id] = names[best]
    return out


def reached_ratios(assignment: dict[str, str], n_splits: int) -> dict[str, float]:
    """The share of documents actually in each split (rounded to 6 places)."""
    names = SPLIT_NAMES[:n_splits]
    total = len(assignment) or 1
    counts = {n: 0 for n in names}
    for split in assignment.values():
        counts[split] += 1
    return {n: round(counts[n] / total, 6) for n in names}
