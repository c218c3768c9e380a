"""Review and adjudication (issue 13): aligned units, decisions into gold, auto-merge, the queue,
and worked examples for the guidelines. Pure reads and actions over a project; no Qt.
docs/reviewing.md is the lead's guide."""
from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import ValidationError
from ..gcpause import paused_gc
from ..ids import new_id, now
from ..models import GOLD
from ..store import review as stored
from ..store.changes import Change
from .decide import _undo_earlier, _used_elsewhere, apply_decision, update_gold_status
from .units import PARTS, ReviewDoc, ReviewUnit, review_counts, review_document, review_documents, unit_states

if TYPE_CHECKING:
    from ..store.base import ProjectBase

__all__ = ["PARTS", "ReviewDoc", "ReviewUnit", "QueueRow", "Queue", "auto_merge", "decide", "review_document",
           "review_counts", "review_documents", "review_queue", "review_queue_uncounted",
           "next_disagreement", "set_note",
           "add_guideline_example",
           "guideline_examples", "undecide", "unit_name", "unit_states", "describe_decision", "majority_of"]


def decide(project: ProjectBase, document_id: str, unit_key: str, decision: str, *, annotator: str | None = None,
           edited: dict[str, Any] | None = None, note: str = "") -> Change:
    """Accept a unit (an annotator's version, or the largest group's, optionally *edited*) or
    reject every version, as one action. Deciding again replaces the earlier decision."""
    rd = review_document(project, document_id)
    unit = rd.unit(unit_key)
    if unit is None:
        raise ValidationError(f"no unit {unit_key!r} in document {document_id!r} (its versions may have changed)")
    with project.action("decision:", document_id, GOLD,
                         describe_decision(project, unit, decision, annotator, edited)) as rec:
        apply_decision(project, rec, rd, unit, decision, annotator=annotator, edited=edited, note=note)
        update_gold_status(rec, rd)
    return rec.change


def undecide(project: ProjectBase, document_id: str, unit_key: str) -> Change:
    """Take back a unit's decision as one action: what it put into gold goes (items another
    decision uses stay), the unit is open again. For a decision made in another session (the
    command line), where undo cannot reach it."""
    rd = review_document(project, document_id)
    unit = rd.unit(unit_key)
    if unit is None:
        raise ValidationError(f"no unit {unit_key!r} in document {document_id!r} (its versions may have changed)")
    if unit.decision is None:
        raise ValidationError(f"{unit_key} is not decided; nothing to take back")
    with project.action("decision:", document_id, GOLD, f"take back the decision on {unit_name(project, unit)}") as rec:
        _undo_earlier(rec, unit.decision, unit, _used_elsewhere(rec.conn, unit.doc, unit.key))
        rec.delete("decisions", (unit.key,))
        unit.decision = None
        update_gold_status(rec, rd)
    return rec.change


def unit_name(project: ProjectBase, unit: ReviewUnit) -> str:
    """A unit as a person names it: "CLAIM 10-40" (offsets, which a window replaces by the
    text), "STANCE Pakistan → contributing troops", "document label relevance"."""
    if unit.kind == "stance":
        v = next(iter(unit.versions.values()), {})
        with project.snapshot() as conn:
            names = stored.entry_names(conn, v.get("holder"), v.get("target"))
        holder, target = str(v.get("holder") or "?"), str(v.get("target") or "?")
        return f"STANCE {names.get(holder, holder)} → {names.get(target, target)}"
    if unit.kind == "doc_label":
        return f"document label {next(iter(unit.versions.values()), {}).get('key', '')}".strip()
    return f"{unit.label or unit.kind.upper()} {unit.start}-{unit.end}"


def describe_decision(project: ProjectBase, unit: ReviewUnit, decision: str, annotator: str | None,
                      edited: dict[str, Any] | None) -> str:
    """"take ayesha on CLAIM 10-40", "reject every version of ACTOR 5-9", "take an edit of
    bob's version on STANCE …": what an undo names."""
    if decision == "rejected":
        return f"reject every version of {unit_name(project, unit)}"
    who = annotator or (unit.groups()[0][1][0] if unit.versions else "?")
    what = f"an edit of {who}'s version" if edited else who
    return f"take {what} on {unit_name(project, unit)}"


