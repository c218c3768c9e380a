"""Annotate all occurrences: every other unannotated mention of an actor's names, with context,
ticked by default; "Annotate N" adds the ticked ones (one undo step per document)."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


def snippet(text: str, start: int, end: int, width: int = 40) -> str:
    """One line of context around [start, end) (code points), the mention in guillemets."""
    left = " ".join(text[max(0, start - width):start].split())
    right = " ".join(text[end:end + width].split())
    return f"…{left} «{text[start:end]}» {right}…"


class OccurrencesDialog(QDialog):
    annotateRequested = Signal(list)     # the ticked Occurrence objects

    def __init__(self, actor_name: str, fetch: Callable[[bool], list], text_of: Callable[[str], str],
                 current_doc: str, parent: QWidget | None = None) -> None:
        """*fetch(whole_project)* returns Occurrences; *text_of(doc id)* a document's text."""
        super().__init__(parent)
        self.setWindowTitle(f"Occurrences of {actor_name}")
        self._fetch, self._text_of, self._doc = fetch, text_of, current_doc
        self._occ: list = []
        self.head = QLabel(self)
        self.head.setWordWrap(True)
        self.whole = QCheckBox("whole project", self)
        self.whole.setObjectName("wholeProject")
        self.list = QListWidget(self)
        self.list.setObjectName("occurrenceList")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.go = self.buttons.addButton("Annotate", QDialogButtonBox.ButtonRole.AcceptRole)
        self.go.setObjectName("annotateOccurrences")
        none = QPushButton("Untick all", self)
        none.clicked.connect(lambda: self._tick_all(False))
        lay = QVBoxLayout(self)
        lay.addWidget(self.head)
        lay.addWidget(self.whole)
        lay.addWidget(self.list, 1)
        lay.addWidget(none, 0, Qt.AlignmentFlag.AlignLeft)
        lay.addWidget(self.buttons)
        self.whole.toggled.connect(lambda _on: self.reload())
        self.list.itemChanged.connect(lambda _i: self._update_button())
        self.buttons.accepted.connect(self._on_ok)
        self.buttons.rejected.connect(self.reject)
        self.resize(640, 420)
        self.reload()

    def reload(self) -> None:
        whole = self.whole.isChecked()
        self._occ = self._fetch(whole)
        self.list.blockSignals(True)
        self.list.clear()
        texts: dict[str, str] = {}
        for o in self._occ:
            if o.document_id not in texts:
                texts[o.document_id] = self._text_of(o.document_id)
            where = f"[{o.document_id[:12]}] " if whole else ""
            item = QListWidgetItem(where + snippet(texts[o.document_id], o.start, o.end))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.list.addItem(item)
        self.list.blockSignals(False)
        docs = len({o.document_id for o in self._occ})
        scope = f"in {docs} document{'s' if docs != 1 else ''} of the project" if whole else "in this document"
        self.head.setText(f"{len(self._occ)} unannotated mention{'s' if len(self._occ) != 1 else ''} {scope}. "
                          "Untick any that do not refer to this actor.")
        self._update_button()

    def ticked(self) -> list:
        return [o for i, o in enumerate(self._occ) if self.list.item(i).checkState() == Qt.CheckState.Checked]

    def set_ticked(self, index: int, on: bool) -> None:
        self.list.item(index).setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def _tick_all(self, on: bool) -> None:
        for i in range(self.list.count()):
            self.set_ticked(i, on)

    def _update_button(self) -> None:
        n = len(self.ticked())
        self.go.setText(f"Annotate {n}")
        self.go.setEnabled(n > 0)

    def _on_ok(self) -> None:
        chosen = self.ticked()
        if chosen:
            self.annotateRequested.emit(chosen)
            self.accept()
