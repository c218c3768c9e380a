"""The actor picker's candidates, drawn by the picker itself: no QListWidget (a list view brings a
viewport, two scroll bars and their container, and Qt paints each of them apart on every repaint
of the window while the picker is shown). The rows are drawn as the list view drew them (the
style's frame, the base colour, each row as a view item), so the picker looks as before.

``PickerRows`` keeps the part of QListWidget's interface that the picker and its callers use:
``count``, ``item(i).text()`` / ``.data(role)`` / ``.toolTip()``, ``currentItem``,
``currentRow`` and ``setCurrentRow``. A scroll bar is made only when the rows do not fit.

Shaping and drawing a line of text costs ~0.1-0.2 ms here, more than the widget that held it:
each text (a row, highlighted or not, the title, the caption, the hint) is drawn once into a
pixmap on its opaque background (``Tiles``) and a repaint copies the pixmaps. The same pixels:
a row was drawn clipped to its rectangle, a label's text to the label.
"""
from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QBrush, QFontMetrics, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QFrame, QScrollBar, QStyle, QStyleOptionFrame, QStyleOptionViewItem, QWidget

FRAME = 1   # the list's frame (a styled panel, one pixel)


class Tiles:
    """Pixmaps of drawn texts, each on an opaque background, kept by what they show (the last
    *limit* used). ``paint`` draws a part straight the first time it is seen (a label key's new
    title and "+ Create" row are seldom seen again: a pixmap would only add to the key's first
    paint) and from a pixmap made at its second paint on."""

    def __init__(self, owner: QWidget, limit: int = 96) -> None:
        self._owner = owner
        self._limit = limit
        self._kept: OrderedDict[Hashable, QPixmap] = OrderedDict()
        self._seen: OrderedDict[Hashable, None] = OrderedDict()

    def context(self) -> tuple:
        """What every part's look depends on (asked once per paint)."""
        owner = self._owner
        return (owner.devicePixelRatioF(), owner.palette().cacheKey(), owner.font().key(), owner.isActiveWindow())

    def paint(self, painter: QPainter, at: QPoint, key: Hashable, context: tuple, size: QSize, background: QBrush,
              draw: Callable[[QPainter, QRect], None]) -> None:
        """Draw the part *key* of *size* at *at*: ``draw(painter, rect)`` paints it over *background*."""
        full = (key, size.width(), size.height(), context)
        pm = self._kept.get(full)
        if pm is not None:
            self._kept.move_to_end(full)
        elif full in self._seen:
            pm = self._make(full, size, background, draw)
        else:
            _remember(self._seen, full, 4 * self._limit)
            painter.save()
            painter.translate(at)
            rect = QRect(QPoint(), size)
            painter.setClipRect(rect, Qt.ClipOperation.IntersectClip)
            draw(painter, rect)
            painter.restore()
            return
        painter.drawPixmap(at, pm)

    def _make(self, full: tuple, size: QSize, background: QBrush, draw: Callable[[QPainter, QRect], None]) -> QPixmap:
        dpr = full[3][0]
        pm = QPixmap(size * dpr)
        pm.setDevicePixelRatio(dpr)
        painter = QPainter(pm)
        rect = QRect(QPoint(), size)
        painter.fillRect(rect, background)
        painter.setFont(self._owner.font())
        draw(painter, rect)
        painter.end()
        self._kept[full] = pm
        if len(self._kept) > self._limit:
            self._kept.popitem(last=False)
        return pm


def _remember(kept: OrderedDict, key: Hashable, limit: int) -> None:
    kept[key] = None
    if len(kept) > limit:
        kept.popitem(last=False)


class PickerRow:
    """One candidate: its text, its actor id (``CREATE`` for the last row) and its tool tip."""
    __slots__ = ("_id", "_text", "_tip")

    def __init__(self, text: str, actor_id: str, tip: str = "") -> None:
        self._text, self._id, self._tip = text, actor_id, tip

    def text(self) -> str:
        return self._text

    def data(self, role: int = Qt.ItemDataRole.UserRole) -> str | None:
        return self._id if role == Qt.ItemDataRole.UserRole else None

    def toolTip(self) -> str:  # noqa: N802 (QListWidgetItem's name)
        return self._tip

    def key(self) -> tuple[str, str, str]:
        return self._text, self._id, self._tip


