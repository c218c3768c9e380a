"""What a label key does in the window, and no more (issue 21's key budget).

- the side panel shows the new span once: not first "no span", then the new one;
- the caret goes to the new span's start as before (centred when it was off screen, Qt's nudge when
  partly in view), with one walk over the blocks less when it is in view;
- the event loop's repaint after the key repaints the details and the list, not the whole side panel
  (its tab bar, the problems, the document labels), while a tab bar that changed is laid out again.
"""
from __future__ import annotations

import re

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication

from isfannotate_ui.annotate import span_highlighter
from isfannotate_ui.annotate.article_view import ArticleView, SpanStyle


def fresh_words(doc, n: int) -> list[tuple[int, int]]:
    covered = set()
    for s in doc.spans:
        covered.update(range(s["start"], s["end"]))
    words = [m.span() for m in re.finditer(r"[a-z]{4,}", doc.text) if not covered & set(range(*m.span()))]
    step = len(words) // (n + 1)
    return words[step::step][:n]


def leave_picker(qtbot, window) -> None:
    focus = window.focusWidget()
    if focus is not None and focus is not window.view:     # the actor picker: Esc leaves the span unlinked
        qtbot.keyClick(focus, Qt.Key.Key_Escape)
    window.view.setFocus()


def test_a_label_key_shows_its_new_span_in_the_panel_once(qtbot, window_on_hard_doc, monkeypatch):
    window, doc = window_on_hard_doc
    panel = window.annotations
    shown: list = []
    for name in ("select", "clear_details", "show_details"):    # (show_details clears what it replaces)
        real = getattr(panel, name)
        monkeypatch.setattr(panel, name, lambda *a, _r=real, _n=name: (shown.append((_n, *a[:1])), _r(*a))[1])
    for a, b in fresh_words(doc, 3):
        window.view.set_text_cursor_range(a, b)
        shown.clear()
        qtbot.keyClick(window.view, Qt.Key.Key_1)
        new_id = window.view.selected_span_id()
        assert new_id is not None and window.session.spans[new_id].start == a
        assert shown[:2] == [("select", new_id), ("show_details", new_id)], "the panel showed no span first"
        assert [x for x in shown if x[0] != "clear_details"] == shown[:2]
        assert panel.list.currentItem().data(Qt.ItemDataRole.UserRole) == new_id
        assert window.view.cursor_position() == a and not window.view.textCursor().hasSelection()
        leave_picker(qtbot, window)


def test_a_label_key_calls_on_span_selected_once(qtbot, tmp_path, hard_data, open_window, monkeypatch):
    from isfannotate_ui.document_painter import DocumentPainter
    calls: list[str] = []
    real = DocumentPainter.on_span_selected
    monkeypatch.setattr(DocumentPainter, "on_span_selected", lambda self, sid: (calls.append(sid), real(self, sid))[1])
    doc = hard_data.make_hard_doc("hard", 20_000, 200, unlinked=0.0)
    window = open_window(hard_data.write_project(tmp_path / "hard.isf", [doc]), "bench")   # (connects the patch)
    with qtbot.waitSignal(window.painter.panelsFilled, timeout=30000):
        window.show_document("hard")
    window.view.setFocus()
    (a, b), = fresh_words(doc, 1)
    window.view.set_text_cursor_range(a, b)
    calls.clear()
    qtbot.keyClick(window.view, Qt.Key.Key_1)
    assert calls == [window.view.selected_span_id()], "on_span_selected ran for no span first"
    window.close()


def test_a_label_key_repaints_the_details_not_the_whole_side_panel(qtbot, window_on_hard_doc):
    window, doc = window_on_hard_doc
    painted: dict[str, int] = {}

    class Paints(QObject):
        def eventFilter(self, obj, e):  # noqa: N802 (Qt override)
            if e.type() == QEvent.Type.Paint and obj.objectName():
                painted[obj.objectName()] = painted.get(obj.objectName(), 0) + 1
            return False

    counter = Paints()
    QApplication.instance().installEventFilter(counter)
    try:
        for a, b in fresh_words(doc, 3):
            window.view.set_text_cursor_range(a, b)
            qtbot.wait(1)
            painted.clear()
            qtbot.keyClick(window.view, Qt.Key.Key_1)
            QApplication.processEvents()    # the repaint a person sees
            assert painted.get("spanDetails") and painted.get("qt_scrollarea_viewport")
            assert not painted.get("qt_tabwidget_tabbar"), "the side panel's tab bar was repainted"
            assert not painted.get("validationWarnings") and not painted.get("docLabels")
            on_screen = window.screen().grabWindow(window.winId()).toImage()
            assert on_screen == window.grab().toImage().convertToFormat(on_screen.format()), "stale pixels"
            leave_picker(qtbot, window)
    finally:
        QApplication.instance().removeEventFilter(counter)


