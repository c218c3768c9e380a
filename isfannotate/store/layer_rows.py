"""Reads of annotator layers in bulk, for ``team.layers`` (agreement, review): one query per kind
for all the named layers and documents at once (each scan reads the whole table, so never one
per annotator). Rows come back as plain tuples; ``team.layers`` builds the agreement's values."""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any


class LayerRows:
    """The rows of *layers* (limited to *documents* when given) on *conn*, a read snapshot."""

    def __init__(self, conn: sqlite3.Connection, layers: Sequence[str], documents: Sequence[str] | None = None):
        self.conn = conn
        in_docs, args = ("", ()) if documents is None else (
            " AND document_id IN (SELECT value FROM json_each(?))", (json.dumps(sorted(set(documents))),))
        self._where = "layer IN (SELECT value FROM json_each(?))" + in_docs
        self._args: tuple[Any, ...] = (json.dumps(list(layers)), *args)

    def _on(self, alias: str) -> str:
        return alias + "." + self._where.replace("document_id", alias + ".document_id")

    def documents_done(self) -> Iterator[tuple[str, str]]:
        """(layer, document id) of each document the layer marked done."""
        return iter(self.conn.execute("SELECT layer, document_id FROM doc_status WHERE status='done' AND "
                                      + self._where, self._args))

    def documents_annotated(self) -> Iterator[tuple[str, str]]:
        """(layer, document id) of each document with a span, a stance or a status past 'new'."""
        w = self._where
        return iter(self.conn.execute(
            "SELECT DISTINCT layer, document_id FROM spans WHERE " + w + " UNION SELECT layer, document_id "
            "FROM stances WHERE " + w + " UNION SELECT layer, document_id FROM doc_status WHERE status<>'new' AND "
            + w, self._args * 3))

    def spans(self) -> Iterator[tuple[str, str, str, int, int, str, str | None]]:
        """(layer, id, document, start, end, label, actor) in layer, document and offset order."""
        return iter(self.conn.execute(
            'SELECT layer, id, document_id, start, "end", label, actor_id FROM spans WHERE ' + self._where +
            ' ORDER BY layer, document_id, start, "end", label, id', self._args))

    def claims(self) -> Iterator[tuple[str, str, str, str | None, str | None]]:
        """(layer, span id, source kind, source actor, source span)."""
        return iter(self.conn.execute(
            "SELECT s.layer, c.span_id, c.source_kind, c.source_actor, c.source_span FROM claims c CROSS JOIN "
            "spans s ON s.id = c.span_id WHERE " + self._on("s"), self._args))

    def evidence(self) -> Iterator[tuple[str, str]]:
        """(stance id, span id) in each stance's evidence order."""
        return iter(self.conn.execute(
            "SELECT e.stance_id, e.span_id FROM stance_evidence e JOIN stances t ON t.id = e.stance_id "
            "WHERE " + self._on("t") + " ORDER BY e.stance_id, e.position", self._args))

    def stances(self) -> Iterator[tuple[str, str, str, str | None, str | None, str]]:
        """(layer, id, document, holder, target, polarity)."""
        return iter(self.conn.execute(
            "SELECT layer, id, document_id, holder, target, polarity FROM stances WHERE " + self._where +
            " ORDER BY layer, document_id, id", self._args))

    def doc_labels(self) -> Iterator[tuple[str, str, str, str]]:
        """(layer, document, key, value as JSON text)."""
        return iter(self.conn.execute(
            "SELECT layer, document_id, key, value FROM doc_labels WHERE " + self._where +
            " ORDER BY layer, document_id, key", self._args))


def document_lengths(conn: sqlite3.Connection) -> dict[str, int]:
    """document id -> its text's length in code points."""
    return dict(conn.execute("SELECT id, length(text) FROM documents").fetchall())


def registry_names(conn: sqlite3.Connection) -> dict[str, str]:
    """``{actor or target id: name}`` (an actor's name wins where ids clash)."""
    names = dict(conn.execute("SELECT id, name FROM targets").fetchall())
    names.update(conn.execute("SELECT id, name FROM actors").fetchall())
    return names