def set_note(project: ProjectBase, document_id: str, unit_key: str, note: str) -> Change:
    """Leave (or change) the adjudicator's note on a decided unit."""
    with project.snapshot() as conn:
        decided = stored.is_decided(conn, unit_key)
    if not decided:
        raise ValidationError("decide the unit first (accept or reject it), then add a note; or give the note "
                              "with the decision")
    with project.action("note", document_id, GOLD) as rec:
        rec.update("decisions", (unit_key,), {"note": note})
    return rec.change


def auto_merge(project: ProjectBase, mode: str, *, min_k: int | None = None,
               documents: Sequence[str] | None = None,
               progress: Callable[[int, int], None] | None = None) -> Change:
    """Put units into gold in ONE action: ``unanimous`` (every coder of the document has the
    unit, identically) or ``majority``: one version held by a strict majority of the unit's
    coders (the annotators who saw the document, ``ReviewUnit.coders``: more than half, so a tie
    is never decided) and by at least *min_k* of them (default 2, never less: one annotator is
    not a majority of anything). Never overwrites a decision; running it twice changes nothing."""
    if mode not in ("unanimous", "majority"):
        raise ValidationError("auto-merge is 'unanimous' or 'majority'")
    if min_k is not None and mode != "majority":
        raise ValidationError("--min K goes with --auto majority")
    if min_k is not None and min_k < 2:
        raise ValidationError(f"--min {min_k}: a majority needs at least 2 annotators who agree (K >= 2)")
    docs = review_documents(project, documents)
    n = 0
    with project.action(f"auto-merge {mode}", None, GOLD, "") as rec:
        for i, rd in enumerate(docs.values()):
            if progress and i % 200 == 0:
                progress(i, len(docs))
            touched = False
            for unit in rd.units:
                if unit.decided or not unit.versions:
                    continue
                groups = unit.groups()
                (_key, who) = groups[0]
                if mode == "unanimous":
                    take = len(who) == len(unit.coders) and not unit.differs()
                else:
                    take = majority_of(len(who), len(unit.coders), min_k or MIN_MAJORITY)
                if take:
                    apply_decision(project, rec, rd, unit, "accepted", annotator=who[0],
                                   decided_by=f"auto:{mode}")
                    n += 1
                    touched = True
            if touched:
                update_gold_status(rec, rd)
        rec.change.description = f"{n} units"
    if progress:
        progress(len(docs), len(docs))
    return rec.change


MIN_MAJORITY = 2


def majority_of(agree: int, coders: int, min_k: int = MIN_MAJORITY) -> bool:
    """*agree* annotators holding one version are a majority of a unit's *coders*: strictly more
    than half (2 of 4 is a tie, never decided) and at least *min_k*."""
    return 2 * agree > coders and agree >= max(min_k, MIN_MAJORITY)


@dataclass
class QueueRow:
    document_id: str
    title: str
    units: int
    decided: int
    open_disagreements: int

    @property
    def done(self) -> bool:
        return self.units > 0 and self.decided == self.units


@dataclass
class Queue:
    rows: list[QueueRow] = field(default_factory=list)

    @property
    def units(self) -> int:
        return sum(r.units for r in self.rows)

    @property
    def decided(self) -> int:
        return sum(r.decided for r in self.rows)

    @property
    def open_disagreements(self) -> int:
        return sum(r.open_disagreements for r in self.rows)


