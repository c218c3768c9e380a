"""Reads behind the review queue's counts (``review.units.review_counts``): which annotators
code which document, their spans as plain rows, and which documents hold more than spans.
Each is one scan of a table, without joins or sorting in SQL: the queue's first opening
over 10,000 documents reads them in a few hundred milliseconds.

*Coders* of a document, as the review has them (``review/units.py``): an annotator layer
(gold left out) that has spans, stances or a status other than 'new' on the document, and
marked it done, or nobody (no layer, gold included) marked the document done yet. Each
takes the connection of the caller's snapshot."""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

from ..models import GOLD

SpanKey = tuple[int, int, str, str | None]     # start, end, label, link


def _only(documents: Sequence[str] | None, column: str = "document_id") -> tuple[str, tuple[str, ...]]:
    if documents is None:
        return "", ()
    return f" AND {column} IN (SELECT value FROM json_each(?))", (json.dumps(list(documents)),)


def coders_by_document(conn: sqlite3.Connection, documents: Sequence[str] | None = None) -> dict[str, list[str]]:
    """document id -> its coders, sorted by name (the order the review's units take them in)."""
    only, args = _only(documents)
    anyone: dict[str, set[str]] = {}
    for table in ("spans", "stances"):
        for doc, layer in conn.execute(f"SELECT DISTINCT document_id, layer FROM {table} WHERE layer <> ?{only}",
                                       (GOLD, *args)):
            anyone.setdefault(doc, set()).add(layer)
    done: dict[str, set[str]] = {}
    for doc, layer, status in conn.execute("SELECT document_id, layer, status FROM doc_status WHERE status <> 'new'"):
        if status == "done":
            done.setdefault(doc, set()).add(layer)
        if layer != GOLD:
            anyone.setdefault(doc, set()).add(layer)
    keep = set(documents) if documents is not None else None
    out: dict[str, list[str]] = {}
    for doc, layers in anyone.items():
        if keep is not None and doc not in keep:
            continue
        done_here = done.get(doc)
        coders = sorted(layers if done_here is None else layers & done_here)
        if coders:
            out[doc] = coders
    return out


def documents_beyond_spans(conn: sqlite3.Connection, coders: dict[str, list[str]]) -> set[str]:
    """Of the documents in *coders* (document -> coders), those whose review holds more than
    plain spans: a coder's claim, stance or document label there, or a review decision."""
    pairs: set[tuple[str, str]] = set()
    pairs.update(conn.execute("SELECT s.document_id, s.layer FROM claims c JOIN spans s ON s.id = c.span_id"))
    pairs.update(conn.execute("SELECT DISTINCT document_id, layer FROM stances"))
    pairs.update(conn.execute("SELECT DISTINCT document_id, layer FROM doc_labels"))
    out = {doc for doc, layer in pairs if layer in coders.get(doc, ())}
    out.update(r[0] for r in conn.execute("SELECT DISTINCT document_id FROM decisions") if r[0] in coders)
    return out


def coded_spans(conn: sqlite3.Connection, coders: dict[str, list[str]]) -> dict[str, dict[str, list[SpanKey]]]:
    """document -> coder -> (start, end, label, link) of each of their spans there, for the
    documents and coders in *coders*, in the order the review aligns them (start, end,
    label, id)."""
    Row = tuple[int, int, str, str, str | None]     # start, end, label, id, link
    rows: list[tuple[str, str, list[Row]]] = []
    last_doc, last_layer = None, None
    mine: list[Row] | None = None
    of_doc: Sequence[str] = ()
    # (in the order of the index on (document, layer, start): one group after another, no sort in SQL)
    for doc, layer, start, end, label, sid, link in conn.execute(
            'SELECT document_id, layer, start, "end", label, id, actor_id FROM spans WHERE layer <> ? '
            "ORDER BY document_id, layer, start", (GOLD,)):
        if layer != last_layer or doc != last_doc:
            if doc != last_doc:
                last_doc, of_doc = doc, coders.get(doc, ())
            last_layer = layer
            mine = None
            if layer in of_doc:
                mine = []
                rows.append((doc, layer, mine))
        if mine is not None:
            mine.append((start, end, label, sid, link))
    out: dict[str, dict[str, list[SpanKey]]] = {}
    for doc, layer, items in rows:
        items.sort()        # by start, end, label and id (ids are unique: the link is never compared)
        out.setdefault(doc, {})[layer] = [(s, e, label, link) for s, e, label, _, link in items]
    return out
