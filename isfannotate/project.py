"""``Project``: the one entry point for the desktop app, the CLI, scripts and tests.

One process owns an open project (``store.connection``): a second opener, here or elsewhere,
is refused at once with ``ProjectLocked``. Every user action is one method that validates,
writes in one transaction and returns a ``Change``; undo/redo and the job queue live in the
session (``store.session``). The readers come from the store (``store.base``); the actions
are parts built on it (``ops/``), forwarded by name; this module holds the lifecycle and the
entry points of the larger jobs.
All offsets are code points, end exclusive.

Threading: any thread may call a Project; each call goes through the session's guard. Long
work runs in ``project.jobs`` (one job at a time, on the same connection).
"""
from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import ProjectError, ValidationError
from .ids import new_id, now
from .models import GOLD
from .ops import forward
from .ops.claims import ClaimActions
from .ops.registry import RegistryActions
from .ops.spans import SpanActions
from .ops.suggestions import SuggestActions
from .ops.team import TeamActions
from .scheme import Scheme, load_scheme
from .store import connection
from .store.base import ProjectBase
from .store.changes import Change
from .store.ownership import OwnerInfo
from .store.session import guard_public_methods, unguarded

if TYPE_CHECKING:
    from .agreement.compute import AgreementResult
    from .exporting import ExportResult
    from .importing.documents import ImportReport
    from .kb import Occurrence, Problem
    from .review import Queue
    from .review.feedback import Feedback
    from .review.units import ReviewDoc
    from .team.merge import MergeReport

Progress = Callable[[int, int], None]

__all__ = ["Project", "new_id", "now"]


