"""Reads of the review jobs (``review/``): which documents are under review, their cached
counts, decisions, guideline examples, the names a unit is shown with. Each takes the
connection of the caller's snapshot."""
from __future__ import annotations

import json
import sqlite3

from ..models import GOLD


def entry_names(conn: sqlite3.Connection, actor_id: str | None, target_id: str | None) -> dict[str, str]:
    """id -> name of one actor and one target (either may be None or unknown)."""
    names = dict(conn.execute("SELECT id, name FROM actors WHERE id=?", (actor_id,)))
    return names | dict(conn.execute("SELECT id, name FROM targets WHERE id=?", (target_id,)))


def is_decided(conn: sqlite3.Connection, unit_key: str) -> bool:
    return conn.execute("SELECT 1 FROM decisions WHERE unit_key=?", (unit_key,)).fetchone() is not None


def documents_under_review(conn: sqlite3.Connection) -> list[str]:
    """Documents some annotator has started or finished, in import order."""
    return [r[0] for r in conn.execute(
        "SELECT d.id FROM documents d WHERE EXISTS (SELECT 1 FROM doc_status s WHERE s.document_id = d.id "
        "AND s.layer <> ? AND s.status <> 'new') ORDER BY d.seq", (GOLD,))]


def cached_review_counts(conn: sqlite3.Connection) -> dict[str, tuple[int, int, int]]:
    """document id -> (units, decided, open disagreements) as the review cache holds them."""
    return {r[0]: r[1:] for r in conn.execute("SELECT document_id, units, decided, open_disagreements "
                                              "FROM review_cache")}


def guideline_examples(conn: sqlite3.Connection, label: str | None = None) -> list[dict]:
    """The guideline examples (of one *label*, or all), by label then time, JSON fields read."""
    cur = conn.execute("SELECT * FROM guideline_examples" + (" WHERE label=?" if label else "")
                       + " ORDER BY label, created_at", (label,) if label else ())
    names = [d[0] for d in cur.description]
    out = []
    for r in cur:
        d = dict(zip(names, r))
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
