"""The stance map's "Over time" strip: one holder's stances on one target on a date axis.

Exact dates are dots on the axis; a month-only or year-only date is a bar over its whole
month or year (``isfannotate.stancemap.layout``), one row per stance, so stances that share an
interval stand side by side in time rather than in an invented order; undated stances are
listed apart. UI thread only.
"""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QWidget

from isfannotate.stancemap import Evidence
from isfannotate.stancemap.layout import Mark, timeline_marks
from isfannotate.stancemap.render import colour

ROW = 16          # px per interval row


class TimelineStrip(QWidget):
    """One holder's stances on one target in time: points for exact dates, bars for partial ones."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stanceTimeline")
        self.items: list[Evidence] = []
        self.marks: list[Mark] = []
        self.undated: list[Evidence] = []
        self.title = ""
        self.setMinimumHeight(110)

    def set_items(self, items: list[Evidence], title: str) -> None:
        self.items, self.title = list(items), title
        self.marks, self.undated = timeline_marks(self.items)
        fm = self.fontMetrics()
        self.setMinimumHeight(int(self.axis_y() + 16 + 4 * fm.height()))
        self.setToolTip("\n".join(
            [f"{m.label}{'' if m.exact else ' (the whole period: no order inside)'}  {e.polarity}  {e.title}"
             for m in self.marks for e in m.items] + [f"undated  {e.polarity}  {e.title}" for e in self.undated]))
        self.update()

    def top(self) -> float:
        """Below the title, wrapped to the strip's width."""
        r = self.fontMetrics().boundingRect(QRect(0, 0, max(50, self.width() - 16), 10_000),
                                            int(Qt.TextFlag.TextWordWrap), self.title or "Over time")
        return 8.0 + r.height() + 6

    def axis_y(self) -> float:
        """The axis: below the interval rows and room for same-day dots stacked above it."""
        rows = max([m.row - 1 + len(m.items) for m in self.marks if not m.exact] or [0])
        stack = max([len(m.items) for m in self.marks if m.exact] or [1])
        return self.top() + rows * ROW + 12 + (stack - 1) * 15

    def x_range(self, left: float, right: float):
        """A function from a day ordinal to x, over the span of the marks (a day or more)."""
        first = min(m.days()[0] for m in self.marks)
        last = max(m.days()[1] for m in self.marks)
        span = max(1, last - first)
        pad = max(1.0, span * 0.04)
        lo, hi = first - pad, last + pad
        return lambda day: left + (day - lo) * (right - left) / (hi - lo)

    def paintEvent(self, _event) -> None:  # noqa: N802 (Qt override)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor("#ffffff"))
        p.setPen(QColor("#333333"))
        p.drawText(QRectF(8, 4, self.width() - 16, self.top()), Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap,
                   self.title or "Over time: choose a cell")
        if not self.items:
            return
        fm = p.fontMetrics()
        left, right = 16.0, self.width() - 16.0
        bottom = self.height() - 4.0
        if self.undated:
            p.drawText(QRectF(left, bottom - fm.height(), right - left, fm.height()), Qt.AlignmentFlag.AlignLeft,
                       "undated: " + ", ".join(e.polarity for e in self.undated))
            bottom -= fm.height() + 2
        if not self.marks:
            return
        x = self.x_range(left, right)
        axis, top = self.axis_y(), self.top()
        p.setPen(QPen(QColor("#999999"), 1))
        p.drawLine(QPointF(left, axis), QPointF(right, axis))
        labels: list[QRectF] = []

        def label(text: str, cx: float, y: float) -> None:
            lines = text.split("\n")
            w = max(fm.horizontalAdvance(line) for line in lines) + 8
            r = QRectF(min(max(left, cx - w / 2), right - w), y, w, fm.height() * len(lines))
            while any(r.intersects(o) for o in labels):
                r.translate(0, fm.height())
            if r.bottom() > bottom:      # no room left: the dot stays, the tooltip lists it
                return
            labels.append(r)
            p.setPen(QColor("#333333"))
            p.drawText(r, Qt.AlignmentFlag.AlignHCenter, text)

        for m in self.marks:          # intervals first: points sit on top
            if m.exact:
                continue
            d0, d1 = m.days()
            for k, e in enumerate(m.items):
                y = top + (m.row - 1 + k) * ROW + ROW / 2
                r = QRectF(x(d0), y - ROW / 2 + 2, max(3.0, x(d1) - x(d0)), ROW - 4)
                p.setPen(QPen(QColor("#333333"), 1))
                p.setBrush(QColor(colour(e.polarity)))
                p.drawRect(r)
                p.setPen(QColor("#000000"))
                p.drawText(r.adjusted(3, -2, 0, 2), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                           f"{m.label} · {e.polarity}")
        for m in self.marks:
            if not m.exact:
                continue
            d0, d1 = m.days()
            cx = (x(d0) + x(d1)) / 2
            for k, e in enumerate(m.items):
                p.setPen(QPen(QColor("#333333"), 1))
                p.setBrush(QColor(colour(e.polarity)))
                p.drawEllipse(QPointF(cx, axis - k * 15), 6, 6)
            label(m.label + "\n" + " / ".join(e.polarity for e in m.items), cx, axis + 9)
