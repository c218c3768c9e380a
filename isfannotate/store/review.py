"""Reads of the review jobs (``review/``): which documents are under review, their cached
counts, decisions, guideline examples, the names a unit is shown with. Each takes the
connection of the caller's snapshot."""
from __future__ import annotations

import json
import sqlite3
from typing import Any

from ..models import GOLD


def entry_names(conn: sqlite3.Connection, actor_id: str | None, target_id: str | None) -> dict[str, str]:
    """id -> name of one actor and one target (either may be None or unknown)."""
    names = dict(conn.execute("SELECT id, name FROM actors WHERE id=?", (actor_id,)))
    return names | dict(conn.execute("SELECT id, name FROM targets WHERE id=?", (target_id,)))


def is_decided(conn: sqlite3.Connection, unit_key: str) -> bool:
    return conn.execute("SELECT 1 FROM decisions WHERE unit_key=?", (unit_key,)).fetchone() is not None


# documents d that some annotator has started or finished (the parameter: the gold layer's name)
_UNDER_REVIEW = ("EXISTS (SELECT 1 FROM doc_status s WHERE s.document_id = d.id "
                 "AND s.layer <> ? AND s.status <> 'new')")


def documents_under_review(conn: sqlite3.Connection) -> list[str]:
    """Documents some annotator has started or finished, in import order."""
    return [r[0] for r in conn.execute(f"SELECT d.id FROM documents d WHERE {_UNDER_REVIEW} ORDER BY d.seq", (GOLD,))]


def uncounted_under_review(conn: sqlite3.Connection) -> int:
    """How many documents under review have no row in the review cache."""
    row = conn.execute(f"SELECT count(*) FROM documents d WHERE {_UNDER_REVIEW} AND NOT EXISTS "
                       "(SELECT 1 FROM review_cache c WHERE c.document_id = d.id)", (GOLD,)).fetchone()
    return int(row[0])


def cached_review_counts(conn: sqlite3.Connection) -> dict[str, tuple[int, int, int]]:
    """document id -> (units, decided, open disagreements) as the review cache holds them."""
    return {r[0]: r[1:] for r in conn.execute("SELECT document_id, units, decided, open_disagreements "
                                              "FROM review_cache")}


def guideline_examples(conn: sqlite3.Connection, label: str | None = None) -> list[dict[str, Any]]:
    """The guideline examples (of one *label*, or all), by label then time, JSON fields read."""
    cur = conn.execute("SELECT * FROM guideline_examples" + (" WHERE label=?" if label else "")
                       + " ORDER BY label, created_at", (label,) if label else ())
    names = [d[0] for d in cur.description]
    out = []
    for r in cur:
        d = dict(zip(names, r, strict=True))
        d["versions"], d["decision"] = json.loads(d["versions"]), json.loads(d["decision"])
        out.append(d)
    return out


def decided_documents_of(conn: sqlite3.Connection, annotator: str) -> list[str]:
    """Documents with a review decision that *annotator* has started or finished."""
    return [r[0] for r in conn.execute(
        "SELECT DISTINCT d.document_id FROM decisions d WHERE EXISTS (SELECT 1 FROM doc_status s WHERE "
        "s.document_id = d.document_id AND s.layer = ? AND s.status <> 'new')", (annotator,))]


def texts_of(conn: sqlite3.Connection, ids: list[str]) -> dict[str, str]:
    """id -> text of the documents *ids*."""
    return dict(conn.execute("SELECT id, text FROM documents WHERE id IN (SELECT value FROM json_each(?))",
                             (json.dumps(ids),)))


def documents_done_in(conn: sqlite3.Connection, layer: str) -> set[str]:
    return {r[0] for r in conn.execute("SELECT document_id FROM doc_status WHERE layer=? AND status='done'",
                                       (layer,))}


# -- inside a decision's action (the recorder's connection)

def gold_span_at(conn: sqlite3.Connection, document_id: str, start: int, end: int,
                 label: str) -> tuple[str, str | None] | None:
    """(id, actor id) of the gold span with these offsets and label, or None."""
    row: tuple[str, str | None] | None = conn.execute(
        'SELECT id, actor_id FROM spans WHERE document_id=? AND layer=? AND start=? AND "end"=? AND label=?',
        (document_id, GOLD, start, end, label)).fetchone()
    return row


def span_content(conn: sqlite3.Connection, span_id: str) -> tuple[int, int, str, str | None, str] | None:
    """(start, end, label, actor id, attrs as JSON) of a span, or None."""
    row: tuple[int, int, str, str | None, str] | None = conn.execute(
        'SELECT start, "end", label, actor_id, attrs FROM spans WHERE id=?', (span_id,)).fetchone()
    return row


