"""The article view paints from its own pixmap and repaints into it only what changed (issue 21's key
budget): after every kind of change (a new span, a removed one, a selection, a text selection, the
caret, a scroll, a resize, a zoom, the focus, a new text) the view shows exactly what Qt paints with
nothing kept, and a key's change repaints its block (and the next, laid out again), not the whole view."""
from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

from isfannotate_ui.annotate import view_backing
from isfannotate_ui.annotate.article_view import ArticleView, SpanStyle
from isfannotate_ui.annotate.palette import color_for_label

COLOURS = {"ACTOR": color_for_label(0), "CLAIM": color_for_label(1), "CUE": color_for_label(2)}


@pytest.fixture(scope="module")
def sample(hard_data):
    """The benches' hard text (20,000 code points in paragraphs, overlapping and nested spans), its
    spans as the view draws them, and a suggestion (hatched, its underline dashed)."""
    doc = hard_data.make_hard_doc("t", 20_000, 200, unlinked=0.0)
    spans = [SpanStyle(s["id"], s["start"], s["end"], s["label"], COLOURS.get(s["label"], color_for_label(3)))
             for s in doc.spans]
    at = doc.text.index("ceasefire")
    spans.append(SpanStyle("sugg", at, at + 9, "ACTOR", COLOURS["ACTOR"], kind="suggestion"))
    return doc.text, spans


@pytest.fixture
def view(qtbot, sample):
    text, spans = sample
    v = ArticleView()
    qtbot.addWidget(v)
    v.resize(700, 500)
    with qtbot.waitExposed(v):
        v.show()
    v.set_document(text, spans)
    v.setFocus()
    v.viewport().grab()
    return v


def kept(view: ArticleView):
    """What the view shows, painted from its pixmap: a paint that would paint the whole pixmap anew
    paints as Qt does and leaves the pixmap to be filled when the event loop is idle, so the view is
    painted, the event loop run, and the view painted again, from the pixmap."""
    view.viewport().grab()
    QApplication.processEvents()
    assert view._backing._pixmap is not None
    return view.viewport().grab().toImage()


def fresh(view: ArticleView, monkeypatch):
    """What Qt paints for the view as it is, nothing kept."""
    with monkeypatch.context() as m:
        m.setattr(view_backing.ViewBacking, "enabled", False)
        return view.viewport().grab().toImage()


def same(view, monkeypatch) -> bool:
    return kept(view) == fresh(view, monkeypatch)


def new_span(view: ArticleView, span_id: str, nth: int = 0) -> SpanStyle:
    """A new span over the *nth* long word of the view's first visible block (as a label key adds)."""
    block = view.firstVisibleBlock()
    m = [m for m in re.finditer(r"[a-z]{5,}", block.text())][nth]
    start = view.offsets.from_qt(block.position() + m.start())
    s = SpanStyle(span_id, start, start + len(m.group()), "ACTOR", COLOURS["ACTOR"])
    view.add_spans([s])
    return s


def test_after_each_change_the_kept_pixmap_shows_what_qt_paints(view, sample, monkeypatch):
    assert same(view, monkeypatch)
    k1 = new_span(view, "k1", 2)
    view.remove_spans(["k1"])
    view.set_text_cursor_range(k1.start, k1.end)                                   # a text selection
    assert same(view, monkeypatch)
    view.add_spans([k1])                                                           # a key's new span
    view.select_span("k1")
    assert same(view, monkeypatch)
    view.remove_spans(["k1"])                                                      # undo
    assert same(view, monkeypatch)
    view.add_spans([k1])                                                           # redo
    view.update_span(SpanStyle("k1", k1.start, k1.end - 2, "CLAIM", COLOURS["CLAIM"]))
    assert same(view, monkeypatch)
    view.select_span("sugg")                                                       # a suggestion selected
    assert same(view, monkeypatch)
    view.clear_span_selection()
    assert same(view, monkeypatch)
    view.set_spans(sample[1][::2])                                            # every span replaced
    assert same(view, monkeypatch)


def test_scroll_resize_zoom_focus_palette_and_a_new_text_repaint_everything(view, sample, qtbot, monkeypatch):
    bar = view.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)
    assert same(view, monkeypatch)
    new_span(view, "k2", 1)
    view.select_span("k2")                      # scrolls to it if needed
    assert same(view, monkeypatch)
    bar.setValue(bar.value() + 7)               # a few lines: Qt scrolls the viewport's pixels
    assert same(view, monkeypatch)
    view.resize(520, 460)                       # lines wrap elsewhere
    assert same(view, monkeypatch)
    font = QFont(view.font())
    font.setPointSizeF(font.pointSizeF() + 3)   # zoom
    view.setFont(font)
    assert same(view, monkeypatch)
    view.set_text_cursor_range(view.text().index("minister"), view.text().index("minister") + 8)
    view.clearFocus()                           # the selection's colour without the focus
    assert same(view, monkeypatch)
    view.setFocus()
    assert same(view, monkeypatch)
    pal = view.palette()                        # a theme
    pal.setColor(QPalette.ColorRole.Text, QColor("#1a3050"))
    pal.setColor(QPalette.ColorRole.Highlight, QColor("#406080"))
    view.setPalette(pal)
    assert same(view, monkeypatch)
    view.set_document(view.text().replace("minister", "ministér"), sample[1][:5])
    assert same(view, monkeypatch)


