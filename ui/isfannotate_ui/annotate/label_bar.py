"""The label bar: one button per span label (colour swatch, name, key) plus the snapping state.
It is also the legend of the colours in the article view."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from .palette import tint_color


class LabelBar(QWidget):
    labelClicked = Signal(str)
    snapClicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("labelBar")
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(6, 4, 6, 4)
        self._layout.setSpacing(6)
        self.buttons: dict[str, QPushButton] = {}
        self.snap = QPushButton("snap: word", self)
        self.snap.setObjectName("snapButton")
        self.snap.setFlat(True)
        self.snap.setToolTip("W: snap mouse selections to whole words, or select exact characters")
        self.snap.clicked.connect(self.snapClicked)
        self.stance = QLabel("S stance", self)
        self.stance.setToolTip("S: new stance from the selection or the selected claim")

    def set_labels(self, labels: list[tuple[str, str | None, str, str]]) -> None:
        """(name, key, colour, description) per label, in scheme order."""
        for b in self.buttons.values():
            b.deleteLater()
        self.buttons.clear()
        while self._layout.count():
            self._layout.takeAt(0)
        for name, key, color, description in labels:
            b = QPushButton(f"{key} {name}" if key else name, self)
            b.setObjectName(f"label_{name}")
            b.setFocusPolicy(b.focusPolicy().NoFocus)
            b.setStyleSheet(
                f"QPushButton {{ background: {tint_color(color)}; border: 1px solid {color}; "
                f"border-bottom: 3px solid {color}; border-radius: 4px; padding: 3px 10px; color: #222; }}"
                f"QPushButton:hover {{ background: {color}; }}")
            tip = f"{name}" + (f" (key {key})" if key else "") + (f"\n{description}" if description else "")
            b.setToolTip(tip)
            b.clicked.connect(lambda _=False, n=name: self.labelClicked.emit(n))
            self.buttons[name] = b
            self._layout.addWidget(b)
        self._layout.addWidget(self.stance)
        self._layout.addStretch(1)
        self._layout.addWidget(self.snap)

    def set_snap(self, words: bool) -> None:
        self.snap.setText("snap: word" if words else "snap: character")