def review_queue(project: ProjectBase, *, progress: Callable[[int, int], None] | None = None) -> Queue:
    """Per document: units, decided, open disagreements; from the review cache, computing (and
    caching) only the documents an action changed since (every action drops its documents'
    rows). The first opening of a large project computes everything once."""
    with paused_gc():      # (tens of thousands of rows and counts, none in a cycle)
        mark = project.review_cache_mark()
        with project.snapshot() as conn:
            docs = stored.documents_under_review(conn)
            cached = stored.cached_review_counts(conn)
        missing = [d for d in docs if d not in cached]
        if missing:
            # the first opening: every document is missing, and reading all of them needs no filter
            counts = review_counts(project, None if len(missing) == len(docs) else missing, progress=progress)
            rows = [(d, *counts.get(d, (0, 0, 0))) for d in missing]
            if not project.read_only:
                project.cache_review_counts(rows, since=mark)    # (not if a change came meanwhile)
            cached.update({r[0]: r[1:] for r in rows})
        titles = dict(project.document_list())
        return Queue([QueueRow(d, titles.get(d, d), *cached[d]) for d in docs])


def review_queue_uncounted(project: ProjectBase) -> int:
    """How many documents under review the queue's cache lacks: what ``review_queue`` would read
    in full before it answers (all of them at the first opening after an import or a merge).
    The app counts them as a job, with progress, when they are many."""
    with project.snapshot() as conn:
        return stored.uncounted_under_review(conn)


def next_disagreement(project: ProjectBase, after_doc: str | None = None, after_unit: str | None = None,
                      *, backwards: bool = False) -> tuple[str, str] | None:
    """The next (or previous) undecided disagreement or incomplete unit, across documents, in
    document order then unit order: (document id, unit key), or None when all are decided.
    The current document is looked at first, so the key costs one document's unit keys and
    states (``unit_states``: no versions built for a document of spans); then the queue's
    cached counts say which documents have open units."""
    def first_open(states: list[tuple[str, bool]]) -> str | None:
        return next((key for key, open_ in (states[::-1] if backwards else states) if open_), None)

    if after_doc is not None:
        every = unit_states(project, after_doc)
        if backwards:
            every = every[::-1]
        keys = [key for key, _ in every]
        # after the unit's place (it may have just been decided, so it is looked up among all units)
        rest = every[keys.index(after_unit) + 1:] if after_unit in keys else every
        key = next((k for k, open_ in rest if open_), None)
        if key is not None:
            return after_doc, key
    rows = review_queue(project).rows
    if backwards:
        rows = rows[::-1]
    start = 0
    if after_doc is not None:
        start = next((i + 1 for i, r in enumerate(rows) if r.document_id == after_doc), 0)
    for r in rows[start:]:
        if r.open_disagreements:
            found = first_open(unit_states(project, r.document_id))
            if found is not None:
                return r.document_id, found
    return None


def add_guideline_example(project: ProjectBase, document_id: str, unit_key: str) -> Change:
    """From a decided unit: a worked example for the guidelines (its text, every version, the
    decision and the note), shown in the Guide tab under its label as plain text."""
    rd = review_document(project, document_id)
    unit = rd.unit(unit_key)
    if unit is None or unit.decision is None:
        raise ValidationError("an example is made from a decided unit; decide it first")
    text = project.document(document_id).text
    snippet = text[max(0, unit.start - 80):unit.end + 80] if unit.end > unit.start else ""
    label = unit.label or {"stance": "STANCE", "doc_label": "DOCUMENT"}.get(unit.kind, unit.kind)
    with project.action("guideline example", None, None, label) as rec:
        rec.insert("guideline_examples", {
            "id": new_id("ex"), "label": label, "document_id": document_id, "text": " ".join(snippet.split()),
            "versions": json.dumps(unit.versions, ensure_ascii=False, default=str),
            "decision": json.dumps({k: unit.decision.get(k)
                                    for k in ("decision", "chosen", "decided_by", "decided_at")},
                                   ensure_ascii=False),
            "note": unit.decision.get("note") or "", "created_by": project.author, "created_at": now()})
    return rec.change


def guideline_examples(project: ProjectBase, label: str | None = None) -> list[dict[str, Any]]:
    with project.snapshot() as conn:
        return stored.guideline_examples(conn, label)


