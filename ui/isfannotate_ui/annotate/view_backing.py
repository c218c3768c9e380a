"""The article view's own backing store: its viewport kept as a pixmap, repainted where it changed.

A whole-window ``grab()`` (and the event loop's repaint after a key press) asks the article for
every pixel, and ``QPlainTextEdit`` draws every visible line again (glyphs, tints, underlines):
the largest part of the window's repaint. ``ViewBacking`` keeps what the viewport showed in a
pixmap, repaints into it only what changed, then copies the pixmap: as code editors do.

What changed is known from three sources:

- Qt's own requests (``QPlainTextEdit.updateRequest``): the caret, its blinking, the text
  selection and its colour when the focus comes or goes; a scroll (a request with a *dy*)
  repaints everything;
- the span colouring: a visible block that the highlighter has not coloured from the current
  spans (a new, changed, removed or (un)selected span: ``SpanHighlighter.done``) is coloured
  before the paint and repainted whole, with any visible block Qt lays out again after it. The
  requests Qt makes while a block is coloured again (it asks for the whole view) are ignored;
- everything else that can change the look repaints everything: the viewport's size, the scroll
  bars' values, a new text, the window's activation, the palette, the font, the style,
  the view shown or moved.

A paint that would paint the whole pixmap anew (the first after a new text, a scroll, a resize...)
is Qt's own, straight on the viewport, as fast as without the pixmap (the Python drawing plus the
copy would make the first paint of an opened document the slower one); the pixmap is then filled
when the event loop is next idle (a zero timer), ready for the next partial repaint.

The pixmap is painted by ``paint_blocks``, ``QPlainTextEdit.paintEvent``'s drawing (Qt 6) with the
painter given (Qt's own paints only on the widget, and a widget cannot render itself while it
paints): the same calls, so the same pixels (tests compare them with Qt's own paint).
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QRectF, Qt, QTimer
from PySide6.QtGui import QPainter, QPaintEvent, QPixmap, QRegion, QTextBlock, QTextFormat, QTextLayout
from PySide6.QtWidgets import QPlainTextEdit

from .span_highlighter import SpacedLayout, SpanHighlighter, paint_span_decorations, placed_blocks

__all__ = ["ViewBacking", "paint_blocks"]

#: events on the view or its viewport after which everything is painted again
_EVERYTHING = frozenset({
    QEvent.Type.ActivationChange, QEvent.Type.WindowActivate,
    QEvent.Type.WindowDeactivate, QEvent.Type.PaletteChange, QEvent.Type.FontChange, QEvent.Type.StyleChange,
    QEvent.Type.EnabledChange, QEvent.Type.LayoutDirectionChange, QEvent.Type.Resize, QEvent.Type.Move,
    QEvent.Type.Show, QEvent.Type.Hide, QEvent.Type.ApplicationPaletteChange, QEvent.Type.ApplicationFontChange,
    QEvent.Type.DevicePixelRatioChange, QEvent.Type.ReadOnlyChange,
})


class ViewBacking(QObject):
    """The pixmap of *view*'s viewport and the region of it that is out of date; it draws the view
    (``draw``) with *highlighter*'s colours and underlines. The view's ``paintEvent`` calls ``paint``.
    ``enabled = False`` (tests) paints on the viewport as Qt does. UI thread only."""

    enabled = True

    def __init__(self, view: QPlainTextEdit, highlighter: SpanHighlighter, layout: SpacedLayout) -> None:
        super().__init__(view)
        self._view = view
        self._hl = highlighter
        self._layout = layout
        self._pixmap: QPixmap | None = None
        self._key: tuple | None = None
        self._dirty = QRegion()
        self._colouring = False
        self._shown = (-1, -1)   # the first and last visible block numbers at the last walk (_placed)
        self._fill_timer = QTimer(self)
        self._fill_timer.setSingleShot(True)
        self._fill_timer.setInterval(0)
        self._fill_timer.timeout.connect(self.fill)
        view.updateRequest.connect(self._on_update_request)
        view.document().contentsChange.connect(self.invalidate)
        view.installEventFilter(self)
        view.viewport().installEventFilter(self)

    def invalidate(self, *_args) -> None:
        """Paint everything again at the next paint."""
        self._pixmap = None

    def eventFilter(self, obj: QObject, e: QEvent) -> bool:  # noqa: N802 (Qt override)
        if e.type() in _EVERYTHING:
            self._pixmap = None
        return False

    def _on_update_request(self, rect: QRect, dy: int) -> None:
        if self._colouring or self._pixmap is None:
            return      # the colouring of a block about to be painted, or everything is painted anyway
        if dy:
            self._pixmap = None
        else:
            self._dirty += rect

    def paint(self, rect: QRect) -> bool:
        """In the view's paint event for *rect*: bring the pixmap up to date and copy it onto the
        viewport; False when disabled or when the whole pixmap would be painted anew (a first
        paint, a scroll, a resize, a zoom...): then the caller paints as Qt does (``draw(None,
        rect)``), no slower than without the pixmap, and the pixmap is filled when the event loop
        is next idle (``fill``)."""
        if not self.enabled:
            self._pixmap = None     # what this paint colours is not tracked: all painted anew when enabled
            return False
        if self._pixmap is None or self._view_key() != self._key:
            self._pixmap = None
            if not self._fill_timer.isActive():
                self._fill_timer.start()
            return False
        vp = self._view.viewport()
        region = self._dirty
        placed = None
        if self._stale_possible():
            placed = self._placed()
            for r in self._stale_rects(placed):
                region += r
        region &= vp.rect()
        self._dirty = QRegion()
        if not region.isEmpty():
            self._paint_region(region, placed)
        painter = QPainter(vp)
        try:
            painter.drawPixmap(0, 0, self._pixmap)
        finally:
            painter.end()
        return True

    def fill(self) -> None:
        """Paint the whole pixmap for the view as it is now (on idle after a paint that could not
        use it); nothing when the view is hidden or disabled."""
        view = self._view
        vp = view.viewport()
        if not self.enabled or not view.isVisible() or vp.width() <= 0 or vp.height() <= 0:
            return
        ratio = vp.devicePixelRatioF()
        pixmap = QPixmap(round(vp.width() * ratio), round(vp.height() * ratio))
        pixmap.setDevicePixelRatio(ratio)
        self._pixmap, self._key, self._dirty = pixmap, self._view_key(), QRegion()
        self._paint_region(QRegion(vp.rect()), self._placed())

    def _view_key(self) -> tuple:
        view = self._view
        vp = view.viewport()
        return (vp.width(), vp.height(), vp.devicePixelRatioF(), view.verticalScrollBar().value(),
                view.horizontalScrollBar().value(), view.isActiveWindow())

    def _stale_possible(self) -> bool:
        """Whether a visible block may need colouring (``_stale_rects``): not when every block from
        the first visible one down to the last one the pixmap showed is coloured (a caret blink,
        a text selection), which spares walking the visible blocks' geometry."""
        hl = self._hl
        if not len(hl.index) and not hl.done:
            return False
        first, last = self._shown
        done = hl.done
        return self._view.firstVisibleBlock().blockNumber() != first or \
            not all(bn in done for bn in range(first, last + 1))

    def _placed(self) -> list:
        """``placed_blocks`` for the whole viewport (none without spans), noting the first and
        last block numbers for ``_stale_possible``."""
        hl = self._hl
        placed = placed_blocks(self._view, self._view.viewport().height()) if len(hl.index) or hl.done else []
        self._shown = (placed[0][0].blockNumber(), placed[-1][0].blockNumber()) if placed else (-1, -1)
        return placed

    def _paint_region(self, region: QRegion, placed: list | None) -> None:
        """Paint *region* of the pixmap; *placed* None: ``draw`` walks the blocks down to the
        region's bottom."""
        vp = self._view.viewport()
        painter = QPainter(self._pixmap)
        try:
            painter.setClipRegion(region)
            pal = vp.palette()
            painter.setPen(pal.color(vp.foregroundRole()))
            painter.setFont(vp.font())
            painter.fillRect(region.boundingRect(), pal.brush(vp.backgroundRole()))
            self.draw(painter, region.boundingRect(), placed)
        finally:
            painter.end()

    def _ensure(self, block: QTextBlock) -> None:
        self._colouring = True
        try:
            self._hl.ensure(block)
        finally:
            self._colouring = False

    def draw(self, painter: QPainter | None, rect: QRect, placed: list | None = None) -> None:
        """The view's content within *rect* (text, tints, caret, selection, underlines): on the
        viewport as Qt paints it (*painter* None), or with *painter* (the pixmap's)."""
        view, hl = self._view, self._hl
        if placed is None:
            placed = placed_blocks(view, rect.bottom()) if len(hl.index) or hl.done else []
        for block, _top, _bottom in placed:
            self._ensure(block)
        if painter is None:
            QPlainTextEdit.paintEvent(view, QPaintEvent(rect))
        else:
            paint_blocks(view, painter, rect)
        if len(hl.index):
            own = painter is None
            painter = QPainter(view.viewport()) if own else painter
            try:
                paint_span_decorations(view, painter, QRectF(rect), hl.index, hl.offsets, hl.selected_id,
                                       self._layout.line_gap, hl.decorations, placed, hl.segments)
            finally:
                if own:
                    painter.end()

    def _stale_rects(self, placed: list) -> list[QRect]:
        """The viewport rectangles of the visible blocks that the pixmap shows out of date: those
        the highlighter colours anew (now), and those Qt lays out anew after it (a block coloured
        again is laid out again, and its next blocks' lines are dropped), whose glyphs may land a
        fraction of a pixel apart."""
        hl, width, stale = self._hl, self._view.viewport().width(), []
        for block, top, bottom in placed:
            if block.blockNumber() not in hl.done:
                stale.append((top, bottom))
                self._ensure(block)
        if not stale:
            return []
        stale += [(top, bottom) for block, top, bottom in placed if block.layout().lineCount() == 0]
        # 3 px more each side: a selected span's outline, drawn antialiased, reaches past its line
        return [QRect(0, int(top) - 3, width, int(bottom - top) + 7) for top, bottom in stale]


