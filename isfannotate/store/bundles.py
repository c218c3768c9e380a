"""Reads of an annotator's returned file (a "bundle" of one annotator's work), which is
untrusted input: ``team.untrusted`` copies and checks it, and reads it only through
``BundleReader``, on a plain sqlite3 connection to the temporary copy with
``PRAGMA trusted_schema=OFF``. Every read here is a plain SELECT; the only writes touch the
temporary copy (its migration, a layer name stored in another Unicode form), never the file.

Spans, by far the most numerous rows, are read as tuples in ``SPAN_COLUMNS`` order; the other
rows as dicts keyed by column.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from operator import itemgetter
from pathlib import Path
from typing import Any

# A span of the file, as read: (id, document_id, start, end, label, actor_id, attrs, created_at).
SPAN_COLUMNS = ("id", "document_id", "start", "end", "label", "actor_id", "attrs", "created_at")

# Tables with a layer column (every one of them is checked for rows of another layer).
LAYERED = ("spans", "stances", "relations", "doc_status", "doc_labels", "suggestion_decisions", "suggestion_log")

# The columns of a logged decision on a model suggestion (store/suggestions.py's LOG_COLS).
SUGGESTION_LOG_COLUMNS = ("id", "document_id", "layer", "model_version", "kind", "label", "start", "end", "score",
                          "decision", "corrected_start", "corrected_end", "corrected_label", "at")

# Every span of the layer that breaks one of the merge's span rules (NULL anywhere counts as
# breaking), found inside SQLite; ``team.untrusted`` explains the first one it confirms.
_SUSPECT_SPANS = """
WITH lengths(id, n) AS (SELECT key, value FROM json_each(:lengths)),
     labels(name) AS (SELECT value FROM json_each(:labels))
SELECT s.id, s.document_id, s.start, s."end", s.label, s.actor_id, s.attrs, s.created_at
FROM spans s LEFT JOIN lengths d ON d.id = s.document_id
WHERE s.layer = :layer AND NOT coalesce(
    d.n IS NOT NULL AND typeof(s.start) = 'integer' AND typeof(s."end") = 'integer'
    AND s.start >= 0 AND s.start < s."end" AND s."end" <= d.n
    AND s.label IN (SELECT name FROM labels)
    AND (s.actor_id IS NULL OR s.actor_id IN (SELECT id FROM actors))
    AND CASE WHEN s.attrs = '{}' THEN 1 WHEN json_valid(s.attrs) THEN json_type(s.attrs) = 'object' ELSE 0 END, 0)
