"""A frame in the highlight colour around the field that has the keyboard, in one area of the window.

Some desktop styles draw no focus on a combo box at all, so the selected span's details show the
field being typed into with a 2-pixel highlight frame. It was a style sheet on the details box;
a style sheet makes the style draw every widget under it the slow way (polishing each new field of
the details on every label key, and every paint of them), so the frame is this small widget drawn
over the field instead: it never takes the mouse or the keyboard, and follows the field.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QRectF, Qt
from PySide6.QtGui import QPainter, QPalette, QPen
from PySide6.QtWidgets import QApplication, QCheckBox, QComboBox, QLineEdit, QPushButton, QWidget

__all__ = ["FocusRing"]

FIELDS = (QComboBox, QLineEdit, QPushButton, QCheckBox)


class FocusRing(QWidget):
    """Shows over whichever field of *area* (a combo box, line edit, button or check box) has the
    keyboard; hidden otherwise. UI thread only."""

    def __init__(self, area: QWidget) -> None:
        super().__init__(area)
        self.setObjectName("focusRing")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.hide()
        self._area = area
        self._field: QWidget | None = None
        QApplication.instance().focusChanged.connect(self._on_focus_changed)

    def field(self) -> QWidget | None:
        """The field framed now (None: no field of the area has the keyboard)."""
        return self._field if self.isVisibleTo(self._area) else None

    def _on_focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if self._field is not None:
            try:
                self._field.removeEventFilter(self)
            except RuntimeError:
                pass        # deleted with the details it belonged to
            self._field = None
        if new is not None and isinstance(new, FIELDS) and self._area.isAncestorOf(new):
            self._field = new
            new.installEventFilter(self)
            self._place()
        else:
            self.hide()

    def _place(self) -> None:
        field = self._field
        if field is None or not field.isVisible():
            self.hide()
            return
        self.setGeometry(QRect(field.mapTo(self._area, QPoint(0, 0)), field.size()))
        self.raise_()
        self.show()

    def eventFilter(self, obj: QObject, e: QEvent) -> bool:  # noqa: N802 (Qt override)
        if obj is self._field and e.type() in (QEvent.Type.Move, QEvent.Type.Resize, QEvent.Type.Show,
                                               QEvent.Type.Hide):
            self._place()
        return False

    def paintEvent(self, e) -> None:  # noqa: N802 (Qt override)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        pen = QPen(self.palette().color(QPalette.ColorRole.Highlight))
        pen.setWidthF(2.0)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(1.0, 1.0, -1.0, -1.0), 3.0, 3.0)
        painter.end()
