"""View → Order Documents by Model Uncertainty: the unfinished documents the model is least
sure of first (uncertainty sampling, as INCEpTION's and Prodigy's active learning).

A document's uncertainty is the core's (``Project.documents_by_uncertainty``, the same as the
command line's): the mean over its tokens of 1 − the probability of the span model's most likely
tag. Documents marked done go last, in their order. The scores are computed on the background
thread; a line above the list says how it is ordered.
"""
from __future__ import annotations

from PySide6.QtWidgets import QLabel

ORDER_NOTE = "Ordered by model uncertainty: unfinished documents, least certain first"


def rank_documents(project, layer: str, doc_ids: list[str]) -> dict[str, float]:
    """doc id -> uncertainty, for *doc_ids* (the unfinished ones). Off the UI thread."""
    return dict(project.documents_by_uncertainty(layer, doc_ids))


class UncertaintyOrder:
    def __init__(self, session, documents, background) -> None:
        self.session = session
        self.pane = documents
        self.bg = background
        self.action = None
        self.rank: dict[str, float] | None = None
        self.note = QLabel(documents)
        self.note.setObjectName("documentOrderNote")
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: palette(mid); font-size: 90%;")
        self.note.hide()
        documents.layout().insertWidget(1, self.note)

    @property
    def on(self) -> bool:
        return self.action is not None and self.action.isChecked()

    def toggle(self) -> None:
        if self.on:
            self.compute()
        else:
            self.bg.forget("order")
            self.rank = None
            self.pane.set_rank(None)
            self.note.hide()

    def reset(self) -> None:
        """A model was trained or switched, or another project opened: order again if asked."""
        self.bg.forget("order")
        self.rank = None
        self.pane.set_rank(None)
        self.note.hide()
        if self.on:
            self.compute()

    def compute(self) -> None:
        session = self.session
        layer = session.annotator
        if session.project is None or not layer:
            return
        if session.read(session.project.suggestion_model) is None:
            self.note.setText("No suggestion model is switched on: the list keeps its order "
                              "(Review → Train Suggestions)")
            self.note.show()
            return
        model = self.pane.model
        todo = [model.doc_id(r) for r in range(model.rowCount()) if model.status(model.doc_id(r)) != "done"]
        self.note.setText(f"Ordering {len(todo)} unfinished documents by model uncertainty…")
        self.note.show()
        project = session.project
        self.bg.submit("order", lambda: rank_documents(project, layer, todo))

    def finished(self, kind: str, result, error) -> None:
        if kind != "order" or not self.on:
            return
        if error is not None:
            self.note.setText(f"⚠ could not order by uncertainty: {error}")
            return
        self.rank = result
        self.pane.set_rank(result)
        self.note.setText(ORDER_NOTE)
