"""Claims, stances, relations, validation, document labels and guidelines in the window, driven
by keys and widgets, each checked in the database and after undo."""
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QPushButton, QTableWidget

DOC4 = "004_925ac23fd4dc491f"
CTRL = Qt.KeyboardModifier.ControlModifier
CLAIM = "Pakistan has offered to send troops for a proposed International Stabilisation Force (ISF) in Gaza"
EVIDENCE = "Pakistan has said it is willing to take part in peacekeeping but will not disarm Hamas"


def key(qtbot, w, k, mod=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(w.view, k, mod)


def undo(qtbot, w):
    key(qtbot, w, Qt.Key.Key_Z, CTRL)


def mark(qtbot, window, sel, needle, k, actor=None):
    """Select *needle* and press label key *k*; answer the actor picker with *actor* (or Esc)."""
    text = window.view.text()
    i = text.index(needle)
    sel(window, i, i + len(needle))
    key(qtbot, window, k)
    if window.claims.has_proposal():
        key(qtbot, window, Qt.Key.Key_Escape)   # a new claim's proposal: dismissed, the claim stays selected
    if window.kb.picker.isVisible():
        picker = window.kb.picker
        if actor is None:
            qtbot.keyClick(picker.query, Qt.Key.Key_Escape)
        else:
            picker.choose(actor)
            qtbot.keyClick(picker.query, Qt.Key.Key_Return)
    return window.view.selected_span_id()


def test_claim_source_cue_and_quote_from_the_details(qtbot, window, sel):
    window.show_document(DOC4)
    rubio = mark(qtbot, window, sel, "Marco Rubio", Qt.Key.Key_1, "marco-rubio")
    said = mark(qtbot, window, sel, "said", Qt.Key.Key_3)
    claim = mark(qtbot, window, sel, CLAIM, Qt.Key.Key_2)
    key(qtbot, window, Qt.Key.Key_Return)      # Enter: details
    ed = window.annotations.findChild(QComboBox, "claimSource").parent().parent()
    assert window.annotations.list.currentItem().text().endswith("⚠ no source yet")
    ed.select_source("span", rubio)
    p = window.project
    c = p.claims(DOC4, "alice")[claim]
    assert (c.source_kind, c.source_actor, c.source_span) == ("actor", "marco-rubio", rubio)
    assert "source: Marco Rubio" in window.annotations.list.currentItem().text()
    assert "source: Marco Rubio" in window.view.tooltip_at(window.view.span(claim).start)   # hover text, built on hover
    # the cue by "pick in text": press pick, then select the CUE span
    qtbot.mouseClick(window.annotations.findChild(QPushButton, "pick_cue"), Qt.MouseButton.LeftButton)
    window.view.select_span(said)
    assert window.view.selected_span_id() == claim
    # the quote type, in the claim's own row of the details
    quote = window.annotations.findChild(QComboBox, "claimQuote")
    quote.setCurrentIndex(quote.findData("reported"))
    c = p.claims(DOC4, "alice")[claim]
    assert (c.cue_span, c.quote, c.source_span) == (said, "reported", rubio)
    assert p.span(claim).attrs == {}
    undo(qtbot, window)
    undo(qtbot, window)
    c = p.claims(DOC4, "alice")[claim]
    assert (c.cue_span, c.quote, c.source_actor) == (None, None, "marco-rubio")
    # a registry actor, then the article itself
    window.view.select_span(claim)
    ed = window.annotations.findChild(QComboBox, "claimSource").parent().parent()
    ed.select_source("actor", "pakistan")
    window.view.select_span(claim)
    window.annotations.findChild(QComboBox, "claimSource").parent().parent().select_source("article")
    c = p.claims(DOC4, "alice")[claim]
    assert (c.source_kind, c.source_actor) == ("article", None)
    assert "source: the article" in window.annotations.list.currentItem().text()
    undo(qtbot, window)
    assert p.claims(DOC4, "alice")[claim].source_actor == "pakistan"


def test_stance_from_selection_with_key_s_edit_and_delete(qtbot, window, sel):
    window.show_document(DOC4)
    text = window.view.text()
    i = text.index(EVIDENCE)
    sel(window, i, i + len(EVIDENCE))
    key(qtbot, window, Qt.Key.Key_S)       # makes the selection a CLAIM and opens the editor with it
    panel = window.claims.stances
    ed = panel.editor
    assert window.side.currentWidget() is panel and ed.isVisible() and ed.title() == "New stance"
    p = window.project
    [claim] = p.spans(DOC4, "alice")
    assert (claim.label, claim.start, claim.end) == ("CLAIM", i, i + len(EVIDENCE))
    assert ed.evidence_ids() == [claim.id]
    qtbot.keyClicks(ed.holder.lineEdit(), "Pakistan (state)")
    ed.target.setCurrentIndex(ed.target.findData("disarm-hamas"))
    qtbot.mouseClick(ed.polarity_buttons["oppose"], Qt.MouseButton.LeftButton)
    qtbot.keyClicks(ed.conditions, "unless asked by the UN")
    qtbot.mouseClick(ed.save, Qt.MouseButton.LeftButton)
    [st] = p.stances(DOC4, "alice")
    assert (st.holder, st.target, st.polarity, st.conditions, st.evidence) == (
        "pakistan", "disarm-hamas", "oppose", "unless asked by the UN", [claim.id])
    assert not ed.isVisible()
    assert panel.list.item(0).text() == "Pakistan → disarming Hamas: oppose (if unless asked by the UN)"
    # selecting the stance highlights its evidence
    window.view.clear_span_selection()
    panel.list.setCurrentRow(-1)
    panel.list.setCurrentRow(0)
    assert window.view.selected_span_id() == claim.id
    # edit: a new target made inline, another polarity
    qtbot.mouseClick(panel.edit, Qt.MouseButton.LeftButton)
    assert ed.title() == "Edit stance" and ed.holder_id() == "pakistan"
    ed.target.setCurrentIndex(ed.target.findData("\x00new"))
    assert ed.new_target.isVisible()
    qtbot.keyClicks(ed.new_target, "peacekeeping in Gaza")
    qtbot.keyClick(ed.new_target, Qt.Key.Key_Return)
    assert ed.target.currentText() == "peacekeeping in Gaza"
    qtbot.mouseClick(ed.polarity_buttons["support"], Qt.MouseButton.LeftButton)
    ed.conditions.clear()
    qtbot.mouseClick(ed.save, Qt.MouseButton.LeftButton)
    [st2] = p.stances(DOC4, "alice")
    target = next(t for t in p.targets() if t.name == "peacekeeping in Gaza")
    assert (st2.id, st2.target, st2.polarity, st2.conditions) == (st.id, target.id, "support", None)
    assert panel.list.item(0).text() == "Pakistan → peacekeeping in Gaza: support"
    undo(qtbot, window)
    assert p.stances(DOC4, "alice")[0].polarity == "oppose"
    qtbot.mouseClick(panel.delete, Qt.MouseButton.LeftButton)
    assert p.stances(DOC4, "alice") == []
    undo(qtbot, window)
    assert p.stances(DOC4, "alice")[0].evidence == [claim.id]
    assert panel.list.count() == 1


def test_stance_from_selected_claim_prefills_holder_and_adds_evidence(qtbot, window, sel):
    window.show_document(DOC4)
    rubio = mark(qtbot, window, sel, "Marco Rubio", Qt.Key.Key_1, "marco-rubio")
    claim = mark(qtbot, window, sel, CLAIM, Qt.Key.Key_2)
    window.project.set_claim(claim, source_span=rubio)
    window.claims.refresh()
    window.view.select_span(claim)
    key(qtbot, window, Qt.Key.Key_S)
    ed = window.claims.stances.editor
    assert ed.holder_id() == "marco-rubio" and ed.evidence_ids() == [claim]
    p = window.project
    assert len(p.spans(DOC4, "alice")) == 2          # no new CLAIM for an existing one
    window.view.select_span(rubio)
    qtbot.mouseClick(ed.findChild(QPushButton, "addEvidence"), Qt.MouseButton.LeftButton)
    assert ed.evidence_ids() == [claim, rubio]
    ed.evidence.setCurrentRow(1)
    qtbot.mouseClick(ed.findChild(QPushButton, "removeEvidence"), Qt.MouseButton.LeftButton)
    ed.target.setCurrentIndex(ed.target.findData("isf-troops"))
    qtbot.mouseClick(ed.save, Qt.MouseButton.LeftButton)    # no polarity yet: refused, editor stays
    assert ed.isVisible() and "polarity" in window.statusBar().currentMessage()
    qtbot.mouseClick(ed.polarity_buttons["support"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(ed.save, Qt.MouseButton.LeftButton)
    [st] = p.stances(DOC4, "alice")
    assert (st.holder, st.target, st.polarity, st.evidence) == ("marco-rubio", "isf-troops", "support", [claim])
    undo(qtbot, window)
    assert p.stances(DOC4, "alice") == []


def test_relations_add_highlight_delete_undo(qtbot, window, sel):
    window.show_document(DOC4)
    rubio = mark(qtbot, window, sel, "Marco Rubio", Qt.Key.Key_1, "marco-rubio")
    claim = mark(qtbot, window, sel, CLAIM, Qt.Key.Key_2)
    key(qtbot, window, Qt.Key.Key_4, CTRL)
    panel = window.claims.relations
    assert window.side.currentWidget() is panel
    # From offers ACTOR spans only, To offers CLAIM spans only (the scheme's SOURCE_OF)
    assert [panel.head.itemData(i) for i in range(panel.head.count())] == [rubio]
    assert [panel.tail.itemData(i) for i in range(panel.tail.count())] == [claim]
    panel.choose("SOURCE_OF", rubio, claim)
    qtbot.mouseClick(panel.add, Qt.MouseButton.LeftButton)
    p = window.project
    [r] = p.relations(DOC4, "alice")
    assert (r.head, r.tail, r.label) == (rubio, claim, "SOURCE_OF")
    assert panel.list.item(0).text() == "Marco Rubio —SOURCE_OF→ “Pakistan has offered to send troops for…”"
    window.view.clear_span_selection()
    panel.list.setCurrentRow(0)
    assert window.view.selected_span_id() == rubio
    qtbot.mouseClick(panel.delete, Qt.MouseButton.LeftButton)
    assert p.relations(DOC4, "alice") == []
    undo(qtbot, window)
    undo(qtbot, window)
    assert p.relations(DOC4, "alice") == []
    assert panel.list.count() == 0


def test_mark_done_with_problems_needs_a_reason(qtbot, window, sel):
    window.show_document(DOC4)
    mark(qtbot, window, sel, "officials", Qt.Key.Key_1)      # not a known name; Esc in the picker: unlinked
    claim = mark(qtbot, window, sel, CLAIM, Qt.Key.Key_2)
    assert window.annotations.warnings.isVisible()
    assert "claim “Pakistan has offered" in window.annotations.warnings.text()
    key(qtbot, window, Qt.Key.Key_Return, CTRL)
    dlg = window.dialogs[-1]
    assert dlg.isVisible() and dlg.list.count() == 2
    p = window.project
    assert p.status(DOC4, "alice") == "in_progress"
    assert not dlg.anyway.isEnabled()
    dlg.list.setCurrentRow(1)
    dlg.problemClicked.emit(claim)                            # double-click: go there
    assert window.view.selected_span_id() == claim
    qtbot.keyClicks(dlg.reason, "Hamas entry pending in the registry")
    assert dlg.anyway.isEnabled()
    qtbot.mouseClick(dlg.anyway, Qt.MouseButton.LeftButton)
    assert p.status(DOC4, "alice") == "done"
    assert p.conn.execute("SELECT reason FROM doc_status WHERE document_id=? AND layer='alice'",
                          (DOC4,)).fetchone()[0] == "Hamas entry pending in the registry"
    undo(qtbot, window)
    assert p.status(DOC4, "alice") == "in_progress"
    # without problems, Ctrl+Enter marks done at once
    window.project.set_claim(claim, source_kind="article")
    hamas = next(s.id for s in window.project.spans(DOC4, "alice") if s.label == "ACTOR")
    window.apply_change(window.project.link_actor(hamas, "hamas"))
    n = len(window.dialogs)
    key(qtbot, window, Qt.Key.Key_Return, CTRL)
    assert len(window.dialogs) == n
    assert p.status(DOC4, "alice") == "done"


def test_document_labels_saved_on_change(qtbot, window):
    window.show_document(DOC4)
    rel = window.annotations.findChild(QComboBox, "doclabel_relevance")
    frame = window.annotations.findChild(QComboBox, "doclabel_framing")
    assert rel.isVisible() and rel.currentData() is None
    rel.setCurrentIndex(rel.findData("relevant"))
    frame.setCurrentIndex(frame.findData("diplomacy"))
    p = window.project
    assert p.doc_labels(DOC4, "alice") == {"framing": "diplomacy", "relevance": "relevant"}
    undo(qtbot, window)
    assert frame.currentData() is None
    assert p.doc_labels(DOC4, "alice") == {"relevance": "relevant"}
    rel.setCurrentIndex(0)   # "—" clears
    assert p.doc_labels(DOC4, "alice") == {}
    # another document shows its own (none)
    window.step_document(1)
    assert rel.currentData() is None


def test_guidelines_tab_label_tooltips_and_help_keys(qtbot, window):
    key(qtbot, window, Qt.Key.Key_5, CTRL)
    guide = window.kb.guide
    assert window.side.currentWidget() is guide
    md = guide.browser.toPlainText()
    assert "Annotation guidelines" in md and "Examples:" in md
    tip = window.label_bar.buttons["ACTOR"].toolTip()
    assert "A mention of who acts" in tip and "Examples:" in tip and "Islamabad (→ Pakistan)" in tip
    key(qtbot, window, Qt.Key.Key_F1)
    table = window.dialogs[-1].findChild(QTableWidget, "shortcutsTable")
    keys = {table.item(r, 0).text() for r in range(table.rowCount())}
    assert {"S", "A / X", "Shift+A", "Ctrl+L", "Ctrl+Shift+A"} <= keys
    window.dialogs[-1].close()
    # every new action is in a menu
    texts = {a.text().replace("&", "") for a in window.annotate_menu.actions()}
    assert {"Link Actor…", "Annotate All Occurrences…", "Accept Suggestion", "Reject Suggestion",
            "Accept All Suggestions", "New Stance"} <= texts
    assert "Show Suggestions" in {a.text().replace("&", "") for a in window.view_menu.actions()}
    assert "Registry History…" in {a.text().replace("&", "") for a in window.review_menu.actions()}
