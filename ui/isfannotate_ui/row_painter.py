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

from collections import OrderedDict
from collections.abc import Callable, Iterable

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint, QPointF, QRect, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QPixmap, QStaticText
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionFocusRect, QStyleOptionViewItem, QWidget

__all__ = ["RowLook", "RowPainter", "look_from_roles"]

#: what a row shows: its lines (top to bottom), its background (None: the list's), bold or not
RowLook = tuple[tuple[str, ...], QColor | None, bool]
_Index = QModelIndex | QPersistentModelIndex
_CACHE_LIMIT = 4096
_ROWS_LIMIT = 256     # rows kept as pixmaps (a 400 × 40 row: 64 KB)


def look_from_roles(index: _Index) -> RowLook:
    """A row's look from the model's display, background and font roles (for any model)."""
    text = index.data(Qt.ItemDataRole.DisplayRole) or ""
    bg = index.data(Qt.ItemDataRole.BackgroundRole)
    font = index.data(Qt.ItemDataRole.FontRole)
    color = bg.color() if bg is not None and hasattr(bg, "color") else bg
    return tuple(str(text).split("\n")), color, bool(font is not None and font.bold())


_ENABLED = QStyle.StateFlag.State_Enabled
_ACTIVE = QStyle.StateFlag.State_Active
_SELECTED = QStyle.StateFlag.State_Selected
_FOCUS = QStyle.StateFlag.State_HasFocus
_HIGHLIGHT, _HIGHLIGHTED_TEXT = QPalette.ColorRole.Highlight, QPalette.ColorRole.HighlightedText
_TEXT, _BASE = QPalette.ColorRole.Text, QPalette.ColorRole.Base


class RowPainter(QStyledItemDelegate):
    """Paints each row from ``look(index)``: a row is drawn once into a pixmap per look, size and
    state (selected, focused, active) and copied from there by later paints, so a repaint of the
    window draws a list's unchanged rows as a handful of copies. ``warm`` draws rows that are not
    shown yet, in the look a plain (unselected) row had at the last paint: a list about to scroll
    there (a new span's row) then copies them too. The least recently used pixmaps go first when
    there are too many. UI thread only."""

    def __init__(self, look: Callable[[_Index], RowLook] = look_from_roles, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._look = look
        self._texts: dict[tuple[str, int, bool], QStaticText] = {}
        self._rows: OrderedDict[tuple, QPixmap] = OrderedDict()
        self._plain: tuple[tuple, QStyleOptionViewItem] | None = None   # a plain row's option, last paint
        self._made = 0      # rows drawn so far (tests count them)
        self._font = QFont()
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
        if not self._fonts or font != self._font:
            self._font = QFont(font)    # a copy: the option's font lives only as long as one paint call
            self._texts.clear()
            self._rows.clear()
            self._plain = None
            bold = QFont(font)
            bold.setBold(True)
            self._fonts = {False: (self._font, QFontMetrics(self._font)), True: (bold, QFontMetrics(bold))}

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        self._use_font(option.font)
        state = option.state
        look = (bool(state & _SELECTED), bool(state & _FOCUS), bool(state & _ACTIVE), bool(state & _ENABLED),
                option.rect.width(), option.rect.height(), option.palette.cacheKey())
        if not look[0] and not look[1] and (self._plain is None or self._plain[0] != look):
            self._plain = (look, QStyleOptionViewItem(option))     # a copy: *option* lives for this call
        painter.drawPixmap(option.rect.topLeft(), self._pixmap(option, index, look))

    def warm(self, indexes: Iterable[_Index]) -> int:
        """Draw the rows of *indexes* that have no pixmap yet, as plain rows look now (the option
        of the last paint's unselected rows); nothing before the list has painted. Returns how
        many rows were drawn."""
        if self._plain is None:
            return 0
        look, option = self._plain
        before = self._made
        for index in indexes:
            self._pixmap(option, index, look)
        return self._made - before

    def _pixmap(self, option: QStyleOptionViewItem, index: _Index, look: tuple) -> QPixmap:
        lines, background, bold = self._look(index)
        key = (lines, background.rgba() if background is not None else None, bold, *look)
        rows = self._rows
        pixmap = rows.get(key)
        if pixmap is None:
            if len(rows) >= _ROWS_LIMIT:
                rows.popitem(last=False)
            pixmap = rows[key] = self._draw(option, lines, background, bold)
            self._made += 1
        else:
            rows.move_to_end(key)
        return pixmap

    def _draw(self, option: QStyleOptionViewItem, lines: tuple[str, ...], background: QColor | None,
              bold: bool) -> QPixmap:
        """One row as the style drew it, on the list's base colour, at (0, 0) of a pixmap of its size."""
        rect = QRect(QPoint(0, 0), option.rect.size())
        state = option.state
        palette = option.palette
        widget = option.widget
        ratio = widget.devicePixelRatioF() if widget is not None else 1.0
        pixmap = QPixmap(round(rect.width() * ratio), round(rect.height() * ratio))
        pixmap.setDevicePixelRatio(ratio)
        if not state & _ENABLED:
            group = QPalette.ColorGroup.Disabled
        elif state & _ACTIVE:
            group = QPalette.ColorGroup.Active
        else:
            group = QPalette.ColorGroup.Inactive
        pixmap.fill(palette.color(group, _BASE))
        painter = QPainter(pixmap)
        try:
            if state & _SELECTED:
                painter.fillRect(rect, palette.brush(group, _HIGHLIGHT))
                pen = palette.color(group, _HIGHLIGHTED_TEXT)
            else:
                if background is not None:
                    painter.fillRect(rect, background)
                pen = palette.color(group, _TEXT)
            style = widget.style() if widget is not None else None
            margin = (style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, widget) + 1) if style else 3
            width = rect.width() - 2 * margin
            if lines and width > 0:
                font, metrics = self._fonts[bold]
                step = metrics.height()
                y = (rect.height() - step * len(lines)) // 2
                painter.setPen(pen)
                painter.setFont(font)
                for line in lines:
                    if line:
                        painter.drawStaticText(QPointF(margin, y), self._static(line, width, bold))
                    y += step
            if state & _FOCUS and style is not None:
                frame = QStyleOptionFocusRect()
                frame.initFrom(widget)
                frame.rect = rect
                frame.state = state | QStyle.StateFlag.State_KeyboardFocusChange | QStyle.StateFlag.State_Item
                style.drawPrimitive(QStyle.PrimitiveElement.PE_FrameFocusRect, frame, painter, widget)
        finally:
            painter.end()
        return pixmap
