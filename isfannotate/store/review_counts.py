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
from typing import Any

import orjson

from ..models import GOLD

SpanKey = tuple[int, int, str, str | None]     # start, end, label, link


def _only(documents: Sequence[str] | None, column: str = "document_id") -> tuple[str, tuple[str, ...]]:
    if documents is None:
        return "", ()
    return f" AND {column} IN (SELECT value FROM json_each(?))", (json.dumps(list(documents)),)


SpanRow = list[Any]     # [layer, start, end, label, id, link]


def coded_span_rows(conn: sqlite3.Connection, documents: Sequence[str] | None = None
                    ) -> tuple[dict[str, list[str]], dict[str, list[SpanRow]]]:
    """(document id -> its coders, sorted by name (the order the review's units take them in);
    document -> the spans of its coders as [layer, start, end, label, id, link], sorted: by
    coder, then in the order the review aligns them: start, end, label, id).

    The spans come as one JSON array per document (``json_group_array``, in the order of the
    index on (document, layer, start): no sort in SQL), decoded by orjson and sorted in C: no
    row object per span, and the layers that have spans need no scan of their own."""
    only, args = _only(documents)
    rows: dict[str, list[SpanRow]] = {}
    for doc, items in conn.execute(
            "SELECT document_id, json_group_array(json_array(layer, start, \"end\", label, id, actor_id)) "
            f"FROM spans WHERE layer <> ?{only} GROUP BY document_id", (GOLD, *args)):
        got = orjson.loads(items)
        got.sort()          # (ids are unique: the link is never compared)
        rows[doc] = got
    stances: dict[str, set[str]] = {}
    for doc, layer in conn.execute(f"SELECT DISTINCT document_id, layer FROM stances WHERE layer <> ?{only}",
                                   (GOLD, *args)):
        stances.setdefault(doc, set()).add(layer)
    # per document: (its layers marked done, its annotator layers started or done) as JSON text;
    # most documents share one of a few, each read once
    status = dict(conn.execute(
        "SELECT document_id, json_array(json_group_array(layer) FILTER (WHERE status = 'done'), "
        f"json_group_array(layer) FILTER (WHERE layer <> ?)) FROM doc_status WHERE status <> 'new'{only} "
        "GROUP BY document_id", (GOLD, *args)))
    read: dict[str, tuple[set[str] | None, set[str]]] = {}
    keep = set(documents) if documents is not None else None
    coders: dict[str, list[str]] = {}
    spans: dict[str, list[SpanRow]] = {}
    for doc in {**rows, **stances, **status}:
        if keep is not None and doc not in keep:
            continue
        got = rows.get(doc)
        layers = {item[0] for item in got} if got else set()
        done_here = None
        text = status.get(doc)
        if text is not None:
            known = read.get(text)
            if known is None:
                finished, started = orjson.loads(text)
                known = read[text] = (set(finished) if finished else None, set(started))
            done_here = known[0]
            layers |= known[1]
        if doc in stances:
            layers |= stances[doc]
        mine = sorted(layers if done_here is None else layers & done_here)
        if not mine:
            continue
        coders[doc] = mine
        if got:
            if len(mine) < len(layers):     # (a layer that has not marked the document done is no coder)
                got = [item for item in got if item[0] in mine]
            spans[doc] = got
    return coders, spans


def coded_spans(conn: sqlite3.Connection, documents: Sequence[str] | None = None
                ) -> tuple[dict[str, list[str]], dict[str, dict[str, list[SpanKey]]]]:
    """(document id -> its coders, as :func:`coded_span_rows`; document -> coder -> (start,
    end, label, link) of each of their spans there, in the order the review aligns them)."""
    coders, rows = coded_span_rows(conn, documents)
    spans: dict[str, dict[str, list[SpanKey]]] = {}
    for doc, got in rows.items():
        by_coder: dict[str, list[SpanKey]] = spans.setdefault(doc, {})
        for layer, s, e, label, _, link in got:
            by_coder.setdefault(layer, []).append((s, e, label, link))
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
