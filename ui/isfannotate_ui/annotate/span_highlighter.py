"""How the article view draws spans: tints (a syntax highlighter), stacked underlines and
the selected span's outline (painted over the visible blocks only), and the line spacing
that leaves room for them.

Qt positions appear here only after conversion through ``OffsetMap``; every span offset is
a code point.
"""
from __future__ import annotations

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QPainter,
    QPen,
    QSyntaxHighlighter,
    QTextBlock,
    QTextCharFormat,
    QTextDocument,
)
from PySide6.QtWidgets import QPlainTextDocumentLayout, QPlainTextEdit

from .innermost import block_pieces
from .offsets import OffsetMap
from .palette import blend, outline_color, tint_color, underline_color
from .span_index import SpanIndex, SpanStyle

__all__ = ["SpacedLayout", "SpanHighlighter", "paint_span_decorations", "placed_blocks", "UNDERLINE_WIDTH"]

UNDERLINE_WIDTH = 2.0
UNDERLINE_STEP = 3.0  # distance between stacked underlines


class SpacedLayout(QPlainTextDocumentLayout):
    """QPlainTextDocumentLayout with room under every line for stacked underlines.

    QPlainTextDocumentLayout ignores block-format line heights and margins, so the extra
    space is added here: after the base class lays a block out, its lines are moved apart
    by ``line_gap`` pixels and the block grows by ``paragraph_gap``. Cursor, hit testing
    and drawing all read the moved line positions, so they stay consistent.
    """

    def __init__(self, document: QTextDocument, line_gap: float = 10.0, paragraph_gap: float = 6.0):
        super().__init__(document)
        self.line_gap = float(line_gap)
        self.paragraph_gap = float(paragraph_gap)
        #: display blocks that the next block continues (a long paragraph cut at a display
        #: break): no paragraph gap after them, so the paragraph reads as one
        self.continued: set[int] = set()

    def _gap_after(self, block: QTextBlock) -> float:
        return self.line_gap if self.continued and block.blockNumber() in self.continued else \
            self.line_gap + self.paragraph_gap

    def blockBoundingRect(self, block: QTextBlock) -> QRectF:  # noqa: N802 (Qt override)
        r = super().blockBoundingRect(block)
        tl = block.layout()
        n = tl.lineCount()
        if n == 0 or not block.isVisible():
            return r
        gap = self.line_gap
        if n > 1:
            first, second = tl.lineAt(0), tl.lineAt(1)
            if second.y() <= first.y() + first.height() + 0.01:  # fresh from the base layout
                last = tl.lineAt(n - 1)
                base_extra = r.height() - (last.y() + last.height())
                y = first.y()
                for i in range(n):
                    line = tl.lineAt(i)
                    line.setPosition(QPointF(line.x(), y))
                    y += line.height() + gap
                return QRectF(r.x(), r.y(), r.width(), y - gap + self._gap_after(block) + base_extra)
            # already spaced: base rect height is the (spaced) last line's bottom + margin
            return QRectF(r.x(), r.y(), r.width(), r.height() + self._gap_after(block))
        return QRectF(r.x(), r.y(), r.width(), r.height() + self._gap_after(block))


