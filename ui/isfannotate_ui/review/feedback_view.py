"""Feedback to an annotator (Review → Feedback…): their agreement with gold per label, and
every decided unit on their documents with its sentence, their version, the gold decision and
the note: the same lines as ``isfannotate feedback`` (the core's ``FeedbackItem``).

Clicking a unit opens its document: in the "Yours" column in the annotator's own layer with
their span selected, elsewhere in the gold layer with the gold span selected (read-only).
The figures are the core's ``Project.feedback(annotator)``; the window reads them through the
main window's one project. Text is plain, never rich. UI thread only; offsets are code points.
"""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from isfannotate.models import GOLD

from .review_models import short, version_line


class FeedbackModel(QAbstractTableModel):
    HEADERS = ["", "Document", "Kind", "Text", "Sentence", "Yours", "Gold", "Note"]
    SENTENCE, YOURS, GOLD_COL = 4, 5, 6

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list[tuple[str, object]] = []        # (document id, FeedbackItem)
        self.texts: dict[str, str] = {}
        self.actor_name = lambda a: a or "?"

    def set_feedback(self, fb, texts: dict[str, str], actor_name) -> None:
        self.beginResetModel()
        self.rows = [(doc, item) for doc, items in fb.documents.items() for item in items]
        self.texts, self.actor_name = texts, actor_name
        self.endResetModel()

    def gold_version(self, item) -> dict | None:
        return item.gold if item.decision == "accepted" else None

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 (Qt override)
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802 (Qt override)
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        doc, item = self.rows[index.row()]
        u, text = item.unit, self.texts.get(doc, "")
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return "✓" if item.taken else "≠"
            if col == 1:
                return doc
            if col == 2:
                return f"{u.kind} {u.label}".strip()
            if col == 3:
                return short(item.text or (text[u.start:u.end] if u.end > u.start else ""), 50)
            if col == self.SENTENCE:
                return " ".join(item.sentence.split())
            if col == self.YOURS:
                return item.mine_shown or (version_line(u, item.mine, text, self.actor_name) if item.mine
                                           else "(you did not mark it)")
            if col == self.GOLD_COL:
                g = self.gold_version(item)
                return item.gold_shown or (version_line(u, g, text, self.actor_name) if g
                                           else "rejected: not in gold")
            return item.note
        if role == Qt.ItemDataRole.BackgroundRole and col == 0:
            return QColor("#d7efe6" if item.taken else "#f7d9c4")
        if role == Qt.ItemDataRole.ToolTipRole:
            return ("gold took your version" if item.taken else "gold differs from your version") + \
                   (f"\nsentence: {' '.join(item.sentence.split())}" if item.sentence else "") + \
                   f"\nyours: {item.mine_shown}\ngold: {item.gold_shown}" + \
                   (f"\nnote: {item.note}" if item.note else "") + "\nClick: open it (Yours: in your layer)"
        return None

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802 (Qt override)
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None


class FeedbackWindow(QWidget):
    unitOpened = Signal(str, str, int, int, str)      # document id, layer, start, end, span id ("" none)
    annotatorChosen = Signal(str)

    def __init__(self, actor_name: Callable[[str | None], str], parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("feedbackWindow")
        self.setWindowTitle("Feedback")
        self.actor_name = actor_name
        self.annotator = QComboBox(self)
        self.annotator.setObjectName("feedbackAnnotator")
        self.annotator.activated.connect(lambda _i: self.annotatorChosen.emit(self.annotator.currentData()))
        self.summary = QLabel(self)
        self.summary.setObjectName("feedbackSummary")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        top = QHBoxLayout()
        top.addWidget(QLabel("Annotator", self))
        top.addWidget(self.annotator)
        top.addWidget(self.summary, 1)
        self.labels = QTableWidget(0, 4, self)
        self.labels.setObjectName("feedbackLabels")
        self.labels.setHorizontalHeaderLabels(["Label", "F1 exact", "F1 overlap", "your spans"])
        self.labels.verticalHeader().hide()
        self.labels.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.model = FeedbackModel(self)
        self.items = QTableView(self)
        self.items.setObjectName("feedbackItems")
        self.items.setModel(self.model)
        self.items.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.items.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.items.verticalHeader().hide()
        self.items.horizontalHeader().setStretchLastSection(True)
        self.items.clicked.connect(self._on_clicked)
        self.items.activated.connect(self._on_clicked)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.labels)
        split.addWidget(self.items)
        split.setSizes([160, 420])
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(split, 1)
        self.resize(1280, 620)

    def set_annotators(self, names: list[str], current: str | None) -> None:
        self.annotator.clear()
        for n in names:
            self.annotator.addItem(n, n)
        i = self.annotator.findData(current)
        self.annotator.setCurrentIndex(max(i, 0))

    def set_feedback(self, fb, texts: dict[str, str]) -> None:
        self.setWindowTitle(f"Feedback — {fb.annotator}")
        self.labels.setRowCount(len(fb.per_label))
        for r, (label, f) in enumerate(sorted(fb.per_label.items())):
            for c, v in enumerate([label, f["exact"], f["overlap"], str(f["n"])]):
                text = v if isinstance(v, str) else ("—" if v is None else f"{v:.3f}")
                self.labels.setItem(r, c, QTableWidgetItem(text))
        self.labels.resizeColumnsToContents()
        self.model.set_feedback(fb, texts, self.actor_name)
        self.items.resizeColumnsToContents()
        for c in range(self.model.columnCount()):   # Text narrower: the sentence and the versions carry it
            self.items.setColumnWidth(c, min(self.items.columnWidth(c), 150 if c == 3 else 230))
        n = len(self.model.rows)
        differ = sum(1 for _d, i in self.model.rows if not i.taken)
        self.summary.setText(f"{n} decided units on {len(fb.documents)} documents; {differ} differ from "
                             f"{fb.annotator}'s version" + ("" if fb.per_label else
                                                            " · no gold document is fully decided yet"))

    def show_error(self, message: str) -> None:
        self.summary.setText(f"⚠ {message}")

    def _on_clicked(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        doc, item = self.model.rows[index.row()]
        if index.column() == FeedbackModel.YOURS and item.mine is not None:
            v, layer, span_id = item.mine, self.annotator.currentData(), item.mine.get("id") or ""
        else:
            v, layer, span_id = self.model.gold_version(item) or {}, GOLD, ""
        start, end = v.get("start"), v.get("end")
        self.unitOpened.emit(doc, layer, -1 if start is None else start, -1 if end is None else end, span_id)
