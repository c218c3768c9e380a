"""Scroll bars drawn once per look, then copied: the window's repaint after a key press.

A style draws a scroll bar with gradients and lines (Fusion: a fifth of a whole-window repaint for
the article's and the side lists' bars, the raster engine splitting each tall fill over a thread).
Between two repaints of a key press a bar rarely changes, so ``cache_scroll_bars`` makes each bar
of the given scroll areas draw from a pixmap of what the style drew for its current look (size,
range, position, page, state, palette, style): the same pixels, drawn by one copy. A bar under the
mouse or being dragged is drawn by the style as before (its hover and pressed looks are not kept).
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QPainter, QPixmap
from PySide6.QtWidgets import QAbstractScrollArea, QScrollBar, QStyle, QStyleOptionSlider

__all__ = ["cache_scroll_bars"]


class _BarPixmaps(QObject):
    """Paints the scroll bars it filters from one pixmap per bar, made again when its look changes."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._made: dict[Qt.Orientation, tuple[tuple, QPixmap]] = {}     # one area's two bars

    def eventFilter(self, obj: QObject, e: QEvent) -> bool:  # noqa: N802 (Qt override)
        if e.type() != QEvent.Type.Paint or not isinstance(obj, QScrollBar):
            return False
        bar = obj
        if bar.isSliderDown() or bar.underMouse() or \
                bar.style().styleHint(QStyle.StyleHint.SH_ScrollBar_Transient, None, bar):
            return False        # hover, pressed and transient (fading) looks: the style draws them
        opt = _option(bar)
        key = (bar.width(), bar.height(), bar.devicePixelRatioF(), int(opt.state.value), opt.orientation.value,
               opt.minimum, opt.maximum, opt.sliderPosition, opt.sliderValue, opt.pageStep, opt.singleStep,
               opt.upsideDown, opt.direction.value, bar.palette().cacheKey(), id(bar.style()))
        made = self._made.get(bar.orientation())
        if made is None or made[0] != key:
            ratio = bar.devicePixelRatioF()
            pixmap = QPixmap(round(bar.width() * ratio), round(bar.height() * ratio))
            pixmap.setDevicePixelRatio(ratio)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            try:
                painter.setPen(bar.palette().color(bar.foregroundRole()))
                painter.setFont(bar.font())
                bar.style().drawComplexControl(QStyle.ComplexControl.CC_ScrollBar, opt, painter, bar)
            finally:
                painter.end()
            made = self._made[bar.orientation()] = (key, pixmap)
        painter = QPainter(bar)
        try:
            painter.drawPixmap(0, 0, made[1])
        finally:
            painter.end()
        return True


def _option(bar: QScrollBar) -> QStyleOptionSlider:
    """The option ``QScrollBar`` paints itself with when neither hovered nor pressed."""
    opt = QStyleOptionSlider()     # every sub-control drawn, none active: its defaults
    opt.initFrom(bar)
    opt.orientation = bar.orientation()
    opt.minimum = bar.minimum()
    opt.maximum = bar.maximum()
    opt.sliderPosition = bar.sliderPosition()
    opt.sliderValue = bar.value()
    opt.singleStep = bar.singleStep()
    opt.pageStep = bar.pageStep()
    opt.upsideDown = bar.invertedAppearance()
    if bar.orientation() == Qt.Orientation.Horizontal:
        opt.state |= QStyle.StateFlag.State_Horizontal
    return opt


def cache_scroll_bars(*areas: QAbstractScrollArea) -> None:
    """Draw the vertical and horizontal scroll bars of *areas* from pixmaps (module docstring)."""
    for area in areas:
        keeper = area.findChild(_BarPixmaps, options=Qt.FindChildOption.FindDirectChildrenOnly)
        if keeper is None:
            keeper = _BarPixmaps(area)
        for bar in (area.verticalScrollBar(), area.horizontalScrollBar()):
            bar.installEventFilter(keeper)