class SpanHighlighter(QSyntaxHighlighter):
    """Background tints from a ``SpanIndex``: the innermost span's colour per character.

    Annotations get an opaque light tint (stronger for the selected span); text covered
    only by suggestions gets a hatched pattern so a suggestion never looks accepted.

    Lazy: a block is coloured only when ``ensure`` asks for it (the view does, for the blocks
    it is about to paint). Qt calls ``highlightBlock`` for every block of a new text; those
    calls leave the block plain and cost one Python call each, so opening 1 MB with 10,000
    spans colours the ~20 visible blocks, not 2,000. ``done`` holds the blocks coloured from
    the current spans; ``invalidate`` drops blocks whose spans changed.
    """

    def __init__(self, document: QTextDocument, index: SpanIndex, offsets: OffsetMap):
        self.index = index
        self.offsets = offsets
        self.selected_id: str | None = None
        self._formats: dict[tuple[str, str], QTextCharFormat] = {}
        self.done: set[int] = set()
        #: block number -> its underlines as ``paint_span_decorations`` draws them (see there);
        #: dropped with the block's colours, and all of them when the lines are laid out anew
        self.decorations: dict[int, tuple] = {}
        #: block number -> (its lines' layout, {Qt range: the range's line segments}): a span's
        #: segments depend on the lines only, so a block measured again (a new span in it) measures
        #: only the spans it has not measured on the same lines; kept when its spans change
        self.segments: dict[int, tuple] = {}
        self._allow = -1        # the block ``ensure`` is colouring; Qt's own calls leave blocks plain
        super().__init__(document)

    def reset(self) -> None:
        """Forget every coloured block (new text or all spans replaced)."""
        self.done.clear()
        self.decorations.clear()
        self.segments.clear()

    def invalidate(self, blocks) -> None:
        """Blocks whose spans changed: coloured again the next time they are ensured."""
        blocks = list(blocks)
        self.done.difference_update(blocks)
        for bn in blocks:
            self.decorations.pop(bn, None)

    def ensure(self, block: QTextBlock) -> bool:
        """Colour *block* from the current spans unless it already is; True if it was coloured now."""
        bn = block.blockNumber()
        if bn in self.done:
            return False
        self.done.add(bn)
        if not self.index.in_block(bn) and not block.layout().formats():
            return False    # nothing to draw and nothing stale to clear
        self._allow = bn
        try:
            self.rehighlightBlock(block)
        finally:
            self._allow = -1
        return True

    def _format(self, color: str, mode: str) -> QTextCharFormat:
        key = (color, mode)
        fmt = self._formats.get(key)
        if fmt is None:
            fmt = QTextCharFormat()
            if mode == "tint":
                fmt.setBackground(QColor(tint_color(color)))
            elif mode == "selected":
                fmt.setBackground(QColor(tint_color(color, selected=True)))
            else:  # suggestion: hatched, never an opaque tint
                brush = QBrush(QColor(blend(color, alpha=0.85 if mode == "hatch_selected" else 0.6)))
                brush.setStyle(Qt.BrushStyle.BDiagPattern)
                fmt.setBackground(brush)
            self._formats[key] = fmt
        return fmt

    def highlightBlock(self, text: str) -> None:  # noqa: N802 (Qt override)
        if self._allow < 0:
            return      # Qt's own call (a new text: every block): no call back into Qt (1 MB: 1,763 blocks)
        block = self.currentBlock()
        bn = block.blockNumber()
        if bn != self._allow:
            return      # not asked for: stays plain until painted (see the class docstring)
        spans = self.index.in_block(bn)
        if not spans:
            return
        omap = self.offsets
        identity = omap.is_identity
        qpos = block.position()
        b0 = self.index.block_starts[bn]
        # ``text`` arrives as a Python str: its length is in code points already
        bend = b0 + len(text)
        cuts, chosen_per_piece = block_pieces(spans, b0, bend)
        selected = self.selected_id
        run_a = run_b = -1
        run_fmt: QTextCharFormat | None = None
        for a, b, chosen in zip(cuts, cuts[1:], chosen_per_piece, strict=False):
            if chosen is None:
                fmt = None
            elif chosen.kind == "annotation":
                fmt = self._format(chosen.color, "selected" if chosen.id == selected else "tint")
            else:
                fmt = self._format(chosen.color, "hatch_selected" if chosen.id == selected else "hatch")
            if fmt is run_fmt and a == run_b:
                run_b = b
                continue
            self._apply(run_a, run_b, run_fmt, b0, qpos, identity)
            run_a, run_b, run_fmt = a, b, fmt
        self._apply(run_a, run_b, run_fmt, b0, qpos, identity)

    def _apply(self, a: int, b: int, fmt: QTextCharFormat | None, b0: int, qpos: int, identity: bool) -> None:
        if fmt is None:
            return
        if identity:
            self.setFormat(a - b0, b - a, fmt)
        else:
            qa = self.offsets.to_qt(a) - qpos
            self.setFormat(qa, self.offsets.to_qt(b) - qpos - qa, fmt)


