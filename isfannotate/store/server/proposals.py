"""Registry proposals on the server (table ``registry_proposals``): an annotator's entries that
differ from the team's registry, open until the lead's sync merges them."""
from __future__ import annotations

from typing import Any


def proposals_of(conn: Any, kind: str) -> dict[str, str]:
    """The connected annotator's proposals of *kind* ("actor" | "target"): entity id -> the row as JSON."""
    return dict(conn.execute("SELECT entity_id, row FROM registry_proposals WHERE annotator = current_user "
                             "AND kind = %s", (kind,)).fetchall())


def propose(conn: Any, kind: str, entity_id: str, row: str) -> None:
    """Propose (or propose again, changed) the entry *entity_id* as the connected annotator: open."""
    conn.execute("INSERT INTO registry_proposals (annotator, kind, entity_id, row) "
                 "VALUES (current_user, %s, %s, %s) ON CONFLICT (annotator, kind, entity_id) "
                 "DO UPDATE SET row = EXCLUDED.row, status = 'open', at = now()", (kind, entity_id, row))


def open_proposal_keys(conn: Any) -> set[tuple[str, str]]:
    """(kind, entity id) of the connected annotator's proposals still open."""
    return {(k, e) for k, e in conn.execute(
        "SELECT kind, entity_id FROM registry_proposals WHERE annotator = current_user AND status = 'open'")}


def open_proposals(conn: Any) -> dict[str, list[tuple[str, str, str]]]:
    """Every annotator's open proposals (the lead's read): annotator -> (kind, entity id, row JSON)."""
    out: dict[str, list[tuple[str, str, str]]] = {}
    for annotator, kind, entity, row in conn.execute(
            "SELECT annotator, kind, entity_id, row FROM registry_proposals WHERE status = 'open' "
            "ORDER BY annotator, kind, entity_id").fetchall():
        out.setdefault(annotator, []).append((kind, entity, row))
    return out


def mark_merged(conn: Any, annotator: str, items: list[tuple[str, str, str]]) -> None:
    """*annotator*'s proposals *items* (kind, entity id, row JSON) merged by the lead (a row
    proposed again since, changed, stays open)."""
    for kind, entity, raw in items:
        conn.execute("UPDATE registry_proposals SET status = 'merged' WHERE annotator = %s AND kind = %s "
                     "AND entity_id = %s AND row = %s", (annotator, kind, entity, raw))