def paint_blocks(view: QPlainTextEdit, painter: QPainter, er: QRect) -> None:
    """``QPlainTextEdit.paintEvent`` (Qt 6) for the rectangle *er* of the viewport, with *painter*
    (clipped by the caller): block backgrounds, text, selections, the caret. No placeholder text
    (the article view never shows one)."""
    offset = view.contentOffset()
    viewport_rect = view.viewport().rect()
    doc = view.document()
    editable = not view.isReadOnly()
    block = view.firstVisibleBlock()
    maximum_width = doc.documentLayout().documentSize().width()
    painter.setBrushOrigin(offset)
    max_x = int(offset.x() + max(float(viewport_rect.width()), maximum_width) - doc.documentMargin()
                + view.cursorWidth())
    er = QRect(er)
    er.setRight(min(er.right(), max_x))
    painter.setClipRect(er, Qt.ClipOperation.IntersectClip)
    context = view.getPaintContext()
    painter.setPen(context.palette.text().color())
    keyboard = editable or bool(view.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByKeyboard)
    cursor_position = context.cursorPosition
    selections = context.selections
    while block.isValid():
        r = view.blockBoundingRect(block).translated(offset)
        if not block.isVisible():
            offset.setY(offset.y() + r.height())
            block = block.next()
            continue
        if r.bottom() >= er.top() and r.top() <= er.bottom():
            bg = block.blockFormat().background()
            if bg.style() != Qt.BrushStyle.NoBrush:
                painter.fillRect(QRectF(r.x(), r.y(), max(r.width(), maximum_width), r.height()), bg)
            blpos, bllen = block.position(), block.length()
            ranges = []
            for sel in selections:
                cur = sel.cursor
                a, b = cur.selectionStart() - blpos, cur.selectionEnd() - blpos
                if a < bllen and b > 0 and b > a:
                    o = QTextLayout.FormatRange()
                    o.start, o.length, o.format = a, b - a, sel.format
                    ranges.append(o)
                elif not cur.hasSelection() and sel.format.hasProperty(QTextFormat.Property.FullWidthSelection) \
                        and block.contains(cur.position()):
                    o = QTextLayout.FormatRange()
                    line = block.layout().lineForTextPosition(cur.position() - blpos)
                    o.start, o.length, o.format = line.textStart(), line.textLength() or 1, sel.format
                    ranges.append(o)
            draw_cursor = keyboard and blpos <= cursor_position < blpos + bllen
            layout = block.layout()
            layout.draw(painter, offset, ranges, QRectF(er))
            if draw_cursor:
                layout.drawCursor(painter, offset, cursor_position - blpos, view.cursorWidth())
        offset.setY(offset.y() + r.height())
        if offset.y() > viewport_rect.height():
            break
        block = block.next()
    if view.backgroundVisible() and not block.isValid() and offset.y() <= er.bottom() and (
            view.centerOnScroll() or view.verticalScrollBar().maximum() == view.verticalScrollBar().minimum()):
        painter.fillRect(QRect(QPoint(er.left(), int(offset.y())), er.bottomRight()), view.palette().window())
