"""Small dialogs. All are shown with open() (never exec()), so nothing blocks a test or a script."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)


def ok_cancel(dialog: QDialog, on_ok, ok_text: str | None = None) -> QDialogButtonBox:
    """A dialog's OK / Cancel row: OK (named *ok_text*) calls *on_ok*, Cancel rejects."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog)
    if ok_text:
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.accepted.connect(on_ok)
    buttons.rejected.connect(dialog.reject)
    return buttons


# Every key of the annotation window, for the F1 help (the window binds them as QActions).
KEYS: list[tuple[str, str]] = [
    (
        "1–9 (or the label's key)",
        "label the selection, or relabel the selected span (in the article only; in a field the key is typed)",
    ),
    (
        "1 on a known name or alias",
        "the ACTOR span is linked to that actor at once (the status line says "
        "which; Ctrl+L changes it); an unknown name opens the picker on "
        "“+ Create actor” with a type guessed from the words",
    ),
    ("2 (CLAIM)", "the claim and a proposal: its source, cue, quote type and modality from the text around it"),
    (
        "Enter / Tab / Shift+Tab / Q / Esc (a proposal shown)",
        "accept it (one undo step) / next / previous source / next quote type / dismiss it",
    ),
    ("double-click / drag", "select a word / words (snapped to words while snap: word is on)"),
    ("W", "toggle snapping between whole words and exact characters"),
    ("Shift+← / →", "extend the selection by exactly one character"),
    ("Ctrl+Shift+← / →", "extend the selection by one word"),
    (
        "S",
        "new stance from the selection (made a CLAIM) or the selected claim: holder proposed, the focus "
        "on the target (type its first letters)",
    ),
    ("Shift+S", "the selected claim becomes more evidence of the stance being written"),
    ("1–5 (in the stance editor)", "the polarity; with holder and target set it saves the stance"),
    ("Enter / Ctrl+Enter / Esc (in the stance editor)", "save the stance / save it / cancel it"),
    ("Tab / Shift+Tab", "next / previous span (from a selected suggestion: the next / previous suggestion)"),
    ("F8 / Shift+F8", "select the next / previous suggestion (the model's or the registry's)"),
    (
        "Enter",
        "accept the selected suggestion; else open the selected span's details "
        "(claim: source → cue → quote → modality with Tab)",
    ),
    ("Delete", "remove the selected span (one accepted from a suggestion: the suggestion is rejected too)"),
    ("Alt+Shift+← / →", "move the selected span's end one word left / right (one undo step)"),
    ("Alt+Ctrl+Shift+← / →", "move the selected span's start one word left / right (one undo step)"),
    (
        "A / X",
        "accept / reject the suggestion under the cursor, selected, or covered by the selected text "
        "(a model's claim comes with its source and cue; a label key accepts it with that label)",
    ),
    (
        "Shift+A",
        "accept all suggestions of the document at or above their minimum score, one undo step "
        "(the model's first, then the registry's; not on a document marked done)",
    ),
    (
        "Ctrl+L",
        "link the selected ACTOR span to an actor (the picker: Enter link, Ctrl+Enter link and add "
        "the text as an alias, Esc leave unlinked)",
    ),
    ("Ctrl+Shift+A", "annotate all other occurrences of the selected span's actor"),
    ("Ctrl+1", "Annotations tab, the focus in the document labels (a letter chooses, Tab: the next)"),
    ("Ctrl+2 / 3 / 4 / 5", "side panel: Actors / Stances / Relations / Guide"),
    ("Ctrl+Z / Ctrl+Shift+Z", "undo / redo (every action of the session)"),
    ("Ctrl+PgDn / Ctrl+PgUp", "next / previous document (after the last: the first one not done)"),
    (
        "Ctrl+Enter",
        "mark the document done, then go on to the next one not done (Annotate menu; Ctrl+Z "
        "returns and un-marks it); with problems: list them, or mark done anyway with a reason; "
        "again: back to in progress",
    ),
    ("Ctrl+F", "find in the document"),
    ("Esc", "cancel a pick, dismiss a proposal, close find, else clear the selection"),
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
        table.setWordWrap(True)
        table.resizeColumnToContents(0)
        table.setColumnWidth(0, min(table.columnWidth(0), 260))
        table.horizontalHeader().setStretchLastSection(True)   # "Does" takes the rest and wraps
        table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        table.resizeRowsToContents()
        self.table = table
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel("Every action is saved when you make it: there is nothing to save.", self))
        lay.addWidget(table)
        lay.addWidget(buttons)
        self.resize(860, 640)

    def showEvent(self, e) -> None:  # noqa: N802 (Qt override)
        super().showEvent(e)
        self.table.resizeRowsToContents()   # once the "Does" column has its width: wrapped, never cut


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
