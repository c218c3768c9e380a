"""Moving between documents: Ctrl+PgDn / Ctrl+PgUp, and on to the next unfinished document.

At the end of the list Ctrl+PgDn goes on to the first document not yet done (and says so);
marking a document done moves to the next unfinished one when Annotate → "After Done, Go to the
Next Unfinished Document" is ticked (the default; kept in the app's settings). Ctrl+Z then
returns to the document and un-marks it, since undo shows where the undone work was.
"""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

from isfannotate.changes import Change

from ..app_settings import app_settings
from ..parts import WindowParts
from ..session import Session
from .document_list import DocumentPane, IdRole

NEXT_AFTER_DONE = "annotate/nextUnfinishedAfterDone"


class DocumentNavigator(QObject):
    """Chooses the document to go to; *show(doc_id)* shows it (the window's ``show_document``)."""

    def __init__(self, session: Session, parts: WindowParts, documents: DocumentPane,
                 show: Callable[[str], bool]) -> None:
        super().__init__(parts.window)
        self.session, self.parts, self.documents, self.show = session, parts, documents, show
        self.after_done_action = None

    def build_actions(self) -> None:
        m = self.parts.menus
        a = m.add("After Done, Go to the Next &Unfinished Document", self._on_after_done_toggled, None, m.annotate)
        a.setCheckable(True)
        a.setChecked(self.next_after_done())
        self.after_done_action = a

    @staticmethod
    def next_after_done() -> bool:
        return str(app_settings().value(NEXT_AFTER_DONE, "true")).lower() != "false"

    def _on_after_done_toggled(self) -> None:
        on = self.after_done_action.isChecked()
        app_settings().setValue(NEXT_AFTER_DONE, "true" if on else "false")
        self.session.message("after marking a document done: " + ("the next unfinished one is shown" if on else
                                                                  "it stays shown"), 4000)

    def unfinished_after(self, doc_id: str | None) -> str | None:
        """The first document not done after *doc_id* in the list (as filtered), wrapping round
        to the top; None when every other document is done."""
        proxy = self.documents.proxy
        n = proxy.rowCount()
        ids = [proxy.index(r, 0).data(IdRole) for r in range(n)]
        start = ids.index(doc_id) + 1 if doc_id in ids else 0
        for d in ids[start:] + ids[:start]:
            if d != doc_id and self.documents.model.status(d) != "done":
                return d
        return None

    def step(self, step: int) -> None:
        """Ctrl+PgDn (1) / Ctrl+PgUp (-1); at the end, on to the first unfinished document."""
        nxt = self.documents.neighbour(self.session.doc_id, step)
        if nxt is not None:
            self.show(nxt)
            return
        if step < 0:
            self.session.message("this is the first document", 3000)
            return
        other = self.unfinished_after(self.session.doc_id)
        if other is None:
            self.session.message("this is the last document, and every other one is done", 5000)
            return
        if self.show(other):
            self.session.message(f"that was the last document: this is the first one not done, {other}", 6000)

    def after_change(self, change: Change) -> None:
        """A document marked done (by this window's action, not by undo or redo) moves on."""
        if change.action != "status" or change.document_id != self.session.doc_id or not self.next_after_done():
            return
        row = next((op.after for op in change.rows("doc_status") if op.after is not None), None)
        if row is None or row["status"] != "done" or row["layer"] != self.session.annotator:
            return
        done = change.document_id
        other = self.unfinished_after(done)
        if other is None:
            self.session.message(f"{done} done ✓ — every document is done", 6000)
            return
        # after the window has repainted from the change (its status, the list)
        QTimer.singleShot(0, lambda: self._move_on(done, other))

    def _move_on(self, done: str, other: str) -> None:
        if self.session.doc_id == done and self.show(other):
            self.session.message(f"{done} done ✓ — next unfinished: {other} (Ctrl+Z returns and un-marks it)", 6000)
