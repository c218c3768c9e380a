"""A tab widget and a status bar that repaint themselves whole only when their layout changed (the
window's repaint after a key press).

Any text set in a page of a tab widget (a label of the selected span's details, a row count) makes
Qt ask the page's layouts again; each layout then asks its parent, up to the tab widget, and
``QTabWidget`` answers every such request by laying out its tab bar and page again *and*
repainting itself whole: a label key repainted the whole side panel (the tab bar, the problem
list, the document labels, the details) when only the details and one list row changed.
``QStatusBar`` does the same for a new text in one of its labels (the span count).

``quiet_layout_requests`` answers such a request as Qt would, without that repaint, while what the
widget's layout is made from is what it was at the request it let through last: for a tab widget
its size, its tab bar's size hints, its tabs, mode and style (then its layout would give every
child the geometry it has); for a status bar its font and each child's geometry, visibility and
height hints (then Qt would only repaint). A tab widget still tells its parent that its size
hints may have changed (``updateGeometry``), as Qt does. The children's own layouts are activated
as before (Qt does that before the request reaches the widget), so they lay out and repaint what
they changed; a resize, a new tab, a message or a new style are handled by Qt as before.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QStatusBar, QTabWidget, QWidget

__all__ = ["quiet_layout_requests"]


def _tabs_key(tabs: QTabWidget) -> tuple:
    bar = tabs.tabBar()
    corners = [tabs.cornerWidget(Qt.Corner.TopLeftCorner), tabs.cornerWidget(Qt.Corner.TopRightCorner)]
    corner_hints = tuple(c.sizeHint() if c is not None and c.isVisible() else None for c in corners)
    return (tabs.size(), bar.sizeHint(), bar.minimumSizeHint(), bar.isVisibleTo(tabs), tabs.count(),
            tabs.documentMode(), tabs.tabPosition(), tabs.tabShape(), id(tabs.style()), corner_hints)


def _status_key(bar: QStatusBar) -> tuple:
    children = tuple((w.geometry(), w.isVisible(), w.minimumSizeHint(), w.sizeHint().height(), w.maximumHeight())
                     for w in bar.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly))
    return bar.size(), bar.fontMetrics().height(), id(bar.style()), children


class _Quiet(QObject):
    def __init__(self, widget: QTabWidget | QStatusBar) -> None:
        super().__init__(widget)
        self._last: tuple | None = None

    def eventFilter(self, obj: QObject, e: QEvent) -> bool:  # noqa: N802 (Qt override)
        if e.type() != QEvent.Type.LayoutRequest or not isinstance(obj, QWidget) or not obj.isVisible():
            return False
        key = _tabs_key(obj) if isinstance(obj, QTabWidget) else _status_key(obj) \
            if isinstance(obj, QStatusBar) else None
        if key is None or key != self._last:
            self._last = key
            return False    # Qt lays the widget out (and repaints it whole)
        if isinstance(obj, QTabWidget):
            obj.updateGeometry()    # its size hints follow its pages': the splitter may need them
        return True


def quiet_layout_requests(widget: QTabWidget | QStatusBar) -> None:
    """Make *widget* repaint itself whole on a layout request only when its layout can have changed."""
    widget.installEventFilter(_Quiet(widget))