_PEN_CACHE: dict[tuple[str, bool, float], QPen] = {}


def _pen(color: str, dashed: bool, width: float) -> QPen:
    key = (color, dashed, width)
    pen = _PEN_CACHE.get(key)
    if pen is None:
        pen = QPen(QColor(underline_color(color)))
        pen.setWidthF(width)
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        if dashed:
            pen.setStyle(Qt.PenStyle.CustomDashLine)
            pen.setDashPattern([2.0, 1.5])
        _PEN_CACHE[key] = pen
    return pen


def _line_segments(block: QTextBlock, qs: int, qe: int):
    """Yield (line, x_left, x_right) for the lines of ``block`` covering [qs, qe) (Qt units,
    block-relative). Right-to-left runs give x1 > x2, so the pair is sorted."""
    layout = block.layout()
    line = layout.lineForTextPosition(qs)
    if not line.isValid():
        return
    i = line.lineNumber()
    n = layout.lineCount()
    while i < n:
        line = layout.lineAt(i)
        ls = line.textStart()
        if ls >= qe:
            break
        le = ls + line.textLength()
        a, b = max(qs, ls), min(qe, le)
        if a < b:
            x1 = line.cursorToX(a)[0]
            x2 = line.cursorToX(b)[0]
            yield line, min(x1, x2), max(x1, x2)
        i += 1


def placed_blocks(view: QPlainTextEdit, bottom: float) -> list[tuple[QTextBlock, float, float]]:
    """The visible blocks from the first shown down to *bottom* (viewport y), each with its top
    and bottom in viewport coordinates: one walk, shared by the colouring and the underlines of a
    paint. Each block's height is one call through Qt into ``SpacedLayout.blockBoundingRect``,
    added up from the content offset as ``QPlainTextEdit.paintEvent`` does (the view's
    ``blockBoundingGeometry`` would add up the heights of every block above it again, each time)."""
    out = []
    block = view.firstVisibleBlock()
    offset = view.contentOffset()
    while block.isValid():
        r = view.blockBoundingRect(block).translated(offset)
        if r.top() > bottom:
            break
        if block.isVisible():
            out.append((block, r.top(), r.bottom()))
        offset.setY(offset.y() + r.height())
        block = block.next()
    return out


def paint_span_decorations(
    view: QPlainTextEdit,
    painter: QPainter,
    clip: QRectF,
    index: SpanIndex,
    offsets: OffsetMap,
    selected_id: str | None,
    line_gap: float,
    cache: dict[int, tuple] | None = None,
    placed: list[tuple[QTextBlock, float, float]] | None = None,
    segments: dict[int, tuple] | None = None,
) -> int:
    """Draw stacked underlines (one per nesting level) and the selected span's outline for
    the blocks intersecting ``clip`` (viewport coordinates), of *placed* (``placed_blocks``) when
    given. Returns the number of blocks visited, for tests and benchmarks.

    With *cache* (``SpanHighlighter.decorations``), a block's underlines are measured once
    (``_block_decorations``: bars per colour, relative to the block's top) and drawn from there
    by every later paint, a handful of calls per block: a key press repaints the window
    without measuring every span of the visible blocks again. The caller drops a block's entry
    when its spans or the selection in it change; an entry whose block was laid out anew (a
    resize, a font: its line count, width or height differ) is measured again. A solid underline
    is filled as a rectangle (what a pen of its width covers, without the raster engine stroking
    a line); a suggestion's dashed one is drawn as a line."""
    if len(index) == 0:
        return 0
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    visited = 0
    for block, top, bottom in placed if placed is not None else placed_blocks(view, clip.bottom()):
        if top > clip.bottom():
            break
        if bottom < clip.top():
            continue
        visited += 1
        bn = block.blockNumber()
        if index.in_block(bn):
            tl = block.layout()
            if tl.lineCount() == 0:     # its lines dropped (the block above coloured since): laid out again
                view.blockBoundingRect(block)
            first = tl.lineAt(0)
            laid = (tl.lineCount(), first.width(), first.height())     # laid out anew: measured anew
            entry = cache.get(bn) if cache is not None else None
            if entry is None or entry[0] != laid:
                entry = (laid, *_block_decorations(block, index, offsets, line_gap, laid, segments))
                if cache is not None:
                    cache[bn] = entry
            _, groups, outlines = entry
            painter.translate(0.0, top)
            for pen, bars, lines in groups:
                if bars:
                    painter.setPen(Qt.PenStyle.NoPen)
                    painter.setBrush(pen.color())
                    painter.drawRects(bars)
                else:
                    painter.setPen(pen)
                    painter.drawLines(lines)
            painter.translate(0.0, -top)
            if selected_id is not None:
                for span, x1, x2, y, h in outlines:
                    if span.id == selected_id:
                        _outline(painter, span, x1, x2, top + y, h)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    return visited


