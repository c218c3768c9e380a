"""The lead's team actions: assigning documents to annotators (round-robin with an overlap, or
by hand), and deciding the registry conflicts a merge listed. One transaction and one
``Change`` each, so they undo like any action."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from ..errors import ValidationError
from ..ids import now
from ..models import layer_name, name_key
from ..plural import counted
from ..store.changes import Change
from ..store.session import guard_public_methods
from . import Part


def round_robin(document_ids: Sequence[str], annotators: Sequence[str], overlap: int,
                seed: int) -> dict[str, list[str]]:
    """document id -> annotators: each document to *overlap* annotators, balanced. The order of
    the documents is shuffled by a seeded SHA-256 (never ``hash()``), so the same inputs always
    give the same assignment."""
    if not annotators:
        raise ValidationError("assign needs at least one annotator")
    if not 1 <= overlap <= len(annotators):
        raise ValidationError(f"the overlap must be between 1 and the number of annotators ({len(annotators)}), "
                              f"not {overlap}")
    order = sorted(document_ids, key=lambda d: hashlib.sha256(f"{seed}\x00{d}".encode()).hexdigest())
    n = len(annotators)
    return {d: [annotators[(i + k) % n] for k in range(overlap)] for i, d in enumerate(order)}


@guard_public_methods
class TeamActions(Part):
    """Assignments and merge conflicts: ``project.team_actions``. Needs the store only."""

    def _clean_annotators(self, annotators: Sequence[str]) -> list[str]:
        names = [layer_name(a) for a in annotators]
        folded: dict[str, str] = {}
        known = {name_key(name): name for name in self.store.layers()}
        for name in names:
            if name_key(name) in folded:
                raise ValidationError(f"{folded[name_key(name)]!r} and {name!r} would be two layers for one person")
            other = known.get(name_key(name))
            if other is not None and other != name:
                raise ValidationError(f"{name!r}: the project already has the layer {other!r}; use that name")
            folded[name_key(name)] = name
        return list(dict.fromkeys(names))

    def assign_round_robin(self, annotators: Sequence[str], *, overlap: int = 2, seed: int = 0,
                           document_ids: Sequence[str] | None = None) -> Change:
        """Assign every document (or *document_ids*) to *overlap* of *annotators*, round-robin,
        replacing those documents' earlier assignments. One action."""
        names = self._clean_annotators(annotators)
        docs = list(document_ids) if document_ids is not None else [r[0] for r in self.conn.execute(
            "SELECT id FROM documents ORDER BY seq")]
        for d in docs:
            self.store.document_length(d)
        plan = round_robin(docs, names, overlap, seed)
        stamp = now()
        what = f"{counted(len(docs), 'document')} to {', '.join(names)} (overlap {overlap})"
        with self.store.action("assign", None, None, what) as rec:
            for d in docs:
                rec.delete_where("assignments", "document_id=?", (d,))
            rec.insert_many("assignments", [{"document_id": d, "annotator": a, "assigned_at": stamp}
                                            for d in docs for a in plan[d]])
        return rec.change

    def assign(self, document_ids: Sequence[str], annotators: Sequence[str]) -> Change:
        """Assign documents to annotators by hand (added to what they already have)."""
        names = self._clean_annotators(annotators)
        for d in document_ids:
            self.store.document_length(d)
        have = set(self.conn.execute("SELECT document_id, annotator FROM assignments"))
        stamp = now()
        what = f"{counted(len(document_ids), 'document')} to {', '.join(names)}"
        with self.store.action("assign", None, None, what) as rec:
            rec.insert_many("assignments", [{"document_id": d, "annotator": a, "assigned_at": stamp}
                                            for d in document_ids for a in names if (d, a) not in have])
        return rec.change

    def unassign(self, document_ids: Sequence[str], annotators: Sequence[str]) -> Change:
        with self.store.action("unassign", None, None, counted(len(document_ids), "document")) as rec:
            for d in document_ids:
                for a in annotators:
                    rec.delete("assignments", (d, a))
        return rec.change

    def merge_conflicts(self, *, status: str | None = "open") -> list[dict[str, Any]]:
        """Registry conflicts found by merges (open ones by default), oldest first."""
        sql = "SELECT * FROM merge_conflicts" + (" WHERE status=?" if status else "") + " ORDER BY created_at, id"
        cur = self.conn.execute(sql, (status,) if status else ())
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, r, strict=True)) for r in cur]

    def resolve_conflict(self, conflict_id: str, choice: str) -> Change:
        """Decide a merge conflict: 'kept' keeps the project's value, 'taken' takes the file's."""
        if choice not in ("kept", "taken"):
            raise ValidationError("a conflict is decided with 'kept' (the project's value) or 'taken' (the file's)")
        row = self.conn.execute("SELECT kind, entity_id, field, file_value FROM merge_conflicts WHERE id=?",
                                (conflict_id,)).fetchone()
        if row is None:
            raise ValidationError(f"no merge conflict with id {conflict_id!r}")
        kind, entity, field, file_value = row
        with self.store.action("decide conflict", None, None, f"{kind} {entity} {field}: {choice}") as rec:
            if choice == "taken":
                table = "actors" if kind == "actor" else "targets"
                before = self.conn.execute(f"SELECT {field} FROM {table} WHERE id=?", (entity,)).fetchone()
                if before is None:
                    raise ValidationError(f"{kind} {entity} no longer exists")
                after = rec.update(table, (entity,), {field: json.loads(file_value)})
                self.store.log_registry(rec, kind, entity, "merge conflict taken", {field: before[0]}, after)
            rec.update("merge_conflicts", (conflict_id,), {"status": choice})
        return rec.change