def span_actor(conn: sqlite3.Connection, span_id: str) -> str | None:
    row = conn.execute("SELECT actor_id FROM spans WHERE id=?", (span_id,)).fetchone()
    return row[0] if row else None


def target_exists(conn: sqlite3.Connection, target_id: str) -> bool:
    return conn.execute("SELECT 1 FROM targets WHERE id=?", (target_id,)).fetchone() is not None


def claims_pointing_at(conn: sqlite3.Connection, span_id: str) -> list[tuple[str, str | None, str | None]]:
    """(claim span, source span, cue span) of the claims whose source or cue is *span_id*."""
    return conn.execute("SELECT span_id, source_span, cue_span FROM claims WHERE source_span=? OR cue_span=?",
                        (span_id, span_id)).fetchall()


def gold_items_of_other_decisions(conn: sqlite3.Connection, document_id: str, unit_key: str) -> set[str]:
    """The gold items the document's other decisions put there."""
    used: set[str] = set()
    for (items,) in conn.execute("SELECT gold_items FROM decisions WHERE document_id=? AND unit_key<>?",
                                 (document_id, unit_key)):
        used.update(json.loads(items))
    return used


def gold_status(conn: sqlite3.Connection, document_id: str) -> str | None:
    row = conn.execute("SELECT status FROM doc_status WHERE document_id=? AND layer=?", (document_id, GOLD)).fetchone()
    return row[0] if row else None


# -- the units of a review (review/units.py)

def done_documents_by_layer(conn: sqlite3.Connection, documents: list[str] | None = None) -> dict[str, set[str]]:
    """layer -> the documents it marked done (every layer, gold included), of *documents* if given."""
    done: dict[str, set[str]] = {}
    only, args = ("", ()) if documents is None else (
        " AND document_id IN (SELECT value FROM json_each(?))", (json.dumps(documents),))
    for doc, layer in conn.execute("SELECT document_id, layer FROM doc_status WHERE status='done'" + only, args):
        done.setdefault(layer, set()).add(doc)
    return done


def decisions_of_documents(conn: sqlite3.Connection, documents: list[str]) -> dict[str, dict[str, Any]]:
    """unit key -> the decisions row (as a dict) of every decision in *documents*."""
    cur = conn.execute("SELECT * FROM decisions WHERE document_id IN (SELECT value FROM json_each(?))",
                       (json.dumps(documents),))
    names = [d[0] for d in cur.description]
    return {r[0]: dict(zip(names, r, strict=True)) for r in cur.fetchall()}


Rows = dict[str, dict[str, Any]]


def unit_details(conn: sqlite3.Connection, layers: list[str],
                 documents: list[str]) -> tuple[Rows, Rows, Rows, dict[str, list[str]]]:
    """The full rows behind a review's versions in *layers* and *documents*: spans (id -> start,
    end, label, actor_id, attrs as JSON), claims (span id -> source_span, cue_span, quote),
    stances (id -> conditions) and each stance's evidence span ids in their order."""
    names, docs = json.dumps(layers), json.dumps(documents)
    spans = {r[0]: {"start": r[1], "end": r[2], "label": r[3], "actor_id": r[4], "attrs": r[5]} for r in conn.execute(
        'SELECT id, start, "end", label, actor_id, attrs FROM spans WHERE layer IN (SELECT value FROM json_each(?)) '
        "AND document_id IN (SELECT value FROM json_each(?))", (names, docs))}
    claims = {r[0]: {"source_span": r[1], "cue_span": r[2], "quote": r[3]} for r in conn.execute(
        "SELECT c.span_id, c.source_span, c.cue_span, c.quote FROM claims c JOIN spans s ON s.id = c.span_id "
        "WHERE s.layer IN (SELECT value FROM json_each(?)) AND s.document_id IN (SELECT value FROM json_each(?))",
        (names, docs))}
    stances = {r[0]: {"conditions": r[1]} for r in conn.execute(
        "SELECT id, conditions FROM stances WHERE layer IN (SELECT value FROM json_each(?)) "
        "AND document_id IN (SELECT value FROM json_each(?))", (names, docs))}
    evidence: dict[str, list[str]] = {}
    for sid, span_id in conn.execute(
            "SELECT e.stance_id, e.span_id FROM stance_evidence e JOIN stances s ON s.id = e.stance_id "
            "WHERE s.layer IN (SELECT value FROM json_each(?)) AND s.document_id IN (SELECT value FROM json_each(?)) "
            "ORDER BY e.stance_id, e.position", (names, docs)):
        evidence.setdefault(sid, []).append(span_id)
    return spans, claims, stances, evidence
