"""The article view: a read-only plain-text view that draws overlapping spans.

Every offset in this module's public API is a code point into the document text, end
exclusive. Qt positions are converted through ``OffsetMap`` and never leave the class.
"""
from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Sequence

from PySide6.QtCore import QEvent, QPoint, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontMetricsF, QPalette, QResizeEvent, QTextCursor, QTextOption
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QToolTip, QWidget

from isfannotate.kb import split_possessive
from isfannotate.words import is_word_char as _is_word_char

from ..scroll_bar_cache import cache_scroll_bars
from .offsets import OffsetMap, display_breaks, with_breaks
from .span_highlighter import SpacedLayout, SpanHighlighter, placed_blocks
from .span_index import SpanIndex, SpanStyle
from .view_backing import ViewBacking

__all__ = ["ArticleView", "SpanStyle"]

# Serif faces that read well for hours; Qt falls back through the list, then to any serif.
FONT_FAMILIES = ["Source Serif 4", "Charter", "Georgia", "Noto Serif", "DejaVu Serif", "Times New Roman"]
FONT_POINT_SIZE = 12.0
MAX_CHARS_PER_LINE = 88  # readable measure: ~70–90 characters per line


class ArticleView(QPlainTextEdit):
    """Shows one document with its spans; selections and span picks come out in code points.

    Signals: ``spanSelected(str)`` with the selected span's id, or ``""`` when the span
    selection is cleared; ``rangeSelected(int, int)`` with the (trimmed, possibly snapped)
    selected range whenever a non-empty text selection changes. Call from the UI thread.
    """

    spanSelected = Signal(str)
    rangeSelected = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("articleView")
        self._text = ""
        self._offsets = OffsetMap("")
        self._index = SpanIndex("")
        self._selected_id: str | None = None
        self._snap_words = True
        self._selection_source = "api"  # "mouse" | "keyboard" | "api"
        self._press_pos: QPoint | None = None
        self._tooltip_provider: Callable[[str], str] | None = None
        self._press_cp: int | None = None    # the letter a mouse selection started on
        self._after_paint: Callable[[], object] | None = None

        doc = self.document()
        self._layout = SpacedLayout(doc)
        doc.setDocumentLayout(self._layout)
        doc.setUndoRedoEnabled(False)
        self._highlighter = SpanHighlighter(doc, self._index, self._offsets)

        self.setReadOnly(True)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByKeyboard | Qt.TextInteractionFlag.TextSelectableByMouse
        )
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setMouseTracking(True)
        font = QFont()
        font.setFamilies(FONT_FAMILIES)
        font.setStyleHint(QFont.StyleHint.Serif)
        font.setPointSizeF(FONT_POINT_SIZE)
        self.setFont(font)
        pal = self.palette()
        pal.setColor(QPalette.ColorRole.Window, pal.color(QPalette.ColorRole.Base))
        self.setPalette(pal)
        self.setAutoFillBackground(True)
        cache_scroll_bars(self)
        self._backing = ViewBacking(self, self._highlighter, self._layout)
        self.selectionChanged.connect(self._on_selection_changed)

    # -- document and spans ----------------------------------------------------------
    def set_document(self, text: str, spans: Sequence[SpanStyle] = ()) -> None:
        """Show ``text`` (plain, never rich text) with ``spans``; clears any selection.

        ``text`` must be cleaned as the core stores it (no CR, no leading BOM), since Qt
        would silently drop or merge those and shift every offset. Raises ValueError.
        """
        if "\r" in text or text.startswith("\ufeff"):
            raise ValueError("document text must be cleaned (LF line ends, no leading BOM)")
        self._text = text
        breaks = display_breaks(text)   # a huge paragraph is shown as several blocks (offsets.py)
        self._offsets = OffsetMap(text, breaks)
        self._index = SpanIndex(text, breaks)
        self._index.bulk_load(spans)  # validates before anything is shown
        self._selected_id = None
        hl = self._highlighter
        hl.index, hl.offsets, hl.selected_id = self._index, self._offsets, None
        hl.reset()
        self._selection_source = "api"
        cut = set(breaks)
        self._layout.continued = {i - 1 for i, st in enumerate(self._index.block_starts) if st in cut}
        self.setPlainText(with_breaks(text, breaks))  # blocks are coloured when first painted

    def text(self) -> str:
        """The document text as given to ``set_document`` (``toPlainText()`` is what Qt shows:
        a very long paragraph there has an LF at each display break)."""
        return self._text

    @property
    def offsets(self) -> OffsetMap:
        """The code point <-> Qt position map of the current text."""
        return self._offsets

    def set_spans(self, spans: Sequence[SpanStyle]) -> None:
        """Replace every span, keeping the text, scroll position and text selection."""
        old = self._selected_id
        self._index.bulk_load(spans)
        if old is not None and old not in self._index:
            self._set_selected(None)
        self._highlighter.reset()   # the visible blocks are coloured again by the next paint
        self.viewport().update()

    def add_spans(self, spans: Iterable[SpanStyle]) -> None:
        """Draw more spans; re-highlights only the blocks they touch. ValueError on a bad
        or duplicate span (spans before it in ``spans`` stay added)."""
        spans = list(spans)
        if len(spans) > 32:     # e.g. a document's suggestions: one sort, not an insertion each
            blocks = self._index.add_many(spans)
        else:
            blocks = set()
            for s in spans:
                blocks.update(self._index.add(s))
        self._refresh_blocks(blocks)

    def remove_spans(self, ids: Iterable[str]) -> None:
        """Stop drawing the spans ``ids`` (unknown ids are ignored)."""
        blocks: set[int] = set()
        for span_id in ids:
            blocks.update(self._index.remove(span_id))
            if span_id == self._selected_id:
                self._set_selected(None)
        self._refresh_blocks(blocks)

    def update_span(self, span: SpanStyle) -> None:
        """Replace the span with ``span.id`` (new range, label, colour...). KeyError if
        unknown; the span stays selected if it was."""
        old = self._index.get(span.id)
        if old is None:
            raise KeyError(span.id)
        if span.end > len(self._text):
            raise ValueError(f"span {span.id!r}: end {span.end} beyond the text ({len(self._text)} code points)")
        blocks = set(self._index.remove(span.id))
        blocks.update(self._index.add(span))
        self._refresh_blocks(blocks)

    def spans(self) -> list[SpanStyle]:
        """All spans in document order (start, then end descending)."""
        return self._index.ordered()

    def span(self, span_id: str) -> SpanStyle | None:
        return self._index.get(span_id)

    def spans_at(self, cp: int) -> list[SpanStyle]:
        """Spans covering code point ``cp``, innermost (shortest) first."""
        return self._index.at(cp)

    def underline_levels(self, cp: int) -> dict[str, int]:
        """Underline level (0 = nearest the text) of each span in the block holding ``cp``."""
        return dict(self._index.levels(self._index.block_of(cp)))

    def set_tooltip_provider(self, provider: Callable[[str], str] | None) -> None:
        """Where a span without a ``tooltip`` of its own gets one: *provider(span id)*, called
        only when the mouse rests on it (so opening a document builds no tooltip text)."""
        self._tooltip_provider = provider

    def tooltip_at(self, cp: int) -> str:
        """Plain-text tooltip for code point ``cp``: one line per span, innermost first."""
        lines = []
        provider = self._tooltip_provider
        for s in self._index.at(cp):
            line = s.tooltip or (provider(s.id) if provider is not None else "") or s.label
            if s.kind == "suggestion" and not s.tooltip:
                line += " (suggestion)"
            lines.append(line)
        return "\n".join(lines)

    def _refresh_blocks(self, blocks: Iterable[int]) -> None:
        # coloured again when painted: a change to off-screen blocks costs nothing now
        self._highlighter.invalidate(blocks)
        self.viewport().update()

    def ensure_highlighted(self, blocks: Iterable[int]) -> None:
        """Colour these block numbers now (painting does it for the visible blocks; this is for
        scripts and tests that read a block's formats)."""
        doc = self.document()
        for b in blocks:
            block = doc.findBlockByNumber(b)
            if block.isValid():
                self._highlighter.ensure(block)

    def visible_blocks(self) -> list:
        """The blocks intersecting the viewport, top to bottom."""
        return [block for block, _top, _bottom in placed_blocks(self, self.viewport().height())]

    # -- span selection --------------------------------------------------------------
    def selected_span_id(self) -> str | None:
        return self._selected_id

    def select_span(self, span_id: str) -> None:
        """Mark ``span_id`` selected, put the caret at its start, scroll to it, and emit
        ``spanSelected(span_id)``. KeyError if the span is not shown."""
        span = self._index.get(span_id)
        if span is None:
            raise KeyError(span_id)
        self._selection_source = "api"
        self._place_caret(span.start)
        self._set_selected(span_id)

    def clear_span_selection(self) -> None:
        """Unselect the selected span (emits ``spanSelected("")`` if there was one)."""
        self._set_selected(None)

    def next_span_id(self, after: str | None = None) -> str | None:
        """Id of the span after ``after`` in document order (the first if None); None at the end."""
        return self._index.neighbour(after, 1)

    def previous_span_id(self, before: str | None = None) -> str | None:
        """Id of the span before ``before`` in document order (the last if None); None at the start."""
        return self._index.neighbour(before, -1)

    def _set_selected(self, span_id: str | None) -> None:
        old = self._selected_id
        if old == span_id:
            return
        self._selected_id = span_id
        self._highlighter.selected_id = span_id
        blocks: set[int] = set()
        for sid in (old, span_id):
            s = self._index.get(sid) if sid is not None else None
            if s is not None:
                blocks.update(self._index.block_range(s.start, s.end))
        self._refresh_blocks(blocks)
        self.spanSelected.emit(span_id or "")

    # -- text selection and caret ----------------------------------------------------
    def set_snap_words(self, on: bool) -> None:
        """Expand mouse selections to whole words (keyboard selections stay exact)."""
        self._snap_words = bool(on)

    def snap_words(self) -> bool:
        return self._snap_words

    def selection_source(self) -> str:
        return self._selection_source   # where the last selection came from: mouse, keyboard or api

    def cursor_position(self) -> int:
        """The caret's position in code points."""
        return self._offsets.from_qt(self.textCursor().position())

    def selected_range(self) -> tuple[int, int] | None:
        """The selected text as a code point range, trimmed of surrounding whitespace and,
        for a mouse selection with snapping on, expanded to whole words. None when nothing
        but whitespace is selected. Never splits a surrogate pair."""
        cur = self.textCursor()
        if not cur.hasSelection():
            return None
        start, end = self._offsets.from_qt_range(cur.selectionStart(), cur.selectionEnd())
        snap = self._snap_words and self._selection_source == "mouse"
        p = self._press_cp
        if snap and p is not None and p < len(self._text) and _is_word_char(self._text[p]):
            # a drag that starts on the right half of a word's last letter starts after it in Qt:
            # the letter pressed belongs to the selection ("State Department", not "Department")
            if p == start - 1:
                start = p
            elif p == end:
                end = p + 1
        return self._normalise(start, end, snap=snap)

    def _normalise(self, start: int, end: int, snap: bool) -> tuple[int, int] | None:
        t = self._text
        while start < end and t[start].isspace():
            start += 1
        while end > start and t[end - 1].isspace():
            end -= 1
        if start >= end:
            return None
        if snap:
            while start > 0 and _is_word_char(t[start - 1]) and _is_word_char(t[start]):
                start -= 1
            n = len(t)
            while end < n and _is_word_char(t[end]) and _is_word_char(t[end - 1]):
                end += 1
            end = start + len(split_possessive(t[start:end])[0])    # "Pakistan’s": the name, as annotators mark it
        return start, end

    def set_text_cursor_range(self, start: int, end: int) -> None:
        """Select code points [start, end) exactly (caret at ``end``); ValueError if out of
        range. The selection counts as made by a script, so it is not snapped."""
        qs, qe = self._offsets.to_qt_range(start, end)
        self._selection_source = "api"
        cur = QTextCursor(self.document())
        cur.setPosition(qs)
        cur.setPosition(qe, QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cur)

    def scroll_to(self, cp: int) -> None:
        """Put the caret at code point ``cp`` (clearing the text selection) and scroll so
        it is visible, centred if it was off screen."""
        self._selection_source = "api"
        self._place_caret(cp)

    def _place_caret(self, cp: int) -> None:
        """The caret to *cp*, the text selection gone; centred when it was off screen, else only
        brought wholly into view (Qt's own nudge). Each look at where a position is on screen
        walks every block from the first shown through ``SpacedLayout.blockBoundingRect`` (a
        Python call each): the caret is first placed, and only when Qt had to scroll to show it
        (it was not wholly in view) is the view put back to see whether it was off screen."""
        cur = QTextCursor(self.document())
        cur.setPosition(self._offsets.to_qt(cp))
        bars = (self.verticalScrollBar(), self.horizontalScrollBar())
        before = [bar.value() for bar in bars]
        self.setTextCursor(cur)
        nudged = [bar.value() for bar in bars]
        if nudged == before:
            return      # wholly in view: it was on screen, Qt did not scroll (nor would centre)
        for bar, value in zip(bars, before, strict=True):
            bar.setValue(value)
        if self.viewport().rect().contains(self.cursorRect().center()):
            for bar, value in zip(bars, nudged, strict=True):
                bar.setValue(value)     # partly in view: Qt's nudge, as setTextCursor left it
        else:
            self.centerCursor()

    def _on_selection_changed(self) -> None:
        rng = self.selected_range()
        if rng is None:
            return
        if self._selected_id is not None:
            self._set_selected(None)  # a new text selection takes over from the span
        self.rangeSelected.emit(*rng)

    # -- hit testing -----------------------------------------------------------------
    def cp_at_point(self, pos: QPoint) -> int | None:
        """Code point of the character under viewport point ``pos``, or None over margins,
        past a line's end, or between paragraphs."""
        block = self.cursorForPosition(pos).block()
        if not block.isValid():
            return None
        geom = self.blockBoundingGeometry(block).translated(self.contentOffset())
        layout = block.layout()
        y = pos.y() - geom.top()
        for i in range(layout.lineCount()):
            line = layout.lineAt(i)
            if line.y() <= y < line.y() + line.height() + self._layout.line_gap:
                rect = line.naturalTextRect()
                if not rect.left() <= pos.x() - geom.left() <= rect.right():
                    return None
                q = line.xToCursor(pos.x() - geom.left(), line.CursorPosition.CursorOnCharacter)
                q = min(q, line.textStart() + max(line.textLength() - 1, 0))
                return self._offsets.from_qt(block.position() + q)
        return None

    # -- events ----------------------------------------------------------------------
    def keyPressEvent(self, e) -> None:  # noqa: N802 (Qt override)
        self._selection_source = "keyboard"
        self._press_cp = None
        mods = e.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if e.key() == Qt.Key.Key_Right and mods == (Qt.KeyboardModifier.ControlModifier
                                                    | Qt.KeyboardModifier.ShiftModifier):
            self._extend_to_next_word_end()   # Qt stops at the next word's start: only the space
            return
        super().keyPressEvent(e)

    def _extend_to_next_word_end(self) -> None:
        """Ctrl+Shift+→: extend the selection over the next word (spaces and signs before it
        included), to its end."""
        t, cur = self._text, self.textCursor()
        pos = self._offsets.from_qt(cur.position())
        n = len(t)
        while pos < n and not _is_word_char(t[pos]):
            pos += 1
        while pos < n and _is_word_char(t[pos]):
            pos += 1
        cur.setPosition(self._offsets.to_qt(pos), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cur)

    def mousePressEvent(self, e) -> None:  # noqa: N802 (Qt override)
        if e.button() == Qt.MouseButton.LeftButton:
            self._selection_source = "mouse"
            self._press_pos = e.position().toPoint()
            self._press_cp = self.cp_at_point(self._press_pos)
        super().mousePressEvent(e)

    def mouseDoubleClickEvent(self, e) -> None:  # noqa: N802 (Qt override)
        self._selection_source = "mouse"
        self._press_pos = None  # a double click selects a word, not a span
        super().mouseDoubleClickEvent(e)
        if self.textCursor().hasSelection():
            self._snap_visible_selection(self.textCursor())     # "Pakistan’s" shows "Pakistan" selected

    def mouseReleaseEvent(self, e) -> None:  # noqa: N802 (Qt override)
        super().mouseReleaseEvent(e)
        press, self._press_pos = self._press_pos, None
        if e.button() != Qt.MouseButton.LeftButton or press is None:
            return
        pos = e.position().toPoint()
        cur = self.textCursor()
        if cur.hasSelection():
            self._snap_visible_selection(cur)
        elif (pos - press).manhattanLength() < QApplication.startDragDistance():
            self._on_click(pos)

    def _snap_visible_selection(self, cur: QTextCursor) -> None:
        """After a drag, show the snapped range so what is selected is what gets labelled."""
        rng = self.selected_range()
        if rng is None or not self._snap_words:
            return
        qs, qe = self._offsets.to_qt_range(*rng)
        if (qs, qe) == (cur.selectionStart(), cur.selectionEnd()):
            return
        forward = cur.position() >= cur.anchor()
        new = QTextCursor(self.document())
        new.setPosition(qs if forward else qe)
        new.setPosition(qe if forward else qs, QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(new)

    def _on_click(self, pos: QPoint) -> None:
        """A click without a drag picks the innermost span under the mouse; clicking the
        selected span again picks the next span out."""
        cp = self.cp_at_point(pos)
        hits = self._index.at(cp) if cp is not None else []
        if not hits:
            self._set_selected(None)
            return
        ids = [s.id for s in hits]
        if self._selected_id in ids:
            nxt = ids[(ids.index(self._selected_id) + 1) % len(ids)]
        else:
            nxt = ids[0]
        self._set_selected(nxt)

    def viewportEvent(self, e: QEvent) -> bool:  # noqa: N802 (Qt override)
        if e.type() == QEvent.Type.ToolTip:
            cp = self.cp_at_point(e.pos())
            tip = self.tooltip_at(cp) if cp is not None else ""
            if tip:
                # escape: tooltips guess rich text, and document text is never markup
                body = "<br>".join(html.escape(line) for line in tip.split("\n"))
                QToolTip.showText(e.globalPos(), f"<qt>{body}</qt>", self.viewport())
            else:
                QToolTip.hideText()
                e.ignore()
            return True
        return super().viewportEvent(e)

    def paintEvent(self, e) -> None:  # noqa: N802 (Qt override)
        if not self._backing.paint(e.rect()):   # from its own pixmap, repainted where it changed (view_backing.py)
            self._backing.draw(None, e.rect())
        if self._after_paint is not None:    # call_after_next_paint
            QTimer.singleShot(0, self._after_paint)
            self._after_paint = None

    def call_after_next_paint(self, fn: Callable[[], object]) -> None:
        """Run *fn* from the event loop once the view has next painted, so that frame shows first
        (a zero timer started now would run before it: Qt paints on its next frame)."""
        self._after_paint = fn

    def changeEvent(self, e: QEvent) -> None:  # noqa: N802 (Qt override)
        super().changeEvent(e)
        if e.type() == QEvent.Type.FontChange:
            self._apply_font_metrics()

    def resizeEvent(self, e) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(e)
        self._apply_measure()

    def _apply_font_metrics(self) -> None:
        fm = QFontMetricsF(self.font())
        self._layout.line_gap = round(fm.height() * 0.55)
        self._layout.paragraph_gap = round(fm.height() * 0.35)
        self.document().markContentsDirty(0, self.document().characterCount())
        self._apply_measure()

    def _apply_measure(self) -> None:
        """Keep lines at a readable length: centre the text column in a wide view."""
        fm = QFontMetricsF(self.font())
        column = fm.averageCharWidth() * MAX_CHARS_PER_LINE + 2 * self.document().documentMargin()
        column += self.verticalScrollBar().sizeHint().width()
        spare = self.width() - 2 * self.frameWidth() - column
        side = int(spare / 2) if spare > 0 else 0
        if self.viewportMargins().left() != side:
            self.setViewportMargins(side, 0, side, 0)
            # QPlainTextEdit re-wraps only in its own resizeEvent; the viewport just shrank
            QPlainTextEdit.resizeEvent(self, QResizeEvent(self.size(), QSize(-1, -1)))
