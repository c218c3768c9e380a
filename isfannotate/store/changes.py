"""Change records and undo/redo, in the core (docs/architecture.md, "The action and the change record").

Every user action runs inside ``Recorder``: each row it inserts, updates or deletes is logged
as an ``Op`` with the row before and after. The action's ``Change`` is what the UI repaints
from, and undo applies the inverse ops in one transaction. Dependent rows are written
explicitly by the actions (never left to ON DELETE CASCADE), so the log is complete.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from operator import itemgetter
from typing import Any, NamedTuple, cast

# A row as SQLite gives it (column -> value) and a primary key's values: the driver's values are untyped.
Row = dict[str, Any]
Key = tuple[Any, ...]

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
    "models": ("version",),
    "suggestion_log": ("id",),
}


def _q(name: str) -> str:
    return '"' + name + '"'


def _text_literal(value: str) -> str:
    """An SQL string literal for *value* (quotes doubled; text only)."""
    if not isinstance(value, str) or "\x00" in value:
        raise TypeError(f"not a text value for an SQL literal: {value!r}")
    return "'" + value.replace("'", "''") + "'"


def _insert_sql(table: str, cols: list[str]) -> str:
    return f"INSERT INTO {_q(table)} ({', '.join(map(_q, cols))}) VALUES ({', '.join('?' * len(cols))})"


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

    def key(self) -> Key:
        row = self.after if self.after is not None else self.before
        if row is None:
            raise ValueError(f"an op on {self.table} without a row before or after")
        return tuple(row[c] for c in PRIMARY_KEYS[self.table])


class Bulk(NamedTuple):
    """Rows one statement inserted, kept as tuples (plus the values every row shares, and the
    columns whose values were mapped on the way in: column -> {value: stored value}); they
    become Ops (a dict each) only when the change's ops are read."""
    table: str
    columns: tuple[str, ...]
    rows: list[Key]
    same: Row
    remap: dict[str, dict[Any, Any]]

    def ops(self) -> Iterator[Op]:
        new = tuple.__new__   # one C call per row, not the named tuple's Python __new__
        cols, same, table = self.columns, self.same, self.table
        if not self.remap:
            return (new(Op, (table, None, {**same, **dict(zip(cols, row, strict=True))})) for row in self.rows)
        remap = [(cols.index(c), m) for c, m in self.remap.items()]

        def mapped(row: Key) -> Row:
            values = list(row)
            for i, m in remap:
                values[i] = m.get(values[i], values[i])
            return {**same, **dict(zip(cols, values, strict=True))}
        return (new(Op, (table, None, mapped(row))) for row in self.rows)


class Change:
    """What one action did: its name, where, and the row-level ops, in order.

    Bulk inserts (a merge's 150,000 spans) are held as their tuples and turned into Ops the
    first time ``ops`` is read: undo, a repaint, a listener. The action itself never needs them
    (``size`` counts without building them), so the merge does not pay for a dict per row."""

    __slots__ = ("action", "document_id", "layer", "description", "_ops", "_bulk", "_extra", "scanned")

    def __init__(self, action: str, document_id: str | None, layer: str | None, ops: list[Op] | None = None,
                 description: str = ""):
        self.action = action
        self.document_id = document_id
        self.layer = layer
        self.description = description
        self._ops: list[Op | Bulk] = list(ops) if ops else []
        self._bulk = False
        self._extra = 0   # the bulk entries' rows beyond one each: size is len(_ops) + _extra
        self.scanned: Any = None   # the change journal's scan of its first ops, made ahead (``journal.scan``)

    def __repr__(self) -> str:
        return f"Change({self.action!r}, {self.document_id!r}, {self.layer!r}, {self.size} ops)"

    @property
    def ops(self) -> list[Op]:
        if self._bulk:
            expanded: list[Op] = []
            for op in self._ops:
                if isinstance(op, Bulk):
                    expanded.extend(op.ops())
                else:
                    expanded.append(op)
            self._ops[:] = expanded
            self._bulk = False
            self._extra = 0
        return cast("list[Op]", self._ops)   # no Bulk is left once expanded

    @property
    def size(self) -> int:
        """How many rows the change wrote (without building bulk rows' Ops, nor going through
        the ops: a merge logs tens of thousands and asks several times)."""
        return len(self._ops) + self._extra if self._bulk else len(self._ops)

    @property
    def wrote(self) -> bool:
        """Whether the change wrote any row (``size`` > 0, without counting every op)."""
        return any(type(op) is not Bulk or op.rows for op in self._ops)

    def _truncate(self, n: int) -> None:
        """Forget every op after the first *n* (their rows were rolled back)."""
        del self._ops[n:]
        self._extra = sum(len(op.rows) - 1 for op in self._ops if type(op) is Bulk)
        self._bulk = any(type(op) is Bulk for op in self._ops)

    def add_bulk(self, table: str, columns: tuple[str, ...], rows: list[Key], same: Row,
                 remap: dict[str, dict[Any, Any]] | None = None) -> None:
        self._ops.append(Bulk(table, columns, rows, same, remap or {}))
        self._extra += len(rows) - 1
        self._bulk = True

    def parts(self) -> list[Op | Bulk]:
        """The ops as logged: bulk rows still tuples (for readers that must not build a dict per row)."""
        return list(self._ops)

    def rows(self, table: str) -> list[Op]:
        return [op for op in self.ops if op.table == table]

    def touched_ids(self, table: str) -> set[Any]:
        return {op.key()[0] for op in self.ops if op.table == table}


