"""Matching another file's actors and targets to the project's registry, the one rule every
job that brings entries in (gold import, merge) follows: the same id, else (actors) the same
external id, else the same name ignoring case; the lowest id wins a tie."""
from __future__ import annotations

import sqlite3

_TABLES = {"actor": "actors", "target": "targets"}


def match_entry(conn: sqlite3.Connection, kind: str, entry_id: str, name: str,
                external_id: str | None = None) -> tuple[str, str] | None:
    """The project's id for a file's actor (*kind* 'actor') or target, and how it matched
    ("same id", "same external id 'Q1'", "same name 'UN'"), or None when none does."""
    table = _TABLES[kind]
    if conn.execute(f"SELECT 1 FROM {table} WHERE id=?", (entry_id,)).fetchone():
        return entry_id, "same id"
    if kind == "actor" and external_id:
        row = conn.execute("SELECT id FROM actors WHERE external_id=? ORDER BY id", (external_id,)).fetchone()
        if row:
            return row[0], f"same external id {external_id!r}"
    row = conn.execute(f"SELECT id FROM {table} WHERE name=? COLLATE NOCASE ORDER BY id", (name,)).fetchone()
    return (row[0], f"same name {name!r}") if row else None