class PickerRows:
    """The candidates of *owner* (the picker), drawn in ``rect`` by ``paint``; *changed* is called
    when the highlighted row changes (as QListWidget's currentRowChanged was)."""

    def __init__(self, owner: QWidget, changed: Callable[[], None]) -> None:
        self._owner = owner
        self._changed = changed
        self._rows: list[PickerRow] = []
        self._current = -1
        self._top = 0                   # the first row shown (the list scrolled a row at a time)
        self.rect = QRect()             # where the list is, in the picker (set by the picker's layout)
        self._h = 0                     # a row's height, set by ``place``
        self._bar: QScrollBar | None = None
        self.tiles = Tiles(owner)
        self._heights: dict[tuple, int] = {}    # a row's height by its text and font

    # ------------------------------------------------- QListWidget's interface
    def objectName(self) -> str:  # noqa: N802 (Qt's name)
        return "actorMatches"

    def count(self) -> int:
        return len(self._rows)

    def item(self, i: int) -> PickerRow | None:
        return self._rows[i] if 0 <= i < len(self._rows) else None

    def currentItem(self) -> PickerRow | None:  # noqa: N802 (Qt's name)
        return self.item(self._current)

    def currentRow(self) -> int:  # noqa: N802 (Qt's name)
        return self._current

    def setCurrentRow(self, row: int) -> None:  # noqa: N802 (Qt's name)
        row = row if 0 <= row < len(self._rows) else -1
        if row == self._current:
            return
        self._current = row
        self._ensure_visible(row)
        self._owner.update(self.rect)
        self._changed()

    # ---------------------------------------------------------- for the picker
    def set_rows(self, rows: list[PickerRow]) -> bool:
        """Show *rows*; False (and nothing done) when they are the rows shown already."""
        if [r.key() for r in rows] == [r.key() for r in self._rows]:
            return False
        self._rows = rows
        self._current = -1
        self._top = 0
        self._owner.update(self.rect)
        return True

    def row_height(self) -> int:
        """A row's height as the list view's delegate gave it (the style's size of a view item)."""
        text = self._rows[0].text() if self._rows else ""
        key = (text, self._owner.font().key(), self._owner.style().name())
        h = self._heights.get(key)
        if h is None:       # (a font change or a new first row: measured again)
            opt = self._option()
            opt.text = text
            style = self._owner.style()
            h = style.sizeFromContents(QStyle.ContentsType.CT_ItemViewItem, opt, QSize(), None).height()
            if len(self._heights) > 256:
                self._heights.clear()
            self._heights[key] = h
        return h

    def fixed_height(self) -> int:
        """The list's height: 3 to 8 rows of at least 18 pixels, and its frame."""
        rows = max(3, min(8, len(self._rows)))
        return rows * max(18, self.row_height()) + 6

    def place(self, rect: QRect) -> None:
        """The list's place in the picker, after a layout pass; the scroll bar if rows are hidden."""
        self.rect = QRect(rect)
        self._h = h = max(1, self.row_height())
        inner = rect.adjusted(FRAME, FRAME, -FRAME, -FRAME)
        shown = max(1, inner.height() // h)
        hidden = len(self._rows) - shown
        if hidden > 0:
            bar = self._scroll_bar()
            extent = self._owner.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, bar)
            bar.setGeometry(inner.right() + 1 - extent, inner.top(), extent, inner.height())
            bar.setRange(0, hidden)
            bar.setPageStep(shown)
            bar.setValue(self._top)
            bar.show()
        elif self._bar is not None:
            self._bar.hide()
            self._top = 0
        self._ensure_visible(self._current)

    def row_at(self, pos: QPoint) -> int:
        """The row under *pos* (picker coordinates), or -1."""
        vp = self._viewport()
        if not vp.contains(pos):
            return -1
        row = self._top + (pos.y() - vp.top()) // max(1, self._h)
        return row if row < len(self._rows) else -1

    def scroll_by(self, rows: int) -> None:
        if self._bar is not None and not self._bar.isHidden():
            self._bar.setValue(self._bar.value() + rows)

    def paint(self, painter: QPainter) -> None:
        """The list as QListWidget drew it: the style's frame, the base colour, the rows."""
        pal = self._owner.palette()
        context = self.tiles.context()
        self.tiles.paint(painter, self.rect.topLeft(), ("frame",), context, self.rect.size(), pal.window(),
                         self._draw_frame)
        vp = self._viewport()
        painter.fillRect(vp, pal.brush(QPalette.ColorRole.Base))
        h = self._h
        if not self._rows or h <= 0:
            return
        painter.save()
        painter.setClipRect(vp)
        base = pal.brush(QPalette.ColorRole.Base)
        last = min(len(self._rows), self._top + vp.height() // h + 1)
        for i in range(self._top, last):
            text, selected = self._rows[i].text(), i == self._current
            self.tiles.paint(painter, QPoint(vp.left(), vp.top() + (i - self._top) * h), ("row", text, selected),
                             context, QSize(vp.width(), h), base,
                             lambda p, r, t=text, s=selected: self._draw_row(p, r, t, s))
        painter.restore()

    def _draw_frame(self, painter: QPainter, rect: QRect) -> None:
        """The list's frame (the style's styled panel, sunken) on the picker's colour."""
        frame = QStyleOptionFrame()
        frame.initFrom(self._owner)
        frame.rect = rect
        frame.lineWidth, frame.midLineWidth = FRAME, 0
        frame.frameShape = QFrame.Shape.StyledPanel
        frame.state |= QStyle.StateFlag.State_Sunken
        self._owner.style().drawPrimitive(QStyle.PrimitiveElement.PE_Frame, frame, painter, None)

    def _draw_row(self, painter: QPainter, rect: QRect, text: str, selected: bool) -> None:
        """One row as the list view's delegate drew it (the style's view item)."""
        opt = self._option()
        opt.rect, opt.text = rect, text
        if selected:
            opt.state |= QStyle.StateFlag.State_Selected
        self._owner.style().drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, None)

    # --------------------------------------------------------------- internals
    def _viewport(self) -> QRect:
        vp = self.rect.adjusted(FRAME, FRAME, -FRAME, -FRAME)
        if self._bar is not None and not self._bar.isHidden():
            vp.setRight(self._bar.geometry().left() - 1)
        return vp

    def _option(self) -> QStyleOptionViewItem:
        owner = self._owner
        opt = QStyleOptionViewItem()
        opt.initFrom(owner)
        opt.state &= ~QStyle.StateFlag.State_MouseOver
        opt.font = owner.font()
        opt.fontMetrics = QFontMetrics(opt.font)
        opt.features = QStyleOptionViewItem.ViewItemFeature.HasDisplay
        opt.displayAlignment = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        opt.textElideMode = Qt.TextElideMode.ElideRight
        opt.showDecorationSelected = bool(
            owner.style().styleHint(QStyle.StyleHint.SH_ItemView_ShowDecorationSelected, None, None))
        return opt

    def _ensure_visible(self, row: int) -> None:
        if row < 0 or self._bar is None or self._bar.isHidden():
            return
        shown = self._bar.pageStep()
        if row < self._top:
            self._bar.setValue(row)
        elif row >= self._top + shown:
            self._bar.setValue(row - shown + 1)

    def _scroll_bar(self) -> QScrollBar:
        if self._bar is None:   # made on first use: most searches fit in the list
            self._bar = QScrollBar(Qt.Orientation.Vertical, self._owner)
            self._bar.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            self._bar.setSingleStep(1)
            self._bar.valueChanged.connect(self._on_scrolled)
        return self._bar

    def _on_scrolled(self, value: int) -> None:
        self._top = value
        self._owner.update(self.rect)
