"""Issue 20, the annotator's desk: no wrong turns (the document list, settings, reopening,
the last document, undo names, claim details, possessives, suggestions, span resizing)."""
from pathlib import Path

from PySide6.QtCore import Qt

from isfannotate.resources import data_dir

DOC2, DOC3, DOC4 = "002_ef57260f37dd3d36", "003_6e62d58ac1819318", "004_925ac23fd4dc491f"
CTRL = Qt.KeyboardModifier.ControlModifier


def _selected_docs(w):
    from isfannotate_ui.documents.document_list import IdRole
    return sorted(i.data(IdRole) for i in w.documents.view.selectionModel().selectedIndexes())


def _current_doc(w):
    from isfannotate_ui.documents.document_list import IdRole
    return w.documents.view.currentIndex().data(IdRole)


def test_the_document_list_shows_exactly_the_shown_document(qtbot, window):
    window.show_document(DOC4)
    for _ in range(2):
        qtbot.keyClick(window.view, Qt.Key.Key_PageUp, CTRL)
    assert window.doc_id == DOC2
    assert _selected_docs(window) == [DOC2] and _current_doc(window) == DOC2
    qtbot.keyClick(window.view, Qt.Key.Key_PageDown, CTRL)
    assert window.doc_id == DOC3
    assert _selected_docs(window) == [DOC3] and _current_doc(window) == DOC3


def test_an_undo_that_jumps_to_another_document_moves_the_list_with_it(qtbot, window, sel):
    window.show_document(DOC4)
    text = window.view.text()
    i = text.index("Pakistan")
    sel(window, i, i + len("Pakistan"))
    qtbot.keyClick(window.view, Qt.Key.Key_2)
    qtbot.keyClick(window.view, Qt.Key.Key_PageUp, CTRL)
    assert window.doc_id == DOC3
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL)
    assert window.doc_id == DOC4
    assert _selected_docs(window) == [DOC4] and _current_doc(window) == DOC4


def test_settings_live_in_the_data_folder(qtbot, project_path, tmp_path):
    import os

    from isfannotate_ui.app import create_main_window
    w = create_main_window(project_path, "alice")
    qtbot.addWidget(w)
    w.show_document(DOC4)
    w.close()
    ini = data_dir() / "isfannotate.ini"
    assert ini.is_file()
    body = ini.read_text(encoding="utf-8")
    assert "lastPlace" in body and "geometry" in body
    config = Path(os.environ["XDG_CONFIG_HOME"])
    assert not any(config.rglob("*.conf")), list(config.rglob("*"))


EVIDENCE = "Pakistan has said it is willing to take part in peacekeeping but will not disarm Hamas"
CLAIM4 = "Washington has been urging Pakistan to contribute soldiers"


def _undo_line(qtbot, w):
    qtbot.keyClick(w.view, Qt.Key.Key_Z, CTRL)
    return w.statusBar().currentMessage()


