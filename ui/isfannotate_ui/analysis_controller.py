"""The lead's and the analyst's windows, opened from the menus: the stance map (View → Stance
Map) and, from the team controller, the agreement view and the progress board.

``AnalysisController`` owns these windows (one of each per main window, made on first use)
and wires their click-throughs to :meth:`LayerController.open_span`, which shows the document
in the layer the window was showing, with the span selected. It reads the project only
through the session (the window's one connection). UI thread only.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Qt

from .documents.document_list import DocumentPane, IdRole
from .documents.layer_view import LayerController
from .parts import WindowParts
from .session import Session

# The keys of the lead's and analyst's windows, added to the F1 list.
WINDOW_KEYS: list[tuple[str, str]] = [
    ("Ctrl+Shift+L", "back to your own layer (View → Layer shows any layer read-only)"),
    ("Ctrl+M", "the stance map (arrow keys move between cells, Enter opens the evidence in the document)"),
    ("Ctrl+Shift+G", "the agreement view (click a number for the disagreements behind it)"),
    ("Ctrl+Shift+B", "the progress board"),
    ("Ctrl+Shift+R", "the review window: Enter accept, E accept with the selected boundary, Ctrl+E edit then "
                     "accept, R reject, 1–9 pick a version, N / Shift+N next / previous disagreement, "
                     "G guideline example (there only)"),
]


class AnalysisController(QObject):
    def __init__(self, session: Session, parts: WindowParts, documents: DocumentPane, layers: LayerController) -> None:
        super().__init__(parts.window)
        self.session = session
        self.parts = parts
        self.documents = documents
        self.layers = layers
        self.stance_map = None

    def build_actions(self) -> None:
        m = self.parts.menus
        m.view.addSeparator()
        m.add("Stance &Map", self.show_stance_map, "Ctrl+M", m.view,
              tip="who stands where on what, with the evidence")

    # ----------------------------------------------------------- helpers
    def selected_documents(self) -> list[str]:
        """Document ids selected in the document list (the shown one when none is)."""
        ids = [i.data(IdRole) for i in self.documents.view.selectionModel().selectedIndexes()]
        ids = [d for d in ids if d]
        return ids or ([self.session.doc_id] if self.session.doc_id else [])

    def _documents_for(self, kind: str) -> list[str] | None:
        if kind == "current":
            return [self.session.doc_id] if self.session.doc_id else []
        if kind == "selected":
            return self.selected_documents()
        return None

    def open_span(self, doc_id: str, layer: str, start: int, end: int, span_id: str) -> None:
        """A click-through: the document in *layer* with the span selected, the main window raised."""
        self.layers.open_span(doc_id, layer, None if start < 0 else start, None if end < 0 else end, span_id or None)
        w = self.parts.window
        w.raise_()
        w.activateWindow()

    # -------------------------------------------------------- stance map
    def show_stance_map(self):
        from .stancemap.stance_map_view import StanceMapWindow
        if self.stance_map is None:
            self.stance_map = StanceMapWindow(lambda: self.session.project, self._documents_for, self.parts.window)
            self.stance_map.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
            self.stance_map.evidenceOpened.connect(self.session.guarded(self.open_span))
        self.stance_map.load_choices()
        self.stance_map.refresh()
        self.stance_map.show()
        self.stance_map.raise_()
        self.stance_map.activateWindow()
        return self.stance_map

    def close_windows(self) -> None:
        """The project closes: close the windows that read it."""
        for w in (self.stance_map,):
            if w is not None:
                w.close()
