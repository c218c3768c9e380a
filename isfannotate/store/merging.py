"""The project's side of a merge (``team.merge``): what it reads of the lead's project, the
checked copies of annotators' files attached to the project's connection while their rows are
copied, and the spans copied inside SQLite through the change recorder."""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .bundles import SPAN_COLUMNS
from .connection import bulk_cache

if TYPE_CHECKING:
    from .changes import Recorder

# --------------------------------------------------------------------------- reads
def documents_by_sha(conn: sqlite3.Connection) -> dict[str, str]:
    """sha256 of the text -> document id."""
    return dict(conn.execute("SELECT sha256, id FROM documents").fetchall())


def documents_for_merge(conn: sqlite3.Connection, ids: Iterable[str]) -> dict[str, tuple[str, str]]:
    """document id -> (sha256, text) of those of *ids* the project has."""
    return {r[0]: (r[1], r[2]) for r in conn.execute(
        "SELECT id, sha256, text FROM documents WHERE id IN (SELECT value FROM json_each(?))",
        (json.dumps(list(ids)),))}


def merge_ids_of(conn: sqlite3.Connection, annotator: str, kind: str) -> dict[str, str]:
    """file id -> project id of *annotator*'s actors or targets (*kind*), as earlier merges matched them."""
    return dict(conn.execute("SELECT file_id, project_id FROM merge_ids WHERE annotator=? AND kind=?",
                             (annotator, kind)).fetchall())


def merge_ids_by_annotator(conn: sqlite3.Connection) -> dict[str, dict[str, dict[str, str]]]:
    """annotator -> kind -> {file id: project id}: ``merge_ids_of`` for every annotator at once."""
    out: dict[str, dict[str, dict[str, str]]] = {}
    for annotator, kind, file_id, project_id in conn.execute(
            "SELECT annotator, kind, file_id, project_id FROM merge_ids"):
        out.setdefault(annotator, {}).setdefault(kind, {})[file_id] = project_id
    return out


def registry_ids(conn: sqlite3.Connection) -> dict[str, set[str]]:
    """kind ('actor', 'target') -> the ids of the project's registry entries of that kind."""
    return {"actor": {r[0] for r in conn.execute("SELECT id FROM actors")},
            "target": {r[0] for r in conn.execute("SELECT id FROM targets")}}


def spans_held(conn: sqlite3.Connection) -> int:
    """How many spans the project may hold: the spans' largest rowid (at least their count)."""
    return int(conn.execute("SELECT coalesce(max(rowid), 0) FROM main.spans").fetchone()[0])


def registry_entry(conn: sqlite3.Connection, kind: str, entry_id: str) -> dict[str, Any] | None:
    """The fields a merge compares of one actor (name, type, external_id, aliases) or target
    (name); None when there is no such entry."""
    if kind == "actor":
        cur = conn.execute("SELECT name, type, external_id, aliases FROM actors WHERE id=?", (entry_id,))
    else:
        cur = conn.execute("SELECT name FROM targets WHERE id=?", (entry_id,))
    row = cur.fetchone()
    return None if row is None else dict(zip([d[0] for d in cur.description], row, strict=True))


def recorded_conflicts(conn: sqlite3.Connection, annotator: str) -> set[tuple[str, str, str, str]]:
    """(kind, entity id, field, file value) of the conflicts already listed for *annotator*."""
    return {(r[0], r[1], r[2], r[3]) for r in conn.execute(
        "SELECT kind, entity_id, field, file_value FROM merge_conflicts WHERE annotator=?", (annotator,))}


def merge_digests(conn: sqlite3.Connection, annotator: str) -> dict[str, str]:
    """document id -> the digest of *annotator*'s layer there as last merged."""
    return dict(conn.execute("SELECT document_id, digest FROM merge_digests WHERE annotator=?",
                             (annotator,)).fetchall())


