"""Reads of one layer for building its gold records (``gold.build``), each grouped by document
in the order a record lists them. Each takes the connection of the caller's snapshot."""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from typing import Any

from ..models import GOLD

Row = tuple[Any, ...]   # a row as sqlite3 gives it (its values untyped); each reader's docstring names the columns


def _by_document(rows: Iterable[Row], key: int = 0) -> dict[str, list[Row]]:
    out: dict[str, list[Row]] = {}
    for r in rows:
        out.setdefault(r[key], []).append(r)
    return out


def layer_is_empty(conn: sqlite3.Connection, layer: str) -> bool:
    """Whether *layer* holds no span and no stance at all."""
    return conn.execute("SELECT 1 FROM spans WHERE layer=? UNION SELECT 1 FROM stances WHERE layer=? LIMIT 1",
                        (layer, layer)).fetchone() is None


def documents_for_export(conn: sqlite3.Connection) -> list[Row]:
    """(id, text, sha256, meta, near-duplicate group) of every document, in import order."""
    return conn.execute("SELECT id, text, sha256, meta, near_dup_group FROM documents ORDER BY seq").fetchall()


def spans_by_document(conn: sqlite3.Connection, layer: str) -> dict[str, list[Row]]:
    """(id, document id, start, end, label, actor id, attrs), by start, longest first."""
    return _by_document(conn.execute('SELECT id, document_id, start, "end", label, actor_id, attrs FROM spans '
                                     'WHERE layer=? ORDER BY document_id, start, "end" DESC, id', (layer,)), key=1)


def claims_by_document(conn: sqlite3.Connection, layer: str) -> dict[str, list[Row]]:
    """(document id, span id, source kind, source actor, source span, cue span, quote), by span."""
    return _by_document(conn.execute(
        "SELECT s.document_id, c.span_id, c.source_kind, c.source_actor, c.source_span, c.cue_span, c.quote "
        "FROM claims c JOIN spans s ON s.id=c.span_id WHERE s.layer=? ORDER BY s.document_id, s.start, s.id",
        (layer,)))


def stance_evidence(conn: sqlite3.Connection, layer: str) -> dict[str, list[str]]:
    """stance id -> its evidence span ids, in order."""
    out: dict[str, list[str]] = {}
    for stance_id, span_id in conn.execute("SELECT e.stance_id, e.span_id FROM stance_evidence e JOIN stances s "
                                           "ON s.id=e.stance_id WHERE s.layer=? ORDER BY e.stance_id, e.position",
                                           (layer,)):
        out.setdefault(stance_id, []).append(span_id)
    return out


def stances_by_document(conn: sqlite3.Connection, layer: str) -> dict[str, list[Row]]:
    """(document id, id, holder, target, polarity, conditions), in the order they were made."""
    return _by_document(conn.execute("SELECT document_id, id, holder, target, polarity, conditions FROM stances "
                                     "WHERE layer=? ORDER BY document_id, created_at, id", (layer,)))


def relations_by_document(conn: sqlite3.Connection, layer: str) -> dict[str, list[Row]]:
    """(document id, head, tail, label)."""
    return _by_document(conn.execute("SELECT document_id, head, tail, label FROM relations WHERE layer=? "
                                     "ORDER BY document_id, id", (layer,)))


def document_labels_by_document(conn: sqlite3.Connection, layer: str) -> dict[str, dict[str, Any]]:
    """document id -> {key: value}, keys sorted."""
    out: dict[str, dict[str, Any]] = {}
    for doc, key, value in conn.execute("SELECT document_id, key, value FROM doc_labels WHERE layer=? ORDER BY key",
                                        (layer,)):
        out.setdefault(doc, {})[key] = json.loads(value)
    return out


def gold_provenance_by_document(conn: sqlite3.Connection) -> dict[str, dict[str, Any]]:
    """document id -> {gold item id: provenance}."""
    out: dict[str, dict[str, Any]] = {}
    for item, doc, data in conn.execute("SELECT item_id, document_id, data FROM provenance"):
        out.setdefault(doc, {})[item] = json.loads(data)
    return out


def decisions_in_order(conn: sqlite3.Connection) -> list[Row]:
    """(document id, kind, decision, version, note, decided by, decided at) of every review
    decision, by document then time."""
    return conn.execute("SELECT document_id, kind, decision, version, note, decided_by, decided_at FROM decisions "
                        "ORDER BY document_id, decided_at, unit_key").fetchall()


__all__ = ["GOLD", "layer_is_empty", "documents_for_export", "spans_by_document", "claims_by_document",
           "stance_evidence", "stances_by_document", "relations_by_document", "document_labels_by_document",
           "gold_provenance_by_document", "decisions_in_order"]
