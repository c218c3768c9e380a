"""Issue 9's fast paths, driven as a person does in the real window: known names linked as they
are made, unknown ones created in 3 inputs with a guessed type, a claim's proposal accepted in
one undo step, stances saved by their last key, drafts that come back, find that folds quotes,
undo that quotes the text, and the window reopening where it was left."""
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

DOC4 = "004_925ac23fd4dc491f"
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def key(qtbot, w, k, mod=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(w.view, k, mod)


def mark(qtbot, window, sel, needle, k, nth=0):
    text = window.view.text()
    i = -1
    for _ in range(nth + 1):
        i = text.index(needle, i + 1)
    sel(window, i, i + len(needle))
    key(qtbot, window, k)
    return window.view.selected_span_id()


def test_known_name_is_linked_in_two_inputs_and_a_new_one_in_three(qtbot, window, sel):
    window.show_document(DOC4)
    p = window.project
    sid = mark(qtbot, window, sel, "Washington", Qt.Key.Key_1)          # an alias of the United States
    assert not window.kb.picker.isVisible()
    assert p.span(sid).actor_id == "united-states"
    assert "United States" in window.statusBar().currentMessage()
    key(qtbot, window, Qt.Key.Key_Z, CTRL)                              # one undo step: span and link
    assert p.spans(DOC4, "alice") == []
    assert "annotate ACTOR “Washington”" in window.statusBar().currentMessage()   # the text, not 972-982
    key(qtbot, window, Qt.Key.Key_Z, CTRL)                              # the start of history says so
    assert "Nothing to undo" in window.statusBar().currentMessage()
    # an unknown name: the picker on "create", its type guessed from the words; Enter creates
    sid = mark(qtbot, window, sel, "State Department", Qt.Key.Key_1)
    picker = window.kb.picker
    assert picker.isVisible() and picker.current_actor_id() == "\x00create"
    assert picker.type.currentData() == "government_body"
    qtbot.keyClick(picker.query, Qt.Key.Key_Return)
    actor = p.actor(p.span(sid).actor_id)
    assert (actor.name, actor.type) == ("State Department", "government_body")


def test_a_claim_proposal_is_shown_cycled_and_accepted_as_one_undo_step(qtbot, window, sel):
    window.show_document(DOC4)
    p = window.project
    rubio = mark(qtbot, window, sel, "Rubio", Qt.Key.Key_1, nth=1)       # "…, Rubio said, “We’re …"
    assert p.span(rubio).actor_id == "marco-rubio"
    text = window.view.text()
    start = text.index("We’re very grateful")
    end = text.index("firmly commit") + len("firmly commit")
    sel(window, start, end)
    key(qtbot, window, Qt.Key.Key_2)
    claim = window.view.selected_span_id()
    msg = window.statusBar().currentMessage()
    assert msg.startswith("Proposed: source “Rubio” → Marco Rubio") and "cue “said” (new)" in msg
    assert "quote direct" in msg and "asserted" in msg
    key(qtbot, window, Qt.Key.Key_Tab)                                  # Tab: the next candidate
    assert "source “Rubio”" not in window.statusBar().currentMessage()
    key(qtbot, window, Qt.Key.Key_Tab, SHIFT)                           # Shift+Tab: back
    assert "source “Rubio” → Marco Rubio" in window.statusBar().currentMessage()
    assert window.view.selected_span_id() == claim                      # Tab did not move to a span
    n_spans = len(p.spans(DOC4, "alice"))
    key(qtbot, window, Qt.Key.Key_Return)                               # Enter accepts
    c = p.claims(DOC4, "alice")[claim]
    cue = p.span(c.cue_span)
    assert (c.source_actor, c.source_span, c.quote) == ("marco-rubio", rubio, "direct")
    assert (text[cue.start:cue.end], cue.label) == ("said", "CUE")
    assert p.span(claim).attrs == {"modality": "asserted"}
    assert len(p.spans(DOC4, "alice")) == n_spans + 1
    key(qtbot, window, Qt.Key.Key_Z, CTRL)                              # ONE step: cue span, claim, modality
    assert claim not in p.claims(DOC4, "alice") or p.claims(DOC4, "alice")[claim].source_kind is None
    assert len(p.spans(DOC4, "alice")) == n_spans and p.span(claim).attrs == {}
    # Esc dismisses a proposal without writing anything; Tab then means "next span" again
    sel(window, start, end)
    key(qtbot, window, Qt.Key.Key_2, )
    assert not window.claims.has_proposal()   # already a CLAIM span: relabel is a no-op, no new proposal


def test_esc_dismisses_and_the_next_action_ends_a_proposal(qtbot, window, sel):
    window.show_document(DOC4)
    mark(qtbot, window, sel, "Reports say", Qt.Key.Key_3)
    claim = mark(qtbot, window, sel, "Washington has been urging Pakistan to contribute soldiers", Qt.Key.Key_2)
    assert window.claims.has_proposal()
    key(qtbot, window, Qt.Key.Key_Escape)
    assert not window.claims.has_proposal() and window.view.selected_span_id() == claim
    assert window.project.claims(DOC4, "alice").get(claim) is None
    key(qtbot, window, Qt.Key.Key_Tab, SHIFT)                           # Tab keeps its meaning: previous span
    assert window.view.selected_span_id() != claim


def test_a_stance_in_four_keys_and_a_draft_that_comes_back(qtbot, window, sel, filled):
    window.show_document(DOC4)
    p = window.project
    mark(qtbot, window, sel, "Washington", Qt.Key.Key_1)
    claim = mark(qtbot, window, sel, "Washington has been urging Pakistan to contribute soldiers", Qt.Key.Key_2)
    key(qtbot, window, Qt.Key.Key_Escape)
    key(qtbot, window, Qt.Key.Key_S)
    ed = window.claims.stances.editor
    assert ed.isVisible() and ed.holder_id() == "united-states"          # the actor the claim opens with
    assert QApplication.focusWidget() is ed.target
    qtbot.wait(QApplication.keyboardInputInterval() + 50)
    qtbot.keyClicks(ed.target, "c")                                     # "contributing troops to the ISF"
    assert ed.target.currentData() == "isf-troops"
    qtbot.keyClick(ed.target, Qt.Key.Key_1)                             # support: the last key saves
    [st] = p.stances(DOC4, "alice")
    assert (st.holder, st.target, st.polarity, st.evidence) == ("united-states", "isf-troops", "support", [claim])
    assert not ed.isVisible()
    # a half-filled stance: leaving the document keeps it as a draft, it comes back
    window.view.select_span(claim)
    window.view.setFocus()
    key(qtbot, window, Qt.Key.Key_S)
    qtbot.keyClick(ed.target, Qt.Key.Key_Down)
    target = ed.target.currentData()
    window.step_document(1)
    assert not ed.isVisible()
    filled(window, DOC4)         # the draft comes back with the side panels
    assert ed.isVisible() and ed.target.currentData() == target and ed.evidence_ids() == [claim]
    assert "draft" in window.statusBar().currentMessage()
    qtbot.keyClick(ed.target, Qt.Key.Key_Escape)                        # Esc drops it
    assert not ed.isVisible()
    window.show_document(DOC4)
    assert not ed.isVisible()


def test_find_folds_quotes_and_counts(qtbot, window):
    window.show_document(DOC4)
    key(qtbot, window, Qt.Key.Key_F, CTRL)
    qtbot.keyClicks(window.find_bar, "We're")
    qtbot.keyClick(window.find_bar, Qt.Key.Key_Return)
    text = window.view.text()
    assert window.view.selected_range() == (text.index("We’re"), text.index("We’re") + 5)
    assert window.find_count.text() == "1 of 1"
    window.find_bar.clear()
    qtbot.keyClicks(window.find_bar, "pakistan")
    qtbot.keyClick(window.find_bar, Qt.Key.Key_Return)
    first, _, total = window.find_count.text().partition(" of ")
    qtbot.keyClick(window.find_bar, Qt.Key.Key_Return)
    assert window.find_count.text() == f"{int(first) + 1} of {total}" and int(total) == text.count("Pakistan")


def test_the_window_reopens_on_the_last_document_at_its_place(qtbot, project_path):
    from isfannotate_ui.app import create_main_window
    w = create_main_window(project_path, "alice")
    qtbot.addWidget(w)
    w.show_document(DOC4)
    w.view.scroll_to(1200)
    w.close()
    w2 = create_main_window(project_path, "alice")
    qtbot.addWidget(w2)
    try:
        assert w2.doc_id == DOC4 and w2.view.cursor_position() == 1200
    finally:
        w2.close()
    from isfannotate_ui.app_settings import app_settings
    assert app_settings().value("window/geometry") is not None


def _point(view, cp, right=False):
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QTextCursor
    cur = QTextCursor(view.document())
    cur.setPosition(view.offsets.to_qt(cp))
    r = view.cursorRect(cur)
    if right:   # the right half of the letter at cp
        nxt = QTextCursor(view.document())
        nxt.setPosition(view.offsets.to_qt(cp + 1))
        return QPoint((r.left() + view.cursorRect(nxt).left()) // 2 + 2, r.center().y())
    return QPoint(r.left() + 2, r.center().y())


def test_selection_drag_from_a_last_letter_and_ctrl_shift_right(qtbot, window):
    from PySide6.QtTest import QTest
    window.show_document(DOC4)
    view = window.view
    text = view.text()
    i = text.index("State Department")
    view.scroll_to(i)
    qtbot.wait(10)
    vp = view.viewport()
    a, b = _point(view, i + 4, right=True), _point(view, i + 14, right=True)   # "Stat[e]" … "Departmen[t]"
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, a)
    QTest.mouseMove(vp, b)
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, b)
    assert view.selected_range() == (i, i + 16)
    # Ctrl+Shift+→ after a word takes the next word, not only the space
    window.view.set_text_cursor_range(i, i + 5)
    qtbot.keyClick(view, Qt.Key.Key_Right, CTRL | SHIFT)
    assert view.selected_range() == (i, i + 16)


