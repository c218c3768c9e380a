""""Mark done" while validation finds problems: list them, and allow an override with a reason."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QListWidget, QVBoxLayout, QWidget


class MarkDoneDialog(QDialog):
    """Non-blocking. ``markDoneAnyway(reason)`` once a reason is typed; ``problemClicked(id)``
    when the user double-clicks a problem to go and fix it."""

    markDoneAnyway = Signal(str)
    problemClicked = Signal(str)

    def __init__(self, problems: list, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Problems before marking done")
        n = len(problems)
        head = QLabel(f"This document has {n} problem{'s' if n != 1 else ''}. Fix them (double-click one to go "
                      "there), or mark it done anyway and say why.", self)
        head.setWordWrap(True)
        self.list = QListWidget(self)
        self.list.setObjectName("problemList")
        for p in problems:
            self.list.addItem(f"⚠ {p.message}")
        self._ids = [p.item_id for p in problems]
        self.list.itemDoubleClicked.connect(lambda _i: self.problemClicked.emit(self._ids[self.list.currentRow()]))
        self.reason = QLineEdit(self)
        self.reason.setObjectName("overrideReason")
        self.reason.setPlaceholderText("reason for marking done anyway (required)")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.anyway = self.buttons.addButton("Mark done anyway", QDialogButtonBox.ButtonRole.AcceptRole)
        self.anyway.setObjectName("markDoneAnyway")
        self.anyway.setEnabled(False)
        self.reason.textChanged.connect(lambda t: self.anyway.setEnabled(bool(t.strip())))
        self.buttons.accepted.connect(self._on_ok)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(head)
        lay.addWidget(self.list)
        lay.addWidget(self.reason)
        lay.addWidget(self.buttons)
        self.resize(520, 320)

    def _on_ok(self) -> None:
        reason = self.reason.text().strip()
        if reason:
            self.markDoneAnyway.emit(reason)
            self.accept()
