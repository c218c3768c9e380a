"""What the team database's sync reads of a local project (``isfannotate.teamdb``): the tables'
columns as our migrations define them (the server's tables are built from the same model), a
layer's rows grouped by document with a digest each (what changed since the last push), and the
rows the lead sends (documents, registry, assignments, guideline examples, decisions).

Every function takes a connection of ``store.snapshot()`` (or an action's ``rec.conn``).
"""
from __future__ import annotations

import functools
import hashlib
import json
import sqlite3
from itertools import groupby
from operator import itemgetter
from typing import Any

from . import schema

Row = tuple[Any, ...]   # a table's row, in ``columns(table)`` order

# Tables whose rows belong to a layer (``layer`` column), and those that belong to a row of one
# (a claim to its span, evidence to its stance): the server gives the latter a layer column too.
LAYERED = ("spans", "stances", "relations", "doc_status", "doc_labels")
CHILD = {"claims": ("spans", "span_id"), "stance_evidence": ("stances", "stance_id")}
LAYER_TABLES = (*LAYERED, *CHILD)
# What the lead shares besides the layers.
SHARED = ("documents", "actors", "targets", "guideline_examples", "assignments", "decisions", "provenance")
# The local ``project_info`` keys of the team database.
LINK_KEY = "team_link"        # {"dsn": without password, "role": "annotator"|"lead", "annotator": name}
PULLED_KEY = "team_pulled"    # the lead's: {annotator: {document id: digest merged}}


@functools.lru_cache(maxsize=1)
def reference_columns() -> dict[str, tuple[tuple[str, str, bool, int], ...]]:
    """table -> ((column, declared type, not null, primary key position), ...) of a project of
    this version, from the migrations run on an in-memory database."""
    conn = sqlite3.connect(":memory:")
    try:
        db = schema._PlainDatabase(conn)
        for migration in schema.MIGRATIONS:
            migration(db)
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' "
                                             "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        return {t: tuple((r[1], (r[2] or "TEXT").upper(), bool(r[3]), int(r[5]))
                         for r in conn.execute(f'PRAGMA table_info("{t}")')) for t in tables}
    finally:
        conn.close()


def columns(table: str) -> tuple[str, ...]:
    return tuple(c[0] for c in reference_columns()[table])


def _q(name: str) -> str:
    return '"' + name + '"'


def _select(table: str, alias: str = "t") -> str:
    return ", ".join(f"{alias}.{_q(c)}" for c in columns(table))


def layer_rows(conn: sqlite3.Connection, layer: str, documents: list[str] | None = None
               ) -> dict[str, dict[str, list[Row]]]:
    """*layer*'s rows per document: {document id: {table: [row tuple in ``columns(table)``
    order, ...]}} for every table of ``LAYER_TABLES`` (and ``provenance`` of the layer's items,
    which the lead shares with gold), in every document or in *documents* only. Rows come
    ordered by document and are grouped as read."""
    out: dict[str, dict[str, list[Row]]] = {}
    only = "" if documents is None else " AND {} IN (SELECT value FROM json_each(?))"
    extra: Row = () if documents is None else (json.dumps(documents),)
    for table in LAYERED:
        at = columns(table).index("document_id")
        cur = conn.execute(f"SELECT {_select(table)} FROM {_q(table)} t WHERE t.layer=?"
                           f"{only.format('t.document_id')} ORDER BY t.document_id", (layer, *extra))
        for doc, rows in groupby(cur, itemgetter(at)):
            out.setdefault(doc, {})[table] = list(rows)
    for table, (parent, key) in CHILD.items():
        cur = conn.execute(f"SELECT p.document_id, {_select(table)} FROM {_q(table)} t JOIN {parent} p "
                           f"ON p.id = t.{key} WHERE p.layer=?{only.format('p.document_id')} ORDER BY p.document_id",
                           (layer, *extra))
        for doc, rows in groupby(cur, itemgetter(0)):
            out.setdefault(doc, {})[table] = [r[1:] for r in rows]
    cur = conn.execute(f"SELECT {_select('provenance')} FROM provenance t WHERE t.item_id IN "
                       "(SELECT id FROM spans WHERE layer=? UNION SELECT id FROM stances WHERE layer=?)"
                       f"{only.format('t.document_id')} ORDER BY t.document_id", (layer, layer, *extra))
    for doc, rows in groupby(cur, itemgetter(columns("provenance").index("document_id"))):
        out.setdefault(doc, {})["provenance"] = list(rows)
    return out


def layer_rows_in_slices(store: Any, layer: str, size: int = 250) -> dict[str, dict[str, list[Row]]]:
    """``layer_rows`` of every document, read *size* documents per ``store.snapshot()``: the
    guard is held for a slice at a time, so an action of the app (a key press) waits for one
    slice at most, never for the whole layer. Each document's rows come from one snapshot."""
    with store.snapshot() as conn:
        docs = [r[0] for r in conn.execute("SELECT id FROM documents ORDER BY id")]
    out: dict[str, dict[str, list[Row]]] = {}
    for start in range(0, len(docs), size):
        with store.snapshot() as conn:
            out.update(layer_rows(conn, layer, docs[start:start + size]))
    return out


def digest(rows: dict[str, list[Row]]) -> str:
    """A digest of one document's rows of a layer (order-free): equal digests, equal rows."""
    h = hashlib.sha256()
    for table in sorted(t for t in rows if rows[t]):   # a table without rows is no rows
        h.update(table.encode())
        for r in sorted(map(repr, rows[table])):
            h.update(b"\x1e")
            h.update(r.encode("utf-8", "surrogatepass"))
        h.update(b"\x1d")
    return h.hexdigest()


EMPTY_DIGEST = digest({})


def table_rows(conn: sqlite3.Connection, table: str, where: str = "", params: Row = ()) -> list[Row]:
    """Every row of *table* (in ``columns(table)`` order), optionally filtered."""
    return conn.execute(f"SELECT {_select(table)} FROM {_q(table)} t {where}", params).fetchall()


def document_ids(conn: sqlite3.Connection) -> dict[str, str]:
    """document id -> SHA-256 of its text, for every document."""
    return dict(conn.execute("SELECT id, sha256 FROM documents"))


def documents_by_id(conn: sqlite3.Connection, ids: list[str]) -> list[Row]:
    """The documents *ids* (whole rows, text included), in import order."""
    return conn.execute(f"SELECT {_select('documents')} FROM documents t WHERE t.id IN "
                        "(SELECT value FROM json_each(?)) ORDER BY t.seq", (json.dumps(ids),)).fetchall()


def project_value(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM project_info WHERE key=?", (key,)).fetchone()
    return row[0] if row else None


def project_json(conn: sqlite3.Connection, key: str, default: Any) -> Any:
    raw = project_value(conn, key)
    try:
        return json.loads(raw) if raw is not None else default
    except ValueError:
        return default


def max_seq(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT coalesce(max(seq), 0) FROM documents").fetchone()[0])


def annotator_names(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute("SELECT name FROM annotators ORDER BY name")]


def annotator_assignments(conn: sqlite3.Connection, annotator: str) -> set[str]:
    return {r[0] for r in conn.execute("SELECT document_id FROM assignments WHERE annotator=?", (annotator,))}
