"""The article view paints from its own pixmap and repaints into it only what changed (issue 21's key
budget): after every kind of change (a new span, a removed one, a selection, a text selection, the
caret, a scroll, a resize, a zoom, the focus, a new text) the view shows exactly what Qt paints with
nothing kept, and a key's change repaints its block (and the next, laid out again), not the whole view."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPalette

from isfannotate_ui.annotate import view_backing
from isfannotate_ui.annotate.article_view import ArticleView, SpanStyle
from isfannotate_ui.annotate.palette import color_for_label

TEXT = "\n".join(
    f"Paragraph {i}: 🇵🇰 Pakistan said on Friday that Islamabad would send troops to a proposed force "
    f"in Gaza, and Hamas said it would not disarm before a ceasefire held for {i} weeks." for i in range(30))


def spans_of(text: str) -> list[SpanStyle]:
    out, k = [], 0
    for word, label in (("Pakistan", 0), ("Islamabad", 0), ("Hamas", 0), ("send troops to a proposed force", 1)):
        start = -1
        while (start := text.find(word, start + 1)) >= 0:
            out.append(SpanStyle(f"s{k}", start, start + len(word), str(label), color_for_label(label)))
            k += 1
    for i, line_start in enumerate([0] + [j + 1 for j, c in enumerate(text) if c == "\n"]):
        end = text.index("Gaza", line_start) + 4       # a claim over each first sentence: two levels
        out.append(SpanStyle(f"c{i}", line_start, end, "2", color_for_label(2)))
    out.append(SpanStyle("sugg", text.index("ceasefire"), text.index("ceasefire") + 9, "0", color_for_label(0),
                         kind="suggestion"))
    return out


@pytest.fixture
def view(qtbot):
    v = ArticleView()
    qtbot.addWidget(v)
    v.resize(700, 500)
    with qtbot.waitExposed(v):
        v.show()
    v.set_document(TEXT, spans_of(TEXT))
    v.setFocus()
    v.viewport().grab()
    return v


def kept(view: ArticleView):
    """What the view shows, painted from its pixmap."""
    return view.viewport().grab().toImage()


def fresh(view: ArticleView, monkeypatch):
    """What Qt paints for the view as it is, nothing kept."""
    with monkeypatch.context() as m:
        m.setattr(view_backing.ViewBacking, "enabled", False)
        return view.viewport().grab().toImage()


def same(view, monkeypatch) -> bool:
    return kept(view) == fresh(view, monkeypatch)


def new_span(view: ArticleView, word: str, nth: int, span_id: str) -> SpanStyle:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(word, start + 1)
    s = SpanStyle(span_id, start, start + len(word), "0", color_for_label(0))
    view.add_spans([s])
    return s


def test_after_each_change_the_kept_pixmap_shows_what_qt_paints(view, monkeypatch):
    assert same(view, monkeypatch)
    view.set_text_cursor_range(TEXT.index("Friday"), TEXT.index("Friday") + 6)    # a text selection
    assert same(view, monkeypatch)
    new_span(view, "Friday", 0, "k1")                                              # a key's new span
    view.select_span("k1")
    assert same(view, monkeypatch)
    view.remove_spans(["k1"])                                                      # undo
    assert same(view, monkeypatch)
    new_span(view, "Friday", 0, "k1")                                              # redo
    view.update_span(SpanStyle("k1", TEXT.index("Friday"), TEXT.index("Friday") + 6, "1", color_for_label(1)))
    assert same(view, monkeypatch)
    view.select_span("sugg")                                                       # a suggestion selected
    assert same(view, monkeypatch)
    view.clear_span_selection()
    assert same(view, monkeypatch)
    view.set_spans(spans_of(TEXT)[::2])                                            # every span replaced
    assert same(view, monkeypatch)


def test_scroll_resize_zoom_focus_palette_and_a_new_text_repaint_everything(view, qtbot, monkeypatch):
    bar = view.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)
    assert same(view, monkeypatch)
    new_span(view, "Friday", 20, "k2")
    view.select_span("k2")                      # scrolls to it if needed
    assert same(view, monkeypatch)
    bar.setValue(bar.value() + 7)               # a few pixels: Qt scrolls the viewport's pixels
    assert same(view, monkeypatch)
    view.resize(520, 460)                       # lines wrap elsewhere
    assert same(view, monkeypatch)
    font = QFont(view.font())
    font.setPointSizeF(font.pointSizeF() + 3)   # zoom
    view.setFont(font)
    assert same(view, monkeypatch)
    view.set_text_cursor_range(TEXT.index("Hamas"), TEXT.index("Hamas") + 5)
    view.clearFocus()                           # the selection's colour without the focus
    assert same(view, monkeypatch)
    view.setFocus()
    assert same(view, monkeypatch)
    pal = view.palette()                        # a theme
    pal.setColor(QPalette.ColorRole.Text, QColor("#1a3050"))
    pal.setColor(QPalette.ColorRole.Highlight, QColor("#406080"))
    view.setPalette(pal)
    assert same(view, monkeypatch)
    view.set_document(TEXT.replace("Pakistan", "Pakistán"), spans_of(TEXT)[:5])
    assert same(view, monkeypatch)


def test_the_caret_and_its_blinking_are_repainted(view, qtbot, monkeypatch):
    view.scroll_to(TEXT.index("Friday"))
    assert same(view, monkeypatch)
    view.setCursorWidth(3)
    qtbot.wait(1300)                            # the caret blinks a few times (cursorFlashTime)
    assert same(view, monkeypatch)
    view.scroll_to(TEXT.index("Gaza"))
    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert same(view, monkeypatch)


def test_a_new_span_repaints_its_block_not_the_view(view, monkeypatch):
    painted = []
    real = view_backing.paint_blocks
    monkeypatch.setattr(view_backing, "paint_blocks", lambda v, p, rect: painted.append(rect) or real(v, p, rect))
    kept(view)
    assert painted == []                        # nothing changed: only the copy
    new_span(view, "Friday", 0, "k3")
    kept(view)
    # its block, and the next one, which Qt lays out again after a block's colours change
    height = sum(view.blockBoundingGeometry(view.document().findBlockByNumber(b)).height() for b in (0, 1))
    assert len(painted) == 1 and 0 < painted[0].height() <= height + 8 < view.viewport().height() * 0.6
    assert same(view, monkeypatch)


def test_a_new_span_measures_its_own_underline_only(view, monkeypatch):
    from isfannotate_ui.annotate import span_highlighter
    measured = []
    real = span_highlighter._line_segments
    monkeypatch.setattr(span_highlighter, "_line_segments", lambda *a: measured.append(a[1:]) or real(*a))
    new_span(view, "Friday", 0, "k4")
    kept(view)
    friday = view.offsets.to_qt(TEXT.index("Friday"))     # Qt units (the flag before it: 4 of them)
    assert measured == [(friday, friday + 6)]     # the block's other spans: their segments were kept
    assert same(view, monkeypatch)
