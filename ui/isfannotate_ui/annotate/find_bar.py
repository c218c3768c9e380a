"""The find bar over the article (Ctrl+F): Enter finds the next match, the bar says which of how
many, Esc closes it. Typographic and plain quotes and dashes match each other."""
from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QWidget

_FIND_FOLD = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "“": '"', "”": '"', "„": '"', "–": "-", "—": "-",
                            "‑": "-", "\u00a0": " "})


def fold_for_find(text: str) -> str:
    """Case-folded, with curly quotes, dashes and no-break spaces as their plain forms. One code
    point stays one code point (offsets are kept), so a match's offsets are the text's."""
    return "".join(ch if len(f := ch.casefold()) != 1 else f for ch in text).translate(_FIND_FOLD)


class FindBar(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("findRow")
        self.edit = QLineEdit(self)
        self.edit.setObjectName("findBar")
        self.edit.setPlaceholderText("find in document (Enter: next, Esc: close)")
        self.count = QLabel("", self)
        self.count.setObjectName("findCount")
        row = QHBoxLayout(self)
        row.setContentsMargins(4, 2, 4, 2)
        row.addWidget(QLabel("Find:", self))
        row.addWidget(self.edit, 1)
        row.addWidget(self.count)
        self.hide()

    def next_match(self, text: str, after: int) -> tuple[int, int] | None:
        """The first match at or after code point *after* (wrapping), as (start, end); the count
        label says "2 of 5" (or "no match"). Case, quotes and dashes are folded."""
        needle = self.edit.text()
        if not needle:
            self.count.setText("")
            return None
        hay, pattern = fold_for_find(text), fold_for_find(needle)
        hits = []
        i = hay.find(pattern)
        while i >= 0:
            hits.append(i)
            i = hay.find(pattern, i + 1)
        if not hits:
            self.count.setText("no match")
            return None
        i = next((h for h in hits if h >= after), hits[0])
        self.count.setText(f"{hits.index(i) + 1} of {len(hits)}")
        return i, i + len(needle)
