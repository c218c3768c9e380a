"""File → Assign…: hand documents to annotators, round-robin with an overlap, or by hand.

The same choices as ``isfannotate assign``: annotators (comma-separated), the overlap (each
document to N of them; 2 by default so that agreement can be measured) and the seed. "By
hand" assigns the documents selected in the document list to the annotators named. The
dialog only collects; it emits ``assignRequested(options)`` and the team controller runs the
core action (one undoable action). Opened with ``open()``, never ``exec()``.
"""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QButtonGroup, QDialog, QFormLayout, QLabel, QLineEdit, QRadioButton, QSpinBox, QWidget

from ..dialogs.small_dialogs import ok_cancel


class AssignDialog(QDialog):
    """Emits ``assignRequested({"annotators": [...], "overlap": n, "seed": n, "documents": [...] | None})``;
    ``documents`` None means round-robin over every document."""

    assignRequested = Signal(dict)

    def __init__(self, known: list[str], selected: list[str], current: dict[str, list[str]],
                 parent: QWidget | None = None) -> None:
        """*known*: annotator layers the project has; *selected*: document ids selected in the
        list; *current*: the present assignments (annotator -> documents), summarised."""
        super().__init__(parent)
        self.setWindowTitle("Assign documents")
        self.setObjectName("assignDialog")
        self.selected = list(selected)
        self.annotators = QLineEdit(", ".join(known), self)
        self.annotators.setObjectName("assignAnnotators")
        self.annotators.setPlaceholderText("alice, bob, carol")
        self.overlap = QSpinBox(self)
        self.overlap.setObjectName("assignOverlap")
        self.overlap.setRange(1, 99)
        self.overlap.setValue(2)
        self.seed = QSpinBox(self)
        self.seed.setObjectName("assignSeed")
        self.seed.setRange(0, 2**31 - 1)
        self.round_robin = QRadioButton("every document, round-robin (replaces their earlier assignments)", self)
        self.round_robin.setObjectName("assignRoundRobin")
        n = len(self.selected)
        self.by_hand = QRadioButton(f"the {n} document{'s' if n != 1 else ''} selected in the list, "
                                    "to every annotator named (added)", self)
        self.by_hand.setObjectName("assignByHand")
        self.by_hand.setEnabled(n > 0)
        group = QButtonGroup(self)
        group.addButton(self.round_robin)
        group.addButton(self.by_hand)
        self.round_robin.setChecked(True)
        self.round_robin.toggled.connect(lambda on: self.overlap.setEnabled(on) or self.seed.setEnabled(on))
        now = QLabel("; ".join(f"{a}: {len(d)}" for a, d in sorted(current.items())) or "nothing assigned yet", self)
        now.setObjectName("assignCurrent")
        now.setWordWrap(True)
        self.error = QLabel("", self)
        self.error.setStyleSheet("color: #b00020;")
        form = QFormLayout(self)
        form.addRow("Annotators", self.annotators)
        form.addRow("Assign", self.round_robin)
        form.addRow("", self.by_hand)
        form.addRow("Overlap", self.overlap)
        form.addRow("Seed", self.seed)
        form.addRow("Now assigned", now)
        form.addRow(self.error)
        buttons = ok_cancel(self, self._on_ok)
        form.addRow(buttons)

    def options(self) -> dict:
        names = [a.strip() for a in self.annotators.text().split(",") if a.strip()]
        return {"annotators": names, "overlap": self.overlap.value(), "seed": self.seed.value(),
                "documents": list(self.selected) if self.by_hand.isChecked() else None}

    def _on_ok(self) -> None:
        opts = self.options()
        if not opts["annotators"]:
            self.error.setText("name at least one annotator")
            return
        if opts["documents"] is None and not 1 <= opts["overlap"] <= len(opts["annotators"]):
            self.error.setText(f"the overlap must be between 1 and {len(opts['annotators'])}")
            return
        self.assignRequested.emit(opts)
        self.accept()
