"""A layer's push cursors and marks per working copy on the server (``sync_cursors``, the
``copy`` column of ``sync_marks``): the last change journal seq the server acknowledged from a
working copy, and which copy pushed each document's rows. A team database of server schema 1
has neither: every function then answers as for a copy that never pushed."""
from __future__ import annotations

from typing import Any


def has_cursors(conn: Any) -> bool:
    return conn.execute("SELECT to_regclass('sync_cursors')").fetchone()[0] is not None


def cursor(conn: Any, layer: str, copy: str) -> int | None:
    """The seq the server acknowledged for *layer* from the working copy *copy* (None: never)."""
    if not has_cursors(conn):
        return None
    row = conn.execute("SELECT seq FROM sync_cursors WHERE layer = %s AND copy = %s", (layer, copy)).fetchone()
    return int(row[0]) if row else None


def set_cursor(conn: Any, layer: str, copy: str, seq: int) -> None:
    """Acknowledge *seq* for (*layer*, *copy*): run in the transaction of the rows it covers."""
    conn.execute("INSERT INTO sync_cursors (layer, copy, seq, at) VALUES (%s, %s, %s, now()) "
                 "ON CONFLICT (layer, copy) DO UPDATE SET seq = EXCLUDED.seq, at = now()", (layer, copy, seq))


def marks_by_copy(conn: Any, layer: str, with_copy: bool) -> dict[str, tuple[str, str | None]]:
    """document id -> (digest, the copy that pushed it, or None) of *layer* on the server."""
    sql = "SELECT document_id, digest, copy FROM sync_marks WHERE layer = %s" if with_copy else \
        "SELECT document_id, digest, NULL FROM sync_marks WHERE layer = %s"
    return {d: (dg, cp) for d, dg, cp in conn.execute(sql, (layer,)).fetchall()}


def claim_marks(conn: Any, layer: str, copy: str, docs: list[str]) -> None:
    """Say that *copy* holds what the server holds of *docs* (it compared or pulled them)."""
    if docs:
        conn.execute("UPDATE sync_marks SET copy = %s WHERE layer = %s AND document_id = ANY(%s)", (copy, layer, docs))
