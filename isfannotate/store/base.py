"""``ProjectBase``: the store. An open project's session and readers, with its scheme.
``Project`` is a ``ProjectBase`` that holds the action parts (``ops``), each built on it; the
core's larger jobs (import, export, checks, the knowledge base) take a ``ProjectBase`` so they
never need to import ``project``."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from ..errors import ProjectError
from ..ids import now
from ..scheme import Scheme, parse_scheme
from . import schema
from .changes import Change, Recorder
from .ownership import OwnerInfo
from .readers import Readers
from .session import StoreSession, uses_connection
from .suggestions import SuggestionReads
from .summaries import Summaries


class ProjectBase(Readers, Summaries, SuggestionReads, StoreSession):
    def __init__(self, path: Path, conn: sqlite3.Connection, owner: OwnerInfo | None = None, *,
                 read_only: bool = False) -> None:
        StoreSession.__init__(self, path, conn, owner, read_only=read_only)
        self._scheme: Scheme | None = None
        self._doc_lengths: dict[str, int] = {}
        self._changes_seen = 0      # changes applied through this object (``review_cache_mark``)

    @property
    def db(self) -> Any:
        """A sqlite-utils ``Database`` on this project's connection, for schema work and bulk writes
        (use it inside a job or a transaction of this session)."""
        return schema.sqlite_utils_module().Database(self.conn)

    @property
    def name(self) -> str:
        with self._using() as conn:
            row = conn.execute("SELECT value FROM project_info WHERE key='name'").fetchone()
        return row[0] if row else self.path.stem

    @property
    def scheme(self) -> Scheme:
        if self._scheme is None:
            with self._using() as conn:
                raw = conn.execute("SELECT value FROM project_info WHERE key='scheme'").fetchone()
            if raw is None:
                raise ProjectError(f"{self.path}: the project has no scheme")
            self._scheme = parse_scheme(json.loads(raw[0]), f"{self.path} (stored scheme)")
        return self._scheme

    @property
    def recorded_annotator(self) -> str | None:
        """The annotator a handed-out file belongs to (None for a lead's project)."""
        with self._using() as conn:
            row = conn.execute("SELECT value FROM project_info WHERE key='annotator'").fetchone()
        return row[0] if row else None

    @uses_connection
    def document_length(self, document_id: str) -> int:
        """The length of a document's text in code points (cached); ``ValidationError`` when
        there is no such document."""
        return self._doc_length(document_id)

    @property
    def schema_version(self) -> int:
        with self._using() as conn:
            return schema.schema_version(conn)

    def log_registry(self, rec: Recorder, kind: str, entity_id: str, op: str, before: dict[str, Any] | None,
                     after: dict[str, Any] | None) -> None:
        """Append a registry log entry (inside an action): who changed which actor or target, how."""
        rec.insert("registry_log", {"at": now(), "author": self.author, "kind": kind, "entity_id": entity_id,
                                    "op": op, "before": json.dumps(before, ensure_ascii=False) if before else None,
                                    "after": json.dumps(after, ensure_ascii=False) if after else None})

    def invalidate(self) -> None:
        """Drop the cached scheme and document lengths: read again from the rows on next use."""
        self._scheme = None
        self._doc_lengths.clear()

    def _after_replay(self, change: Change) -> None:
        if change.rows("project_info"):
            self._scheme = None   # an undone or redone scheme change

    def review_cache_mark(self) -> int:
        """A mark to take before reading what review counts are computed from (``cache_review_counts``)."""
        return self._changes_seen

    def cache_review_counts(self, rows: list[tuple[str, int, int, int]], since: int | None = None) -> None:
        """Keep (document id, units, decided, open disagreements) in the review cache: derived
        rows, written in their own transaction and never undone (every change drops its own).
        With *since* (a ``review_cache_mark`` taken before the counts were read), nothing is kept
        when a change came in between (the counts may predate it: the review queue counted as a
        job while the window goes on writing)."""
        with self._tx() as conn:
            if since is None or since == self._changes_seen:
                conn.executemany("INSERT OR REPLACE INTO review_cache VALUES (?,?,?,?)", rows)

    # Tables whose rows change what a document's review shows.
    _REVIEWED = frozenset({"spans", "claims", "stances", "stance_evidence", "doc_labels", "doc_status", "decisions",
                           "actors", "documents"})

    def _after_change(self, change: Change) -> None:
        """Drop the review counts of the documents *change* touched (all of them when it touched
        something without a document: a registry merge relinks everywhere)."""
        conn = self.conn
        if conn is None:   # never: this runs inside an open transaction
            raise ProjectError(f"{self.path}: the project is closed")
        self._changes_seen += 1
        if change.size > 5000:   # bulk work (imports, merges): dropping every row is cheaper than finding them
            conn.execute("DELETE FROM review_cache")
            return
        docs = {change.document_id} - {None}
        everywhere = False
        for op in change.ops:
            if op.table not in self._REVIEWED:
                continue
            row = op.after if op.after is not None else op.before
            if row is None:
                continue
            doc = row.get("document_id") if op.table != "documents" else row.get("id")
            if doc is not None:
                docs.add(doc)
            elif change.document_id is None:
                everywhere = True
        if everywhere:
            conn.execute("DELETE FROM review_cache")
        elif docs:
            conn.execute("DELETE FROM review_cache WHERE document_id IN (SELECT value FROM json_each(?))",
                              (json.dumps(sorted(docs)),))