def test_pick_buttons_stay_put_when_the_no_source_line_goes(qtbot, window, sel):
    from PySide6.QtCore import QPoint
    from PySide6.QtWidgets import QComboBox, QPushButton
    window.show_document(DOC4)
    claim = mark(qtbot, window, sel, "Washington has been urging Pakistan to contribute soldiers", Qt.Key.Key_2)
    key(qtbot, window, Qt.Key.Key_Escape)                 # no proposal: the claim has no source
    qtbot.wait(20)
    assert "has no source" in window.annotations.warnings.text()

    def pick_y():
        b = window.annotations.findChild(QPushButton, "pick_source")
        return b.mapTo(window, QPoint(0, 0)).y()

    before = pick_y()
    ed = window.annotations.findChild(QComboBox, "claimSource").parent().parent()
    ed.select_source("article")
    qtbot.wait(20)
    assert window.project.claims(DOC4, "alice")[claim].source_kind == "article"
    assert "has no source" not in window.annotations.warnings.text()
    assert pick_y() == before


def test_enter_on_the_pickers_type_field_creates_the_actor(qtbot, window, sel):
    window.show_document(DOC4)
    sid = mark(qtbot, window, sel, "officials", Qt.Key.Key_1)
    picker = window.kb.picker
    assert picker.isVisible() and picker.current_actor_id() == "\x00create"
    picker.type.setFocus()
    qtbot.keyClick(picker.type, Qt.Key.Key_Down)           # another type, by key
    chosen = picker.type.currentData()
    qtbot.keyClick(picker.type, Qt.Key.Key_Return)
    actor = window.project.actor(window.project.span(sid).actor_id)
    assert (actor.name, actor.type) == ("officials", chosen) and not picker.isVisible()


