"""The merge dialog: progress while annotators' files are merged, then the report and the
registry conflicts for the lead to decide (keep the project's value or take the file's).

The merge itself runs as a job of the project (all-or-nothing, one action); the dialog
follows it through ``set_progress`` / ``show_report`` / ``show_error`` and lists the open
conflicts from ``Project.merge_conflicts()``. A decision is emitted as
``conflictDecided(conflict id, 'kept' | 'taken')``; the team controller runs the core action
and calls :meth:`MergeDialog.set_conflicts` again. Opened with ``open()``; non-modal in use.
"""
from __future__ import annotations

import json
import re

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)


def _value(v: str | None) -> str:
    """A conflict's stored JSON value as a short line."""
    if v is None:
        return "—"
    try:
        x = json.loads(v)
    except ValueError:
        return v
    if isinstance(x, list):
        return ", ".join(map(str, x)) or "[]"
    return "—" if x is None else str(x)


NEW_ANNOTATOR = re.compile(r"--new-annotator (.+)$")


class MergeDialog(QDialog):
    conflictDecided = Signal(str, str)      # conflict id, 'kept' | 'taken'
    newAnnotatorAccepted = Signal(str)      # the lead takes a file not handed out as NAME's work

    HEADERS = ["Kind", "Entry", "Field", "From", "Project's value", "File's value", "Decide"]

    def __init__(self, paths: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Merge annotators' files")
        self.setObjectName("mergeDialog")
        self.setModal(False)
        self.heading = QLabel("Merging " + ", ".join(p.rsplit("/", 1)[-1] for p in paths) + " …", self)
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.progress = QProgressBar(self)
        self.progress.setObjectName("mergeProgress")
        self.progress.setRange(0, 0)
        self.report = QPlainTextEdit(self)
        self.report.setObjectName("mergeReport")
        self.report.setReadOnly(True)
        self.report.setPlaceholderText("the report shows here when the merge has finished")
        self.report.setMaximumHeight(130)
        self.conflicts_label = QLabel("Registry conflicts", self)
        self.table = QTableWidget(0, len(self.HEADERS), self)
        self.table.setObjectName("mergeConflicts")
        self.table.setHorizontalHeaderLabels(self.HEADERS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.accept_new = QPushButton(self)
        self.accept_new.setObjectName("mergeNewAnnotator")
        self.accept_new.hide()
        self.accept_new.clicked.connect(lambda: self.newAnnotatorAccepted.emit(self.accept_new.property("name")))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.heading)
        lay.addWidget(self.progress)
        lay.addWidget(self.report)
        lay.addWidget(self.accept_new, 0, Qt.AlignmentFlag.AlignLeft)
        lay.addWidget(self.conflicts_label)
        lay.addWidget(self.table, 1)
        lay.addWidget(buttons)
        self.resize(900, 520)

    # ------------------------------------------------------------ progress
    def set_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def show_report(self, summary: str) -> None:
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        self.heading.setText("Merged. Nothing is overwritten: each annotator's work is their own layer.")
        self.report.setPlainText(summary)

    def show_error(self, message: str) -> None:
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.heading.setText("Nothing was merged: the project is exactly as it was.")
        self.report.setPlainText(message)
        m = NEW_ANNOTATOR.search(message.strip())
        if m:   # a file this project did not hand out to that annotator: the lead may take it
            self.accept_new.setProperty("name", m.group(1))
            self.accept_new.setText(f"Take this file as {m.group(1)}'s work (a new annotator) and merge again")
            self.accept_new.show()

    # ----------------------------------------------------------- conflicts
    def set_conflicts(self, rows: list[dict], names: dict[str, str] | None = None) -> None:
        """*rows*: open conflicts (``Project.merge_conflicts()``); *names*: entity id -> name."""
        names = names or {}
        self.table.setRowCount(len(rows))
        for r, c in enumerate(rows):
            entry = names.get(c["entity_id"], c["entity_id"])
            for col, text in enumerate([c["kind"], entry, c["field"], c["annotator"], _value(c["project_value"]),
                                        _value(c["file_value"])]):
                item = QTableWidgetItem(text)
                item.setToolTip(f"{c['source']}\n{c['field']}: project {_value(c['project_value'])} / "
                                f"file {_value(c['file_value'])}")
                self.table.setItem(r, col, item)
            cell = QWidget(self.table)
            row = QHBoxLayout(cell)
            row.setContentsMargins(2, 0, 2, 0)
            keep = QPushButton("Keep project's", cell)
            keep.setObjectName(f"keep-{c['id']}")
            take = QPushButton("Take file's", cell)
            take.setObjectName(f"take-{c['id']}")
            keep.clicked.connect(lambda _c=False, i=c["id"]: self.conflictDecided.emit(i, "kept"))
            take.clicked.connect(lambda _c=False, i=c["id"]: self.conflictDecided.emit(i, "taken"))
            row.addWidget(keep)
            row.addWidget(take)
            self.table.setCellWidget(r, len(self.HEADERS) - 1, cell)
        self.table.resizeColumnsToContents()
        self.table.resizeRowsToContents()
        n = len(rows)
        self.conflicts_label.setText(f"Registry conflicts to decide: {n}" if n else
                                     "Registry conflicts: none open")
