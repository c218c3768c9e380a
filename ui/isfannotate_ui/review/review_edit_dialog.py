"""Edit a unit's version, then accept it (review window, Ctrl+E).

Starts from the picked version (or the largest group's) and offers the parts the core lets
the adjudicator edit (``review.decide.EDITABLE``): a span's label and actor link; a claim's
source (an actor or the article) and quote type; a stance's polarity and conditions; a
document label's value. The boundary is edited in the text (select it, then E). Emits
``editedAccepted(edited parts)`` with only the parts that changed; opened with ``open()``.
"""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QDialog, QFormLayout, QLabel, QLineEdit, QWidget

from ..dialogs.small_dialogs import ok_cancel


class ReviewEditDialog(QDialog):
    editedAccepted = Signal(dict)

    def __init__(self, unit, base: dict, labels: list[str], actors: list[tuple[str, str]], polarities: list[str],
                 parent: QWidget | None = None) -> None:
        """*base*: the version to start from; *actors*: (id, name) pairs of the registry."""
        super().__init__(parent)
        self.setWindowTitle(f"Edit, then accept — {unit.kind} {unit.label}".strip())
        self.setObjectName("reviewEditDialog")
        self.base = dict(base)
        self.fields: dict[str, QComboBox | QLineEdit] = {}
        form = QFormLayout(self)
        who = base.get("_from") or ""
        form.addRow(QLabel(f"Starting from {who}'s version." if who else "Starting from the version most share.", self))

        def combo(name: str, items: list[tuple[str, object]], current) -> None:
            c = QComboBox(self)
            c.setObjectName(f"edit-{name}")
            for text, data in items:
                c.addItem(text, data)
            i = c.findData(current)
            c.setCurrentIndex(max(i, 0))
            self.fields[name] = c
            form.addRow(name.replace("_", " ").capitalize(), c)

        actor_items = [("— none —", None)] + [(n, i) for i, n in actors]
        if unit.kind == "span":
            combo("label", [(x, x) for x in labels], base.get("label"))
            combo("link", actor_items, base.get("link"))
        elif unit.kind == "claim":
            combo("source_kind", [("an actor", "actor"), ("the article", "article"), ("— not given —", None)],
                  base.get("source_kind"))
            combo("source", actor_items, base.get("source"))
            combo("quote", [("—", None), ("direct", "direct"), ("reported", "reported")], base.get("quote"))
        elif unit.kind == "stance":
            combo("polarity", [(x, x) for x in polarities], base.get("polarity"))
            e = QLineEdit(base.get("conditions") or "", self)
            e.setObjectName("edit-conditions")
            self.fields["conditions"] = e
            form.addRow("Conditions", e)
        else:
            e = QLineEdit("" if base.get("value") is None else str(base.get("value")), self)
            e.setObjectName("edit-value")
            self.fields["value"] = e
            form.addRow("Value", e)
        buttons = ok_cancel(self, self._on_ok, "Accept edited")
        form.addRow(buttons)

    def edited(self) -> dict:
        """The parts whose value differs from the starting version."""
        out = {}
        for name, w in self.fields.items():
            if isinstance(w, QComboBox):
                value = w.currentData()
            else:
                value = w.text().strip() or None
            if value != self.base.get(name):
                out[name] = value
        return out

    def _on_ok(self) -> None:
        self.editedAccepted.emit(self.edited())
        self.accept()