def test_the_article_keeps_its_width_whatever_the_side_panel_shows(qtbot, window, sel):
    window.show_document(DOC4)
    qtbot.wait(20)
    width = window.view.width()
    for i in range(window.side.count()):
        window.side.setCurrentIndex(i)
        qtbot.wait(10)
        assert window.view.width() == width, window.side.tabText(i)
    mark(qtbot, window, sel, "Washington has been urging Pakistan to contribute soldiers", Qt.Key.Key_2)
    key(qtbot, window, Qt.Key.Key_Escape)
    key(qtbot, window, Qt.Key.Key_Return)           # the claim's details
    qtbot.wait(10)
    assert window.view.width() == width
    window.view.setFocus()
    key(qtbot, window, Qt.Key.Key_S)                # the stance editor, with long actor names in its lists
    qtbot.wait(10)
    assert window.claims.stances.editor.isVisible() and window.view.width() == width


def test_tab_in_the_claim_details_runs_source_cue_quote_modality_and_back_to_the_article(qtbot, window, sel):
    window.show_document(DOC4)
    mark(qtbot, window, sel, "Washington has been urging Pakistan to contribute soldiers", Qt.Key.Key_2)
    key(qtbot, window, Qt.Key.Key_Escape)
    key(qtbot, window, Qt.Key.Key_Return)                     # Enter: the details, on the source
    qtbot.wait(10)
    seen = [QApplication.focusWidget().objectName()]
    for _ in range(7):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        seen.append(QApplication.focusWidget().objectName())
        if seen[-1] == "articleView":
            break
    assert seen[:4] == ["claimSource", "claimCue", "claimQuote", "attr_modality"]
    assert seen[-1] == "articleView" and QApplication.focusWidget() is not window.documents.search