class Recorder:
    """Writes rows on *conn* and logs each as an Op. Used only inside an open transaction."""

    def __init__(self, conn: sqlite3.Connection, change: Change):
        self.conn = conn
        self.change = change

    def _fetch(self, table: str, key: Key) -> Row | None:
        cols = PRIMARY_KEYS[table]
        where = " AND ".join(f"{_q(c)} = ?" for c in cols)
        cur = self.conn.execute(f"SELECT * FROM {_q(table)} WHERE {where}", key)
        row = cur.fetchone()
        if row is None:
            return None
        return dict(zip([d[0] for d in cur.description], row, strict=True))

    def insert(self, table: str, row: dict[str, Any]) -> dict[str, Any]:
        cols = list(row)
        cur = self.conn.execute(
            f"INSERT INTO {_q(table)} ({', '.join(map(_q, cols))}) VALUES ({', '.join('?' * len(cols))})",
            [row[c] for c in cols])
        if table == "registry_log" and "seq" not in row:
            row = {**row, "seq": cur.lastrowid}
        full = self._fetch(table, tuple(row[c] for c in PRIMARY_KEYS[table]))
        if full is None:   # a trigger or a key the statement did not set: refuse to log a wrong undo
            raise RuntimeError(f"{table}: the row just inserted cannot be read back by its key")
        self.change._ops.append(Op(table, None, full))
        return full

    def insert_many(self, table: str, rows: list[dict[str, Any]]) -> None:
        """Insert complete rows in one ``executemany`` (bulk work: imports); each is logged as
        given, without reading it back, so every row must name all the columns it sets."""
        if not rows:
            return
        cols = list(rows[0])
        values = itemgetter(*cols) if len(cols) > 1 else (lambda row: (row[cols[0]],))
        self.conn.executemany(_insert_sql(table, cols), map(values, rows))
        new = tuple.__new__   # the named tuple's own __new__ is a Python call; this is one C call per row
        self.change._ops.extend(new(Op, (table, None, row)) for row in rows)

    def insert_tuples(self, table: str, columns: tuple[str, ...], rows: list[Key],
                      same: dict[str, str] | None = None, *, key_order: bool = True) -> None:
        """``insert_many`` for rows that are already tuples in *columns* order (the bulkiest work,
        a merge's spans, never builds a dict). *same* holds text values every row shares (a
        layer, an author): they are written into the statement, not bound once per row. The rows
        are logged in bulk and become Ops (a dict each) only when the change's ops are read.
        *key_order* False keeps the rows' own order (documents: their import order)."""
        if not rows:
            return
        if key_order and columns[0] == "id" and len(rows) > 1:
            # the primary key's index written in key order touches each of its pages once: 500,000
            # spans with random ids went in in 4.9 s CPU in the merge's order, 3.3 s sorted
            try:
                rows = sorted(rows, key=itemgetter(0))
            except TypeError:   # ids of mixed types (the table's checks refuse them below)
                pass
        same = dict(same or {})
        names = [*columns, *same]
        values = ["?"] * len(columns) + [_text_literal(v) for v in same.values()]
        self.conn.executemany(f"INSERT INTO {_q(table)} ({', '.join(map(_q, names))}) VALUES ({', '.join(values)})",
                              rows)
        self.change.add_bulk(table, columns, rows, same)

    def insert_select(self, table: str, sql: str, params: Row | Key, columns: tuple[str, ...], rows: list[Key],
                      same: Row, remap: dict[str, dict[Any, Any]]) -> None:
        """Run *sql*, an ``INSERT INTO table ... SELECT`` that copies rows from another database
        inside SQLite (no Python per row), and log what it inserted: *rows* (tuples in *columns*
        order, as read from the source), *same* (values every row got) and *remap* (column ->
        {source value: stored value}). The statement must insert exactly those rows: the count is
        checked, and a mismatch raises (rolling the action back) rather than log a wrong undo."""
        cur = self.conn.execute(sql, params)
        if cur.rowcount != len(rows):
            raise RuntimeError(f"{table}: the copy inserted {cur.rowcount} rows where {len(rows)} were read")
        self.change.add_bulk(table, columns, rows, same, remap)

    @contextmanager
    def attempt(self) -> Iterator[None]:
        """A nested try inside the action: when the block raises, the rows it wrote are rolled
        back (an SQL savepoint) and dropped from the change record, and the error propagates."""
        mark = len(self.change._ops)
        self.conn.execute("SAVEPOINT attempt")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK TO attempt")
            self.conn.execute("RELEASE attempt")
            self.change._truncate(mark)
            raise
        self.conn.execute("RELEASE attempt")

    def delete_where(self, table: str, where: str, params: Key | list[Any]) -> int:
        """Delete the rows matching *where* in one statement, each logged with its full content
        (read just before, in the same transaction); returns the count."""
        cur = self.conn.execute(f"SELECT * FROM {_q(table)} WHERE {where}", params)
        names = [d[0] for d in cur.description]
        rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
        if rows:
            self.conn.execute(f"DELETE FROM {_q(table)} WHERE {where}", params)
            self.change._ops.extend(Op(table, row, None) for row in rows)
        return len(rows)

    def update(self, table: str, key: Key, values: dict[str, Any]) -> dict[str, Any]:
        before = self._fetch(table, key)
        if before is None:
            raise KeyError(f"{table} {key} does not exist")
        if all(before.get(k) == v for k, v in values.items()):
            return before
        sets = ", ".join(f"{_q(c)} = ?" for c in values)
        where = " AND ".join(f"{_q(c)} = ?" for c in PRIMARY_KEYS[table])
        self.conn.execute(f"UPDATE {_q(table)} SET {sets} WHERE {where}", [*values.values(), *key])
        after = {**before, **values}
        self.change._ops.append(Op(table, before, after))
        return after

    def delete(self, table: str, key: Key) -> dict[str, Any] | None:
        before = self._fetch(table, key)
        if before is None:
            return None
        where = " AND ".join(f"{_q(c)} = ?" for c in PRIMARY_KEYS[table])
        self.conn.execute(f"DELETE FROM {_q(table)} WHERE {where}", key)
        self.change._ops.append(Op(table, before, None))
        return before

    def set_column(self, table: str, column: str, changes: list[tuple[Any, Any, Any]]) -> None:
        """Set one *column* of many rows of a table keyed by one column, in one ``executemany``:
        *changes* are (key, value before, value after). Each is logged as a partial row (the key
        and the column), so nothing else is read back (a document's text stays unread); undo
        writes the value before."""
        (key,) = PRIMARY_KEYS[table]
        if not changes:
            return
        self.conn.executemany(f"UPDATE {_q(table)} SET {_q(column)} = ? WHERE {_q(key)} = ?",
                              [(after, k) for k, _, after in changes])
        self.change._ops.extend(Op(table, {key: k, column: before}, {key: k, column: after})
                                for k, before, after in changes)

    def upsert(self, table: str, row: dict[str, Any]) -> dict[str, Any]:
        key = tuple(row[c] for c in PRIMARY_KEYS[table])
        if self._fetch(table, key) is None:
            return self.insert(table, row)
        return self.update(table, key, {k: v for k, v in row.items() if k not in PRIMARY_KEYS[table]})


def _write_row(conn: sqlite3.Connection, table: str, row: dict[str, Any] | None, other: dict[str, Any] | None) -> None:
    """Make the stored row equal to *row* (None: absent), where it is currently *other*."""
    cols = PRIMARY_KEYS[table]
    ref = row if row is not None else other
    if ref is None:
        raise ValueError(f"an op on {table} without a row before or after")
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
