"""Server-side SQL of the sync (the team database's PostgreSQL, never a project file): reading a
table or a layer's rows, and pushing a layer in batches, each committed with its documents'
marks, so a sync cut off anywhere resumes where it stopped, with nothing lost or doubled.

Rows are tuples in ``store.teamsync.columns(table)`` order, as a project file holds them; the
server's claims and evidence carry their layer as one more column at the end.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, NamedTuple

from ...errors import JobCancelled
from ..teamsync import CHILD, EMPTY_DIGEST, LAYERED, Row, columns, digest
from .cursors import set_cursor
from .schema import ident

BATCH = 250   # documents per committed push batch
CHILD_IDS_MAX = 2000   # more parent ids than this: a layer's claims / evidence are read whole and filtered here


def select(conn: Any, table: str, where: str = "", params: tuple[Any, ...] | list[Any] = (), *,
           binary: bool = False) -> list[Row]:
    """*table*'s rows (``columns`` order) that *where* selects. *binary*: the values come in
    PostgreSQL's binary form (the same Python values; a pull's 50,000 spans of a layer read in
    0.10 s of CPU instead of 0.14 s in text, which is parsed per value)."""
    cols = ", ".join(f"t.{ident(c)}" for c in columns(table))
    with conn.cursor(binary=binary) as cur:
        rows: list[Row] = cur.execute(f"SELECT {cols} FROM {ident(table)} t {where}", params).fetchall()
    return rows


def copy_in(conn: Any, table: str, rows: list[Row], extra: tuple[str, ...] = ()) -> None:
    """Insert *rows* (columns, then *extra* columns' values appended to each row): COPY into a
    temporary table of the same shape, then one INSERT ... SELECT, because PostgreSQL refuses
    COPY into a table under row-level security, and the INSERT is where the policies' checks
    apply to every row."""
    if not rows:
        return
    cols = ", ".join(map(ident, (*columns(table), *extra)))
    temp = ident("isf_in_" + table)
    conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS {temp} (LIKE {ident(table)}) ON COMMIT DELETE ROWS")
    with conn.cursor() as cur, cur.copy(f"COPY {temp} ({cols}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    # one round trip (no parameters: the simple protocol takes both statements)
    conn.execute(f"INSERT INTO {ident(table)} ({cols}) SELECT {cols} FROM {temp}; DELETE FROM {temp}")


def upsert(conn: Any, table: str, key: tuple[str, ...], rows: list[Row]) -> None:
    if not rows:
        return
    cols = columns(table)
    names = ", ".join(map(ident, cols))
    sets = ", ".join(f"{ident(c)} = EXCLUDED.{ident(c)}" for c in cols if c not in key)
    conn.cursor().executemany(
        f"INSERT INTO {ident(table)} ({names}) VALUES ({', '.join(['%s'] * len(cols))}) "
        f"ON CONFLICT ({', '.join(map(ident, key))}) DO UPDATE SET {sets}", rows)


def mirror(conn: Any, table: str, key: tuple[str, ...], local: list[Row], where: str = "",
           params: Row = ()) -> int:
    """Make the server's *table* (the rows *where* selects) hold exactly *local*: changed and
    new rows upserted, rows the project no longer has deleted. Returns the rows written."""
    idx = [columns(table).index(k) for k in key]
    server = {tuple(r[i] for i in idx): tuple(r) for r in select(conn, table, where, params)}
    mine = {tuple(r[i] for i in idx): tuple(r) for r in local}
    changed = [r for k, r in mine.items() if server.get(k) != r]
    gone = [k for k in server if k not in mine]
    upsert(conn, table, key, changed)
    if gone:
        cond = " AND ".join(f"{ident(k)} = %s" for k in key)
        conn.cursor().executemany(f"DELETE FROM {ident(table)} WHERE {cond}", gone)
    return len(changed) + len(gone)


# ----------------------------------------------------------------------------- a layer
def marks(conn: Any, layer: str) -> dict[str, str]:
    """document id -> digest of *layer*'s rows the server holds (what was pushed last)."""
    return dict(conn.execute("SELECT document_id, digest FROM sync_marks WHERE layer = %s", (layer,)).fetchall())


def to_push(local: dict[str, dict[str, list[Row]]], server_marks: dict[str, str],
            only: list[str] | None = None) -> list[tuple[str, str]]:
    """(document id, digest) of the documents whose layer differs from what the server holds,
    in document id order (*only*: those documents, in that order); a document the layer no
    longer has rows in is pushed empty."""
    order = sorted(set(local) | set(server_marks)) if only is None else only
    out = []
    for doc in order:
        d = digest(local.get(doc, {}))
        if server_marks.get(doc, EMPTY_DIGEST) != d:
            out.append((doc, d))
    return out


def _delete_layer(conn: Any, layer: str, docs: list[str]) -> None:
    """Delete *layer*'s rows of *docs*: the layered tables' rows (returning the spans' and
    stances' ids), then their claims and evidence by those ids. No join: right after a layer's
    first push the server's statistics still say the layer is empty, and a join planned on that
    (claims x spans in a nested loop) took 14-40 s per batch of a 1,000-document push."""
    ids: dict[str, list[Any]] = {}
    parents = {parent for parent, _key in CHILD.values()}
    for table in LAYERED:
        sql = f"DELETE FROM {ident(table)} WHERE layer = %s AND document_id = ANY(%s)"
        if table in parents:
            ids[table] = [r[0] for r in conn.execute(sql + " RETURNING id", (layer, docs)).fetchall()]
        else:
            conn.execute(sql, (layer, docs))
    for table, (parent, key) in CHILD.items():
        if ids.get(parent):
            conn.execute(f"DELETE FROM {ident(table)} WHERE layer = %s AND {ident(key)} = ANY(%s)",
                         (layer, ids[parent]))


class Journaled(NamedTuple):
    """What the change journal says of a push: the candidates (document id -> seq, all past the
    server's cursor), the working copy, the seq to acknowledge once they are sent, and whether
    the server keeps cursors and copies (server schema 2)."""
    candidates: dict[str, int]
    copy: str
    final: int
    with_cursor: bool


def send_batch(conn: Any, layer: str, local: dict[str, dict[str, list[Row]]], part: list[tuple[str, str]], *,
               with_provenance: bool = False, had: set[str] | None = None,
               cursor: tuple[str, int] | None = None) -> int:
    """One committed batch: *part*'s documents (id, digest) get *local*'s rows of *layer* in
    place of the server's, and their marks; with *cursor* (copy, seq) the marks name the copy
    and the copy's cursor moves to seq, in the same transaction. *had*: the documents the
    server holds rows of (its marks), when known: the others have nothing to delete. Returns
    the rows written."""
    docs = [d for d, _ in part]
    gone = docs if had is None else [d for d in docs if d in had]
    if gone:
        _delete_layer(conn, layer, gone)
        if with_provenance:
            conn.execute("DELETE FROM provenance WHERE document_id = ANY(%s)", (gone,))
    written = 0
    for table in (*LAYERED, *CHILD, *(("provenance",) if with_provenance else ())):
        rows = [r for d in docs for r in local.get(d, {}).get(table, [])]
        copy_in(conn, table, [(*r, layer) for r in rows] if table in CHILD else rows,
                ("layer",) if table in CHILD else ())
        written += len(rows)
    if cursor is not None:
        if part:
            conn.cursor().executemany(
                "INSERT INTO sync_marks (layer, document_id, digest, at, copy) VALUES (%s, %s, %s, now(), %s) "
                "ON CONFLICT (layer, document_id) DO UPDATE SET digest = EXCLUDED.digest, at = now(), "
                "copy = EXCLUDED.copy", [(layer, d, dg, cursor[0]) for d, dg in part])
        set_cursor(conn, layer, *cursor)
    elif part:
        conn.cursor().executemany(
            "INSERT INTO sync_marks (layer, document_id, digest, at) VALUES (%s, %s, %s, now()) "
            "ON CONFLICT (layer, document_id) DO UPDATE SET digest = EXCLUDED.digest, at = now()",
            [(layer, d, dg) for d, dg in part])
    conn.commit()
    return written


def push_layer(conn: Any, layer: str, local: dict[str, dict[str, list[Row]]], *, with_provenance: bool = False,
               progress: Callable[[int, int], None] | None = None, cancel: Callable[[], bool] | None = None,
               batch: int = BATCH, server_marks: dict[str, str] | None = None) -> tuple[int, int]:
    """Push *layer*'s changed documents (*local*: ``store.teamsync.layer_rows``, compared by
    digest with *server_marks*, read when not given), BATCH documents per committed transaction
    (``send_batch``). Returns (documents pushed, rows written). *conn* is not in autocommit;
    *cancel* is asked between batches (what was committed stays). The annotator's push goes
    through the change journal instead (``teamdb.journaled``)."""
    if server_marks is None:
        server_marks = marks(conn, layer)
    todo = to_push(local, server_marks)
    conn.commit()
    rows_written = 0
    for start in range(0, len(todo), batch):
        if cancel is not None and cancel():
            raise JobCancelled(f"sync cancelled after {start} of {len(todo)} documents; sync again to send the rest")
        if progress is not None:
            progress(start, len(todo))
        rows_written += send_batch(conn, layer, local, todo[start:start + batch], with_provenance=with_provenance)
    if progress is not None:
        progress(len(todo), len(todo))
    return len(todo), rows_written


# A list of ids sent as one JSON text and unpacked by the server (an initplan: still an index
# condition): psycopg's dump of a Python list as an array checks every element with a regular
# expression, 0.13 s for a layer's 50,000 span ids.
_ANY_JSON = "ANY(ARRAY(SELECT json_array_elements_text(%s::json)))"


def fetch_layers(conn: Any, wanted: dict[str, list[str]]) -> dict[str, dict[str, list[Row]]]:
    """Every layer's rows of its documents in *wanted* (layer -> document ids) as the server
    holds them: layer -> table -> rows (``columns`` order). No joins: each layered table is read
    by (layer, document ids), claims and evidence by the ids of the spans and stances just read.
    Right after the annotators' pushes the server's statistics still say their layers are
    empty, and a join planned on that (claims x spans x the documents) ran for minutes; a
    single-table read by key is linear whatever the statistics say."""
    out: dict[str, dict[str, list[Row]]] = {}
    for layer, docs in wanted.items():
        got: dict[str, list[Row]] = {}
        for table in LAYERED:
            got[table] = select(conn, table, f"WHERE t.layer = %s AND t.document_id = {_ANY_JSON}",
                                (layer, json.dumps(docs)), binary=True) if docs else []
        for table, (parent, key) in CHILD.items():
            ids = [r[0] for r in got[parent]]   # ``id`` is the parents' first column
            if len(ids) > CHILD_IDS_MAX:
                # the layer's rows whole, kept by their parent: a probe of the key index per id
                # costs more than reading the layer's few claims or evidence rows (50,000 span ids:
                # 0.15-0.2 s against 0.003 s on this machine)
                at, wanted_ids = columns(table).index(key), set(ids)
                got[table] = [r for r in select(conn, table, "WHERE t.layer = %s", (layer,), binary=True)
                              if r[at] in wanted_ids]
            else:
                got[table] = select(conn, table, f"WHERE t.layer = %s AND t.{ident(key)} = {_ANY_JSON}",
                                    (layer, json.dumps(ids)), binary=True) if ids else []
        out[layer] = got
    return out


def info(conn: Any) -> dict[str, str]:
    return dict(conn.execute("SELECT key, value FROM team_info").fetchall())
