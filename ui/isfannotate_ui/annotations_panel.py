"""Side panel tab listing the current document's annotations, with the selected span's details
(label and attributes), editable. Click an item to jump to the span."""
from __future__ import annotations

import bisect
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
        # rows are always two lines and never wrap, so the list can skip measuring every row
        self.list.setWordWrap(False)
        self.list.setUniformItemSizes(True)
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
        self._order: list[tuple[tuple, str]] = []   # (order key, span id), as the list shows them
        self._keys: dict[str, tuple] = {}
        self._span_id: str | None = None

    def set_items(self, items: list[tuple]) -> None:
        """Replace the list: (order key, span id, colour, first line, second line, tooltip) per span."""
        self.list.clear()
        self._items.clear()
        self._order = sorted((key, span_id) for key, span_id, *_ in items)
        self._keys = {span_id: key for key, span_id, *_ in items}
        by_id = {item[1]: item for item in items}
        for key, span_id in self._order:
            item = QListWidgetItem()
            item.setData(Qt.ItemDataRole.UserRole, span_id)
            self._fill(item, *by_id[span_id][2:])
            self.list.addItem(item)
            self._items[span_id] = item
        if self._span_id in self._items:
            self.list.setCurrentItem(self._items[self._span_id])

    def upsert_item(self, key: tuple, span_id: str, color: str, line1: str, line2: str, tip: str = "") -> None:
        """Add or update one span's row, kept in order by *key*: a key press touches one row, not all."""
        item = self._items.get(span_id)
        if item is not None and self._keys[span_id] != key:
            self.remove_item(span_id)
            item = None
        if item is None:
            item = QListWidgetItem()
            item.setData(Qt.ItemDataRole.UserRole, span_id)
            row = bisect.bisect(self._order, (key, span_id))
            self._order.insert(row, (key, span_id))
            self._keys[span_id] = key
            self._items[span_id] = item
            self.list.insertItem(row, item)
        self._fill(item, color, line1, line2, tip)

    def remove_item(self, span_id: str) -> None:
        if span_id not in self._items:
            return
        row = bisect.bisect_left(self._order, (self._keys.pop(span_id), span_id))
        self._order.pop(row)
        del self._items[span_id]
        self.list.takeItem(row)

    @staticmethod
    def _fill(item: QListWidgetItem, color: str, line1: str, line2: str, tip: str = "") -> None:
        item.setText(f"{line1}\n    {line2}")
        item.setBackground(QBrush(QColor(tint_color(color))))
        item.setToolTip("\n".join(x for x in (line1, line2, tip) if x))

    MAX_WARNINGS = 5   # a label grows with its text, and the window with it: show a few, count the rest

    def set_warnings(self, lines: list[str]) -> None:
        """The document's problems under the list: the first few, then how many more there are
        (every problem span is marked ⚠ in the list, with its problems in the tooltip)."""
        shown = [f"⚠ {w}" for w in lines[:self.MAX_WARNINGS]]
        if len(lines) > self.MAX_WARNINGS:
            shown.append(f"… and {len(lines) - self.MAX_WARNINGS} more, marked ⚠ in the list above")
        self.warnings.setText("\n".join(shown))
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
