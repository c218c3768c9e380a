"""Reads for the scheme's checks of one layer's document (``kb.validate``): the spans and
stances that lack what the scheme requires. Each takes the connection of the caller's snapshot."""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable

from ..errors import ValidationError


def _only(only: Iterable[str] | None) -> tuple[str, list[str]]:
    if only is None:
        return "", []
    return " AND s.id IN (SELECT value FROM json_each(?))", [json.dumps(list(only))]


def spans_lacking_links(conn: sqlite3.Connection, document_id: str, layer: str, actor_labels: list[str],
                        claim_labels: list[str], only: Iterable[str] | None = None,
                        ) -> list[tuple[str, str, int, int, int]]:
    """(id, label, start, end, is an actor span) of the actor spans without an actor and the
    claim spans without a source, in document order; *only*: just these span ids."""
    only_sql, only_args = _only(only)

    def marks(labels: list[str]) -> str:
        return ",".join("?" * len(labels))
    # with *only*, look the few spans up by id: "+" keeps SQLite off the (document, layer) index,
    # which made it scan all 10,000 spans of a document for one (2.5 ms a key press)
    plus = "+" if only is not None else ""
    return conn.execute(
        f"""SELECT s.id, s.label, s.start, s."end", s.label IN ({marks(actor_labels)}) AS is_actor
            FROM spans s LEFT JOIN claims c ON c.span_id = s.id
            WHERE {plus}s.document_id = ? AND {plus}s.layer = ? AND (
                (s.label IN ({marks(actor_labels)}) AND s.actor_id IS NULL) OR
                (s.label IN ({marks(claim_labels)}) AND (c.span_id IS NULL OR c.source_kind IS NULL
                 OR (c.source_kind = 'actor' AND c.source_actor IS NULL))))
            {only_sql}
            ORDER BY s.start, s."end" DESC, s.label, s.id""",
        [*actor_labels, document_id, layer, *actor_labels, *claim_labels, *only_args]).fetchall()


def stances_lacking_ends(conn: sqlite3.Connection, document_id: str, layer: str,
                         only: Iterable[str] | None = None) -> list[tuple[str, str | None, str | None]]:
    """(id, holder, target) of the stances without a holder or a target, in the order made."""
    only_sql, only_args = _only(only)
    return conn.execute("SELECT s.id, s.holder, s.target FROM stances s WHERE s.document_id=? AND s.layer=? "
                        "AND (s.target IS NULL OR s.holder IS NULL)" + only_sql + " ORDER BY s.created_at, s.id",
                        (document_id, layer, *only_args)).fetchall()


def document_text(conn: sqlite3.Connection, document_id: str) -> str:
    row = conn.execute("SELECT text FROM documents WHERE id=?", (document_id,)).fetchone()
    if row is None:
        raise ValidationError(f"no document with id {document_id!r}")
    return str(row[0])
