"""Document-level labels from the scheme (e.g. relevance, framing): a small form, saved on change."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QGroupBox, QLineEdit, QWidget


class DocLabelsForm(QGroupBox):
    labelEdited = Signal(str, object)   # key, value (None clears)

    def __init__(self, defs: list, parent: QWidget | None = None) -> None:
        super().__init__("Document", parent)
        self.setObjectName("docLabels")
        self._defs = list(defs)
        self.editors: dict[str, QWidget] = {}
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setContentsMargins(6, 4, 6, 4)
        for d in self._defs:
            if d.type == "choice":
                w = QComboBox(self)
                w.addItem("—", None)
                for c in d.choices:
                    w.addItem(c, c)
                w.currentIndexChanged.connect(lambda _i, w=w, k=d.name: self.labelEdited.emit(k, w.currentData()))
            elif d.type == "boolean":
                w = QCheckBox(self)
                w.toggled.connect(lambda on, k=d.name: self.labelEdited.emit(k, bool(on)))
            else:
                w = QLineEdit(self)
                w.editingFinished.connect(lambda w=w, k=d.name: self.labelEdited.emit(k, w.text().strip() or None))
            w.setObjectName(f"doclabel_{d.name}")
            if d.description:
                w.setToolTip(d.description)
            form.addRow(d.name, w)
            self.editors[d.name] = w
        self.setVisible(bool(self._defs))

    def set_values(self, values: dict[str, Any]) -> None:
        """Show the stored labels without emitting edits."""
        for name, w in self.editors.items():
            v = values.get(name)
            w.blockSignals(True)
            if isinstance(w, QComboBox):
                w.setCurrentIndex(max(0, w.findData(v)) if v is not None else 0)
            elif isinstance(w, QCheckBox):
                w.setChecked(bool(v))
            else:
                w.setText(v or "")
            w.blockSignals(False)