def test_after_each_key_the_screen_shows_what_a_whole_paint_shows(qtbot, window_on_hard_doc):
    """Nothing repainted less than it should: the window on screen (the backing store the event
    loop painted) is what a paint of every widget shows, after keys that change the details, the
    list, the problems and the status bar's count and messages."""
    window, doc = window_on_hard_doc
    view = window.view

    def same() -> None:
        QApplication.processEvents()
        on_screen = window.screen().grabWindow(window.winId()).toImage()
        assert on_screen == window.grab().toImage().convertToFormat(on_screen.format())

    (a, b), (c, d) = fresh_words(doc, 2)
    view.set_text_cursor_range(a, b)
    same()
    for key in (Qt.Key.Key_1, Qt.Key.Key_Escape, Qt.Key.Key_2, Qt.Key.Key_Tab, Qt.Key.Key_Tab, Qt.Key.Key_Delete):
        qtbot.keyClick(window.focusWidget() or view, key)
        same()
    view.setFocus()
    view.set_text_cursor_range(c, d)
    qtbot.keyClick(view, Qt.Key.Key_3)
    same()
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)     # undo
    same()
    window.statusBar().showMessage("a message over the status line", 5000)
    same()
    window.statusBar().clearMessage()
    same()


def test_the_side_panel_is_laid_out_again_when_its_tab_bar_changes(qtbot, window_on_hard_doc):
    window, _doc = window_on_hard_doc
    side = window.side
    bar, page = side.tabBar(), side.currentWidget()
    QApplication.processEvents()
    height, top = bar.height(), page.mapTo(side, page.rect().topLeft()).y()
    font = bar.font()
    font.setPointSizeF(font.pointSizeF() * 2)
    bar.setFont(font)      # a taller tab bar: the page below it moves down
    QApplication.processEvents()
    assert bar.height() > height
    assert page.mapTo(side, page.rect().topLeft()).y() > top


LONG = "\n".join(f"Paragraph {i} about the stabilisation force in the region." for i in range(400))


def old_place_caret(view: ArticleView, cp: int) -> None:
    """The caret placement before keys7 (a cursorRect walk first), as the reference."""
    cur = QTextCursor(view.document())
    cur.setPosition(view.offsets.to_qt(cp))
    visible = view.viewport().rect().contains(view.cursorRect(cur).center())
    view.setTextCursor(cur)
    if not visible:
        view.centerCursor()


def two_views(qtbot) -> tuple[ArticleView, ArticleView]:
    views = []
    for _ in range(2):
        v = ArticleView()
        qtbot.addWidget(v)
        v.resize(600, 400)
        v.set_document(LONG, [SpanStyle(f"p{i}", *(m.start(), m.end()), "ACTOR", "#e69f00")
                              for i, m in enumerate(re.finditer(r"Paragraph \d+", LONG))])
        v.show()
        views.append(v)
    qtbot.waitExposed(views[1])
    return views[0], views[1]


def test_the_caret_goes_where_it_went_before(qtbot):
    new, old = two_views(qtbot)
    starts = [m.start() for m in re.finditer(r"Paragraph \d+", LONG)]
    bar = new.verticalScrollBar()
    for start_at in (0, 100, 300):
        for v in (new, old):
            v.verticalScrollBar().setValue(start_at)
        QApplication.processEvents()
        first = new.firstVisibleBlock().blockNumber()
        shown = len(new.visible_blocks())
        # in view, on the last lines (partly in view), just below and above, and far off
        for block in (first + 2, first + shown - 1, first + shown, first + shown + 1, max(first - 1, 0), 5, 390):
            for v in (new, old):
                v.verticalScrollBar().setValue(start_at)
            QApplication.processEvents()
            new.select_span(f"p{block}")
            old_place_caret(old, starts[block])
            assert new.cursor_position() == old.cursor_position() == starts[block]
            assert (bar.value(), new.cursorRect()) == (old.verticalScrollBar().value(), old.cursorRect()), block
            assert new.viewport().rect().contains(new.cursorRect().center())


def test_a_caret_in_view_is_placed_with_one_walk_over_the_blocks_less(qtbot, monkeypatch):
    calls = [0]
    real = span_highlighter.SpacedLayout.blockBoundingRect

    def counting(self, block):
        calls[0] += 1
        return real(self, block)

    monkeypatch.setattr(span_highlighter.SpacedLayout, "blockBoundingRect", counting)  # before the views exist
    new, old = two_views(qtbot)
    starts = [m.start() for m in re.finditer(r"Paragraph \d+", LONG)]
    for v in (new, old):
        v.verticalScrollBar().setValue(100)
    QApplication.processEvents()
    target = new.firstVisibleBlock().blockNumber() + 6
    counts = []
    for place in (lambda: new.select_span(f"p{target}"), lambda: old_place_caret(old, starts[target])):
        calls[0] = 0
        place()
        counts.append(calls[0])
    assert new.verticalScrollBar().value() == old.verticalScrollBar().value() == 100
    assert counts[0] <= counts[1] - 6, counts
