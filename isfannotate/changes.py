"""Change records and undo/redo, in the core (STYLE.md: Anki's operations).

Every user action runs inside ``Recorder``: each row it inserts, updates or deletes is logged
as an ``Op`` with the row before and after. The action's ``Change`` is what the UI repaints
from, and undo applies the inverse ops in one transaction. Dependent rows are written
explicitly by the actions (never left to ON DELETE CASCADE), so the log is complete.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, NamedTuple

# The primary key columns of every table an action may touch.
PRIMARY_KEYS: dict[str, tuple[str, ...]] = {
    "documents": ("id",),
    "spans": ("id",),
    "claims": ("span_id",),
    "stances": ("id",),
    "stance_evidence": ("stance_id", "span_id"),
    "relations": ("id",),
    "doc_status": ("document_id", "layer"),
    "doc_labels": ("document_id", "layer", "key"),
    "notes": ("document_id", "layer"),
    "actors": ("id",),
    "targets": ("id",),
    "registry_log": ("seq",),
    "provenance": ("item_id",),
    "suggestion_decisions": ("document_id", "layer", "start", "end", "actor_id"),
    "annotators": ("name",),
    "project_info": ("key",),
    "assignments": ("document_id", "annotator"),
    "merge_ids": ("annotator", "kind", "file_id"),
    "merge_digests": ("annotator", "document_id"),
    "merge_conflicts": ("id",),
    "decisions": ("unit_key",),
    "guideline_examples": ("id",),
}


def _q(name: str) -> str:
    return '"' + name + '"'


class Op(NamedTuple):
    """One row written by an action: *before* None for an insert, *after* None for a delete.
    (A named tuple: bulk actions log hundreds of thousands of them.)"""
    table: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    @property
    def kind(self) -> str:
        if self.before is None:
            return "insert"
        if self.after is None:
            return "delete"
        return "update"

    def key(self) -> tuple:
        row = self.after if self.after is not None else self.before
        return tuple(row[c] for c in PRIMARY_KEYS[self.table])


@dataclass
class Change:
    """What one action did: its name, where, and the row-level ops, in order."""
    action: str
    document_id: str | None
    layer: str | None
    ops: list[Op] = field(default_factory=list)
    description: str = ""

    def rows(self, table: str) -> list[Op]:
        return [op for op in self.ops if op.table == table]

    def touched_ids(self, table: str) -> set:
        return {op.key()[0] for op in self.ops if op.table == table}


class Recorder:
    """Writes rows on *conn* and logs each as an Op. Used only inside an open transaction."""

    def __init__(self, conn: sqlite3.Connection, change: Change):
        self.conn = conn
        self.change = change

    def _fetch(self, table: str, key: tuple) -> dict[str, Any] | None:
        cols = PRIMARY_KEYS[table]
        where = " AND ".join(f"{_q(c)} = ?" for c in cols)
        cur = self.conn.execute(f"SELECT * FROM {_q(table)} WHERE {where}", key)
        row = cur.fetchone()
        if row is None:
            return None
        return dict(zip([d[0] for d in cur.description], row))

    def insert(self, table: str, row: dict[str, Any]) -> dict[str, Any]:
        cols = list(row)
        cur = self.conn.execute(
            f"INSERT INTO {_q(table)} ({', '.join(map(_q, cols))}) VALUES ({', '.join('?' * len(cols))})",
            [row[c] for c in cols])
        if table == "registry_log" and "seq" not in row:
            row = {**row, "seq": cur.lastrowid}
        full = self._fetch(table, tuple(row[c] for c in PRIMARY_KEYS[table]))
        self.change.ops.append(Op(table, None, full))
        return full

    def insert_many(self, table: str, rows: list[dict[str, Any]]) -> None:
        """Insert complete rows in one ``executemany`` (bulk work: imports); each is logged as
        given, without reading it back, so every row must name all the columns it sets."""
        if not rows:
            return
        cols = list(rows[0])
        values = itemgetter(*cols) if len(cols) > 1 else (lambda row: (row[cols[0]],))
        self.conn.executemany(
            f"INSERT INTO {_q(table)} ({', '.join(map(_q, cols))}) VALUES ({', '.join('?' * len(cols))})",
            map(values, rows))
        new = tuple.__new__   # the named tuple's own __new__ is a Python call; this is one C call per row
        self.change.ops.extend(new(Op, (table, None, row)) for row in rows)

    def delete_where(self, table: str, where: str, params: tuple | list) -> int:
        """Delete the rows matching *where* in one statement, each logged with its full content
        (read just before, in the same transaction); returns the count."""
        cur = self.conn.execute(f"SELECT * FROM {_q(table)} WHERE {where}", params)
        names = [d[0] for d in cur.description]
        rows = [dict(zip(names, r)) for r in cur.fetchall()]
        if rows:
            self.conn.execute(f"DELETE FROM {_q(table)} WHERE {where}", params)
            self.change.ops.extend(Op(table, row, None) for row in rows)
        return len(rows)

    def update(self, table: str, key: tuple, values: dict[str, Any]) -> dict[str, Any]:
        before = self._fetch(table, key)
        if before is None:
            raise KeyError(f"{table} {key} does not exist")
        if all(before.get(k) == v for k, v in values.items()):
            return before
        sets = ", ".join(f"{_q(c)} = ?" for c in values)
        where = " AND ".join(f"{_q(c)} = ?" for c in PRIMARY_KEYS[table])
        self.conn.execute(f"UPDATE {_q(table)} SET {sets} WHERE {where}", [*values.values(), *key])
        after = {**before, **values}
        self.change.ops.append(Op(table, before, after))
        return after

    def delete(self, table: str, key: tuple) -> dict[str, Any] | None:
        before = self._fetch(table, key)
        if before is None:
            return None
        where = " AND ".join(f"{_q(c)} = ?" for c in PRIMARY_KEYS[table])
        self.conn.execute(f"DELETE FROM {_q(table)} WHERE {where}", key)
        self.change.ops.append(Op(table, before, None))
        return before

    def upsert(self, table: str, row: dict[str, Any]) -> dict[str, Any]:
        key = tuple(row[c] for c in PRIMARY_KEYS[table])
        if self._fetch(table, key) is None:
            return self.insert(table, row)
        return self.update(table, key, {k: v for k, v in row.items() if k not in PRIMARY_KEYS[table]})


def _write_row(conn: sqlite3.Connection, table: str, row: dict[str, Any] | None, other: dict[str, Any] | None) -> None:
    """Make the stored row equal to *row* (None: absent), where it is currently *other*."""
    cols = PRIMARY_KEYS[table]
    ref = row if row is not None else other
    key = [ref[c] for c in cols]
    where = " AND ".join(f"{_q(c)} = ?" for c in cols)
    if row is None:
        conn.execute(f"DELETE FROM {_q(table)} WHERE {where}", key)
    elif other is None:
        names = list(row)
        conn.execute(f"INSERT INTO {_q(table)} ({', '.join(map(_q, names))}) VALUES ({', '.join('?' * len(names))})",
                     [row[c] for c in names])
    else:
        names = [c for c in row if c not in cols]
        conn.execute(f"UPDATE {_q(table)} SET {', '.join(f'{_q(c)} = ?' for c in names)} WHERE {where}",
                     [row[c] for c in names] + key)


def inverse(change: Change) -> Change:
    """The change that undoes *change*: its ops reversed, before and after swapped.
    The registry log is append-only, so its rows are kept (undo adds its own log entry)."""
    ops = [Op(op.table, op.after, op.before) for op in reversed(change.ops) if op.table != "registry_log"]
    return Change(f"undo {change.action}", change.document_id, change.layer, ops, change.description)


def replay(conn: sqlite3.Connection, change: Change) -> None:
    """Apply *change*'s ops (already inside a transaction)."""
    for op in change.ops:
        _write_row(conn, op.table, op.after, op.before)
