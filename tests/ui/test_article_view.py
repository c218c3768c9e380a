"""ArticleView driven like a person would: cursor API, real key presses, clicks, tooltips."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QAction, QBrush, QColor, QHelpEvent, QKeySequence, QTextCursor
from PySide6.QtWidgets import QApplication, QMainWindow, QToolTip, QVBoxLayout, QWidget

from isfannotate_ui.annotate import span_highlighter
from isfannotate_ui.annotate.article_view import ArticleView, SpanStyle
from isfannotate_ui.annotate.offsets import DISPLAY_PIECE
from isfannotate_ui.annotate.palette import color_for_label, tint_color, underline_color

ORANGE, BLUE, GREEN = color_for_label(0), color_for_label(1), color_for_label(2)

TEXT = (
    "🇵🇰🇺🇸 US Secretary of State Marco Rubio said on Friday that Pakistan has offered "
    "to send troops for a proposed force in Gaza.\n"
    "In Urdu, پاکستان کی فوج is the army; its chief 😀 Asim Munir will visit Washington.\n"
    "Hamas said it would not disarm."
)


def at(text: str, needle: str, occurrence: int = 0) -> tuple[int, int]:
    i = -1
    for _ in range(occurrence + 1):
        i = text.index(needle, i + 1)
    return i, i + len(needle)


def utf16_slice(s: str, qs: int, qe: int) -> str:
    return s.encode("utf-16-le")[2 * qs:2 * qe].decode("utf-16-le")


def qt_pos(text: str, cp: int) -> int:
    return len(text[:cp].encode("utf-16-le")) // 2


@pytest.fixture
def view(qtbot):
    v = ArticleView()
    qtbot.addWidget(v)
    v.resize(700, 400)
    with qtbot.waitExposed(v):
        v.show()
    return v


def background(fmt_range) -> QBrush:
    return fmt_range.format.background()


def block_formats(view: ArticleView, block_number: int) -> list[tuple[int, int, str, Qt.BrushStyle]]:
    view.ensure_highlighted([block_number])     # painting colours the visible blocks; this one now
    block = view.document().findBlockByNumber(block_number)
    return sorted(
        (r.start, r.length, background(r).color().name().upper(), background(r).style())
        for r in block.layout().formats()
    )


def test_shows_plain_text_never_markup(view):
    text = "<b>not bold</b> &amp; <img src=x> Pakistan"
    view.set_document(text, [])
    assert view.toPlainText() == text
    assert view.document().firstBlock().text() == text
    assert view.objectName() == "articleView"
    assert view.isReadOnly()


def test_rejects_uncleaned_text_and_bad_spans(view):
    with pytest.raises(ValueError):
        view.set_document("a\r\nb", [])
    with pytest.raises(ValueError):
        view.set_document("\ufeffabc", [])
    with pytest.raises(ValueError):
        view.set_document("abc", [SpanStyle("x", 0, 4, "ACTOR", ORANGE)])
    with pytest.raises(ValueError):
        SpanStyle("x", 2, 2, "ACTOR", ORANGE)
    with pytest.raises(ValueError):
        SpanStyle("x", 0, 1, "ACTOR", ORANGE, kind="gold")
    view.set_document("abc def", [SpanStyle("x", 0, 3, "ACTOR", ORANGE)])
    with pytest.raises(ValueError):
        view.add_spans([SpanStyle("x", 4, 7, "ACTOR", ORANGE)])


def test_selection_via_cursor_api_is_reported_in_code_points(view):
    view.set_document(TEXT, [])
    s, e = at(TEXT, "Pakistan")
    cur = QTextCursor(view.document())
    cur.setPosition(qt_pos(TEXT, s))  # Qt units: flags are 4 units each
    cur.setPosition(qt_pos(TEXT, e), QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cur)
    assert qt_pos(TEXT, s) == s + 4
    assert view.selected_range() == (s, e)
    assert TEXT[s:e] == "Pakistan"

    us, ue = at(TEXT, "پاکستان")
    view.set_text_cursor_range(us, ue)
    assert view.selected_range() == (us, ue)
    assert view.textCursor().selectedText() == "پاکستان"


def test_shift_right_extends_by_exactly_one_character(view, qtbot):
    view.set_document(TEXT, [])
    view.setFocus()
    emoji = TEXT.index("😀")
    view.scroll_to(emoji - 1)
    qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert view.selected_range() is None  # only the space so far: trimmed away
    qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert view.selected_range() == (emoji, emoji + 1)  # one code point, two UTF-16 units
    cur = view.textCursor()
    assert cur.selectionEnd() - cur.selectionStart() == 3
    assert view.selection_source() == "keyboard"
    # keyboard selections are exact even with snapping on: start inside a word
    m = TEXT.index("Munir")
    view.scroll_to(m + 1)
    for _ in range(2):
        qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert view.snap_words()
    assert view.selected_range() == (m + 1, m + 3)


def test_ctrl_shift_right_selects_a_word(view, qtbot):
    view.set_document(TEXT, [])
    view.setFocus()
    s, e = at(TEXT, "Marco")
    view.scroll_to(s)
    qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier)
    assert view.selected_range() == (s, e)  # the trailing space is trimmed


def test_flag_is_one_grapheme_for_the_keyboard(view, qtbot):
    view.set_document(TEXT, [])
    view.setFocus()
    view.scroll_to(0)
    qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    # Qt moves over a whole flag (two regional indicators); never half of one
    assert view.selected_range() == (0, 2)


def test_mouse_selection_snaps_to_words(view, qtbot):
    view.set_document(TEXT, [])
    s, e = at(TEXT, "Secretary of State")
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(3, 3))
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(3, 3))
    assert view.selection_source() == "mouse"
    cur = QTextCursor(view.document())
    cur.setPosition(qt_pos(TEXT, s + 3))  # "ret|ary"
    cur.setPosition(qt_pos(TEXT, e - 2), QTextCursor.MoveMode.KeepAnchor)  # "Sta|te"
    view.setTextCursor(cur)
    assert view.selected_range() == (s, e)
    view.set_snap_words(False)
    assert view.selected_range() == (s + 3, e - 2)
    view.set_snap_words(True)
    # a script's selection is exact
    view.set_text_cursor_range(s + 3, e - 2)
    assert view.selected_range() == (s + 3, e - 2)


def test_mouse_release_after_drag_shows_the_snapped_selection(view, qtbot):
    view.set_document(TEXT, [])
    s, e = at(TEXT, "Marco Rubio")
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(3, 3))
    cur = QTextCursor(view.document())
    cur.setPosition(qt_pos(TEXT, s + 2))
    cur.setPosition(qt_pos(TEXT, e - 1), QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cur)  # what a drag leaves behind
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(200, 3))
    assert view.textCursor().selectedText() == "Marco Rubio"
    assert view.selected_range() == (s, e)


def test_whitespace_is_trimmed(view):
    view.set_document(TEXT, [])
    s, e = at(TEXT, " Marco Rubio ")
    view.set_text_cursor_range(s, e)
    assert view.selected_range() == (s + 1, e - 1)
    view.set_text_cursor_range(s, s + 1)
    assert view.selected_range() is None
    nl = TEXT.index("\n")
    view.set_text_cursor_range(nl - 1, nl + 2)  # ".\nپا" across the paragraph break
    assert view.selected_range() == (nl - 1, nl + 2)
    view.set_text_cursor_range(nl, nl + 1)
    assert view.selected_range() is None


def test_selection_inside_a_surrogate_pair_widens_to_whole_characters(view):
    text = "ab😀cd"
    view.set_document(text, [])
    cur = QTextCursor(view.document())
    cur.setPosition(3)  # between the emoji's two units
    cur.setPosition(5, QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cur)
    start, end = view.selected_range()
    assert text[start:end] in ("😀c", "c")  # Qt may have moved the anchor off the pair
    assert all(not 0xD800 <= ord(c) <= 0xDFFF for c in text[start:end])


def nested_doc():
    c = at(TEXT, "Pakistan has offered to send troops")
    a = at(TEXT, "Pakistan")
    spans = [
        SpanStyle("claim", *c, "CLAIM", BLUE, tooltip="CLAIM · source: Marco Rubio"),
        SpanStyle("actor", *a, "ACTOR", ORANGE, tooltip="ACTOR → Pakistan (state)"),
    ]
    return spans, c, a


def test_nested_spans_inner_tint_and_two_underline_levels(view):
    spans, c, a = nested_doc()
    view.set_document(TEXT, spans)
    q = lambda cp: qt_pos(TEXT, cp)  # noqa: E731 (block 0 starts at 0)
    solid = Qt.BrushStyle.SolidPattern
    assert block_formats(view, 0) == [
        (q(a[0]), q(a[1]) - q(a[0]), tint_color(ORANGE), solid),
        (q(a[1]), q(c[1]) - q(a[1]), tint_color(BLUE), solid),
    ]
    assert view.underline_levels(a[0]) == {"claim": 0, "actor": 1}
    assert [s.id for s in view.spans_at(a[0])] == ["actor", "claim"]
    assert [s.id for s in view.spans_at(a[1] + 1)] == ["claim"]
    assert view.spans_at(c[1]) == []


def test_overlapping_and_identical_spans(view):
    text = "Field Marshal Asim Munir met Trump."
    x = SpanStyle("x", 0, 18, "ACTOR", ORANGE)  # "Field Marshal Asim"
    y = SpanStyle("y", 14, 24, "ACTOR", GREEN)  # "Asim Munir" crosses x's end
    p1 = SpanStyle("p1", 29, 34, "ACTOR", ORANGE)
    p2 = SpanStyle("p2", 29, 34, "PERSON", BLUE)  # same text, second label
    view.set_document(text, [x, y, p1, p2])
    levels = view.underline_levels(0)
    assert levels["x"] != levels["y"]
    assert {levels["p1"], levels["p2"]} == {0, 1}
    fmts = block_formats(view, 0)
    assert (0, 14, tint_color(ORANGE), Qt.BrushStyle.SolidPattern) in fmts
    assert (14, 10, tint_color(GREEN), Qt.BrushStyle.SolidPattern) in fmts  # y is shorter: innermost
    assert {s.id for s in view.spans_at(30)} == {"p1", "p2"}


def test_suggestions_are_hatched_not_tinted(view):
    text = "Reuters said Pakistan may send troops."
    sug = SpanStyle("sug", 13, 21, "ACTOR", ORANGE, kind="suggestion")
    ann = SpanStyle("ann", 0, 7, "ACTOR", ORANGE)
    view.set_document(text, [sug, ann])
    styles = {start: style for start, _, _, style in block_formats(view, 0)}
    assert styles == {0: Qt.BrushStyle.SolidPattern, 13: Qt.BrushStyle.BDiagPattern}
    assert view.tooltip_at(14) == "ACTOR (suggestion)"


def test_spans_after_emoji_and_separators_land_on_the_right_characters(view):
    text = "😀 a\u2028b 🇵🇰 Gaza\u2029x 😀 Hamas"
    g = at(text, "Gaza")
    h = at(text, "Hamas")
    view.set_document(text, [SpanStyle("g", *g, "ACTOR", ORANGE), SpanStyle("h", *h, "ACTOR", BLUE)])
    doc = view.document()
    assert doc.blockCount() == 2
    (gs, gl, _, _), = block_formats(view, 0)  # Qt units within the block
    assert utf16_slice(doc.firstBlock().text(), gs, gs + gl) == "Gaza"
    (hs, hl, _, _), = block_formats(view, 1)
    assert utf16_slice(doc.findBlockByNumber(1).text(), hs, hs + hl) == "Hamas"
    view.set_text_cursor_range(*h)
    assert view.textCursor().selectedText() == "Hamas"


def count_highlights(view: ArticleView, monkeypatch) -> list[int]:
    """Block numbers the highlighter colours from now on (one rehighlightBlock each)."""
    seen: list[int] = []
    hl = view._highlighter
    original = hl.rehighlightBlock

    def spy(block):
        seen.append(block.blockNumber())
        return original(block)

    monkeypatch.setattr(hl, "rehighlightBlock", spy)
    return seen


def test_incremental_updates_rehighlight_only_touched_blocks(view, monkeypatch):
    spans, c, a = nested_doc()
    view.set_document(TEXT, spans)
    before = {b: block_formats(view, b) for b in range(3)}
    seen = count_highlights(view, monkeypatch)

    h = at(TEXT, "Hamas")
    view.add_spans([SpanStyle("hamas", *h, "ACTOR", ORANGE)])
    assert seen == []       # coloured when painted
    view.repaint()
    assert seen == [2]
    assert block_formats(view, 2) == [
        (h[0] - TEXT.index("Hamas said") + 0, 5, tint_color(ORANGE), Qt.BrushStyle.SolidPattern)
    ]
    assert block_formats(view, 0) == before[0] and block_formats(view, 1) == before[1]

    seen.clear()
    view.remove_spans(["actor"])
    view.repaint()
    assert seen == [0]
    q = lambda cp: qt_pos(TEXT, cp)  # noqa: E731
    assert block_formats(view, 0) == [(q(c[0]), q(c[1]) - q(c[0]), tint_color(BLUE), Qt.BrushStyle.SolidPattern)]
    assert view.underline_levels(c[0]) == {"claim": 0}

    seen.clear()
    m = at(TEXT, "Asim Munir")
    view.update_span(SpanStyle("hamas", *m, "ACTOR", GREEN))  # moves from block 2 to block 1
    view.repaint()
    assert sorted(seen) == [1, 2]
    assert block_formats(view, 2) == []
    assert view.spans_at(m[0])[0].color == GREEN

    seen.clear()
    view.remove_spans(["no-such-span"])
    view.repaint()
    assert seen == []
    with pytest.raises(KeyError):
        view.update_span(SpanStyle("nope", 0, 1, "ACTOR", ORANGE))


def test_set_spans_replaces_all_and_keeps_text(view):
    spans, c, a = nested_doc()
    view.set_document(TEXT, spans)
    view.set_text_cursor_range(*a)
    view.set_spans([SpanStyle("only", 0, 2, "ACTOR", GREEN)])
    assert [s.id for s in view.spans()] == ["only"]
    assert block_formats(view, 0) == [(0, 4, tint_color(GREEN), Qt.BrushStyle.SolidPattern)]
    assert view.toPlainText() == TEXT
    assert view.selected_range() == a


def test_select_span_marks_scrolls_and_emits(view, qtbot):
    long_text = "\n".join(f"Paragraph {i} about the stabilisation force." for i in range(300))
    target = at(long_text, "Paragraph 290")
    spans = [SpanStyle("first", 0, 9, "ACTOR", ORANGE), SpanStyle("far", *target, "CLAIM", BLUE)]
    view.set_document(long_text, spans)
    with qtbot.waitSignal(view.spanSelected) as sig:
        view.select_span("far")
    assert sig.args == ["far"]
    assert view.selected_span_id() == "far"
    assert view.viewport().rect().contains(view.cursorRect().center())
    assert view.cursor_position() == target[0]
    (_, _, color, _), = block_formats(view, 290)
    assert color == tint_color(BLUE, selected=True)
    with qtbot.waitSignal(view.spanSelected) as sig:
        view.clear_span_selection()
    assert sig.args == [""]
    assert view.selected_span_id() is None
    assert block_formats(view, 290)[0][2] == tint_color(BLUE)
    with pytest.raises(KeyError):
        view.select_span("missing")


def test_a_new_text_selection_clears_the_span_selection(view, qtbot):
    spans, c, a = nested_doc()
    view.set_document(TEXT, spans)
    view.select_span("claim")
    with qtbot.waitSignals([view.spanSelected, view.rangeSelected]):
        view.set_text_cursor_range(*at(TEXT, "Gaza"))
    assert view.selected_span_id() is None


def test_removing_the_selected_span_clears_the_selection(view, qtbot):
    spans, c, a = nested_doc()
    view.set_document(TEXT, spans)
    view.select_span("actor")
    with qtbot.waitSignal(view.spanSelected) as sig:
        view.remove_spans(["actor"])
    assert sig.args == [""]


def point_of(view: ArticleView, cp: int) -> QPoint:
    """Viewport point in the middle of the character at code point cp."""
    q = view.offsets.to_qt(cp)
    cur = QTextCursor(view.document())
    cur.setPosition(q)
    left = view.cursorRect(cur)
    cur.setPosition(q + 1)
    right = view.cursorRect(cur)
    return QPoint((left.x() + right.x()) // 2, left.center().y())


def test_clicking_a_span_selects_the_innermost_then_the_outer(view, qtbot):
    spans, c, a = nested_doc()
    view.set_document(TEXT, spans)
    assert view.cp_at_point(point_of(view, a[0] + 2)) == a[0] + 2
    with qtbot.waitSignal(view.spanSelected) as sig:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point_of(view, a[0] + 2))
    assert sig.args == ["actor"]
    with qtbot.waitSignal(view.spanSelected) as sig:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point_of(view, a[0] + 2))
    assert sig.args == ["claim"]
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point_of(view, c[1] + 3))
    assert view.selected_span_id() is None
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point_of(view, c[1] - 2))
    assert view.selected_span_id() == "claim"
    assert view.textCursor().hasSelection() is False


def test_next_and_previous_follow_document_order(view):
    text = "abcdefghijklmnopqrstuvwxyz"
    spans = [
        SpanStyle("late", 12, 15, "ACTOR", ORANGE),
        SpanStyle("inner", 0, 5, "ACTOR", ORANGE),
        SpanStyle("outer", 0, 10, "CLAIM", BLUE),
        SpanStyle("mid", 3, 8, "CUE", GREEN),
    ]
    view.set_document(text, spans)
    assert [s.id for s in view.spans()] == ["outer", "inner", "mid", "late"]
    assert view.next_span_id(None) == "outer"
    assert view.next_span_id("outer") == "inner"
    assert view.next_span_id("mid") == "late"
    assert view.next_span_id("late") is None
    assert view.previous_span_id(None) == "late"
    assert view.previous_span_id("inner") == "outer"
    assert view.previous_span_id("outer") is None
    view.remove_spans(["inner"])
    assert view.next_span_id("outer") == "mid"
    view.set_document("", [])
    assert view.next_span_id(None) is None


def test_tooltip_lists_all_spans_under_the_mouse_as_plain_text(view, qtbot):
    spans, c, a = nested_doc()
    spans.append(SpanStyle("odd", a[0], a[1], "<b>LABEL</b>", GREEN))
    view.set_document(TEXT, spans)
    assert view.tooltip_at(a[0]).split("\n") == [  # innermost first; same extent by label
        "<b>LABEL</b>", "ACTOR → Pakistan (state)", "CLAIM · source: Marco Rubio"
    ]
    assert view.tooltip_at(c[1] - 1) == "CLAIM · source: Marco Rubio"
    assert view.tooltip_at(0) == ""
    pos = point_of(view, a[0] + 1)
    event = QHelpEvent(QEvent.Type.ToolTip, pos, view.viewport().mapToGlobal(pos))
    assert view.viewportEvent(event)
    shown = QToolTip.text()
    assert "&lt;b&gt;LABEL&lt;/b&gt;" in shown and "ACTOR → Pakistan (state)" in shown
    QToolTip.hideText()


class KeyRecorder(QWidget):
    def __init__(self):
        super().__init__()
        self.keys: list[int] = []

    def keyPressEvent(self, e):  # noqa: N802
        self.keys.append(e.key())


def test_unused_keys_propagate_to_the_parent(qtbot):
    parent = KeyRecorder()
    qtbot.addWidget(parent)
    view = ArticleView(parent)
    QVBoxLayout(parent).addWidget(view)
    view.set_document(TEXT, [])
    with qtbot.waitExposed(parent):
        parent.show()
    view.setFocus()
    for key in (Qt.Key.Key_1, Qt.Key.Key_9, Qt.Key.Key_W, Qt.Key.Key_S):
        qtbot.keyClick(view, key)
    assert parent.keys == [Qt.Key.Key_1, Qt.Key.Key_9, Qt.Key.Key_W, Qt.Key.Key_S]
    assert view.toPlainText() == TEXT


def test_window_label_shortcut_fires_while_the_view_has_focus(qtbot):
    win = QMainWindow()
    qtbot.addWidget(win)
    view = ArticleView()
    win.setCentralWidget(view)
    view.set_document(TEXT, [])
    fired: list[bool] = []
    action = QAction("label 1", win)
    action.setShortcut(QKeySequence("1"))
    action.triggered.connect(lambda: fired.append(True))
    win.addAction(action)
    with qtbot.waitActive(win):
        win.show()
        win.activateWindow()
    view.setFocus()
    assert QApplication.focusWidget() is view
    view.set_text_cursor_range(*at(TEXT, "Gaza"))
    qtbot.keyClick(view, Qt.Key.Key_1)
    assert fired == [True]
    assert view.selected_range() == at(TEXT, "Gaza")


def pixel_rgb(img, x: float, y: float) -> str:
    return QColor(img.pixel(int(x), int(y))).name().upper()


def test_underlines_are_painted_stacked_below_the_text(view):
    spans, c, a = nested_doc()
    view.set_document(TEXT, spans)
    img = view.viewport().grab().toImage()
    block = view.document().firstBlock()
    top = view.blockBoundingGeometry(block).translated(view.contentOffset()).top()
    layout = block.layout()
    qa = view.offsets.to_qt(a[0]) + 2  # inside "Pakistan"
    line = layout.lineForTextPosition(qa)
    x = line.cursorToX(qa)[0]
    base = top + line.y() + line.height() + 1 + span_highlighter.UNDERLINE_WIDTH / 2
    assert pixel_rgb(img, x, base) == underline_color(BLUE)  # the claim: level 0
    assert pixel_rgb(img, x, base + span_highlighter.UNDERLINE_STEP) == underline_color(ORANGE)  # actor: 1
    qc = view.offsets.to_qt(c[1]) - 2  # in the claim, after the actor
    cl = layout.lineForTextPosition(qc)
    xc = cl.cursorToX(qc)[0]
    yc = top + cl.y() + cl.height() + 1 + span_highlighter.UNDERLINE_WIDTH / 2
    assert pixel_rgb(img, xc, yc) == underline_color(BLUE)
    assert pixel_rgb(img, xc, yc + span_highlighter.UNDERLINE_STEP) == "#FFFFFF"
    # and the lines do not reach into the next line of text
    assert base + span_highlighter.UNDERLINE_STEP + 2 < top + line.y() + line.height() + view._layout.line_gap + 0.5


def test_long_single_line_lays_out_and_highlights(view):
    words = ("Pakistan troops Gaza force said the minister " * 120).strip()
    text = words[:5000]
    spans = [SpanStyle(f"s{i}", i * 80, i * 80 + 8, "ACTOR", ORANGE) for i in range(60)]
    view.set_document(text, spans)
    assert view.document().blockCount() == 1
    assert len(block_formats(view, 0)) == 60
    view.select_span("s59")
    assert view.viewport().rect().contains(view.cursorRect().center())


def test_screenshot_of_a_seed_like_paragraph(view, tmp_path):
    spans, c, a = nested_doc()
    spans += [
        SpanStyle("rubio", *at(TEXT, "Marco Rubio"), "ACTOR", ORANGE),
        SpanStyle("said", *at(TEXT, "said"), "CUE", GREEN),
        SpanStyle("sug", *at(TEXT, "Hamas"), "ACTOR", ORANGE, kind="suggestion"),
    ]
    view.resize(820, 360)
    view.set_document(TEXT, spans)
    view.select_span("claim")
    path = tmp_path / "article_view.png"
    assert view.grab().save(str(path))
    img = view.viewport().grab().toImage()
    colors = {pixel_rgb(img, x, y) for x in range(0, img.width(), 3) for y in range(0, img.height(), 3)}
    assert tint_color(ORANGE) in colors and tint_color(BLUE, selected=True) in colors
    # a readable measure: the first paragraph wraps at 70-90 characters per line
    layout = view.document().firstBlock().layout()
    widths = [layout.lineAt(i).textLength() for i in range(layout.lineCount() - 1)]
    assert widths and all(60 <= w <= 95 for w in widths)


def test_palette_is_okabe_ito_and_derived_shades_stay_readable():
    from isfannotate_ui.annotate.palette import OKABE_ITO, blend, relative_luminance

    assert color_for_label(0) == OKABE_ITO["orange"]
    assert color_for_label(7) == color_for_label(0)  # cycles after seven
    assert len({color_for_label(i) for i in range(7)}) == 7
    assert blend("#000000", alpha=0.25) == "#BFBFBF"
    yellow = OKABE_ITO["yellow"]
    assert relative_luminance(underline_color(yellow)) <= 0.37 < relative_luminance(yellow)
    assert underline_color(OKABE_ITO["blue"]) == OKABE_ITO["blue"]  # dark enough already
    assert relative_luminance(tint_color(BLUE)) > 0.6  # tints stay light behind black text
    with pytest.raises(ValueError):
        color_for_label(-1)
    with pytest.raises(ValueError):
        blend("orange")


def test_opening_a_long_document_colours_only_the_visible_blocks(view, monkeypatch):
    text = "\n".join(f"Paragraph {i} about the stabilisation force." for i in range(3000))
    spans = [SpanStyle(f"s{i}", *at(text, f"Paragraph {i} "), "ACTOR", ORANGE) for i in range(0, 3000, 3)]
    seen = count_highlights(view, monkeypatch)
    view.set_document(text, spans)
    assert seen == []
    view.repaint()
    visible = [b.blockNumber() for b in view.visible_blocks()]
    assert 0 < len(visible) < 40
    assert sorted(seen) == [b for b in visible if b % 3 == 0]    # the visible blocks with a span
    # scrolled to the end, the blocks shown there are coloured when painted, the middle never
    view.select_span("s2997")
    view.repaint()
    assert 2997 in seen and not view.document().findBlockByNumber(1500).layout().formats()
    assert block_formats(view, 2997)


def test_a_huge_paragraph_is_shown_as_display_blocks_with_offsets_unchanged(view, qtbot):
    words = ("Pakistan troops 🇵🇰 Gaza force said the minister " * 6000)
    text = words[:200_000].rstrip()
    assert "\n" not in text
    spans = [SpanStyle(f"s{i}", *at(text, "Gaza", i * 50), "ACTOR", ORANGE) for i in range(60)]
    crossing = SpanStyle("long", 3000, 190_000, "CLAIM", BLUE)
    view.set_document(text, spans + [crossing])
    assert view.text() == text                               # the stored text never changes
    blocks = view.document().blockCount()                   # ~DISPLAY_PIECE code points a block
    assert len(text) / (DISPLAY_PIECE * 5 / 4) < blocks < len(text) / (DISPLAY_PIECE / 2)
    view.repaint()
    assert len(view.visible_blocks()) < 15                 # a paint visits a screenful, not 200,000 code points
    # offsets through the display breaks: a span far down is selected, scrolled to and read back
    target = spans[-1]
    view.select_span(target.id)
    assert view.cursor_position() == target.start
    view.set_text_cursor_range(target.start, target.end)
    assert view.selected_range() == (target.start, target.end)
    assert view.textCursor().selectedText() == text[target.start:target.end]
    bn = view.document().findBlock(view.textCursor().selectionStart()).blockNumber()
    assert view.spans_at(target.start)[0].id == target.id and "long" in view.underline_levels(target.start)
    formats = block_formats(view, bn)
    assert any(style == Qt.BrushStyle.SolidPattern and color == tint_color(ORANGE, selected=False)
               for _, _, color, style in formats)


def test_adding_many_spans_at_once_matches_loading_them(view):
    text = "\n".join(f"Paragraph {i} about the stabilisation force." for i in range(200))
    spans = [SpanStyle(f"s{i}", *at(text, f"Paragraph {i} "), "ACTOR", ORANGE) for i in range(200)]
    more = [SpanStyle(f"m{i}", *at(text, "stabilisation", i), "CLAIM", BLUE, kind="suggestion") for i in range(200)]
    view.set_document(text, spans)
    view.add_spans(more)                                   # many: added with one sort
    added = [(s.id, view.underline_levels(s.start)) for s in view.spans()]
    order = [s.id for s in view.spans()]
    view.set_document(text, spans + more)
    assert [s.id for s in view.spans()] == order and [
        (s.id, view.underline_levels(s.start)) for s in view.spans()
    ] == added
    assert view.next_span_id("s5") == "m5"
    with pytest.raises(ValueError):
        view.add_spans([SpanStyle(f"x{i}", 0, 3, "ACTOR", ORANGE) for i in range(40)] + [spans[0]])


def test_span_index_blocks_and_order_after_a_bulk_load():
    """Block starts found with str.find equal Qt's blocks (LF and U+2029 separate, U+2028 does
    not); the document order sorted on first use after ``bulk_load`` stays right through adds
    and removes made before and after it is first asked for."""
    import random
    import re

    from PySide6.QtGui import QTextDocument

    from isfannotate_ui.annotate.span_index import SpanIndex, block_starts

    for text in ["", "a", "\n", "a\nb\u2029c\u2028d\n\n", "🇵🇰 x\ny\u2029"]:
        assert block_starts(text) == [0] + [m.end() for m in re.finditer("[\n\u2029]", text)]
        doc = QTextDocument()
        doc.setPlainText(text)
        assert len(block_starts(text)) == doc.blockCount()
    rnd = random.Random(3)
    text = "\n".join("word " * rnd.randint(1, 30) for _ in range(40))
    styles = []
    for i in range(300):
        a = rnd.randrange(len(text) - 1)
        styles.append(SpanStyle(f"s{i}", a, rnd.randint(a + 1, min(len(text), a + 80)), "ACTOR", "#000000"))
    for ask_first in (False, True):
        idx = SpanIndex(text)
        idx.bulk_load(styles[:200])
        if ask_first:
            idx.ordered()
        for s in styles[200:250]:
            idx.add(s)
        idx.add_many(styles[250:])
        for s in styles[:20]:
            idx.remove(s.id)
        want = sorted(styles[20:], key=lambda s: (s.start, -s.end, s.id))
        assert idx.ordered() == want
        assert idx.neighbour(None, 1) == want[0].id and idx.neighbour(want[5].id, 1) == want[6].id