def ids_taken(conn: sqlite3.Connection, table: str, ids: Iterable[str]) -> set[str]:
    """Which of *ids* are already ids of rows in *table* ('spans' or 'stances')."""
    if table not in ("spans", "stances"):
        raise ValueError(table)
    return {r[0] for r in conn.execute(f"SELECT id FROM {table} WHERE id IN (SELECT value FROM json_each(?))",
                                       (json.dumps(list(ids)),))}


def merged_spans(conn: sqlite3.Connection, layer: str, documents: list[str]) -> dict[str, tuple[Any, ...]]:
    """span id -> (document_id, start, end, label, actor_id, attrs, created_at) of *layer*'s
    spans in *documents* that a merge wrote (their author is the layer)."""
    return {r[0]: r[1:] for r in conn.execute(
        'SELECT id, document_id, start, "end", label, actor_id, attrs, created_at FROM spans '
        "WHERE document_id IN (SELECT value FROM json_each(?)) AND layer=? AND author=?",
        (json.dumps(documents), layer, layer))}


def logged_suggestion_ids(conn: sqlite3.Connection, ids: Iterable[str]) -> set[str]:
    """Which of *ids* are in the project's suggestion log already."""
    return {r[0] for r in conn.execute("SELECT id FROM suggestion_log WHERE id IN (SELECT value FROM json_each(?))",
                                       (json.dumps(list(ids)),))}


