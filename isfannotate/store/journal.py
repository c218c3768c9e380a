"""The change journal (table ``change_journal``): per (layer, document), the sequence number of
the last change to that layer's rows of that document. Written in the transaction of every
action, undo and redo (``StoreSession``), so nothing changes a layer without a journal row; a
row is replaced by each new change of its (layer, document), so the journal holds one row per
pair at most. The team database's push sends the documents whose seq is past the cursor the
server acknowledged (docs/team-database.md, "What syncs when")."""
from __future__ import annotations

import json
import sqlite3
from operator import itemgetter
from typing import Any

from .changes import Bulk, Change

# Tables with a layer and a document column; tables whose rows belong to a row of one of those.
_LAYERED = frozenset({"spans", "stances", "relations", "doc_status", "doc_labels"})
_CHILD = {"claims": ("span_id",), "stance_evidence": ("stance_id",), "provenance": ("item_id",)}


def touched(conn: sqlite3.Connection, change: Change) -> set[tuple[str, str]]:
    """(layer, document id) of every layer row *change* wrote, its rows read as logged (bulk
    rows stay tuples); claims, evidence and provenance by their span's or stance's row (a row the
    change logged, else as stored now: a bulk insert's spans are in the table by then)."""
    out: set[tuple[Any, Any]] = set()
    parents: dict[Any, tuple[Any, Any]] = {}
    orphans: set[Any] = set()
    for op in change.parts():
        table = op.table
        if table not in _LAYERED and table not in _CHILD:
            continue
        if isinstance(op, Bulk):   # rows as tuples in op.columns order, plus op.same: never a dict per row
            if table in _LAYERED:
                out.update(_bulk_pairs(op))
            else:
                orphans.update(_column(op, _CHILD[table][0]))
            continue
        for row in (op.before, op.after):
            if row is None:
                continue
            if table in _LAYERED:
                pair = (row["layer"], row["document_id"])
                out.add(pair)
                if "id" in row:
                    parents[row["id"]] = pair
            else:
                orphans.add(row[_CHILD[table][0]])
    if parents:
        out.update(parents[i] for i in orphans if i in parents)
        orphans = {i for i in orphans if i not in parents}
    if orphans:
        out.update(conn.execute(
            "SELECT layer, document_id FROM spans WHERE id IN (SELECT value FROM json_each(?1)) UNION "
            "SELECT layer, document_id FROM stances WHERE id IN (SELECT value FROM json_each(?1))",
            (json.dumps(sorted(orphans, key=str)),)).fetchall())
    return out


def _column(op: Bulk, name: str) -> set[Any]:
    """The distinct values of column *name* of bulk rows (as stored: mapped where remapped)."""
    if name not in op.columns:
        return {op.same[name]}
    values = set(map(itemgetter(op.columns.index(name)), op.rows))
    mapped = op.remap.get(name)
    return {mapped.get(v, v) for v in values} if mapped else values


def _bulk_pairs(op: Bulk) -> set[tuple[Any, Any]]:
    if "layer" not in op.columns:
        (layer,) = _column(op, "layer")
        return {(layer, d) for d in _column(op, "document_id")}
    if "document_id" not in op.columns:
        (doc,) = _column(op, "document_id")
        return {(lay, doc) for lay in _column(op, "layer")}
    li, di = op.columns.index("layer"), op.columns.index("document_id")
    pairs = {(r[li], r[di]) for r in op.rows}
    dmap, lmap = op.remap.get("document_id", {}), op.remap.get("layer", {})
    return {(lmap.get(lay, lay), dmap.get(d, d)) for lay, d in pairs} if dmap or lmap else pairs


def record(conn: sqlite3.Connection, change: Change) -> None:
    """Journal *change* (inside its transaction): one row per (layer, document) it touched."""
    pairs = touched(conn, change)
    if len(pairs) == 1:
        conn.execute("INSERT OR REPLACE INTO change_journal (layer, document_id) VALUES (?, ?)", next(iter(pairs)))
    elif pairs:
        conn.executemany("INSERT OR REPLACE INTO change_journal (layer, document_id) VALUES (?, ?)", sorted(pairs))


def entries(conn: sqlite3.Connection, layer: str) -> dict[str, int]:
    """document id -> seq of *layer*'s last change of it, for every document the journal holds."""
    return dict(conn.execute("SELECT document_id, seq FROM change_journal WHERE layer=?", (layer,)))


def last_seq(conn: sqlite3.Connection) -> int:
    """The highest seq ever given (0 for none): a cursor above it belongs to another file."""
    row = conn.execute("SELECT seq FROM sqlite_sequence WHERE name='change_journal'").fetchone()
    return int(row[0]) if row else 0
