"""Non-blocking dialogs of the registry: merging two actors, and the registry's history."""
from __future__ import annotations

import json

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..dialogs.small_dialogs import ok_cancel


class MergeDialog(QDialog):
    """Merge the chosen actor with another; the user says which one to keep."""

    mergeChosen = Signal(str, str)   # keep id, drop id

    def __init__(self, actors: list, actor_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Merge actors")
        self._actors = {a.id: a for a in actors}
        self._first = actor_id
        first = self._actors[actor_id]
        self.other = QComboBox(self)
        self.other.setObjectName("mergeOther")
        self.other.setEditable(True)
        self.other.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for a in actors:
            if a.id != actor_id:
                self.other.addItem(f"{a.name} ({a.type.replace('_', ' ')})", a.id)
        self.keep = QComboBox(self)
        self.keep.setObjectName("mergeKeep")
        self.other.currentIndexChanged.connect(lambda _i: self._fill_keep())
        form = QFormLayout()
        form.addRow("Merge", QLabel(f"{first.name} ({first.type.replace('_', ' ')})", self))
        form.addRow("with", self.other)
        form.addRow("keep", self.keep)
        note = QLabel("Every span, claim source and stance holder of the other actor is relinked to the one "
                      "kept; its name and aliases become aliases. Ctrl+Z undoes the merge.", self)
        note.setWordWrap(True)
        buttons = ok_cancel(self, self._on_ok, "Merge")
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(note)
        lay.addWidget(buttons)
        self._fill_keep()
        self.resize(440, 200)

    def _fill_keep(self) -> None:
        other = self.other.currentData()
        self.keep.clear()
        for aid in (self._first, other):
            if aid in self._actors:
                self.keep.addItem(self._actors[aid].name, aid)

    def _on_ok(self) -> None:
        keep = self.keep.currentData()
        other = self.other.currentData()
        if keep is None or other is None:
            return
        drop = other if keep == self._first else self._first
        self.mergeChosen.emit(keep, drop)
        self.accept()


def _summary(row: dict) -> str:
    before = json.loads(row["before"]) if row.get("before") else {}
    after = json.loads(row["after"]) if row.get("after") else {}
    if not before:
        return f"added {after.get('name', '')}"
    if not after:
        return f"{before.get('name', '')} removed"
    diffs = [f"{k}: {before.get(k)!s} → {after.get(k)!s}" for k in ("name", "type", "aliases", "external_id", "note")
             if k in after and before.get(k) != after.get(k)]
    return "; ".join(diffs) or "no visible change"


class RegistryLogDialog(QDialog):
    """Every registry and target-list edit, newest first, with its author."""

    def __init__(self, rows: list[dict], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Registry history")
        rows = list(reversed(rows))
        self.table = QTableWidget(len(rows), 5, self)
        self.table.setObjectName("registryLog")
        self.table.setHorizontalHeaderLabels(["When", "Who", "What", "Id", "Change"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for r, row in enumerate(rows):
            cells = [row["at"][:19].replace("T", " "), row["author"], f"{row['kind']} {row['op']}", row["entity_id"],
                     _summary(row)]
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.table)
        lay.addWidget(buttons)
        self.resize(820, 420)
