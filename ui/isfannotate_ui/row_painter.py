"""A cheap painter for the side lists' rows: a background and a few lines of plain text.

Qt's own item painting (``QStyledItemDelegate``: ``initStyleOption`` asks the model for about ten
roles, then the style lays every line out with a ``QTextLayout``, elides it and lays it out
again) shaped the text of every visible row on every paint of the window: a quarter of a key
press's repaint. ``RowPainter`` asks a *look* function for what a row shows (its lines, its
background, bold or not), elides each line once per width and keeps it as a ``QStaticText``, whose
glyphs are laid out once and then only drawn. It draws what the style drew: the selection in the
palette's highlight colour (active or inactive), else the row's background, the text inset by the
style's focus-frame margin and centred vertically, and the style's focus frame on the current row
when the list has the keyboard.
"""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QStaticText
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionFocusRect, QStyleOptionViewItem, QWidget

__all__ = ["RowLook", "RowPainter", "look_from_roles"]

#: what a row shows: its lines (top to bottom), its background (None: the list's), bold or not
RowLook = tuple[tuple[str, ...], QColor | None, bool]
_Index = QModelIndex | QPersistentModelIndex
_CACHE_LIMIT = 4096


def look_from_roles(index: _Index) -> RowLook:
    """A row's look from the model's display, background and font roles (for any model)."""
    text = index.data(Qt.ItemDataRole.DisplayRole) or ""
    bg = index.data(Qt.ItemDataRole.BackgroundRole)
    font = index.data(Qt.ItemDataRole.FontRole)
    color = bg.color() if bg is not None and hasattr(bg, "color") else bg
    return tuple(str(text).split("\n")), color, bool(font is not None and font.bold())


class RowPainter(QStyledItemDelegate):
    """Paints each row from ``look(index)``; see the module docstring. UI thread only."""

    def __init__(self, look: Callable[[_Index], RowLook] = look_from_roles, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._look = look
        self._texts: dict[tuple[str, int, bool], QStaticText] = {}
        self._font_key = ""
        self._fonts: dict[bool, tuple[QFont, QFontMetrics]] = {}

    def _static(self, line: str, width: int, bold: bool) -> QStaticText:
        key = (line, width, bold)
        st = self._texts.get(key)
        if st is None:
            if len(self._texts) >= _CACHE_LIMIT:
                self._texts.clear()
            metrics = self._fonts[bold][1]
            st = QStaticText(metrics.elidedText(line, Qt.TextElideMode.ElideRight, width))
            st.setTextFormat(Qt.TextFormat.PlainText)
            self._texts[key] = st
        return st

    def _use_font(self, font: QFont) -> None:
        key = font.key()
        if key != self._font_key:
            self._font_key = key
            self._texts.clear()
            font = QFont(font)      # a copy: the option's font lives only as long as one paint call
            bold = QFont(font)
            bold.setBold(True)
            self._fonts = {False: (font, QFontMetrics(font)), True: (bold, QFontMetrics(bold))}

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        lines, background, bold = self._look(index)
        self._use_font(option.font)
        rect = option.rect
        state = option.state
        palette = option.palette
        if not state & QStyle.StateFlag.State_Enabled:
            group = QPalette.ColorGroup.Disabled
        elif state & QStyle.StateFlag.State_Active:
            group = QPalette.ColorGroup.Active
        else:
            group = QPalette.ColorGroup.Inactive
        if state & QStyle.StateFlag.State_Selected:
            painter.fillRect(rect, palette.brush(group, QPalette.ColorRole.Highlight))
            pen = palette.color(group, QPalette.ColorRole.HighlightedText)
        else:
            if background is not None:
                painter.fillRect(rect, background)
            pen = palette.color(group, QPalette.ColorRole.Text)
        widget = option.widget
        style = widget.style() if widget is not None else None
        margin = (style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, widget) + 1) if style else 3
        width = rect.width() - 2 * margin
        if lines and width > 0:
            font, metrics = self._fonts[bold]
            step = metrics.height()
            y = rect.top() + (rect.height() - step * len(lines)) // 2
            x = rect.left() + margin
            painter.setPen(pen)
            painter.setFont(font)
            for line in lines:
                if line:
                    painter.drawStaticText(QPointF(x, y), self._static(line, width, bold))
                y += step
        if state & QStyle.StateFlag.State_HasFocus and style is not None:
            frame = QStyleOptionFocusRect()
            frame.initFrom(widget)
            frame.rect = rect
            frame.state = state | QStyle.StateFlag.State_KeyboardFocusChange | QStyle.StateFlag.State_Item
            style.drawPrimitive(QStyle.PrimitiveElement.PE_FrameFocusRect, frame, painter, widget)
