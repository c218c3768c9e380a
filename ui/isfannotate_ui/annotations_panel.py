"""Side panel tab listing the current document's annotations, with the selected span's details
(label and attributes), editable. Click an item to jump to the span."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFormLayout, QGroupBox, QLabel, QLineEdit, QListWidget,
                               QListWidgetItem, QVBoxLayout, QWidget)

from .palette import tint_color


class AnnotationsPanel(QWidget):
    spanClicked = Signal(str)
    attributeEdited = Signal(str, str, object)   # span id, attribute name, value (None clears)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list = QListWidget(self)
        self.list.setObjectName("annotationList")
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(False)
        self.details = QGroupBox("Selected span", self)
        self.form = QFormLayout(self.details)
        self.hint = QLabel("Select a span (click it, or Tab) to see its details.", self.details)
        self.hint.setWordWrap(True)
        self.form.addRow(self.hint)
        self.warnings = QLabel(self)
        self.warnings.setObjectName("validationWarnings")
        self.warnings.setWordWrap(True)
        self.warnings.setStyleSheet("color: #8a4b00;")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.list, 3)
        lay.addWidget(self.warnings)
        lay.addWidget(self.details, 2)
        self.list.itemClicked.connect(self._on_item_clicked)
        self.list.itemActivated.connect(self._on_item_clicked)
        self._items: dict[str, QListWidgetItem] = {}
        self._span_id: str | None = None

    def set_items(self, items: list[tuple]) -> None:
        """(span id, colour, first line, second line[, extra tooltip]) per span in document order."""
        self.list.clear()
        self._items.clear()
        for span_id, color, line1, line2, *tip in items:
            item = QListWidgetItem(f"{line1}\n    {line2}" if line2 else line1)
            item.setData(Qt.ItemDataRole.UserRole, span_id)
            item.setBackground(QBrush(QColor(tint_color(color))))
            item.setToolTip("\n".join(x for x in (line1, line2, *tip) if x))
            self.list.addItem(item)
            self._items[span_id] = item
        if self._span_id in self._items:
            self.list.setCurrentItem(self._items[self._span_id])

    def set_warnings(self, lines: list[str]) -> None:
        self.warnings.setText("\n".join(f"⚠ {w}" for w in lines))
        self.warnings.setVisible(bool(lines))

    def select(self, span_id: str | None) -> None:
        self._span_id = span_id
        item = self._items.get(span_id) if span_id else None
        self.list.blockSignals(True)
        if item is not None:
            self.list.setCurrentItem(item)
            self.list.scrollToItem(item)
        else:
            self.list.clearSelection()
        self.list.blockSignals(False)

    def _on_item_clicked(self, item: QListWidgetItem) -> None:
        self.spanClicked.emit(item.data(Qt.ItemDataRole.UserRole))

    def clear_details(self) -> None:
        # deleteLater, not removeRow: an editor of the form may be the one whose signal got us here
        while self.form.rowCount() > 1:
            row = self.form.takeRow(1)
            for item in (row.labelItem, row.fieldItem):
                w = item.widget() if item is not None else None
                if w is not None:
                    w.hide()
                    for child in [w, *w.findChildren(QWidget)]:
                        child.setObjectName("")   # gone for findChild until deleted
                    w.deleteLater()
        self.hint.show()

    def show_details(self, span_id: str, label: str, text: str, attributes: list, values: dict[str, Any],
                     extra_rows: list[tuple[str, QWidget]] = ()) -> None:
        """Show one span: its label, text, scheme attributes as editors, then *extra_rows*."""
        self.clear_details()
        self.hint.hide()
        shown = text if len(text) < 300 else text[:297] + "…"
        lab = QLabel(f"<b>{label}</b>", self.details)
        lab.setTextFormat(Qt.TextFormat.RichText)
        self.form.addRow("Label", lab)
        t = QLabel(shown, self.details)
        t.setTextFormat(Qt.TextFormat.PlainText)  # document text is never rich text
        t.setWordWrap(True)
        self.form.addRow("Text", t)
        for a in attributes:
            self.form.addRow(a.name, self._editor(span_id, a, values.get(a.name)))
        for name, widget in extra_rows:
            if name:
                self.form.addRow(name, widget)
            else:
                self.form.addRow(widget)  # a sub-form of its own spans both columns

    def _editor(self, span_id: str, attr, value) -> QWidget:
        if attr.type == "choice":
            w = QComboBox(self.details)
            w.setObjectName(f"attr_{attr.name}")
            w.addItem("—", None)
            for c in attr.choices:
                w.addItem(c, c)
            w.setCurrentIndex(max(0, w.findData(value)))
            w.currentIndexChanged.connect(lambda _i, w=w: self.attributeEdited.emit(span_id, attr.name, w.currentData()))
            return w
        if attr.type == "boolean":
            w = QCheckBox(self.details)
            w.setObjectName(f"attr_{attr.name}")
            w.setChecked(bool(value))
            w.toggled.connect(lambda on: self.attributeEdited.emit(span_id, attr.name, bool(on)))
            return w
        w = QLineEdit(self.details)
        w.setObjectName(f"attr_{attr.name}")
        w.setText(value or "")
        w.editingFinished.connect(lambda w=w: self.attributeEdited.emit(span_id, attr.name, w.text() or None))
        return w
