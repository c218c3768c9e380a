"""A handed-out project file in storage: the handouts a project recorded, and trimming a
fresh copy down to one annotator's documents and layer (``team.handout`` writes the files)."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from ..ids import now
from .bundles import LAYERED  # the tables with a layer column: only the annotator's own rows are handed out

HANDOUTS_KEY = "handouts"   # project_info: {handout id: {"annotator", "at", "file", "documents"}}


def handouts(conn: sqlite3.Connection) -> dict[str, dict[str, Any]]:
    """Every file this project handed out, by the handout id written into the file."""
    row = conn.execute("SELECT value FROM project_info WHERE key=?", (HANDOUTS_KEY,)).fetchone()
    try:
        value = json.loads(row[0]) if row else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def trim_to_annotator(path: Path, annotator: str, docs: list[str], project_name: str, handout_id: str) -> None:
    """Keep only *annotator*'s documents and layer in the fresh copy at *path* (no one else has
    it open: it was just written under a temporary name)."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=DELETE")   # a handed-out file is one file, no WAL beside it
        conn.execute("BEGIN")
        conn.execute("CREATE TEMP TABLE keep (id TEXT PRIMARY KEY)")
        conn.executemany("INSERT INTO keep VALUES (?)", [(d,) for d in docs])
        conn.execute("DELETE FROM claims WHERE span_id IN (SELECT id FROM spans WHERE layer<>? "
                     "OR document_id NOT IN (SELECT id FROM keep))", (annotator,))
        conn.execute("DELETE FROM stance_evidence WHERE stance_id IN (SELECT id FROM stances WHERE layer<>? "
                     "OR document_id NOT IN (SELECT id FROM keep))", (annotator,))
        conn.execute("DELETE FROM relations WHERE layer<>? OR document_id NOT IN (SELECT id FROM keep)", (annotator,))
        for table in LAYERED:
            conn.execute(f"DELETE FROM {table} WHERE layer<>? OR document_id NOT IN (SELECT id FROM keep)",
                         (annotator,))
        conn.execute("DELETE FROM provenance")
        conn.execute("DELETE FROM project_info WHERE key=?", (HANDOUTS_KEY,))
        conn.execute("DELETE FROM assignments WHERE annotator<>?", (annotator,))
        conn.execute("DELETE FROM merge_ids")
        conn.execute("DELETE FROM merge_conflicts")
        conn.execute("DELETE FROM merge_digests")
        conn.execute("DELETE FROM decisions")       # the lead's adjudication stays with the lead
        conn.execute("DELETE FROM review_cache")   # (guideline examples travel: they teach)
        conn.execute("DELETE FROM annotators WHERE name<>?", (annotator,))
        conn.execute("DELETE FROM models WHERE enabled=0")   # the enabled suggestion model travels (offline use)
        conn.execute("DELETE FROM documents WHERE id NOT IN (SELECT id FROM keep)")
        conn.execute("DELETE FROM change_journal WHERE layer<>? OR document_id NOT IN (SELECT id FROM keep)",
                     (annotator,))
        for key, value in (("annotator", annotator), ("handout_of", project_name), ("handout_at", now()),
                           ("handout_documents", json.dumps(docs)), ("handout_id", handout_id)):
            conn.execute("INSERT OR REPLACE INTO project_info VALUES (?, ?)", (key, value))
        conn.execute("COMMIT")
        conn.execute("VACUUM")   # nothing of the others' work stays in free pages
    finally:
        conn.close()