def test_undo_names_the_stance_and_the_claim_details_it_undoes(qtbot, window, sel):
    from PySide6.QtWidgets import QComboBox
    window.show_document(DOC4)
    text = window.view.text()
    i = text.index(EVIDENCE)
    sel(window, i, i + len(EVIDENCE))
    qtbot.keyClick(window.view, Qt.Key.Key_S)
    ed = window.claims.stances.editor
    qtbot.keyClicks(ed.holder.lineEdit(), "Pakistan (state)")
    ed.target.setCurrentIndex(ed.target.findData("disarm-hamas"))
    qtbot.mouseClick(ed.polarity_buttons["oppose"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(ed.save, Qt.MouseButton.LeftButton)
    assert window.undo_action.text() == "&Undo stance Pakistan → disarming Hamas: oppose"
    claim = window.project.spans(DOC4, "alice")[0].id
    window.view.setFocus()
    window.view.select_span(claim)
    qtbot.keyClick(window.view, Qt.Key.Key_Return)        # the details
    modality = window.annotations.findChild(QComboBox, "attr_modality")
    modality.setCurrentIndex(modality.findData("hedged"))
    quote = window.annotations.findChild(QComboBox, "claimQuote")
    quote.setCurrentIndex(quote.findData("reported"))
    window.view.setFocus()
    assert _undo_line(qtbot, window) == "undo claim details (quote: reported)"
    assert _undo_line(qtbot, window) == "undo claim details (modality: hedged)"
    assert _undo_line(qtbot, window) == "undo stance Pakistan → disarming Hamas: oppose"
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert window.statusBar().currentMessage() == "redo stance Pakistan → disarming Hamas: oppose"


def test_claim_details_follow_the_screen_with_tab_and_show_the_focus(qtbot, window, sel):
    from PySide6.QtWidgets import QApplication, QWidget
    window.show_document(DOC4)
    i = window.view.text().index(CLAIM4)
    sel(window, i, i + len(CLAIM4))
    qtbot.keyClick(window.view, Qt.Key.Key_2)
    qtbot.keyClick(window.view, Qt.Key.Key_Escape)
    qtbot.keyClick(window.view, Qt.Key.Key_Return)           # Enter: the details, on the first field
    qtbot.wait(20)
    details = window.annotations.details
    seen = [QApplication.focusWidget()]
    for _ in range(3):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        seen.append(QApplication.focusWidget())
    assert [w.objectName() for w in seen] == ["claimSource", "claimCue", "claimQuote", "attr_modality"]
    ys = [w.mapTo(details, w.rect().topLeft()).y() for w in seen]
    assert ys == sorted(ys) and len(set(ys)) == 4, ys      # top to bottom, as drawn
    # the focused field is drawn differently from the same field without the focus (the frame is
    # drawn over it by the details' FocusRing: the details are grabbed where the field is)
    from PySide6.QtCore import QPoint, QRect
    quote = details.findChild(QWidget, "claimQuote")
    quote.setFocus()
    qtbot.wait(20)
    box = QRect(quote.mapTo(details, QPoint(0, 0)), quote.size())
    focused = details.grab(box).toImage()
    window.view.setFocus()
    qtbot.wait(20)
    plain = details.grab(box).toImage()
    assert focused != plain
    hl = quote.palette().highlight().color().rgb()
    assert any(focused.pixel(x, focused.height() // 2) == hl for x in range(3))


def test_reopening_restores_the_scroll_position_and_the_selected_span(qtbot, window, sel, project_path):
    from isfannotate_ui.app import create_main_window
    from isfannotate_ui.window_memory import top_code_point
    window.show_document(DOC4)
    text = window.view.text()
    i = text.index("Hamas")
    sel(window, i, i + len("Hamas"))
    qtbot.keyClick(window.view, Qt.Key.Key_1)
    span = window.view.selected_span_id()
    assert span is not None and window.project.span(span).actor_id == "hamas"
    bar = window.view.verticalScrollBar()
    assert bar.maximum() > 10
    bar.setValue(bar.maximum() - 3)        # scrolled on, away from the span and the caret
    top = top_code_point(window.view)
    assert top > text.index("Hamas") + 200
    window.close()
    w2 = create_main_window(project_path, "alice")
    qtbot.addWidget(w2)
    w2.resize(1280, 800)
    w2.show()
    qtbot.waitExposed(w2)
    try:
        assert w2.doc_id == DOC4 and w2.view.selected_span_id() == span
        qtbot.waitUntil(lambda: top_code_point(w2.view) == top, timeout=3000)
        assert w2.annotations.list.currentIndex().data(Qt.ItemDataRole.UserRole) == span
    finally:
        w2.close()


LAST = "zz-unicode"
DOC0, DOC1 = "000_79b6248a8f5a8456", "001_9bdde0be44e8882d"


def test_ctrl_pgdn_at_the_last_document_goes_on_to_the_first_unfinished_one(qtbot, window):
    window.show_document(DOC0)
    qtbot.keyClick(window.view, Qt.Key.Key_Return, CTRL)    # 000 done (it has no problems)
    qtbot.waitUntil(lambda: window.doc_id == DOC1, timeout=3000)
    window.show_document(LAST)
    qtbot.keyClick(window.view, Qt.Key.Key_PageDown, CTRL)
    assert window.doc_id == DOC1        # 000 is done: the first one not done
    assert "first one not done" in window.statusBar().currentMessage()
    assert _selected_docs(window) == [DOC1]


def test_marking_done_moves_to_the_next_unfinished_and_undo_returns_and_unmarks(qtbot, window):
    assert window.navigator.after_done_action.isChecked()       # on by default
    window.show_document(DOC0)
    qtbot.keyClick(window.view, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: window.doc_id == DOC1, timeout=3000)
    assert window.project.status(DOC0, "alice") == "done"
    assert "next unfinished: " + DOC1 in window.statusBar().currentMessage()
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL)
    assert window.doc_id == DOC0 and window.project.status(DOC0, "alice") != "done"
    assert _selected_docs(window) == [DOC0]
    # the setting off (Annotate menu, a checkable action): Ctrl+Enter stays on the document
    window.navigator.after_done_action.trigger()
    assert not window.navigator.after_done_action.isChecked()
    qtbot.keyClick(window.view, Qt.Key.Key_Return, CTRL)
    qtbot.wait(50)
    assert window.doc_id == DOC0 and window.project.status(DOC0, "alice") == "done"


def _point(view, cp):
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QTextCursor
    cur = QTextCursor(view.document())
    cur.setPosition(view.offsets.to_qt(cp))
    r = view.cursorRect(cur)
    return QPoint(r.left() + 4, r.center().y())


def test_double_click_on_a_possessive_selects_the_name_and_links_it(qtbot, window):
    from PySide6.QtTest import QTest
    window.show_document(DOC4)
    view = window.view
    text = view.text()
    i = text.index("Pakistan’s")
    view.scroll_to(i)
    qtbot.wait(10)
    n_actors = len(window.project.actors())
    QTest.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, _point(view, i + 2))
    assert view.selected_range() == (i, i + len("Pakistan"))
    assert view.textCursor().selectedText() == "Pakistan"        # what is shown selected is what is labelled
    qtbot.keyClick(view, Qt.Key.Key_1)
    span = window.project.span(view.selected_span_id())
    assert (span.start, span.end, span.actor_id) == (i, i + len("Pakistan"), "pakistan")
    assert not window.kb.picker.isVisible() and len(window.project.actors()) == n_actors


def test_the_picker_offers_the_registry_name_of_a_possessive_first(qtbot, window, sel):
    window.show_document(DOC4)
    text = window.view.text()
    i = text.index("Pakistan’s")
    sel(window, i, i + len("Pakistan’s"))       # the keyboard keeps the ending: the picker opens
    qtbot.keyClick(window.view, Qt.Key.Key_1)
    picker = window.kb.picker
    assert picker.isVisible() and picker.query.text() == "Pakistan"
    assert picker.current_actor_id() == "pakistan"
    n_actors = len(window.project.actors())
    qtbot.keyClick(picker.query, Qt.Key.Key_Return)
    span = window.project.span(window.view.selected_span_id())
    assert span.actor_id == "pakistan" and len(window.project.actors()) == n_actors
    assert "Pakistan’s" not in window.project.actor("pakistan").aliases


def test_a_new_actor_from_a_possessive_is_an_explicit_choice(qtbot, window, sel):
    window.show_document(DOC4)
    text = window.view.text()
    i = text.index("force’s")
    sel(window, i, i + len("force’s"))
    qtbot.keyClick(window.view, Qt.Key.Key_1)
    picker = window.kb.picker
    assert picker.isVisible() and picker.current_actor_id() is None      # nothing preselected
    n_actors = len(window.project.actors())
    qtbot.keyClick(picker.query, Qt.Key.Key_Return)                        # Enter alone does nothing
    assert picker.isVisible() and len(window.project.actors()) == n_actors
    last = picker.matches.item(picker.matches.count() - 1)
    assert last.text() == "+ Create actor “force”"


def _click(qtbot, view, cp):
    qtbot.wait(QApplication_double_click_gap())
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, _point(view, cp))


def QApplication_double_click_gap():
    from PySide6.QtWidgets import QApplication
    return QApplication.instance().doubleClickInterval() + 20


def test_a_deleted_suggestion_stays_rejected_and_shift_a_leaves_a_done_document_alone(qtbot, window):
    SHIFT = Qt.KeyboardModifier.ShiftModifier
    window.show_document(DOC4)
    view, p = window.view, window.project
    qtbot.keyClick(view, Qt.Key.Key_A, SHIFT)
    n = len(p.spans(DOC4, "alice"))
    i = view.text().index("Russia")
    view.scroll_to(i)
    qtbot.wait(10)
    _click(qtbot, view, i + 1)                              # a click selects the span
    sid = view.selected_span_id()
    assert sid is not None and p.span(sid).start == i
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert len(p.spans(DOC4, "alice")) == n - 1
    assert not any(st.kind == "suggestion" for st in view.spans_at(i))      # not drawn as a suggestion again
    qtbot.keyClick(view, Qt.Key.Key_A, SHIFT)
    assert len(p.spans(DOC4, "alice")) == n - 1             # never re-added
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)                # undo the delete: the span and no rejection
    if len(p.spans(DOC4, "alice")) != n:                    # the empty Shift+A may have been a step
        qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)
    assert len(p.spans(DOC4, "alice")) == n
    assert p.conn.execute("SELECT count(*) FROM suggestion_decisions").fetchone()[0] == 0
    # a done document: Shift+A says so and changes nothing
    window.navigator.after_done_action.trigger()            # stay on the document once it is done
    window.show_document(DOC3)
    assert window.kb.suggestion_styles()
    window.session.run(p.set_status, DOC3, "alice", "done", reason="checked by hand")
    qtbot.keyClick(view, Qt.Key.Key_A, SHIFT)
    assert p.spans(DOC3, "alice") == [] and p.status(DOC3, "alice") == "done"
    assert "marked done" in window.statusBar().currentMessage()


