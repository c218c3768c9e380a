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
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import IsfError
from ..formats.common import sanitise_name
from ..ids import now
from ..plural import counted
from ..store.handouts import HANDOUTS_KEY, handouts, trim_to_annotator

if TYPE_CHECKING:
    from ..store.base import ProjectBase

__all__ = ["HANDOUTS_KEY", "handout_path", "handouts", "write_handouts"]

def handout_path(out_dir: Path, project_name: str, annotator: str) -> Path:
    return Path(out_dir) / f"{sanitise_name(project_name)}-{sanitise_name(annotator)}.isf"


def write_handouts(project: ProjectBase, out_dir: str | Path, *, force: bool = False,
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
    with project.snapshot() as conn:
        handed = handouts(conn)
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
            trim_to_annotator(tmp, annotator, docs, name, handout_id)
            os.replace(tmp, dest)
        finally:
            tmp.unlink(missing_ok=True)
        handed[handout_id] = {"annotator": annotator, "at": stamp, "file": dest.name, "documents": len(docs)}
        written.append(dest)
    # what was handed out, so that merge knows its own files (and to whom each went)
    with project.action("handout", None, None, counted(len(written), "file"), undoable=False) as rec:
        rec.upsert("project_info", {"key": HANDOUTS_KEY, "value": json.dumps(handed, ensure_ascii=False)})
    if progress:
        progress(len(assignments), len(assignments))
    return written