def _block_decorations(block: QTextBlock, index: SpanIndex, offsets: OffsetMap, line_gap: float, laid: tuple = (),
                       segments: dict[int, tuple] | None = None) -> tuple:
    """One block's underlines, relative to its top: ``(pen, [QRectF, ...], [QLineF, ...])`` groups
    in the order of the spans (bars for a solid pen, lines for a dashed one), and every span
    segment's box ``(span, x1, x2, line y, line height)`` for the outline of a selected span. With
    *segments* (``SpanHighlighter.segments``), a range's line segments are measured once per layout."""
    bn = block.blockNumber()
    memo: dict | None = None
    if segments is not None:
        kept = segments.get(bn)
        if kept is None or kept[0] != laid:
            kept = segments[bn] = (laid, {})
        memo = kept[1]
    spans = index.in_block(bn)
    levels = index.levels(bn)
    depth = max(levels.values()) + 1
    step = UNDERLINE_STEP
    width = UNDERLINE_WIDTH
    if depth * step > line_gap:  # very deep nesting: squeeze to fit the gap
        step = max(1.0, (line_gap - 1.0) / depth)
        width = max(1.0, step - 0.5)
    qpos = block.position()
    blen = block.length() - 1
    identity = offsets.is_identity
    groups: dict[int, tuple[QPen, list[QRectF], list[QLineF]]] = {}
    outlines = []
    for s in spans:
        if identity:
            qs, qe = s.start - qpos, s.end - qpos
        else:
            qs = offsets.to_qt(s.start) - qpos
            qe = offsets.to_qt(s.end) - qpos
        qs = max(qs, 0)
        qe = min(qe, blen)
        if qs >= qe:
            continue
        dashed = s.kind == "suggestion"
        pen = _pen(s.color, dashed, width)
        _, bars, lines = groups.setdefault(id(pen), (pen, [], []))
        dy = 1.0 + width / 2 + levels[s.id] * step
        segs = memo.get((qs, qe)) if memo is not None else None
        if segs is None:
            segs = [(line.y(), line.height(), x1, x2) for line, x1, x2 in _line_segments(block, qs, qe)]
            if memo is not None:
                memo[(qs, qe)] = segs
        for ly, lh, x1, x2 in segs:
            y = ly + lh + dy
            if dashed:
                lines.append(QLineF(x1, y, x2, y))
            else:       # what a flat-capped pen of this width covers along the line
                bars.append(QRectF(x1, y - width / 2, x2 - x1, width))
            outlines.append((s, x1, x2, ly, lh))
    return list(groups.values()), outlines


def _outline(painter: QPainter, span: SpanStyle, x1: float, x2: float, y: float, h: float) -> None:
    pen = QPen(QColor(outline_color(span.color)))
    pen.setWidthF(1.5)
    if span.kind == "suggestion":
        pen.setStyle(Qt.PenStyle.DashLine)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRoundedRect(QRectF(x1 - 1.5, y + 0.5, x2 - x1 + 3.0, h), 3.0, 3.0)
    painter.restore()
