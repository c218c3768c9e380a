"""The "Stances" side tab: the document's stances ("Pakistan → disarming Hamas: oppose") above
the stance editor. Selecting one highlights its evidence in the article."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget

from .stance_editor import StanceEditor


class StancePanel(QWidget):
    stanceSelected = Signal(str)
    editRequested = Signal(str)
    deleteRequested = Signal(str)
    newRequested = Signal()

    def __init__(self, polarities: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list = QListWidget(self)
        self.list.setObjectName("stanceList")
        self.list.setWordWrap(True)
        hint = QLabel("S: new stance from the selection or the selected claim", self)
        hint.setWordWrap(True)
        hint.setStyleSheet("color: palette(placeholder-text);")
        self.new = QPushButton("New", self)
        self.new.setObjectName("newStance")
        self.edit = QPushButton("Edit", self)
        self.edit.setObjectName("editStance")
        self.delete = QPushButton("Delete", self)
        self.delete.setObjectName("deleteStance")
        row = QHBoxLayout()
        row.addWidget(self.new)
        row.addWidget(self.edit)
        row.addWidget(self.delete)
        row.addStretch(1)
        self.editor = StanceEditor(polarities, self)
        self.editor.hide()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(hint)
        lay.addWidget(self.list, 1)
        lay.addLayout(row)
        lay.addWidget(self.editor)
        self.list.currentItemChanged.connect(self._on_current)
        self.list.itemDoubleClicked.connect(lambda it: self.editRequested.emit(it.data(Qt.ItemDataRole.UserRole)))
        self.new.clicked.connect(self.newRequested)
        self.edit.clicked.connect(lambda: self.current_id() and self.editRequested.emit(self.current_id()))
        self.delete.clicked.connect(lambda: self.current_id() and self.deleteRequested.emit(self.current_id()))
        self.editor.cancelled.connect(self.editor.hide)

    def set_items(self, items: list[tuple[str, str, str]]) -> None:
        """(stance id, line, tooltip) per stance; keeps the current one when it still exists."""
        keep = self.current_id()
        self.list.blockSignals(True)
        self.list.clear()
        for sid, line, tip in items:
            item = QListWidgetItem(line)
            item.setData(Qt.ItemDataRole.UserRole, sid)
            item.setToolTip(tip)
            self.list.addItem(item)
            if sid == keep:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)
        self.edit.setEnabled(bool(items))
        self.delete.setEnabled(bool(items))

    def current_id(self) -> str | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def select(self, stance_id: str) -> None:
        for i in range(self.list.count()):
            if self.list.item(i).data(Qt.ItemDataRole.UserRole) == stance_id:
                self.list.setCurrentRow(i)
                return
        raise KeyError(stance_id)

    def _on_current(self, item, _prev) -> None:
        if item is not None:
            self.stanceSelected.emit(item.data(Qt.ItemDataRole.UserRole))
