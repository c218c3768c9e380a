"""Keeping the drawn registry suggestions in step with a change to spans, in O(change).

A suggestion (a registry name found in the text) is drawn unless a span sits at exactly its
offsets or the annotator rejected it. After a change that only writes spans, only the
suggestions at the offsets of the rows it wrote can appear or go. Qt-free; offsets are code
points; UI thread only (the caller owns the dicts).
"""
from __future__ import annotations

from collections import Counter

SUGGESTION_PREFIX = "sugg:"


def suggestion_id(o) -> str:
    """The view's id for occurrence *o* (start, end, actor)."""
    return f"{SUGGESTION_PREFIX}{o.start}:{o.end}:{o.actor_id}"


def sync_at_offsets(change, covered: Counter, matches_at: dict, rejected: set, shown: dict) -> tuple[list, list]:
    """Bring *covered* ((start, end) -> spans there) and *shown* (suggestion id -> occurrence) up to
    date after *change*'s span rows; *matches_at*: (start, end) -> the name matches there.
    Returns (ids gone, ids added)."""
    gone: list[str] = []
    added: list[str] = []
    rows = [(row, step) for op in change.rows("spans") for row, step in ((op.before, -1), (op.after, 1))
            if row is not None]
    for row, step in rows:
        covered[(row["start"], row["end"])] += step
    for row, _ in rows:
        pair = (row["start"], row["end"])
        for o in matches_at.get(pair, ()):
            sid = suggestion_id(o)
            show = covered[pair] <= 0 and (o.start, o.end, o.actor_id) not in rejected
            if show and sid not in shown:
                shown[sid] = o
                added.append(sid)
            elif not show and sid in shown:
                del shown[sid]
                gone.append(sid)
    return gone, added