def test_alt_shift_arrows_move_a_selected_spans_end_and_start_by_a_word(qtbot, window, sel):
    ALT, SHIFT = Qt.KeyboardModifier.AltModifier, Qt.KeyboardModifier.ShiftModifier
    window.show_document(DOC4)
    view, p = window.view, window.project
    text = view.text()
    i = text.index("Marco Rubio")
    j = i + len("Marco Rubio")
    sel(window, i - len("Secretary of State "), j + len(" said"))       # one word too long at both ends
    qtbot.keyClick(view, Qt.Key.Key_3)                                  # a CUE-labelled span, no picker
    sid = view.selected_span_id()
    assert text[p.span(sid).start:p.span(sid).end] == "Secretary of State Marco Rubio said"
    qtbot.keyClick(view, Qt.Key.Key_Left, ALT | SHIFT)                  # the end: one word back
    sp = p.span(sid)
    assert text[sp.start:sp.end] == "Secretary of State Marco Rubio" and view.selected_span_id() == sid
    assert window.undo_action.text() == "&Undo resize CUE “Secretary of State Marco Rubio”"
    qtbot.keyClick(view, Qt.Key.Key_Right, ALT | CTRL | SHIFT)          # the start: one word on
    assert text[p.span(sid).start:p.span(sid).end] == "of State Marco Rubio"
    assert view.span(sid).start == p.span(sid).start                    # drawn where it is stored
    qtbot.keyClick(view, Qt.Key.Key_Left, ALT | CTRL | SHIFT)
    qtbot.keyClick(view, Qt.Key.Key_Right, ALT | SHIFT)
    assert text[p.span(sid).start:p.span(sid).end] == "Secretary of State Marco Rubio said"
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)                            # one undo step per key
    assert text[p.span(sid).start:p.span(sid).end] == "Secretary of State Marco Rubio"
    # a span keeps at least one word: refused, said, nothing changed
    for _ in range(5):
        qtbot.keyClick(view, Qt.Key.Key_Left, ALT | SHIFT)
    sp = p.span(sid)
    assert text[sp.start:sp.end] == "Secretary"
    assert "at least one word" in window.statusBar().currentMessage()


def test_ctrl_click_in_the_list_adds_to_the_selection_for_assigning_and_keeps_the_document(qtbot, window):
    window.show_document(DOC4)
    docs = window.documents
    idx = docs.proxy.mapFromSource(docs.model.index(docs.model.row_of(DOC2)))
    rect = docs.view.visualRect(idx)
    qtbot.mouseClick(docs.view.viewport(), Qt.MouseButton.LeftButton, CTRL, rect.center())
    assert window.doc_id == DOC4
    assert _selected_docs(window) == sorted([DOC2, DOC4])
    assert window.analysis.selected_documents() and sorted(window.analysis.selected_documents()) == sorted([DOC2, DOC4])
    qtbot.mouseClick(docs.view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, rect.center())
    assert window.doc_id == DOC2 and _selected_docs(window) == [DOC2]
