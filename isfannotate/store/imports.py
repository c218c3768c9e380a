"""Reads the import jobs make (``importing/``): which documents, texts, groups and annotations
a project already holds. Each takes the connection of the caller's snapshot or action."""
from __future__ import annotations

import json
import sqlite3


def document_ids_by_sha(conn: sqlite3.Connection) -> dict[str, str]:
    """sha256 -> id of every stored document."""
    return dict(conn.execute("SELECT sha256, id FROM documents"))


def document_ids(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT id FROM documents")}


def last_document_seq(conn: sqlite3.Connection) -> int:
    """The import order of the last stored document (0 in an empty project)."""
    return int(conn.execute("SELECT max(seq) FROM documents").fetchone()[0] or 0)


def actor_count(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM actors").fetchone()[0])


def near_duplicate_groups(conn: sqlite3.Connection) -> dict[str, str]:
    """id -> near-duplicate group of the documents that are in one (from its partial index)."""
    return dict(conn.execute("SELECT id, near_dup_group FROM documents WHERE near_dup_group IS NOT NULL"))


def document_ids_in_order(conn: sqlite3.Connection) -> list[str]:
    """Every document id in import order (no text is read)."""
    return [r[0] for r in conn.execute("SELECT id FROM documents ORDER BY seq")]


def texts(conn: sqlite3.Connection) -> dict[str, str]:
    """id -> text of every stored document."""
    return dict(conn.execute("SELECT id, text FROM documents"))


def layer_has_annotations(conn: sqlite3.Connection, document_id: str, layer: str) -> bool:
    """Whether *layer* holds a span or a stance in the document."""
    return conn.execute("SELECT 1 FROM spans WHERE document_id=? AND layer=? UNION SELECT 1 FROM stances "
                        "WHERE document_id=? AND layer=? LIMIT 1",
                        (document_id, layer, document_id, layer)).fetchone() is not None


def actor_ids_by_external_id(conn: sqlite3.Connection) -> dict[str, str]:
    return dict(conn.execute("SELECT external_id, id FROM actors WHERE external_id IS NOT NULL"))


def status_keys(conn: sqlite3.Connection) -> set[tuple[str, str]]:
    """(document id, layer) of every stored document status."""
    return {tuple(r) for r in conn.execute("SELECT document_id, layer FROM doc_status")}


def taken_ids(conn: sqlite3.Connection, table: str, ids: list[str]) -> set[str]:
    """Those of *ids* already used in *table* (spans, stances)."""
    if table not in ("spans", "stances"):
        raise ValueError(table)
    return {r[0] for r in conn.execute(f"SELECT id FROM {table} WHERE id IN (SELECT value FROM json_each(?))",
                                       (json.dumps(ids),))}


def rejected_suggestions(conn: sqlite3.Connection, document_id: str, layer: str) -> set[tuple[int, int, str]]:
    """(start, end, actor id) of the suggestions rejected in *layer*'s document."""
    return {(r[0], r[1], r[2]) for r in conn.execute(
        'SELECT start, "end", actor_id FROM suggestion_decisions WHERE document_id=? AND layer=?',
        (document_id, layer))}
