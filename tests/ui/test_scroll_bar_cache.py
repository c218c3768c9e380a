"""The article's and the side lists' scroll bars are drawn from a pixmap of their look (issue 21's
key budget): what they show is what the style draws (at most 2/255 apart on a blended edge pixel),
after scrolling, resizing or a new range too, and a repaint that changed nothing draws no bar anew."""
from __future__ import annotations

from isfannotate_ui.annotate.article_view import ArticleView
from isfannotate_ui.scroll_bar_cache import _BarPixmaps


def by_style(bar):
    """The bar as the style draws it, with no pixmap in between."""
    keeper = bar.parent()
    while keeper is not None and keeper.findChild(_BarPixmaps) is None:
        keeper = keeper.parent()
    filt = keeper.findChild(_BarPixmaps)
    bar.removeEventFilter(filt)
    try:
        return bar.grab().toImage()
    finally:
        bar.installEventFilter(filt)


def far(a, b) -> list[tuple[int, int]]:
    out = []
    for y in range(a.height()):
        for x in range(a.width()):
            p, q = a.pixel(x, y), b.pixel(x, y)
            if max(abs(((p >> s) & 255) - ((q >> s) & 255)) for s in (0, 8, 16)) > 2:
                out.append((x, y))
    return out[:10]


def test_the_view_bar_shows_what_the_style_draws(qtbot):
    view = ArticleView()
    qtbot.addWidget(view)
    view.resize(500, 300)
    view.set_document("\n".join(f"Paragraph {i}: Pakistan said it would send troops." for i in range(200)))
    with qtbot.waitExposed(view):
        view.show()
    bar = view.verticalScrollBar()
    assert bar.isVisible() and bar.maximum() > 0
    for value in (0, bar.maximum() // 3, bar.maximum()):
        bar.setValue(value)
        assert far(bar.grab().toImage(), by_style(bar)) == []
    view.resize(500, 420)       # a new size and page: drawn anew, right
    assert far(bar.grab().toImage(), by_style(bar)) == []

    keeper = view.findChild(_BarPixmaps)
    bar.grab()
    kept = keeper._made[bar.orientation()][1]
    bar.grab()
    bar.update()
    bar.grab()
    assert keeper._made[bar.orientation()][1] is kept, "a repaint that changed nothing drew the bar again"
    bar.setValue(bar.value() - 1)
    bar.grab()
    assert keeper._made[bar.orientation()][1] is not kept
