"""Reads behind the review queue's counts (``review.units.review_counts``): which annotators
code which document, their spans as plain keys, and which documents hold more than spans.
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

import orjson

from ..models import GOLD

SpanKey = tuple[int, int, str, str | None]     # start, end, label, link


def _only(documents: Sequence[str] | None, column: str = "document_id") -> tuple[str, tuple[str, ...]]:
    if documents is None:
        return "", ()
    return f" AND {column} IN (SELECT value FROM json_each(?))", (json.dumps(list(documents)),)


def coded_spans(conn: sqlite3.Connection, documents: Sequence[str] | None = None
                ) -> tuple[dict[str, list[str]], dict[str, dict[str, list[SpanKey]]]]:
    """(document id -> its coders, sorted by name (the order the review's units take them in);
    document -> coder -> (start, end, label, link) of each of their spans there, in the order
    the review aligns them: start, end, label, id).

    The spans come as one JSON array per document and layer (``json_group_array``, in the
    order of the index on (document, layer, start): no sort in SQL), decoded by orjson only
    for the layers that code the document: no row object per span, and the layers that have
    spans need no scan of their own."""
    only, args = _only(documents)
    arrays: dict[str, dict[str, str]] = {}
    for doc, layer, items in conn.execute(
            "SELECT document_id, layer, json_group_array(json_array(start, \"end\", label, id, actor_id)) "
            f"FROM spans WHERE layer <> ?{only} GROUP BY document_id, layer", (GOLD, *args)):
        got = arrays.get(doc)
        if got is None:
            arrays[doc] = {layer: items}
        else:
            got[layer] = items
    anyone: dict[str, set[str]] = {doc: set(layers) for doc, layers in arrays.items()}
    for doc, layer in conn.execute(f"SELECT DISTINCT document_id, layer FROM stances WHERE layer <> ?{only}",
                                   (GOLD, *args)):
        anyone.setdefault(doc, set()).add(layer)
    done: dict[str, set[str]] = {}
    for doc, layer, status in conn.execute(
            f"SELECT document_id, layer, status FROM doc_status WHERE status <> 'new'{only}", args):
        if status == "done":
            done.setdefault(doc, set()).add(layer)
        if layer != GOLD:
            anyone.setdefault(doc, set()).add(layer)
    keep = set(documents) if documents is not None else None
    coders: dict[str, list[str]] = {}
    spans: dict[str, dict[str, list[SpanKey]]] = {}
    for doc, layers in anyone.items():
        if keep is not None and doc not in keep:
            continue
        done_here = done.get(doc)
        mine = sorted(layers if done_here is None else layers & done_here)
        if not mine:
            continue
        coders[doc] = mine
        of_doc = arrays.get(doc)
        if of_doc is None:
            continue
        by_coder: dict[str, list[SpanKey]] = {}
        for layer in mine:
            text = of_doc.get(layer)
            if text is not None:
                items = orjson.loads(text)
                items.sort()        # by start, end, label and id (ids are unique: the link is never compared)
                by_coder[layer] = [(s, e, label, link) for s, e, label, _, link in items]
        spans[doc] = by_coder
    return coders, spans


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


def holds_more_than_spans(conn: sqlite3.Connection, document_id: str) -> bool:
    """Whether an annotator layer (gold left out) has a claim, stance or document label on the
    document: its review then needs the full versions."""
    row = conn.execute(
        "SELECT EXISTS (SELECT 1 FROM spans s JOIN claims c ON c.span_id = s.id WHERE s.document_id = ? "
        "AND s.layer <> ?) OR EXISTS (SELECT 1 FROM stances WHERE document_id = ? AND layer <> ?) "
        "OR EXISTS (SELECT 1 FROM doc_labels WHERE document_id = ? AND layer <> ?)", (document_id, GOLD) * 3).fetchone()
    return bool(row[0])
