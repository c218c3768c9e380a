"""What the lead's sync reads and writes of the team's shared rows and marks on the server: the
documents the server holds, ``team_info`` items, every layer's per-document digests."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .schema import GOLD_LAYER, ident


def server_document_ids(conn: Any) -> list[str]:
    """The documents' ids the server holds, in the corpus's order."""
    return [r[0] for r in conn.execute("SELECT id FROM documents ORDER BY seq").fetchall()]


def set_team_info(conn: Any, key: str, value: str) -> None:
    conn.execute("INSERT INTO team_info VALUES (%s, %s) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                 (key, value))


def refresh_statistics(conn: Any, tables: Sequence[str]) -> list[str]:
    """ANALYZE those of *tables* changed by more than a tenth since PostgreSQL last analyzed them
    (its own counter, ``n_mod_since_analyze``), and commit. Right after the annotators' pushes the
    planner still believes their layers small, and the lead's reads by document ids were planned on
    that: 15.5-17.0 s for a 10 x 1,000-document pull against 11.8-13.0 s after an ANALYZE (which
    takes a fraction of a second; autovacuum does it too, but only a minute or so later). A table
    the login may not analyze is skipped by PostgreSQL with a warning. Returns the tables analyzed."""
    stale = [r[0] for r in conn.execute(
        "SELECT relname FROM pg_stat_user_tables WHERE schemaname = current_schema() AND relname = ANY(%s) "
        "AND n_mod_since_analyze > greatest(n_live_tup, 1000) / 10 ORDER BY relname", (list(tables),))]
    if stale:
        conn.execute("ANALYZE " + ", ".join(ident(t) for t in stale))
    conn.commit()
    return stale


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