def test_a_half_filled_stance_survives_closing_the_app(qtbot, window, project_path):
    from isfannotate_ui.app import create_main_window
    w = window
    w.show_document(DOC4)
    text = w.view.text()
    i = text.index("Washington has been urging")
    w.view.setFocus()
    w.view.set_text_cursor_range(i, i + len("Washington has been urging Pakistan to contribute soldiers"))
    qtbot.keyClick(w.view, Qt.Key.Key_S)                      # a CLAIM and the stance editor
    ed = w.claims.stances.editor
    assert ed.isVisible()
    ed.conditions.setFocus()
    qtbot.keyClicks(ed.conditions, "if the ISF")
    w.close()                                                 # no question asked
    w2 = create_main_window(project_path, "alice")
    qtbot.addWidget(w2)
    try:
        ed2 = w2.claims.stances.editor
        assert w2.doc_id == DOC4 and ed2.isVisibleTo(w2) and ed2.conditions.text() == "if the ISF"
        assert len(ed2.evidence_ids()) == 1
    finally:
        w2.close()


def test_q_steps_the_quote_type_of_a_proposal(qtbot, window, sel):
    window.show_document(DOC4)
    mark(qtbot, window, sel, "Reports say", Qt.Key.Key_3)
    claim = mark(qtbot, window, sel, "Washington has been urging Pakistan to contribute soldiers", Qt.Key.Key_2)
    assert "quote reported" in window.statusBar().currentMessage()
    key(qtbot, window, Qt.Key.Key_Q)
    assert "quote none" in window.statusBar().currentMessage()
    key(qtbot, window, Qt.Key.Key_Q)
    assert "quote direct" in window.statusBar().currentMessage()
    key(qtbot, window, Qt.Key.Key_Return)
    c = window.project.claims(DOC4, "alice")[claim]
    assert (c.source_kind, c.quote) == ("article", "direct")
    assert window.project.span(claim).attrs == {"modality": "hedged"}


def test_tab_in_the_stance_editor_never_lands_on_a_polarity(qtbot, window, sel):
    window.show_document(DOC4)
    mark(qtbot, window, sel, "Washington has been urging Pakistan to contribute soldiers", Qt.Key.Key_2)
    key(qtbot, window, Qt.Key.Key_Escape)
    key(qtbot, window, Qt.Key.Key_S)
    ed = window.claims.stances.editor
    ed.polarity_buttons["oppose"].setChecked(True)          # as a previous stance might have left it
    ed.holder.setFocus()
    seen = []
    for _ in range(4):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        seen.append(QApplication.focusWidget())
    assert seen[0] is ed.target and seen[1] is ed.conditions
    assert not any(w in ed.polarity_buttons.values() for w in seen)


def test_a_lower_case_word_is_never_linked_as_a_known_name(qtbot, window, sel):
    window.show_document("zz-unicode")
    window.session.run(window.project.add_actor, "Families", "person")   # a name, capitalised
    sid = mark(qtbot, window, sel, "Pakistan", Qt.Key.Key_1)
    assert window.project.span(sid).actor_id == "pakistan" and not window.kb.picker.isVisible()
    sid = mark(qtbot, window, sel, "families", Qt.Key.Key_1)               # the same letters, a common noun
    assert window.kb.picker.isVisible() and window.project.span(sid).actor_id is None
