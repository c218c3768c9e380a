"""Handing out work: one project file per annotator, holding the scheme (with its guidelines),
the registry, the target list and only that annotator's documents and layer.

Each file is written whole (``VACUUM INTO`` a temporary name, trimmed, vacuumed, then renamed),
so a reader never sees a half-written file and nothing of other annotators' work is left in
its free pages. The file records its annotator (``project_info.annotator``): the app opens it
as that annotator and its actions refuse any other layer, so "Alice" and "alice" cannot
become two layers. Each file gets a handout id (``project_info.handout_id``), which the
project records with the annotator it went to (``project_info.handouts``): ``merge`` takes
back only files this project handed out, from the annotator they went to.
"""
from __future__ import annotations

import json
import os
import sqlite3
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import IsfError
from ..formats.common import sanitise_name
from ..ids import now

if TYPE_CHECKING:
    from ..store.base import ProjectBase

# Tables with a layer column: only the annotator's own rows are handed out.
_LAYERED = ("spans", "stances", "relations", "doc_status", "doc_labels", "notes", "suggestion_decisions",
            "suggestion_log")


HANDOUTS_KEY = "handouts"   # project_info: {handout id: {"annotator", "at", "file", "documents"}}


def handouts(conn: sqlite3.Connection) -> dict[str, dict]:
    """Every file this project handed out, by the handout id written into the file."""
    row = conn.execute("SELECT value FROM project_info WHERE key=?", (HANDOUTS_KEY,)).fetchone()
    try:
        value = json.loads(row[0]) if row else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def handout_path(out_dir: Path, project_name: str, annotator: str) -> Path:
    return Path(out_dir) / f"{sanitise_name(project_name)}-{sanitise_name(annotator)}.isf"


def write_handouts(project: "ProjectBase", out_dir: str | Path, *, force: bool = False,
                   progress: Callable[[int, int], None] | None = None) -> list[Path]:
    """Write ``DIR/<project>-<annotator>.isf`` for every annotator with assigned documents.
    Refuses to overwrite an existing file unless *force*."""
    out = Path(out_dir)
    assignments = project.assignments()
    if not assignments:
        raise IsfError("no documents are assigned yet; assign them first "
                       "(isfannotate assign PROJECT --annotators A,B,C)")
    out.mkdir(parents=True, exist_ok=True)
    name = project.name
    targets = {a: handout_path(out, name, a) for a in assignments}
    clash = [str(p) for p in targets.values() if p.exists()]
    if clash and not force:
        raise IsfError(f"{clash[0]} already exists; choose another folder or use --force")
    written = []
    handed = handouts(project.conn)
    stamp = now()
    for i, (annotator, docs) in enumerate(assignments.items()):
        if progress:
            progress(i, len(assignments))
        dest = targets[annotator]
        tmp = dest.with_name(dest.name + ".part")
        tmp.unlink(missing_ok=True)
        project.copy_to(tmp)
        handout_id = uuid.uuid4().hex
        try:
            _trim(tmp, annotator, docs, name, handout_id)
            os.replace(tmp, dest)
        finally:
            tmp.unlink(missing_ok=True)
        handed[handout_id] = {"annotator": annotator, "at": stamp, "file": dest.name, "documents": len(docs)}
        written.append(dest)
    # what was handed out, so that merge knows its own files (and to whom each went)
    with project._action("handout", None, None, f"{len(written)} files", undoable=False) as rec:
        rec.upsert("project_info", {"key": HANDOUTS_KEY, "value": json.dumps(handed, ensure_ascii=False)})
    if progress:
        progress(len(assignments), len(assignments))
    return written


def _trim(path: Path, annotator: str, docs: list[str], project_name: str, handout_id: str) -> None:
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
        for table in _LAYERED:
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
        for key, value in (("annotator", annotator), ("handout_of", project_name), ("handout_at", now()),
                           ("handout_documents", json.dumps(docs)), ("handout_id", handout_id)):
            conn.execute("INSERT OR REPLACE INTO project_info VALUES (?, ?)", (key, value))
        conn.execute("COMMIT")
        conn.execute("VACUUM")   # nothing of the others' work stays in free pages
    finally:
        conn.close()