@guard_public_methods
class Project(ProjectBase):
    """An open project file. Use ``Project.create`` / ``Project.open``; close it (or use ``with``).

    The store (``ProjectBase``: session, readers, scheme) with the action parts built on it:
    ``registry_actions``, ``span_actions``, ``claim_actions``, ``team_actions`` and
    ``suggestion_actions`` (``ops``). Their public methods are forwarded below, in one list, so
    ``project.annotate(...)`` is ``project.span_actions.annotate(...)``."""

    def __init__(self, path: Path, conn: sqlite3.Connection, owner: OwnerInfo | None = None, *,
                 read_only: bool = False) -> None:
        super().__init__(path, conn, owner, read_only=read_only)
        self.registry_actions = RegistryActions(self)
        self.span_actions = SpanActions(self, self.registry_actions)
        self.claim_actions = ClaimActions(self, self.span_actions)
        self.team_actions = TeamActions(self)
        self.suggestion_actions = SuggestActions(self, self.span_actions)

    # ------------------------------------------ the actions, forwarded to their parts
    annotate = forward("span_actions", SpanActions.annotate)
    annotate_many = forward("span_actions", SpanActions.annotate_many)
    annotate_across = forward("span_actions", SpanActions.annotate_across)
    relabel = forward("span_actions", SpanActions.relabel)
    delete_span = forward("span_actions", SpanActions.delete_span)
    resize_span = forward("span_actions", SpanActions.resize_span)
    resize_span_by_word = forward("span_actions", SpanActions.resize_span_by_word)
    set_span_attrs = forward("span_actions", SpanActions.set_span_attrs)
    link_actor = forward("span_actions", SpanActions.link_actor)
    create_actor_for_span = forward("span_actions", SpanActions.create_actor_for_span)
    set_status = forward("span_actions", SpanActions.set_status)

    set_claim = forward("claim_actions", ClaimActions.set_claim)
    set_stance = forward("claim_actions", ClaimActions.set_stance)
    delete_stance = forward("claim_actions", ClaimActions.delete_stance)
    add_relation = forward("claim_actions", ClaimActions.add_relation)
    delete_relation = forward("claim_actions", ClaimActions.delete_relation)
    set_doc_label = forward("claim_actions", ClaimActions.set_doc_label)

    add_actor = forward("registry_actions", RegistryActions.add_actor)
    update_actor = forward("registry_actions", RegistryActions.update_actor)
    add_alias = forward("registry_actions", RegistryActions.add_alias)
    merge_actors = forward("registry_actions", RegistryActions.merge_actors)
    add_target = forward("registry_actions", RegistryActions.add_target)
    registry_log = forward("registry_actions", RegistryActions.registry_log)

    assign_round_robin = forward("team_actions", TeamActions.assign_round_robin)
    assign = forward("team_actions", TeamActions.assign)
    unassign = forward("team_actions", TeamActions.unassign)
    merge_conflicts = forward("team_actions", TeamActions.merge_conflicts)
    resolve_conflict = forward("team_actions", TeamActions.resolve_conflict)

    train_suggestions = forward("suggestion_actions", SuggestActions.train_suggestions)
    set_suggestions_enabled = forward("suggestion_actions", SuggestActions.set_suggestions_enabled)
    load_suggestion_model = forward("suggestion_actions", SuggestActions.load_suggestion_model)
    model_suggestions = forward("suggestion_actions", SuggestActions.model_suggestions)
    documents_by_uncertainty = forward("suggestion_actions", SuggestActions.documents_by_uncertainty)
    registry_recommendations = forward("suggestion_actions", SuggestActions.registry_recommendations)
    accept_model_suggestion = forward("suggestion_actions", SuggestActions.accept_model_suggestion)
    reject_model_suggestion = forward("suggestion_actions", SuggestActions.reject_model_suggestion)
    accept_all_model_suggestions = forward("suggestion_actions", SuggestActions.accept_all_model_suggestions)
    suggestion_stats = forward("suggestion_actions", SuggestActions.suggestion_stats)
    evaluate_suggestions = forward("suggestion_actions", SuggestActions.evaluate_suggestions)
    min_score_map = forward("suggestion_actions", SuggestActions.min_score_map)
    set_suggestion_min_scores = forward("suggestion_actions", SuggestActions.set_suggestion_min_scores)

    # ----------------------------------------------------------------- lifecycle
    @classmethod
    def create(cls, path: str | Path, scheme: Scheme | str | Path | None = None,
               registry: str | Path | None = None, *, name: str | None = None,
               program: str = "isfannotate") -> Project:
        """Create a new project file with *scheme* (default: the seeds' scheme) and, when given,
        a starter actor registry (JSON ``{"actors": [...]}``). The scheme's targets are loaded.
        The new project is open (owned by this process) until closed."""
        from .resources import default_scheme_path
        if scheme is None:
            scheme = default_scheme_path()
        if not isinstance(scheme, Scheme):
            scheme = load_scheme(scheme)
        actors = []
        if registry is not None:
            from .registry import read_registry_file
            actors = read_registry_file(registry)
        path = Path(path)
        if path.parent and not path.parent.exists():
            raise ProjectError(f"{path}: folder {path.parent} does not exist")
        conn, owner = connection.open_database(path, create=True, program=program)
        project = cls(path, conn, owner)
        project.author = "lead"
        with project.action("create project", None, None, path.name, undoable=False) as rec:
            info = (("scheme", scheme.model_dump_json()), ("name", name or path.stem), ("created_at", now()))
            for key, value in info:
                rec.insert("project_info", {"key": key, "value": value})
            rec.insert_many("targets", [{"id": t.id, "name": t.name, "description": t.description,
                                         "created_by": "scheme", "created_at": now()} for t in scheme.targets])
            from .registry import actor_rows
            rec.insert_many("actors", actor_rows(actors))
        return project

    @classmethod
    def open(cls, path: str | Path, *, read_only: bool = False, program: str = "isfannotate",
             break_lock: OwnerInfo | None = None) -> Project:
        """Open *path* as its one owner. Raises ``ProjectLocked`` at once (no waiting) when another
        program or window has it open. *read_only*: for tools that only read (export, stats,
        check, agreement); writes are refused, a crashed owner's work is still recovered.
        *program* names this opener in the lock file (what others are told). *break_lock*: the
        ``OwnerInfo`` of another computer's lock that ``isfannotate unlock`` was told to break: it
        is replaced only once this process holds the project."""
        conn, owner = connection.open_database(path, create=False, read_only=read_only, program=program,
                                               break_lock=break_lock)
        project = cls(Path(path), conn, owner, read_only=read_only)
        project.only_layer = project.recorded_annotator   # a handed-out file: its annotator's layer only
        return project

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------ registry help & checks
    def validate(self, document_id: str, layer: str, *, only: Iterable[str] | None = None,
                 text: str | None = None) -> list[Problem]:
        """Problems the scheme finds in a layer's document (see ``kb.validate``); *only* limits the
        check to some span and stance ids; *text*: the document's text, if the caller holds it
        (it never changes, and reading 1 MB of it costs milliseconds)."""
        from .kb import validate
        return validate(self, document_id, layer, only=only, text=text)

    def revalidate(self, document_id: str, layer: str, change: Change, problems: dict[str, list[Problem]], *,
                   text: str | None = None) -> dict[str, list[Problem]]:
        """*problems* (item id -> problems) brought up to date after *change*, re-checking only
        what it touched (see ``kb.revalidate``); *text* as for ``validate``."""
        from .kb import revalidate
        return revalidate(self, document_id, layer, change, problems, text=text)

    def occurrences(self, layer: str, *, actor_id: str | None = None, text: str | None = None,
                    document_ids: list[str] | None = None) -> list[Occurrence]:
        """Unannotated whole-word occurrences of an actor's names or of *text* (see ``kb.occurrences``)."""
        from .kb import occurrences
        return occurrences(self, layer, actor_id=actor_id, text=text, document_ids=document_ids)

    def suggestions(self, document_id: str, layer: str) -> list[Occurrence]:
        from .kb import suggestions
        return suggestions(self, document_id, layer)

    def accept_suggestion(self, document_id: str, layer: str, start: int, end: int, actor_id: str) -> Change:
        label = self.scheme.actor_label
        if label is None:
            raise ValidationError("the scheme has no actor label")
        return self.annotate(document_id, layer, start, end, label, actor_id=actor_id)

    def accept_all_suggestions(self, document_id: str, layer: str) -> Change:
        """Every suggestion of the document as a linked actor span (one action). Rejected ones
        (X, or a suggested span deleted) are never re-added; a document marked done is refused."""
        label = self.scheme.actor_label
        if label is None:
            raise ValidationError("the scheme has no actor label")
        if self.status(document_id, layer) == "done":
            raise ValidationError(f"{document_id} is marked done: accepting all suggestions would change it; "
                                  "set it back to in progress first (Ctrl+Enter), or accept them one by one (A)")
        return self.annotate_many(document_id, layer, [(o.start, o.end, label, o.actor_id)
                                                       for o in self.suggestions(document_id, layer)])

    def reject_suggestion(self, document_id: str, layer: str, start: int, end: int, actor_id: str) -> Change:
        from .kb import reject_suggestion
        return reject_suggestion(self, document_id, layer, start, end, actor_id)

    # ------------------------------------------------------- import / export
    def import_paths(self, paths: Sequence[str | Path], *, format: str = "auto", annotator: str | None = None,
                     annotator_map: str | dict[str, str] | None = None, add_labels: bool = False, replace: bool = False,
                     split_discontinuous: bool = False, conll_tag_column: int | None = None,
                     webanno_layer: str | None = None,
                     progress: Progress | None = None) -> ImportReport:
        """Import documents, gold JSONL, or another tool's annotations (brat, doccano, Label Studio,
        Prodigy, CoNLL, WebAnno TSV3) all-or-nothing; see ``importing`` and docs/importing.md."""
        from .importing import import_paths
        report: ImportReport = import_paths(
            self, paths, format=format, annotator=annotator, annotator_map=annotator_map, add_labels=add_labels,
            replace=replace, split_discontinuous=split_discontinuous, conll_tag_column=conll_tag_column,
            webanno_layer=webanno_layer, progress=progress)
        return report

    def gold_records(self, layer: str = GOLD, *, include_all: bool = False,
                     progress: Progress | None = None) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
        """Gold JSONL records (docs/gold-jsonl.md) of *layer*, and the (document id, reason) left out."""
        from .gold import gold_records
        return gold_records(self, layer, include_all=include_all, progress=progress)

    @unguarded
    def export(self, fmt: str, out_dir: str | Path | None = None, *, layer: str = GOLD, include_all: bool = False,
               split: tuple[float, ...] | None = None, seed: int = 0, force: bool = False,
               progress: Progress | None = None, cancelled: Callable[[], bool] | None = None,
               schema: int = 2) -> ExportResult:
        """Export *layer* in *fmt* following the export rules of docs/formats.md; returns an ExportResult.
        *schema*: the gold record version the export builds on (2, or 1 for existing readers)."""
        from .gold import export_project
        result: ExportResult = export_project(
            self, fmt, out_dir, layer=layer, include_all=include_all, split=split, seed=seed, force=force,
            progress=progress, cancelled=cancelled, schema_version=schema)
        return result

    def handout(self, out_dir: str | Path, *, force: bool = False, progress: Progress | None = None) -> list[Path]:
        """Write one project file per annotator with assigned documents (see ``team.handout``)."""
        from .team.handout import write_handouts
        return write_handouts(self, out_dir, force=force, progress=progress)

    def merge(self, paths: Sequence[str | Path], *, new_annotators: Sequence[str] = (),
              progress: Progress | None = None) -> MergeReport:
        """Merge annotators' files into this project, all-or-nothing, one action (see ``team.merge``);
        *new_annotators*: names whose files are taken although this project did not hand them out."""
        from .team.merge import merge_files
        return merge_files(self, paths, new_annotators=new_annotators, progress=progress)

    def agreement(self, annotators: Sequence[str] | None = None, *,
                  documents: Sequence[str] | None = None) -> AgreementResult:
        """Inter-annotator agreement over the annotator layers (docs/agreement.md): an
        ``agreement.AgreementResult``; render it with ``agreement.report_text/json/write_html``."""
        from .team.layers import agreement
        result: AgreementResult = agreement(self, annotators, documents=documents)
        return result

    # ------------------------------------------------------------------ review
    def review(self, document_id: str) -> ReviewDoc:
        """The document's aligned units with their states (see ``review``)."""
        from .review import review_document
        return review_document(self, document_id)

    def decide(self, document_id: str, unit_key: str, decision: str, *, annotator: str | None = None,
               edited: dict[str, Any] | None = None, note: str = "") -> Change:
        """Accept (an annotator's version, possibly edited) or reject a unit into gold: one action."""
        from .review import decide
        return decide(self, document_id, unit_key, decision, annotator=annotator, edited=edited, note=note)

    def set_review_note(self, document_id: str, unit_key: str, note: str) -> Change:
        from .review import set_note
        return set_note(self, document_id, unit_key, note)

    def adjudicate_auto(self, mode: str, *, min_k: int | None = None, documents: Sequence[str] | None = None,
                        progress: Progress | None = None) -> Change:
        """Auto-merge unanimous or majority units into gold, one action (see ``review.auto_merge``)."""
        from .review import auto_merge
        return auto_merge(self, mode, min_k=min_k, documents=documents, progress=progress)

    def review_queue(self, *, progress: Progress | None = None) -> Queue:
        from .review import review_queue
        return review_queue(self, progress=progress)

    def review_queue_uncounted(self) -> int:
        from .review import review_queue_uncounted
        return review_queue_uncounted(self)

    def next_disagreement(self, after_doc: str | None = None, after_unit: str | None = None, *,
                          backwards: bool = False) -> tuple[str, str] | None:
        from .review import next_disagreement
        return next_disagreement(self, after_doc, after_unit, backwards=backwards)

    def add_guideline_example(self, document_id: str, unit_key: str) -> Change:
        from .review import add_guideline_example
        return add_guideline_example(self, document_id, unit_key)

    def guideline_examples(self, label: str | None = None) -> list[dict[str, Any]]:
        from .review import guideline_examples
        return guideline_examples(self, label)

    def feedback(self, annotator: str) -> Feedback:
        """An annotator's decided units (their version, the decision, the note) and their
        agreement with gold per label (see ``review.feedback``)."""
        from .review.feedback import feedback
        return feedback(self, annotator)

    def stats(self) -> dict[str, Any]:
        from .store.checks import stats
        return stats(self)

    def check(self) -> list[str]:
        from .store.checks import check
        return check(self)
