"""The label bar: one button per span label (colour swatch, name, key) plus the snapping state.
It is also the legend of the colours in the article view."""
from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from .palette import tint_color


class LabelButton(QPushButton):
    """A label's button: its tint, a frame in its colour (thicker at the bottom), rounded, dark
    text; its colour under the mouse. Painted here, not by a style sheet (a style sheet made the
    style draw it, and the window's every repaint, the slow way)."""

    PAD_X, PAD_Y, BORDER, BOTTOM, RADIUS = 10, 3, 1, 3, 4.0

    def __init__(self, text: str, color: str, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self._color = QColor(color)
        self._tint = QColor(tint_color(color))
        self._ink = QColor("#222222")
        self.setAttribute(Qt.WidgetAttribute.WA_Hover)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        fm = self.fontMetrics()
        return QSize(fm.horizontalAdvance(self.text()) + 2 * (self.PAD_X + self.BORDER),
                     fm.height() + 2 * self.PAD_Y + self.BORDER + self.BOTTOM)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return self.sizeHint()

    def paintEvent(self, e) -> None:  # noqa: N802 (Qt override)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(Qt.PenStyle.NoPen)
        outer = QRectF(self.rect())
        painter.setBrush(self._color)
        painter.drawRoundedRect(outer, self.RADIUS, self.RADIUS)
        inner = outer.adjusted(self.BORDER, self.BORDER, -self.BORDER, -self.BOTTOM)
        painter.setBrush(self._color if self.underMouse() or self.isDown() else self._tint)
        painter.drawRoundedRect(inner, self.RADIUS - self.BORDER, self.RADIUS - self.BORDER)
        painter.setPen(self._ink)
        painter.drawText(inner, Qt.AlignmentFlag.AlignCenter, self.text())
        painter.end()


class LabelBar(QWidget):
    labelClicked = Signal(str)
    snapClicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("labelBar")
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(6, 4, 6, 4)
        self._layout.setSpacing(6)
        self.buttons: dict[str, LabelButton] = {}
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
            b = LabelButton(f"{key} {name}" if key else name, color, self)
            b.setObjectName(f"label_{name}")
            b.setFocusPolicy(b.focusPolicy().NoFocus)
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
