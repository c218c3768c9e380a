"""Issue 9's bugs (B1, B2, B3, B8, B9, B10), each reproduced in the real window as a person
meets it: select text in the article, press keys, then read the result through ``window.project``."""
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox

DOC4 = "004_925ac23fd4dc491f"
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
CLAIM = "Washington has been urging Pakistan to contribute soldiers"


def _claim(qtbot, window, sel, needle=CLAIM):
    window.show_document(DOC4)
    text = window.view.text()
    i = text.index(needle)
    sel(window, i, i + len(needle))
    qtbot.keyClick(window.view, Qt.Key.Key_2)
    sid = window.view.selected_span_id()
    qtbot.keyClick(window.view, Qt.Key.Key_Escape)    # no proposal: these tests are about the details
    window.view.select_span(sid)
    qtbot.wait(10)                                    # the details are drawn
    assert window.project.spans(DOC4, "alice") and window.session.spans[sid].label == "CLAIM"
    return sid


def test_b1_focus_stays_in_the_details_after_an_attribute_is_picked(qtbot, window, sel):
    sid = _claim(qtbot, window, sel)
    combo = window.annotations.findChild(QComboBox, "attr_modality")
    combo.setFocus()
    combo.setCurrentIndex(combo.findData("hedged"))      # picked from the popup
    qtbot.wait(10)
    rows = window.documents.proxy.rowCount()
    focus = QApplication.focusWidget()
    assert focus is not window.documents.search
    qtbot.keyClicks(focus, "qz")
    assert window.documents.search.text() == ""
    assert window.documents.proxy.rowCount() == rows
    assert window.session.spans[sid].attrs["modality"] == "hedged"
    assert QApplication.focusWidget().objectName() == "attr_modality"


def test_b2_letter_keys_in_a_field_are_typed_not_shortcuts(qtbot, window, sel):
    _claim(qtbot, window, sel)
    combo = window.annotations.findChild(QComboBox, "attr_modality")
    combo.setFocus()
    n = len(window.session.spans)
    qtbot.keyClick(combo, Qt.Key.Key_A)    # type-ahead: "asserted"
    assert "No suggestion" not in window.statusBar().currentMessage()
    assert len(window.session.spans) == n
    combo = window.annotations.findChild(QComboBox, "attr_modality")
    assert combo.currentData() == "asserted"


def test_b3_ctrl_enter_in_the_stance_editor_saves_the_stance(qtbot, window, sel):
    sid = _claim(qtbot, window, sel)
    window.view.setFocus()
    window.view.select_span(sid)
    qtbot.keyClick(window.view, Qt.Key.Key_S)
    ed = window.claims.stances.editor
    assert ed.isVisible()
    ed.holder.setCurrentIndex(ed.holder.findData("united-states"))
    ed.target.setCurrentIndex(ed.target.findData("isf-troops") if ed.target.findData("isf-troops") >= 0 else 1)
    ed.polarity_buttons["support"].setChecked(True)
    ed.conditions.setFocus()
    qtbot.keyClick(ed.conditions, Qt.Key.Key_Return, CTRL)
    p = window.project
    assert p.status(DOC4, "alice") != "done"
    [st] = p.stances(DOC4, "alice")
    assert (st.holder, st.polarity, st.evidence) == ("united-states", "support", [sid])


def _offers(ed):
    """The actor ids the holder's completer offers for what was typed, in its order."""
    m = ed.holder.completer().completionModel()
    names = [m.index(r, 0).data() for r in range(m.rowCount())]
    return [ed.holder.itemData(ed.holder.findText(n)) for n in names]


def test_b8_the_stance_holder_search_knows_aliases(qtbot, window, sel):
    _claim(qtbot, window, sel)
    qtbot.keyClick(window.view, Qt.Key.Key_S)
    ed = window.claims.stances.editor
    ed.holder.lineEdit().clear()
    qtbot.keyClicks(ed.holder.lineEdit(), "Washington")
    offered = _offers(ed)
    assert offered and offered[0] == "united-states"
    ed.holder.lineEdit().clear()
    qtbot.keyClicks(ed.holder.lineEdit(), "US")
    offered = _offers(ed)
    assert offered[0] == "united-states" and "russia" not in offered
    assert ed.holder_id() == "united-states"


def test_b9_the_status_line_follows_a_pick(qtbot, window, sel):
    window.show_document(DOC4)
    text = window.view.text()
    i = text.index("Reports say")
    sel(window, i, i + len("Reports say"))
    qtbot.keyClick(window.view, Qt.Key.Key_3)
    cue = window.view.selected_span_id()
    claim = _claim(qtbot, window, sel)
    window.claims.start_pick(claim, "cue")
    assert "Click (or Tab to)" in window.statusBar().currentMessage()
    window.view.select_span(cue)          # clicked in the text
    assert "Click (or Tab to)" not in window.statusBar().currentMessage()
    assert "cue" in window.statusBar().currentMessage()
    assert window.claims.claims[claim].cue_span == cue
    window.view.select_span(claim)
    window.claims.start_pick(claim, "source")
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_Tab, SHIFT)
    msg = window.statusBar().currentMessage()
    assert "Click (or Tab to)" not in msg and msg


def test_b10_accept_on_a_find_match_that_is_a_suggestion(qtbot, window):
    window.show_document(DOC4)
    qtbot.keyClick(window.view, Qt.Key.Key_F, CTRL)
    qtbot.keyClicks(window.find_bar, "Washington")
    qtbot.keyClick(window.find_bar, Qt.Key.Key_Return)
    qtbot.keyClick(window.find_bar, Qt.Key.Key_Escape)
    qtbot.keyClick(window.view, Qt.Key.Key_A)
    assert "No suggestion" not in window.statusBar().currentMessage()
    spans = window.project.spans(DOC4, "alice")
    assert [(window.view.text()[s.start:s.end], s.actor_id) for s in spans] == [("Washington", "united-states")]
