"""The window's session: the open project, who annotates, the document on screen, and the one
path by which the window's parts call core actions.

The window and its controllers share one ``Session``. The controllers read the document from it
(``text``, ``spans``, ``doc_id``) and call actions through :meth:`Session.run`; they never touch
the window. What they need from the window comes back as the session's signals:

- ``changeApplied(Change)`` after every action that wrote something (the window repaints from it),
- ``statusMessage(str, int)`` for a line in the status bar (milliseconds, 0 = until replaced),
- ``annotatorNeeded()`` when an action needs an annotator and there is none yet,
- ``layerChanged(str)`` when the window starts showing another layer (View → Layer).

**Layers.** ``me`` is who sits at the keyboard; ``annotator`` is the layer the window shows
(``me`` unless View → Layer shows another one: an annotator's, ``unanimous`` or ``gold``).
Readers in the controllers use ``annotator``, so they show the chosen layer; while it is not
``me``'s (``read_only``), :meth:`Session.run` and :meth:`Session.require_annotator` refuse every
edit with a status-bar line saying why.

**Deferred work.** Opening a document draws its article first; the window fills the side
panels right after that paint (``defer``). Every action (``run``, ``run_lead``) and every slot
wrapped by ``guarded`` runs the deferred work first (``settle``), so nothing a person does acts
on panels that still show nothing, or another document.

All of it lives on the UI thread. Offsets are code points, as in the core.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import QObject, Signal

from isfannotate import Project
from isfannotate.errors import IsfError, StorageError
from isfannotate.kb import FoldedActors
from isfannotate.models import UNANIMOUS, Span, span_from_dict, span_from_short_row
from isfannotate.store.changes import Change

from .serving import serve_reads, stop_serving

PROGRAM = "isfannotate gui"     # how the app names itself in a project's lock file
CONNECTION_WAIT = 0.05          # seconds an action waits for a running job before it is refused as busy


def open_project(path, say: Callable[[str, int], None] | None = None) -> Project:
    """Open *path* as the app does: named "isfannotate gui" in the lock file, and refusing an
    action at once (``Busy``) rather than freezing the window while a job uses the project.
    Raises ``ProjectLocked`` (one line naming the owner) when another program or window has it."""
    project = Project.open(path, program=PROGRAM)
    project.connection_wait = CONNECTION_WAIT
    serve_reads(project, say)   # the terminal's stats, export, ... run here (docs/storage.md); *say* tells of them
    return project


def close_project(project: Project) -> None:
    """Stop serving the terminal, then close: waits for a running job (a served one too),
    checkpoints the WAL and releases the file."""
    stop_serving(project)
    project.close()


class Session(QObject):
    """The open project and the document on screen; the one caller of core actions in the UI."""

    changeApplied = Signal(object)        # Change: an action wrote something; repaint from it
    statusMessage = Signal(str, int)      # text, milliseconds to show it (0: until replaced)
    annotatorNeeded = Signal()            # an action needs an annotator: ask who it is
    layerChanged = Signal(str)            # the window now shows this layer (View → Layer)

    def __init__(self, annotator: str | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project: Project | None = None
        self.me: str | None = annotator                 # who edits
        self.shown_layer: str | None = None             # another layer shown read-only; None = me's
        self._derived: dict[str, list[Span]] = {}       # 'unanimous' spans per document (derived, not stored)
        self.doc_id: str | None = None
        self.text = ""                                  # the shown document's text
        self._rows: list[tuple] = []                    # its spans as read at open (Readers.span_rows)
        self._spans: dict[str, Span] | None = {}        # ... as Spans, made on first use (see spans)
        self._row_index: dict[str, tuple] | None = None  # _rows by id, for one span before all are made (span)
        self._places: dict[str, tuple[int, int, str]] | None = None  # _rows' places (span_places)
        self._pending: Callable[[], object] | None = None   # work deferred to after a paint (see defer)
        self.selection_follows = False                  # see selecting()
        self.colors: dict[str, str] = {}                # label -> colour, set from the scheme
        self._actors: dict | None = None                # registry copy for names; None = reload on next use
        self._folds: tuple[dict, FoldedActors] | None = None    # that copy's names folded (actor_folds)

    @property
    def annotator(self) -> str | None:
        """The layer the window shows and reads: ``me``'s unless another layer is shown."""
        return self.shown_layer or self.me

    @property
    def read_only(self) -> bool:
        """True while the window shows a layer that is not ``me``'s: every edit is refused."""
        return self.shown_layer is not None and self.shown_layer != self.me

    def show_layer(self, layer: str | None) -> None:
        """Show *layer* (None or ``me``: one's own, editable). Emits ``layerChanged``; the caller
        shows the document again."""
        self.shown_layer = None if (layer is None or layer == self.me) else layer
        self._derived = {}
        self.layerChanged.emit(self.annotator or "")

    def refuse_read_only(self) -> bool:
        """True (and say why in the status bar) when the shown layer is not one's own."""
        if not self.read_only:
            return False
        self.message(f"⚠ {self.shown_layer}'s layer is shown read-only: nothing was changed "
                     f"(View → Layer → {self.me or 'your own'} to edit)", 6000)
        return True

    # -------------------------------------------------------------- project
    def set_project(self, project: Project) -> None:
        """Make *project* the open one (the caller closes the previous one). Clears the document."""
        self.project = project
        project.author = self.me or "unknown"
        self._actors = None
        self.shown_layer = None
        self._derived = {}
        self.doc_id = None
        self.text = ""
        self.spans = {}
        self._pending = None

    def set_annotator(self, name: str) -> None:
        self.me = name
        if self.project is not None:
            self.project.author = name

    def load_document(self, doc_id: str) -> None:
        """Read *doc_id*'s text and the shown layer's spans into the session (no painting): one
        query for the text, one for the spans as rows; their ``Span`` objects are made when
        ``spans`` is first used (the article's first paint needs only ``span_rows``)."""
        doc = self.project.document(doc_id)
        self._actors = None     # a job (a registry import) may have changed the registry meanwhile
        layer = self.annotator
        if layer and layer != UNANIMOUS:
            rows, spans = self.project.span_rows(doc_id, layer), None
        else:
            rows, spans = [], {s.id: s for s in self._layer_spans(doc_id)}
        self.doc_id = doc_id
        self.text = doc.text
        self._rows, self._spans, self._row_index, self._places = rows, spans, None, None

    @property
    def spans(self) -> dict[str, Span]:
        """The shown document's spans in the shown layer, by id. Made from the rows read at open
        on first use: 10,000 ``Span`` objects cost ~17 ms, which the first paint need not wait for."""
        if self._spans is None:
            doc, layer = self.doc_id, self.annotator
            self._spans = {r[0]: span_from_short_row(doc, layer, r) for r in self._rows}
            self._rows, self._row_index, self._places = [], None, None
        return self._spans

    @spans.setter
    def spans(self, value: dict[str, Span]) -> None:
        self._spans, self._rows, self._row_index, self._places = value, [], None, None

    @property
    def spans_made(self) -> bool:
        """True once ``spans`` holds a ``Span`` of each shown span."""
        return self._spans is not None

    def span(self, span_id: str) -> Span | None:
        """One shown span by id (None if there is none). Before ``spans`` is made it makes just
        that one from its row: the annotation list's visible rows need not make all 10,000."""
        if self._spans is not None:
            return self._spans.get(span_id)
        if self._row_index is None:
            self._row_index = {r[0]: r for r in self._rows}
        row = self._row_index.get(span_id)
        return None if row is None else span_from_short_row(self.doc_id or "", self.annotator or "", row)

    def has_span(self, span_id: str) -> bool:
        """Whether *span_id* is one of the shown spans (without making any ``Span``)."""
        if self._spans is not None:
            return span_id in self._spans
        if self._row_index is None:
            self._row_index = {r[0]: r for r in self._rows}
        return span_id in self._row_index

    def span_places(self) -> dict[str, tuple[int, int, str]]:
        """id -> (start, end, label) of every shown span, what ordering them needs: from the
        rows read at open while no ``Span`` is made (the side panels' fill makes none, and reads
        this twice: made once). Not to be changed by the caller."""
        if self._spans is None:
            if self._places is None:
                self._places = {r[0]: (r[1], r[2], r[3]) for r in self._rows}
            return self._places
        return {s.id: (s.start, s.end, s.label) for s in self._spans.values()}

    def span_rows(self) -> list[tuple]:
        """The shown spans as rows (id, start, end, label, ...) in no particular order, without
        making a ``Span`` of each (what the article's first paint and the suggestions need)."""
        if self._spans is None:
            return self._rows
        return [(s.id, s.start, s.end, s.label) for s in self._spans.values()]

    def link_rows(self) -> list[tuple] | None:
        """The shown spans as rows (id, start, end, label, actor_id, ...) as stored in the shown
        layer, without making a ``Span`` of each; None when the layer shown is derived (unanimous)."""
        if self.annotator == UNANIMOUS:
            return None
        if self._spans is None:
            return self._rows
        return [(s.id, s.start, s.end, s.label, s.actor_id) for s in self._spans.values()]

    def span_count(self) -> int:
        return len(self._rows) if self._spans is None else len(self._spans)

    def reload_spans(self) -> list[Span]:
        spans = self._layer_spans(self.doc_id) if self.doc_id else []
        self.spans = {s.id: s for s in spans}
        return spans

    # ------------------------------------------------------------- deferred
    def defer(self, fn: Callable[[], object]) -> None:
        """Keep *fn* (filling the side panels after a document's first paint) to run later, by
        ``settle``: the window runs it after that paint, and anything a person triggers first
        (an action, a guarded slot, a tooltip) settles before it reads anything. Replaces a
        deferred call not yet run (it was about the document shown before)."""
        self._pending = fn

    def settle(self, only: Callable[[], object] | None = None) -> None:
        """Run the deferred call now, if there is one (once); with *only*, just if it is that one
        (a timer started for one document leaves the next document's fill to its own paint)."""
        if only is not None and self._pending is not only:
            return
        fn, self._pending = self._pending, None
        if fn is not None:
            fn()

    @property
    def settled(self) -> bool:
        """True when no deferred call waits (the side panels show the document)."""
        return self._pending is None

    def _layer_spans(self, doc_id: str) -> list[Span]:
        """The shown layer's spans of *doc_id*; for 'unanimous' (derived at export, not stored)
        the spans every annotator who marked the document done agrees on."""
        layer = self.annotator
        if not layer:
            return []
        if layer != UNANIMOUS:
            return self.project.spans(doc_id, layer)
        if not self._derived:
            from isfannotate.gold.build import unanimous_records
            records, _ = unanimous_records(self.project, include_all=False)
            self._derived = {r["id"]: [Span(id=d["id"], document_id=r["id"], layer=UNANIMOUS, start=d["start"],
                                            end=d["end"], label=d["label"], actor_id=d.get("actor_id"),
                                            attrs=d.get("attrs") or {}, author=UNANIMOUS)
                                       for d in r["spans"]] for r in records}
            self._derived.setdefault("", [])   # computed, even when nothing is unanimous
        return self._derived.get(doc_id, [])

    def take_change(self, change: Change) -> tuple[list[Span], list[str], list[Span]]:
        """Bring the shown document's spans up to date from *change* (the change carries the rows:
        no query). Returns (added spans, removed span ids, updated spans); nothing when the change
        is about another document or layer."""
        added: list[Span] = []
        removed: list[str] = []
        updated: list[Span] = []
        if change.document_id != self.doc_id or change.layer != self.annotator:
            return added, removed, updated
        for op in change.rows("spans"):
            if op.kind == "delete":
                self.spans.pop(op.before["id"], None)
                removed.append(op.before["id"])
                continue
            span = span_from_dict(op.after)
            self.spans[span.id] = span
            (added if op.kind == "insert" else updated).append(span)
        return added, removed, updated

    def registry_changed(self) -> None:
        """Forget the copy of the registry: actor names are read again on next use."""
        self._actors = None

    # ------------------------------------------------------------- reading
    def span_text(self, span: Span) -> str:
        """The text a span covers in the shown document (code points)."""
        return self.text[span.start:span.end]

    def role(self, label: str) -> str | None:
        """The scheme role of *label* ("actor", "claim", "cue", ...), None for an unknown label."""
        lab = self.project.scheme.label(label)
        return lab.role if lab is not None else None

    def actors(self) -> list:
        """The registry's actors in the project's order (``Project.actors``), from the per-session
        copy that ``registry_changed`` drops: a label key reads the registry once, not per look."""
        if self._actors is None:
            self._actors = {a.id: a for a in self.project.actors()}
        return list(self._actors.values())

    def actor_folds(self) -> FoldedActors:
        """The same actors with their names folded for searching (``kb.FoldedActors``), made once
        per copy of the registry: the picker and the known-name check of a label key fold nothing."""
        if self._actors is None:
            self._actors = {a.id: a for a in self.project.actors()}
        made = self._folds
        if made is None or made[0] is not self._actors:
            made = self._folds = (self._actors, FoldedActors.of(self._actors.values()))
        return made[1]

    def actor_text(self, actor_id: str, with_type: bool = False) -> str:
        """An actor as the window names it: "Pakistan" or "Pakistan (state)"; its id if it left the
        registry. Reads a per-session copy of the registry, dropped whenever the registry changes."""
        if self._actors is None:
            self._actors = {a.id: a for a in self.project.actors()}
        a = self._actors.get(actor_id)
        if a is None:
            return actor_id
        return f"{a.name} ({a.type.replace('_', ' ')})" if with_type else a.name

    # ------------------------------------------------------------- actions
    def message(self, text: str, ms: int = 3000) -> None:
        """Show *text* in the window's status bar for *ms* milliseconds."""
        self.statusMessage.emit(text, ms)

    def refused(self, e: IsfError) -> None:
        """Say why an action or a read was refused. A fault of the storage (a full disk, a
        read-only file) stays in the status bar until the next message: it holds for every
        action until it is fixed."""
        self.message(f"⚠ {e}", 0 if isinstance(e, StorageError) else 6000)

    def require_annotator(self) -> bool:
        """True when there is an annotator and the shown layer is theirs; else say why (and ask
        for a name when there is none, non-blocking)."""
        if self.refuse_read_only():
            return False
        if self.annotator:
            return True
        self.message("Say who you are first (File → the annotator prompt)", 4000)
        self.annotatorNeeded.emit()
        return False

    def run(self, fn: Callable[..., Change], *args: Any, **kwargs: Any) -> Change | None:
        """Call a core action; on success emit ``changeApplied`` (the window repaints before this
        returns) and return the change; on an ``IsfError`` show it in the status bar and return None.
        Refused (None, said in the status bar) while the shown layer is not one's own: use
        :meth:`run_lead` for the lead's project-wide actions (assignments, conflicts, review)."""
        if self.refuse_read_only():
            return None
        return self.run_lead(fn, *args, **kwargs)

    def run_lead(self, fn: Callable[..., Change], *args: Any, **kwargs: Any) -> Change | None:
        """Like :meth:`run` for actions that write no annotator's layer (assigning documents,
        deciding merge conflicts, adjudicating gold): allowed whatever layer is shown."""
        try:
            self.settle()
            change = fn(*args, **kwargs)
        except IsfError as e:
            self.refused(e)
            return None
        self.changeApplied.emit(change)
        return change

    @contextmanager
    def selecting(self) -> Iterator[None]:
        """Around an action after which the caller always selects a span (a label key: the span
        it made). The repaint of its change then leaves the side panel's selected span to that
        selection (``selection_follows``): the panel shows the new span once, not first no span."""
        self.selection_follows = True
        try:
            yield
        finally:
            self.selection_follows = False

    def guarded(self, slot: Callable[..., Any]) -> Callable[..., Any]:
        """*slot* for a Qt signal a person triggers (a key, a button): an ``IsfError`` it raises,
        e.g. ``Busy`` while a job holds the project, becomes a status-bar line, not a traceback."""
        def call(*args: Any) -> Any:
            try:
                self.settle()       # a key pressed before the side panels filled acts on the filled state
                return slot(*args)
            except IsfError as e:
                self.refused(e)
                return None
        return call

    def read(self, fn: Callable[..., Any], *args: Any, default: Any = None, **kwargs: Any) -> Any:
        """Call a core reader; on an ``IsfError`` (e.g. the project is busy with a job) show it in
        the status bar and return *default*."""
        try:
            return fn(*args, **kwargs)
        except IsfError as e:
            self.refused(e)
            return default
