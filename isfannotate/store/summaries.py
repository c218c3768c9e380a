"""Summary reads over the whole project, for lists, pickers and the progress board.

Each answers one question in one read transaction (``read_snapshot``), so the app and the CLI
never write SQL: which documents are near duplicates of which, which outlets the documents
name, whether a layer holds any work, and what each annotator has done. Mixed into
``Project`` through ``ProjectBase``; every public method runs inside the connection guard.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .session import guard_public_methods


@dataclass(frozen=True)
class AnnotatorWork:
    """One annotator's work, as the progress board shows it.

    ``assigned``: the documents assigned to them, in import order; ``statuses``: document id ->
    'in_progress' or 'done' (documents without a status row are 'new' and omitted);
    ``spans`` and ``stances``: how many their layer holds; ``timestamps``: when each of their
    spans and stances was made and each status last changed (ISO strings, in no order)."""

    assigned: list[str] = field(default_factory=list)
    statuses: dict[str, str] = field(default_factory=dict)
    spans: int = 0
    stances: int = 0
    timestamps: list[str] = field(default_factory=list)


@guard_public_methods
class Summaries:
    """Whole-project summaries (mixed into ``Project``; needs ``read_snapshot``, ``layers`` and
    ``assignments``)."""

    if TYPE_CHECKING:   # what the store it is mixed into provides (StoreSession, Readers)
        @contextmanager
        def read_snapshot(self) -> Iterator[sqlite3.Connection]: ...
        def layers(self) -> list[str]: ...
        def assignments(self) -> dict[str, list[str]]: ...

    def near_dup_groups(self) -> dict[str, str]:
        """Document id -> its near-duplicate group, for the documents that have one."""
        with self.read_snapshot() as conn:
            return dict(conn.execute("SELECT id, near_dup_group FROM documents WHERE near_dup_group IS NOT NULL"))

    def outlets(self) -> list[str]:
        """The distinct outlets named in the documents' metadata (``meta.outlet``), sorted; read
        without loading any document's text."""
        with self.read_snapshot() as conn:
            return [r[0] for r in conn.execute(
                "SELECT DISTINCT json_extract(meta, '$.outlet') AS o FROM documents WHERE o IS NOT NULL ORDER BY o")]

    def layer_has_annotations(self, layer: str) -> bool:
        """Whether *layer* holds any span or stance (an export of an empty gold layer is refused)."""
        with self.read_snapshot() as conn:
            return conn.execute("SELECT 1 FROM spans WHERE layer=? UNION ALL "
                                "SELECT 1 FROM stances WHERE layer=? LIMIT 1", (layer, layer)).fetchone() is not None

    def work_by_annotator(self) -> dict[str, AnnotatorWork]:
        """Every annotator with a layer or an assignment -> their work, sorted by name, read in one
        transaction (so the figures of one annotator agree with each other and with the others')."""
        with self.read_snapshot() as conn:
            assignments = self.assignments()
            out: dict[str, AnnotatorWork] = {}
            for a in sorted(set(self.layers()) | set(assignments)):
                statuses = dict(conn.execute("SELECT document_id, status FROM doc_status WHERE layer=?", (a,)))
                spans = conn.execute("SELECT count(*) FROM spans WHERE layer=?", (a,)).fetchone()[0]
                stances = conn.execute("SELECT count(*) FROM stances WHERE layer=?", (a,)).fetchone()[0]
                stamps = [r[0] for r in conn.execute(
                    "SELECT created_at FROM spans WHERE layer=? UNION ALL SELECT created_at FROM stances WHERE layer=? "
                    "UNION ALL SELECT updated_at FROM doc_status WHERE layer=?", (a, a, a))]
                out[a] = AnnotatorWork(list(assignments.get(a, [])), statuses, spans, stances, stamps)
        return out
