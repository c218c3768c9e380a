"""The team's members on the server (table ``members``): added, removed, their last sync, and
the per-annotator status the lead reads."""
from __future__ import annotations

from datetime import datetime
from typing import Any


def add_member(conn: Any, name: str) -> None:
    """*name* a member (again, when it had been removed)."""
    conn.execute("INSERT INTO members (role) VALUES (%s) ON CONFLICT (role) DO UPDATE SET removed_at = NULL",
                 (name,))


def is_member(conn: Any, name: str) -> bool:
    return conn.execute("SELECT 1 FROM members WHERE role = %s", (name,)).fetchone() is not None


def mark_removed(conn: Any, name: str) -> None:
    conn.execute("UPDATE members SET removed_at = now() WHERE role = %s", (name,))


def mark_synced(conn: Any) -> None:
    """The connected role's last sync is now."""
    conn.execute("UPDATE members SET last_sync = now() WHERE role = current_user")


def document_count(conn: Any) -> int:
    n: int = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    return n


def members_status(conn: Any) -> list[tuple[str, datetime | None, bool, int, int]]:
    """Per member, by name: (role, last sync, removed, documents assigned, of those marked done
    in its layer on the server)."""
    rows: list[tuple[str, datetime | None, bool, int, int]] = conn.execute(
        "SELECT m.role, m.last_sync, m.removed_at IS NOT NULL, "
        "(SELECT count(*) FROM assignments a WHERE a.annotator = m.role), "
        "(SELECT count(*) FROM assignments a JOIN doc_status s ON s.document_id = a.document_id "
        " AND s.layer = m.role AND s.status = 'done' WHERE a.annotator = m.role) "
        "FROM members m ORDER BY m.role").fetchall()
    return rows
