"""The window's session: the open project, who annotates, the document on screen, and the one
path by which the window's parts call core actions.

The window and its controllers share one ``Session``. The controllers read the document from it
(``text``, ``spans``, ``doc_id``) and call actions through :meth:`Session.run`; they never touch
the window. What they need from the window comes back as the session's signals:

- ``changeApplied(Change)`` after every action that wrote something (the window repaints from it),
- ``statusMessage(str, int)`` for a line in the status bar (milliseconds, 0 = until replaced),
- ``annotatorNeeded()`` when an action needs an annotator and there is none yet.

All of it lives on the UI thread. Offsets are code points, as in the core.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from isfannotate import Project
from isfannotate.changes import Change
from isfannotate.errors import IsfError
from isfannotate.models import Span, span_from_dict

PROGRAM = "isfannotate gui"     # how the app names itself in a project's lock file
CONNECTION_WAIT = 0.05          # seconds an action waits for a running job before it is refused as busy


def open_project(path) -> Project:
    """Open *path* as the app does: named "isfannotate gui" in the lock file, and refusing an
    action at once (``Busy``) rather than freezing the window while a job uses the project.
    Raises ``ProjectLocked`` (one line naming the owner) when another program or window has it."""
    project = Project.open(path, program=PROGRAM)
    project.connection_wait = CONNECTION_WAIT
    return project


class Session(QObject):
    """The open project and the document on screen; the one caller of core actions in the UI."""

    changeApplied = Signal(object)        # Change: an action wrote something; repaint from it
    statusMessage = Signal(str, int)      # text, milliseconds to show it (0: until replaced)
    annotatorNeeded = Signal()            # an action needs an annotator: ask who it is

    def __init__(self, annotator: str | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project: Project | None = None
        self.annotator: str | None = annotator
        self.doc_id: str | None = None
        self.text = ""                                  # the shown document's text
        self.spans: dict[str, Span] = {}                # the shown document's spans in the annotator's layer
        self.colors: dict[str, str] = {}                # label -> colour, set from the scheme
        self._actors: dict | None = None                # registry copy for names; None = reload on next use

    # -------------------------------------------------------------- project
    def set_project(self, project: Project) -> None:
        """Make *project* the open one (the caller closes the previous one). Clears the document."""
        self.project = project
        project.author = self.annotator or "unknown"
        self._actors = None
        self.doc_id = None
        self.text = ""
        self.spans = {}

    def set_annotator(self, name: str) -> None:
        self.annotator = name
        if self.project is not None:
            self.project.author = name

    def load_document(self, doc_id: str) -> None:
        """Read *doc_id*'s text and the annotator's spans into the session (no painting)."""
        doc = self.project.document(doc_id)
        spans = self.project.spans(doc_id, self.annotator) if self.annotator else []
        self.doc_id = doc_id
        self.text = doc.text
        self.spans = {s.id: s for s in spans}

    def reload_spans(self) -> list[Span]:
        spans = self.project.spans(self.doc_id, self.annotator) if (self.doc_id and self.annotator) else []
        self.spans = {s.id: s for s in spans}
        return spans

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

    def require_annotator(self) -> bool:
        """True when there is an annotator; else say so and ask for one (non-blocking)."""
        if self.annotator:
            return True
        self.message("Say who you are first (File → the annotator prompt)", 4000)
        self.annotatorNeeded.emit()
        return False

    def run(self, fn: Callable[..., Change], *args: Any, **kwargs: Any) -> Change | None:
        """Call a core action; on success emit ``changeApplied`` (the window repaints before this
        returns) and return the change; on an ``IsfError`` show it in the status bar and return None."""
        try:
            change = fn(*args, **kwargs)
        except IsfError as e:
            self.message(f"⚠ {e}", 6000)
            return None
        self.changeApplied.emit(change)
        return change

    def guarded(self, slot: Callable[..., Any]) -> Callable[..., Any]:
        """*slot* for a Qt signal a person triggers (a key, a button): an ``IsfError`` it raises,
        e.g. ``Busy`` while a job holds the project, becomes a status-bar line, not a traceback."""
        def call(*args: Any) -> Any:
            try:
                return slot(*args)
            except IsfError as e:
                self.message(f"⚠ {e}", 6000)
                return None
        return call

    def read(self, fn: Callable[..., Any], *args: Any, default: Any = None, **kwargs: Any) -> Any:
        """Call a core reader; on an ``IsfError`` (e.g. the project is busy with a job) show it in
        the status bar and return *default*."""
        try:
            return fn(*args, **kwargs)
        except IsfError as e:
            self.message(f"⚠ {e}", 6000)
            return default
