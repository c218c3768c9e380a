"""How actions name what they did, for their change records (``Change.description``): the undo
and redo lines of the app, the review and the CLI all read these names, so "undo stance" says
which stance ("Pakistan → troops to the ISF: support")."""
from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any

SHORT = 40


def quoted(text: str) -> str:
    """*text* on one line in curly quotes, cut to about 40 characters."""
    t = " ".join(text.split())
    return f"“{t if len(t) <= SHORT else t[:SHORT - 1] + '…'}”"


def actor_name(conn: sqlite3.Connection, actor_id: str | None) -> str:
    if actor_id is None:
        return "?"
    r = conn.execute("SELECT name FROM actors WHERE id=?", (actor_id,)).fetchone()
    return r[0] if r else actor_id


def target_name(conn: sqlite3.Connection, target_id: str | None) -> str:
    if target_id is None:
        return "?"
    r = conn.execute("SELECT name FROM targets WHERE id=?", (target_id,)).fetchone()
    return r[0] if r else target_id


def stance_name(conn: sqlite3.Connection, holder: str | None, target: str | None, polarity: str) -> str:
    """"Pakistan → troops to the ISF: support" (a missing holder or target is "?")."""
    return f"{actor_name(conn, holder)} → {target_name(conn, target)}: {polarity}"


def value_text(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def details(parts: Iterable[str]) -> str:
    """"details (modality: hedged, quote: reported)", or "details" when nothing is named."""
    parts = [p for p in parts if p]
    return f"details ({', '.join(parts)})" if parts else "details"


def changed_attrs(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """"key: value" for every attribute *after* sets differently from *before* (removed: "key: —")."""
    keys = list(dict.fromkeys([*after, *before]))
    return [f"{k}: {value_text(after.get(k))}" for k in keys if before.get(k) != after.get(k)]