# --------------------------------------------------------------------------- attached copies
class AttachedCopies:
    """Checked copies of annotators' files attached to the project's connection (read-only use:
    their spans are copied inside SQLite). Made by ``merge_connection``."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self.aliases: list[str] = []

    def attach(self, copy: Path) -> str | None:
        """Attach *copy*; its schema name, or None when SQLite's limit of attached files is reached
        (then the caller binds its rows one by one). Inside an action: detached after it ends."""
        if len(self.aliases) >= self.conn.getlimit(sqlite3.SQLITE_LIMIT_ATTACHED):
            return None
        alias = f"merge_src{len(self.aliases)}"
        self.conn.execute("ATTACH DATABASE ? AS " + alias, (str(copy),))
        self.aliases.append(alias)
        return alias

    def detach_all(self) -> None:
        """After the action: detach the copies and drop the temporary id maps."""
        self.conn.execute("DROP TABLE IF EXISTS temp.merge_map")
        for alias in self.aliases:
            self.conn.execute("DETACH DATABASE " + alias)
        self.aliases.clear()


@contextmanager
def merge_connection(conn: sqlite3.Connection) -> Iterator[AttachedCopies]:
    """The project's connection made ready for attaching untrusted copies: ``trusted_schema``
    off while they are attached (nothing stored in them may run), everything attached detached
    and the setting restored afterwards, whatever happens."""
    trusted = conn.execute("PRAGMA trusted_schema").fetchone()[0]
    conn.execute("PRAGMA trusted_schema=OFF")
    copies = AttachedCopies(conn)
    try:
        yield copies
    finally:
        try:
            copies.detach_all()
        finally:
            conn.execute(f"PRAGMA trusted_schema={int(trusted)}")


def copy_spans(rec: Recorder, source: str, layer: str, fdocs: list[str] | None, rows: list[tuple[Any, ...]],
               maps: dict[str, dict[str, str]], same: dict[str, str]) -> None:
    """Copy *layer*'s spans of the file documents *fdocs* (None: all of the layer's spans) from
    the attached copy *source* inside SQLite, the links and documents mapped through a temporary
    table (joined only for a map that is not empty: the usual merge maps nothing); *rows* are the
    same spans as read (logged for undo, the maps applied when they are)."""
    conn = rec.conn
    if not source.startswith("merge_src") or not source[9:].isdigit():
        raise ValueError(source)
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS merge_map (kind TEXT, file_id TEXT, project_id TEXT, "
                 "PRIMARY KEY (kind, file_id))")
    conn.execute("DELETE FROM temp.merge_map")
    conn.executemany("INSERT INTO temp.merge_map VALUES (?, ?, ?)",
                     [(kind, k, v) for kind, m in maps.items() for k, v in m.items()])
    cols = ", ".join(f'"{c}"' for c in (*SPAN_COLUMNS, *same))
    doc, actor, joins = "s.document_id", "s.actor_id", ""
    if maps.get("actor_id"):
        actor = "coalesce(a.project_id, s.actor_id)"
        joins += " LEFT JOIN temp.merge_map a ON a.kind = 'actor_id' AND a.file_id = s.actor_id"
    if maps.get("document_id"):
        doc = "coalesce(d.project_id, s.document_id)"
        joins += " LEFT JOIN temp.merge_map d ON d.kind = 'document_id' AND d.file_id = s.document_id"
    where = "s.layer = :layer" + ("" if fdocs is None else " AND s.document_id IN (SELECT value FROM json_each(:docs))")
    rec.insert_select(
        "spans",
        f"INSERT INTO main.spans ({cols}) "
        f"SELECT s.id, {doc}, s.start, s.\"end\", s.label, {actor}, s.attrs, s.created_at, :layer, :author "
        f"FROM {source}.spans s{joins} WHERE {where}",
        {**same, "docs": json.dumps(fdocs)}, SPAN_COLUMNS, rows, same, maps)


class DeferredIndexes:
    """The spans' secondary indexes (by document and layer, by actor) built after a bulk write
    instead of kept up row by row, inside the merge's transaction: when a merge is about to
    insert more spans than the project holds (a lead's first merge or pull), they are dropped
    before the insert and built again from their stored SQL by ``restore()``, before the commit.
    Nothing of the data is dropped (an index is derived from its table); a rollback of the action
    (or of a savepoint around the drop) brings them back with it, and ``restore()`` builds only
    the ones missing, so it is right either way. A later write that is small against what the
    project holds keeps them."""

    NAMES = ("spans_doc_layer", "spans_actor")
    MIN_ROWS = 5000   # below this many rows, upkeep costs less than a build

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self.held = int(conn.execute("SELECT coalesce(max(rowid), 0) FROM main.spans").fetchone()[0])
        self.sql: dict[str, str] = {}
        self.layers: set[str] | None = None   # the spans' layers when the indexes were dropped

    def _present(self) -> dict[str, str]:
        return dict(self.conn.execute(
            "SELECT name, sql FROM main.sqlite_master WHERE type='index' AND tbl_name='spans' AND sql IS NOT NULL "
            "AND name IN (SELECT value FROM json_each(?))", (json.dumps(self.NAMES),)).fetchall())

    def before_insert(self, rows: int) -> None:
        """About to insert *rows* spans: drop the indexes when that is more than the table held
        when the merge began (``held``: the largest rowid, at least the row count)."""
        if rows < self.MIN_ROWS or rows <= self.held:
            return
        present = self._present()
        if present and self.layers is None:   # one read of fewer spans than are about to be written
            self.layers = {r[0] for r in self.conn.execute("SELECT DISTINCT layer FROM main.spans")}
        for name, sql in present.items():
            self.sql[name] = sql
            self.conn.execute(f'DROP INDEX main."{name}"')

    def may_hold(self, layer: str) -> bool:
        """Whether the project's spans may hold rows of *layer*: always while the indexes
        stand; once they are dropped, only when *layer* had spans then. (A merge writes each
        layer once, and every layer's clear comes before its write, so a layer absent when the
        indexes were dropped has gained no span since.)"""
        return self.layers is None or layer in self.layers

    def restore(self) -> None:
        """Build the dropped indexes that are missing again (inside the same transaction), with
        a page cache large enough for SQLite to sort their entries in memory (with the default
        2 MiB it sorts through temporary files)."""
        missing = set(self.sql) - set(self._present())
        if not missing:
            return
        with bulk_cache(self.conn):
            for name in sorted(missing):
                self.conn.execute(self.sql[name])
