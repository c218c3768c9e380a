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


class Scan:
    """What ``scan`` found in a change's first *n* parts (*last*: the n-th part, to know them
    again): the (layer, document) pairs of its layer rows, its layer rows' ids, and the ids of
    the child rows' parents not among them."""

    __slots__ = ("n", "last", "pairs", "parents", "orphans")

    def __init__(self) -> None:
        self.n = 0
        self.last: object = None
        self.pairs: set[tuple[Any, Any]] = set()
        self.parents: dict[Any, tuple[Any, Any]] = {}
        self.orphans: set[Any] = set()


def scan(change: Change, found: Scan | None = None) -> Scan:
    """The part of ``touched`` that reads only the change's rows as logged (no connection): for a
    bulk write, made in a thread beside SQLite's work and handed to the change
    (``Change.scanned``); *found*: a scan of the parts before, continued over those logged since."""
    parts = change.parts()
    if found is None or found.n > len(parts) or (found.n and parts[found.n - 1] is not found.last):
        found = Scan()   # none yet, or the parts changed since (rolled back, expanded): from the start
    out, parents, orphans = found.pairs, found.parents, found.orphans
    for op in parts[found.n:]:
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
    found.n, found.last = len(parts), parts[-1] if parts else None
    return found


def scan_ahead(change: Change) -> Scan:
    """``scan``, and the parents it found of child rows (a claim's span) that are rows the change
    inserted in bulk taken off its orphans: such a row's (layer, document) is among the pairs
    already (a later op moving it would add its own), so the journal need not look it up in the
    table (20,000 claims of a lead's pull: 0.14 s on the connection, made here in a thread)."""
    found = scan(change)
    if found.orphans:
        for op in change.parts()[:found.n]:
            if type(op) is Bulk and op.table in _LAYERED and "id" in op.columns and "id" not in op.remap:
                found.orphans.difference_update(map(itemgetter(op.columns.index("id")), op.rows))
    return found


def touched(conn: sqlite3.Connection, change: Change) -> set[tuple[str, str]]:
    """(layer, document id) of every layer row *change* wrote, its rows read as logged (bulk
    rows stay tuples); claims, evidence and provenance by their span's or stance's row (a row the
    change logged, else as stored now: a bulk insert's spans are in the table by then). A scan
    made ahead (``Change.scanned``) is taken for the parts it covers."""
    found = scan(change, change.scanned)
    change.scanned = None   # (used once: not kept on the undo stack)
    out: set[tuple[Any, Any]] = found.pairs
    parents, orphans = found.parents, found.orphans
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