def test_the_caret_and_its_blinking_are_repainted(view, qtbot, monkeypatch):
    view.scroll_to(view.text().index("ceasefire", 5000))
    assert same(view, monkeypatch)
    view.setCursorWidth(3)
    qtbot.wait(1300)                            # the caret blinks a few times (cursorFlashTime)
    assert same(view, monkeypatch)
    view.scroll_to(view.text().index("parliament"))
    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert same(view, monkeypatch)


def test_a_new_span_repaints_its_block_not_the_view(view, monkeypatch):
    view.resize(700, 900)
    kept(view)                                  # the new size painted whole
    painted = []
    real = view_backing.paint_blocks
    monkeypatch.setattr(view_backing, "paint_blocks", lambda v, p, rect: painted.append(rect) or real(v, p, rect))
    kept(view)
    assert painted == []                        # nothing changed: only the copy
    k3 = new_span(view, "k3", 1)
    kept(view)
    # its block, and the next one, which Qt lays out again after a block's colours change
    bn = view.document().findBlock(view.offsets.to_qt(k3.start)).blockNumber()
    height = sum(view.blockBoundingGeometry(view.document().findBlockByNumber(b)).height() for b in (bn, bn + 1))
    assert len(painted) == 1 and 0 < painted[0].height() <= height + 8 < view.viewport().height() * 0.6
    assert same(view, monkeypatch)


def test_a_new_span_measures_its_own_underline_only(view, monkeypatch):
    from isfannotate_ui.annotate import span_highlighter
    measured = []
    real = span_highlighter._line_segments
    monkeypatch.setattr(span_highlighter, "_line_segments", lambda *a: measured.append(a[1:]) or real(*a))
    k4 = new_span(view, "k4", 1)
    kept(view)
    at = view.offsets.to_qt(k4.start) - view.document().findBlock(view.offsets.to_qt(k4.start)).position()
    assert measured == [(at, at + k4.end - k4.start)]     # the block's other spans: their segments were kept
    assert same(view, monkeypatch)


def test_placed_blocks_are_where_qt_places_them(view):
    """``placed_blocks`` adds the blocks' heights up from the content offset; each block's top and
    bottom are those of the view's own ``blockBoundingGeometry``, scrolled part-way into a block."""
    from isfannotate_ui.annotate.span_highlighter import placed_blocks
    view.resize(700, 900)
    bar = view.verticalScrollBar()
    bar.setValue(bar.maximum() // 3)
    view.viewport().grab()
    placed = placed_blocks(view, view.viewport().height())
    assert len(placed) > 2
    offset = view.contentOffset()
    for block, top, bottom in placed:
        geom = view.blockBoundingGeometry(block).translated(offset)
        assert (top, bottom) == pytest.approx((geom.top(), geom.bottom()), abs=1e-6)
    assert placed[-1][2] >= view.viewport().height() or not placed[-1][0].next().isValid()


def test_underlines_of_a_block_whose_lines_were_dropped_lay_it_out_again(view):
    """Colouring a block again makes Qt drop the next block's lines; underlines drawn over blocks
    walked before that lay the block out again (reading its first line crashed)."""
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QPainter, QPixmap

    from isfannotate_ui.annotate.span_highlighter import paint_span_decorations, placed_blocks
    hl = view._highlighter
    placed = placed_blocks(view, view.viewport().height())
    first, second = placed[0][0], placed[1][0]
    assert hl.index.in_block(second.blockNumber())
    hl.invalidate([first.blockNumber()])
    hl.decorations.clear()
    hl.ensure(first)
    assert second.layout().lineCount() == 0        # dropped by Qt
    pixmap = QPixmap(view.viewport().size())
    painter = QPainter(pixmap)
    try:
        visited = paint_span_decorations(view, painter, QRectF(view.viewport().rect()), hl.index, hl.offsets,
                                         hl.selected_id, view._layout.line_gap, hl.decorations, placed, hl.segments)
    finally:
        painter.end()
    assert visited == len(placed) and second.layout().lineCount() > 0
