"""Reads of the stance map (``stancemap/``): the stances in a scope, one row per stance for the
map's cells, per evidence span for the list under a cell and per stance with its evidence
texts for the long CSV; the names of holders and targets; the actor types and outlets a
scope may name. Each takes the connection of the caller's snapshot.

A scope's filters arrive as a :class:`StanceFilter` (documents, outlets, actor types, all in
stored form); dates are filtered by the caller (partial dates compare as intervals)."""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class StanceFilter:
    """Which stances of *layers* a read returns: a holder and a target set, optionally limited
    to *documents*, to documents of *outlets* (``meta.outlet``) and holders of *actor_types*."""
    layers: Sequence[str]
    documents: Sequence[str] | None = None
    outlets: Sequence[str] | None = None
    actor_types: Sequence[str] | None = None

    def where(self) -> tuple[str, list[Any]]:
        """The WHERE clause over ``stances s``, ``documents d`` and ``actors a`` with its parameters."""
        where = ["s.layer IN (SELECT value FROM json_each(?))"]
        params: list[Any] = [json.dumps(list(self.layers))]
        if self.documents is not None:
            where.append("s.document_id IN (SELECT value FROM json_each(?))")
            params.append(json.dumps(list(self.documents)))
        if self.outlets:
            where.append("json_extract(d.meta, '$.outlet') IN (SELECT value FROM json_each(?))")
            params.append(json.dumps(list(self.outlets)))
        if self.actor_types:
            where.append("a.type IN (SELECT value FROM json_each(?))")
            params.append(json.dumps(list(self.actor_types)))
        return " WHERE " + " AND ".join(where), params


_IN_SCOPE = "FROM stances s JOIN documents d ON d.id = s.document_id JOIN actors a ON a.id = s.holder "


def actor_types_in_use(conn: sqlite3.Connection) -> list[str]:
    """The actor types the registry's actors have (as stored)."""
    return [r[0] for r in conn.execute("SELECT DISTINCT type FROM actors WHERE type IS NOT NULL")]


def outlets_in_use(conn: sqlite3.Connection) -> list[Any]:
    """The outlets the documents' meta names, sorted."""
    return [r[0] for r in conn.execute(
        "SELECT DISTINCT json_extract(meta, '$.outlet') AS o FROM documents WHERE o IS NOT NULL ORDER BY o")]


def stances_for_cells(conn: sqlite3.Connection, scope: StanceFilter) -> list[tuple[str, str, str, str, str,
                                                                                      str | None, int]]:
    """(layer, holder, target, polarity, document, meta date, evidence spans) of every stance in
    *scope* with a target."""
    where, params = scope.where()
    return conn.execute(
        "SELECT s.layer, s.holder, s.target, s.polarity, s.document_id, json_extract(d.meta, '$.date'), "
        "(SELECT count(*) FROM stance_evidence e WHERE e.stance_id = s.id) " + _IN_SCOPE + where
        + " AND s.target IS NOT NULL", params).fetchall()


def actor_names_and_types(conn: sqlite3.Connection, ids: Sequence[str]) -> dict[str, tuple[str, str]]:
    """actor id -> (name, type) of the actors *ids*."""
    return {r[0]: (r[1], r[2]) for r in conn.execute(
        "SELECT id, name, type FROM actors WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(list(ids)),))}


def target_names(conn: sqlite3.Connection, ids: Sequence[str]) -> dict[str, str]:
    """target id -> name of the targets *ids*."""
    return dict(conn.execute("SELECT id, name FROM targets WHERE id IN (SELECT value FROM json_each(?))",
                             (json.dumps(list(ids)),)))


def evidence_of_cell(conn: sqlite3.Connection, scope: StanceFilter, holder: str,
                     target: str) -> Iterator[tuple[Any, ...]]:
    """Per evidence span of the stances of *holder* on *target* in *scope* (one row with no span
    for a stance without evidence), in document, creation and evidence order: (stance id,
    layer, document, title (or the document's id), date, outlet, polarity, conditions, span id,
    start, end, the document's text)."""
    where, params = scope.where()
    yield from conn.execute(
        "SELECT s.id, s.layer, s.document_id, coalesce(json_extract(d.meta, '$.title'), d.id), "
        "json_extract(d.meta, '$.date'), json_extract(d.meta, '$.outlet'), s.polarity, s.conditions, "
        'sp.id, sp.start, sp."end", d.text ' + _IN_SCOPE +
        "LEFT JOIN stance_evidence e ON e.stance_id = s.id LEFT JOIN spans sp ON sp.id = e.span_id"
        + where + " AND s.holder = ? AND s.target = ? ORDER BY d.seq, s.created_at, e.position",
        [*params, holder, target])


def stances_with_evidence_texts(conn: sqlite3.Connection, scope: StanceFilter) -> Iterator[tuple[Any, ...]]:
    """Per evidence span of every stance in *scope* with a target (one row with a None text for a
    stance without evidence), in layer, document, creation and evidence order: (stance id,
    layer, holder name, holder id, holder type, target name (or id), target id, polarity,
    conditions, document, title, date, outlet, the evidence span's text in code points)."""
    where, params = scope.where()
    yield from conn.execute(
        "SELECT s.id, s.layer, a.name, s.holder, a.type, coalesce(t.name, s.target), s.target, s.polarity, "
        "s.conditions, s.document_id, coalesce(json_extract(d.meta, '$.title'), ''), json_extract(d.meta, '$.date'), "
        "json_extract(d.meta, '$.outlet'), substr(d.text, sp.start + 1, sp.\"end\" - sp.start) " + _IN_SCOPE +
        "LEFT JOIN targets t ON t.id = s.target "
        "LEFT JOIN stance_evidence e ON e.stance_id = s.id LEFT JOIN spans sp ON sp.id = e.span_id"
        + where + " AND s.target IS NOT NULL ORDER BY s.layer, d.seq, s.created_at, s.id, e.position", params)
