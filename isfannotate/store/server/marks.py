"""What the lead's sync reads and writes of the team's shared rows and marks on the server: the
documents the server holds, ``team_info`` items, every layer's per-document digests."""
from __future__ import annotations

from typing import Any

from .schema import GOLD_LAYER


def server_document_ids(conn: Any) -> list[str]:
    """The documents' ids the server holds, in the corpus's order."""
    return [r[0] for r in conn.execute("SELECT id FROM documents ORDER BY seq").fetchall()]


def set_team_info(conn: Any, key: str, value: str) -> None:
    conn.execute("INSERT INTO team_info VALUES (%s, %s) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                 (key, value))


def begin_repeatable_read(conn: Any) -> None:
    """The next transaction reads one snapshot of the server (the marks and the rows they describe agree)."""
    conn.commit()
    conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")


def annotator_marks(conn: Any) -> list[tuple[str, str, str]]:
    """(layer, document id, digest) of every annotator's layer (gold left out), in that order."""
    rows: list[tuple[str, str, str]] = conn.execute(
        "SELECT layer, document_id, digest FROM sync_marks WHERE layer <> %s ORDER BY layer, document_id",
        (GOLD_LAYER,)).fetchall()
    return rows
