"""The "Relations" side tab: the document's relations between spans as the scheme defines them
("Marco Rubio —SOURCE_OF→ “Pakistan has offered…”"), highlighted on selection, added from two
spans and a label, deleted."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


class RelationsPanel(QWidget):
    relationSelected = Signal(str)          # relation id
    addRequested = Signal(str, str, str)    # head span, tail span, label
    deleteRequested = Signal(str)

    def __init__(self, relation_types: list, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._types = {r.name: r for r in relation_types}
        self._spans: list[tuple[str, str, str]] = []
        self.list = QListWidget(self)
        self.list.setObjectName("relationList")
        self.list.setWordWrap(True)
        self.delete = QPushButton("Delete relation", self)
        self.delete.setObjectName("deleteRelation")
        box = QGroupBox("Add a relation", self)
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.label = QComboBox(box)
        self.label.setObjectName("relationLabel")
        for r in relation_types:
            self.label.addItem(r.name, r.name)
            if r.description:
                self.label.setItemData(self.label.count() - 1, r.description, Qt.ItemDataRole.ToolTipRole)
        self.head = QComboBox(box)
        self.head.setObjectName("relationHead")
        self.tail = QComboBox(box)
        self.tail.setObjectName("relationTail")
        for c in (self.head, self.tail):
            c.setMinimumContentsLength(16)
            c.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.add = QPushButton("Add", box)
        self.add.setObjectName("addRelation")
        form.addRow("Relation", self.label)
        form.addRow("From", self.head)
        form.addRow("To", self.tail)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.add)
        form.addRow(row)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.list, 1)
        lay.addWidget(self.delete, 0, Qt.AlignmentFlag.AlignLeft)
        lay.addWidget(box)
        self.list.currentItemChanged.connect(
            lambda it, _p: it is not None and self.relationSelected.emit(it.data(Qt.ItemDataRole.UserRole)))
        self.delete.clicked.connect(lambda: self.current_id() and self.deleteRequested.emit(self.current_id()))
        self.label.currentIndexChanged.connect(lambda _i: self._fill_ends())
        self.add.clicked.connect(self._on_add)
        if not relation_types:
            box.setEnabled(False)
            box.setTitle("The scheme defines no relations")

    def set_items(self, relations: list[tuple[str, str]], spans: list[tuple[str, str, str]]) -> None:
        """*relations*: (id, line); *spans*: (span id, label, description) of the document, for the
        From/To choices (filtered by the chosen relation's head and tail labels)."""
        keep = self.current_id()
        self.list.blockSignals(True)
        self.list.clear()
        for rid, line in relations:
            item = QListWidgetItem(line)
            item.setData(Qt.ItemDataRole.UserRole, rid)
            self.list.addItem(item)
            if rid == keep:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)
        self.delete.setEnabled(bool(relations))
        self._spans = spans
        self._fill_ends()

    def current_id(self) -> str | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def choose(self, label: str, head: str, tail: str) -> None:
        """Set the three choices (as a user picking them would)."""
        self.label.setCurrentIndex(self.label.findData(label))
        self.head.setCurrentIndex(self.head.findData(head))
        self.tail.setCurrentIndex(self.tail.findData(tail))

    def _fill_ends(self) -> None:
        rel = self._types.get(self.label.currentData())
        for combo, allowed in (
            (self.head, rel.head_labels if rel else []),
            (self.tail, rel.tail_labels if rel else []),
        ):
            keep = combo.currentData()
            combo.clear()
            for sid, label, desc in self._spans:
                if not allowed or label in allowed:
                    combo.addItem(f"{label} {desc}", sid)
            if keep is not None and combo.findData(keep) >= 0:
                combo.setCurrentIndex(combo.findData(keep))
        self.add.setEnabled(self.head.count() > 0 and self.tail.count() > 0)

    def _on_add(self) -> None:
        if self.head.currentData() and self.tail.currentData():
            self.addRequested.emit(self.head.currentData(), self.tail.currentData(), self.label.currentData())
