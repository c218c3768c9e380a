"""Small dialogs. All are shown with open() (never exec()), so nothing blocks a test or a script."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QLabel, QLineEdit, QTableWidget, QTableWidgetItem,
                               QVBoxLayout, QWidget)

# Every key of the annotation window, for the F1 help (the window binds them as QActions).
KEYS: list[tuple[str, str]] = [
    ("1–9 (or the label's key)", "label the selection, or relabel the selected span"),
    ("double-click / drag", "select a word / words (snapped to words while snap: word is on)"),
    ("W", "toggle snapping between whole words and exact characters"),
    ("Shift+← / →", "extend the selection by exactly one character"),
    ("Ctrl+Shift+← / →", "extend the selection by one word"),
    ("S", "new stance from the selection (made a CLAIM) or the selected claim: opens the stance editor"),
    ("Tab / Shift+Tab", "next / previous span"),
    ("Enter", "open the selected span's details (actor link, claim source and cue)"),
    ("Delete", "remove the selected span"),
    ("A / X", "accept / reject the suggestion under the cursor (or the selected one)"),
    ("Shift+A", "accept all suggestions of the document"),
    ("Ctrl+L", "link the selected ACTOR span to an actor (the picker: Enter link, Ctrl+Enter link and add "
               "the text as an alias, Esc leave unlinked)"),
    ("Ctrl+Shift+A", "annotate all other occurrences of the selected span's actor"),
    ("Ctrl+2 / 3 / 4 / 5", "side panel: Actors / Stances / Relations / Guide"),
    ("Ctrl+Z / Ctrl+Shift+Z", "undo / redo (every action of the session)"),
    ("Ctrl+PgDn / Ctrl+PgUp", "next / previous document"),
    ("Ctrl+Enter", "mark the document done (with problems: list them, or mark done anyway with a reason; "
                   "again: back to in progress)"),
    ("Ctrl+F", "find in the document"),
    ("Esc", "clear the selection"),
    ("F1", "this list"),
]


class ShortcutsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, extra: list[tuple[str, str]] = ()) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        rows = [*KEYS, *extra]
        table = QTableWidget(len(rows), 2, self)
        table.setObjectName("shortcutsTable")
        table.setHorizontalHeaderLabels(["Key", "Does"])
        table.verticalHeader().hide()
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for i, (key, does) in enumerate(rows):
            table.setItem(i, 0, QTableWidgetItem(key))
            table.setItem(i, 1, QTableWidgetItem(does))
        table.resizeColumnsToContents()
        table.horizontalHeader().setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel("Every action is saved when you make it: there is nothing to save.", self))
        lay.addWidget(table)
        lay.addWidget(buttons)
        self.resize(620, 520)


class AnnotatorDialog(QDialog):
    """Asks once who is annotating (first start). Emits ``nameChosen`` with the trimmed name."""

    nameChosen = Signal(str)

    def __init__(self, parent: QWidget | None = None, suggestion: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("Who is annotating?")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.edit = QLineEdit(suggestion, self)
        self.edit.setObjectName("annotatorName")
        self.edit.setPlaceholderText("your name, e.g. alice")
        self.error = QLabel("", self)
        self.error.setStyleSheet("color: #b00020;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok, self)
        buttons.accepted.connect(self._on_ok)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel("Your annotations are kept in a layer of their own, under this name.\n"
                             "It is remembered; change it with --annotator NAME.", self))
        lay.addWidget(self.edit)
        lay.addWidget(self.error)
        lay.addWidget(buttons)

    def _on_ok(self) -> None:
        from isfannotate.errors import ValidationError
        from isfannotate.models import layer_name
        try:
            name = layer_name(self.edit.text())
        except ValidationError as e:
            self.error.setText(str(e))
            return
        self.nameChosen.emit(name)
        self.accept()