"""


def _q(name: str) -> str:
    return f'"{name}"'


def connect_bundle(copy: Path) -> sqlite3.Connection:
    """A plain connection to a bundle's temporary copy: nothing stored in it may run. Its writes
    (a migration, the dropped indexes) are never synced to disk: the copy is scratch, removed
    after the merge, and a crash loses nothing of it worth keeping (with the default FULL, the
    index drop's commit and the checkpoint when the connection closes cost ~0.05 s of waiting
    per file, the first file's on the merge's own thread)."""
    conn = sqlite3.connect(copy, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA trusted_schema=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    return conn


class BundleReader:
    """The reads of one annotator's file, on the connection it is given (the caller owns it)."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        cur = self.conn.execute(sql, params)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]

    # ------------------------------------------------------------ what the file is
    def integrity_problems(self) -> list[str]:
        """SQLite's integrity check: ``["ok"]`` for a sound file."""
        return [r[0] for r in self.conn.execute("PRAGMA integrity_check")]

    def triggers_and_views(self) -> list[tuple[str, str]]:
        return [(r[0], r[1]) for r in
                self.conn.execute("SELECT type, name FROM sqlite_master WHERE type IN ('trigger', 'view')")]

    def table_names(self) -> set[str]:
        return {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}

    def schema_entries(self) -> set[tuple[str, str, str]]:
        """(type, name, sql) of every stored schema object that has SQL."""
        return {(r[0], r[1], r[2]) for r in
                self.conn.execute("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL")}

    def project_info(self) -> dict[Any, Any]:
        return dict(self.conn.execute("SELECT key, value FROM project_info").fetchall())

    def stored_layers(self, tables: Iterable[str] = LAYERED) -> set[Any]:
        """Every value of the layer column in *tables* (names or not: the caller checks)."""
        return {r[0] for t in tables for r in self.conn.execute(f"SELECT DISTINCT layer FROM {_q(t)}")}

    def rename_layer_in_copy(self, old: str, new: str, tables: Iterable[str] = LAYERED) -> None:
        """Store *old*'s rows under *new* (the same name in NFC): in the temporary copy only."""
        for t in tables:
            self.conn.execute(f"UPDATE {_q(t)} SET layer=? WHERE layer=?", (new, old))

    def drop_secondary_indexes(self) -> None:
        """Drop the copy's indexes that have stored SQL (every one but those behind a PRIMARY KEY
        or UNIQUE constraint), in the temporary copy only. An index is derived from its table:
        without them every read of the file scans its tables, and SQLite's integrity check has
        only the tables and their key indexes (which hold the ids unique) left to compare. A
        damaged index b-tree fails here (SQLite walks it to free its pages) or in that check
        (a page freed that a table still uses)."""
        names = [r[0] for r in self.conn.execute(
            "SELECT name FROM sqlite_master WHERE type='index' AND sql IS NOT NULL").fetchall()]
        self.conn.execute("BEGIN")
        try:
            for name in names:
                self.conn.execute(f"DROP INDEX {_q(name)}")
        except BaseException:
            if self.conn.in_transaction:   # (SQLite may have rolled back already on damage)
                self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def make_read_only(self) -> None:
        self.conn.execute("PRAGMA query_only=ON")

    # ------------------------------------------------------------ the rows
    def documents(self) -> Iterator[tuple[Any, Any, Any]]:
        """(id, text, sha256) of every document, as stored (types unchecked)."""
        yield from self.conn.execute("SELECT id, text, sha256 FROM documents")

    def suspect_spans(self, layer: str, lengths_json: str, labels_json: str) -> list[tuple[Any, ...]]:
        """The spans of *layer* that may break a rule (*lengths_json*: {doc id: text length};
        *labels_json*: the scheme's span labels), in ``SPAN_COLUMNS`` order."""
        return self.conn.execute(_SUSPECT_SPANS, {"layer": layer, "lengths": lengths_json,
                                                  "labels": labels_json}).fetchall()

    def spans(self, layer: str) -> list[tuple[Any, ...]]:
        """*layer*'s spans as ``SPAN_COLUMNS`` tuples, in document order. (Sorted here, not by
        an ORDER BY: the rows come in the order they were written, mostly a document's
        together, which Python's sort merely checks, where SQLite's sorts every row again.)"""
        rows = self.conn.execute(f"SELECT {', '.join(map(_q, SPAN_COLUMNS))} FROM spans WHERE layer=?",
                                 (layer,)).fetchall()
        try:
            rows.sort(key=itemgetter(1))
        except TypeError:   # document ids of mixed types (refused by the validation): grouped all the same
            rows.sort(key=lambda s: (type(s[1]).__name__, str(s[1])))
        return rows

    def actors(self) -> list[dict[str, Any]]:
        return self._rows("SELECT id, name, type, aliases, external_id, note FROM actors")

    def targets(self) -> list[dict[str, Any]]:
        return self._rows("SELECT id, name, description FROM targets")

    def claims(self, layer: str) -> list[dict[str, Any]]:
        # CROSS JOIN: scan the few claims, look each span up (the planner would scan every span)
        return self._rows("SELECT c.* FROM claims c CROSS JOIN spans s ON s.id=c.span_id WHERE s.layer=?", (layer,))

    def stances(self, layer: str) -> list[dict[str, Any]]:
        return self._rows("SELECT id, document_id, holder, target, polarity, conditions, created_at FROM stances "
                          "WHERE layer=?", (layer,))

    def evidence(self, layer: str) -> list[dict[str, Any]]:
        return self._rows("SELECT e.* FROM stance_evidence e JOIN stances s ON s.id=e.stance_id WHERE s.layer=? "
                          "ORDER BY e.stance_id, e.position", (layer,))

    def relations(self, layer: str) -> list[dict[str, Any]]:
        return self._rows("SELECT id, document_id, head, tail, label FROM relations WHERE layer=?", (layer,))

    def doc_labels(self, layer: str) -> list[dict[str, Any]]:
        return self._rows("SELECT document_id, key, value FROM doc_labels WHERE layer=?", (layer,))

    def status(self, layer: str) -> list[dict[str, Any]]:
        return self._rows("SELECT document_id, status, reason, updated_at FROM doc_status WHERE layer=?", (layer,))

    def suggestion_log(self, layer: str) -> list[dict[str, Any]]:
        """*layer*'s logged decisions on model suggestions, oldest first."""
        cols = ", ".join(map(_q, SUGGESTION_LOG_COLUMNS))
        return self._rows(f"SELECT {cols} FROM suggestion_log WHERE layer=? ORDER BY at, id", (layer,))
