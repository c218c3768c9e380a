"""The article's underlines are measured once per block and drawn from a cache (issue 21's key
budget): a repaint that changed nothing measures no span again, and after an added span, a
selection, a removal, a scroll or a resize the view draws exactly what it draws with nothing cached."""
from __future__ import annotations

import pytest

from isfannotate_ui.annotate import span_highlighter
from isfannotate_ui.annotate.article_view import ArticleView, SpanStyle
from isfannotate_ui.annotate.palette import color_for_label

TEXT = "\n".join(
    f"Paragraph {i}: 🇵🇰 Pakistan said on Friday that Islamabad would send troops to a proposed force "
    f"in Gaza, and Hamas said it would not disarm before a ceasefire held for {i} weeks." for i in range(12))


def spans_of(text: str) -> list[SpanStyle]:
    out, k = [], 0
    for word, label in (("Pakistan", 0), ("Islamabad", 0), ("Hamas", 0), ("send troops to a proposed force", 1)):
        start = -1
        while (start := text.find(word, start + 1)) >= 0:
            out.append(SpanStyle(f"s{k}", start, start + len(word), str(label), color_for_label(label)))
            k += 1
    # a claim around the first sentence of each paragraph: two underline levels
    for i, line_start in enumerate([0] + [j + 1 for j, c in enumerate(text) if c == "\n"]):
        end = text.index("Gaza", line_start) + 4
        out.append(SpanStyle(f"c{i}", line_start, end, "2", color_for_label(2)))
    return out


@pytest.fixture
def views(qtbot):
    made = []

    def make() -> ArticleView:
        v = ArticleView()
        qtbot.addWidget(v)
        v.resize(700, 500)
        with qtbot.waitExposed(v):
            v.show()
        made.append(v)
        return v
    return make


def pixels(view: ArticleView):
    view.setCursorWidth(0)      # the caret (blinking, drawn where the view has the focus) is not compared
    return view.viewport().grab().toImage()


def differ(a, b) -> list[tuple[int, int]]:
    return [(x, y) for y in range(a.height()) for x in range(a.width()) if a.pixel(x, y) != b.pixel(x, y)][:10]


def from_scratch(view: ArticleView):
    """What *view* draws with no underline cached (every block measured again)."""
    view._highlighter.decorations.clear()
    view._highlighter.segments.clear()
    view._backing.invalidate()       # and painted anew, not copied from the view's pixmap
    return pixels(view)


def test_a_repaint_that_changed_nothing_measures_no_span(views, monkeypatch):
    view = views()
    view.set_document(TEXT, spans_of(TEXT))
    pixels(view)                                     # the first paint measures the visible blocks
    measured = []
    real = span_highlighter._line_segments
    monkeypatch.setattr(span_highlighter, "_line_segments", lambda *a: measured.append(1) or real(*a))
    pixels(view)
    assert measured == []
    # a new span measures its own block(s) again, and no other
    view.add_spans([SpanStyle("new", TEXT.index("Friday"), TEXT.index("Friday") + 6, "0", color_for_label(0))])
    pixels(view)
    assert 0 < len(measured) <= len([s for s in view.spans() if s.end <= TEXT.index("\n")]) + 1


def test_after_changes_and_a_resize_the_cache_draws_what_a_fresh_view_draws(views):
    view = views()
    view.set_document(TEXT, spans_of(TEXT))
    pixels(view)
    friday = TEXT.index("Friday")
    view.add_spans([SpanStyle("new", friday, friday + 6, "0", color_for_label(0))])
    view.select_span("c0")
    pixels(view)
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum() // 2)
    assert differ(pixels(view), from_scratch(view)) == []
    view.remove_spans(["s0"])
    view.select_span("new")
    assert differ(pixels(view), from_scratch(view)) == []
    before = pixels(view)
    view.resize(520, 500)                            # lines wrap elsewhere: measured anew
    assert differ(pixels(view), before)
    assert differ(pixels(view), from_scratch(view)) == []
