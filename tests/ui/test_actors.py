"""Actors in the window: the picker on a new ACTOR span, the registry editor, occurrences and
registry suggestions, each driven by keys and widgets and checked in the database and after undo."""
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

DOC4 = "004_925ac23fd4dc491f"
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def key(qtbot, w, k, mod=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(w.view, k, mod)


def undo(qtbot, w):
    key(qtbot, w, Qt.Key.Key_Z, CTRL)


def label_actor(qtbot, window, sel, start, end):
    sel(window, start, end)
    key(qtbot, window, Qt.Key.Key_1)
    if not window.kb.picker.isVisible():
        # a known name or alias is linked as it is made; Ctrl+L opens the picker on it
        assert window.project.span(window.view.selected_span_id()).actor_id is not None
        key(qtbot, window, Qt.Key.Key_L, CTRL)
    assert window.kb.picker.isVisible()
    return window.view.selected_span_id()


def test_picker_links_with_enter_and_undo_unlinks(qtbot, window, sel):
    window.show_document(DOC4)
    text = window.view.text()
    i = text.index("Ishaq Dar")
    sid = label_actor(qtbot, window, sel, i, i + 9)
    picker = window.kb.picker
    assert picker.query.text() == "Ishaq Dar" and picker.query.hasFocus()
    assert picker.current_actor_id() == "ishaq-dar"          # an alias of Mohammad Ishaq Dar
    assert "(person)" in picker.matches.item(0).text()
    assert not picker.alias.isEnabled()                      # already one of its names
    qtbot.keyClick(picker.query, Qt.Key.Key_Return)
    assert not picker.isVisible()
    p = window.project
    assert p.span(sid).actor_id == "ishaq-dar"
    assert "Mohammad Ishaq Dar" in window.annotations.list.currentItem().text()
    undo(qtbot, window)     # the span was linked as it was made: one step
    assert p.spans(DOC4, "alice") == []
    # an unknown name: the picker opens on "create"; Enter links a chosen match, undo unlinks
    i = text.index("officials admit")
    sid = label_actor(qtbot, window, sel, i, i + 9)
    assert picker.current_actor_id() == "\x00create"
    picker.query.clear()
    qtbot.keyClicks(picker.query, "Pakistan")
    qtbot.keyClick(picker.query, Qt.Key.Key_Return)
    assert p.span(sid).actor_id == "pakistan"
    undo(qtbot, window)
    assert p.span(sid).actor_id is None


def test_alias_is_offered_and_never_silent_for_pronouns_or_other_scripts(qtbot, window, sel):
    window.show_document("zz-unicode")
    text = window.view.text()
    u = text.index("پاکستان")
    sid = label_actor(qtbot, window, sel, u, u + 7)
    picker = window.kb.picker
    picker.query.clear()
    qtbot.keyClicks(picker.query, "Pakist")
    assert picker.current_actor_id() == "pakistan"
    assert picker.alias.isEnabled() and not picker.alias.isChecked()   # no capital letter: not offered silently
    qtbot.keyClick(picker.query, Qt.Key.Key_Return)                    # Enter: link only
    p = window.project
    assert p.span(sid).actor_id == "pakistan" and "پاکستان" not in p.actor("pakistan").aliases
    undo(qtbot, window)
    # relink from the details form with Ctrl+Enter: link and keep the text as an alias, one step
    window.view.select_span(sid)
    qtbot.mouseClick(window.annotations.findChild(QPushButton, "actorLinkButton"), Qt.MouseButton.LeftButton)
    assert picker.isVisible()
    picker.query.clear()
    qtbot.keyClicks(picker.query, "Pakistan")
    qtbot.keyClick(picker.query, Qt.Key.Key_Return, CTRL)
    assert p.span(sid).actor_id == "pakistan" and p.actor("pakistan").aliases[-1] == "پاکستان"
    assert p.status("zz-unicode", "alice") == "in_progress"   # Ctrl+Enter did not mark the document done
    undo(qtbot, window)
    assert p.span(sid).actor_id is None and "پاکستان" not in p.actor("pakistan").aliases
    # a pronoun is never ticked
    window.show_document(DOC4)
    text = window.view.text()
    h = text.index(" he continued") + 1
    label_actor(qtbot, window, sel, h, h + 2)
    picker.query.clear()
    qtbot.keyClicks(picker.query, "Rubio")
    assert picker.alias.isEnabled() and not picker.alias.isChecked()
    # a proper name is ticked by default
    qtbot.keyClick(picker.query, Qt.Key.Key_Escape)
    i = text.index("Pakistan’s army chief")
    label_actor(qtbot, window, sel, i, i + 8)
    picker.query.clear()
    qtbot.keyClicks(picker.query, "Asim")
    assert picker.current_actor_id() == "asim-munir" and picker.alias.isChecked()


def test_create_actor_from_the_picker_is_one_undo_step(qtbot, window, sel):
    window.show_document(DOC4)
    text = window.view.text()
    i = text.index("State Department")
    sid = label_actor(qtbot, window, sel, i, i + 16)
    picker = window.kb.picker
    picker.query.clear()
    qtbot.keyClicks(picker.query, "US State Department")
    while picker.current_actor_id() != "\x00create":
        qtbot.keyClick(picker.query, Qt.Key.Key_Down)
    assert picker.matches.currentItem().text() == "+ Create actor “US State Department”"
    picker.type.setCurrentIndex(picker.type.findData("government_body"))
    assert picker.alias.isChecked()
    n = len(window.project.actors())
    qtbot.keyClick(picker.query, Qt.Key.Key_Return)
    p = window.project
    actor = p.actor(p.span(sid).actor_id)
    assert (actor.name, actor.type, actor.aliases) == ("US State Department", "government_body",
                                                       ["State Department"])
    assert p.registry_log()[-1]["author"] == "alice"
    key(qtbot, window, Qt.Key.Key_2, CTRL)          # the Actors tab lists the new actor
    assert window.kb.registry.table.rowCount() == n + 1
    undo(qtbot, window)
    assert len(p.actors()) == n and p.span(sid).actor_id is None
    assert window.kb.registry.table.rowCount() == n


def test_esc_leaves_the_span_unlinked_and_validation_shows_it(qtbot, window, sel):
    window.show_document(DOC4)
    text = window.view.text()
    i = text.index(" he continued") + 1
    sid = label_actor(qtbot, window, sel, i, i + 2)
    qtbot.keyClick(window.kb.picker.query, Qt.Key.Key_Escape)
    assert not window.kb.picker.isVisible() and window.view.hasFocus() and window.view.selected_span_id() == sid
    p = window.project
    assert p.span(sid).actor_id is None
    assert "is not linked to an actor" in window.annotations.warnings.text()
    assert window.annotations.list.item(0).text().startswith("⚠ ACTOR")
    assert "not linked" in window.annotations.list.item(0).toolTip()
    # Ctrl+L opens the picker again for the selected span
    key(qtbot, window, Qt.Key.Key_L, CTRL)
    qtbot.keyClick(window.kb.picker.query, Qt.Key.Key_Return)
    assert window.annotations.warnings.text() == "" and not window.annotations.list.item(0).text().startswith("⚠")


def test_registry_editor_edit_new_merge_history(qtbot, window, sel):
    window.show_document(DOC4)
    reg = window.kb.registry
    key(qtbot, window, Qt.Key.Key_2, CTRL)
    assert window.side.currentWidget() is reg
    qtbot.keyClicks(reg.search, "islamab")
    assert reg.table.rowCount() == 1 and reg.table.item(0, 0).text() == "Pakistan"
    reg.table.selectRow(0)
    assert reg.name.text() == "Pakistan" and reg.external.text() == "Q843"
    reg.aliases.setPlainText("Islamabad\nPakistani government\nIslamic Republic of Pakistan")
    reg.note.setText("the state")
    qtbot.mouseClick(reg.save, Qt.MouseButton.LeftButton)
    p = window.project
    assert p.actor("pakistan").aliases[-1] == "Islamic Republic of Pakistan" and p.actor("pakistan").note == "the state"
    assert reg.table.item(0, 2).text() == "3"
    undo(qtbot, window)
    assert p.actor("pakistan").aliases == ["Islamabad", "Pakistani government"]
    assert reg.aliases.toPlainText() == "Islamabad\nPakistani government"
    # a new actor, then a span linked to it, then merge it into Pakistan
    reg.search.clear()
    qtbot.mouseClick(reg.new, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(reg.name, "Pak govt")
    reg.type.setCurrentIndex(reg.type.findData("government_body"))
    qtbot.mouseClick(reg.save, Qt.MouseButton.LeftButton)
    new_id = reg.current_actor_id()
    assert p.actor(new_id).name == "Pak govt"
    text = window.view.text()
    i = text.index("Pakistan")
    window.apply_change(window.project.annotate(DOC4, "alice", i, i + 8, "ACTOR", actor_id=new_id))
    qtbot.mouseClick(reg.merge, Qt.MouseButton.LeftButton)
    dlg = window.dialogs[-1]
    assert dlg.isVisible() and dlg.windowTitle() == "Merge actors"
    dlg.other.setCurrentIndex(dlg.other.findData("pakistan"))
    dlg.keep.setCurrentIndex(dlg.keep.findData("pakistan"))
    dlg._on_ok()
    assert p.spans(DOC4, "alice")[0].actor_id == "pakistan" and "Pak govt" in p.actor("pakistan").aliases
    assert new_id not in {a.id for a in p.actors()}
    assert reg.current_actor_id() == "pakistan"
    assert "Pakistan (state)" in window.annotations.list.item(0).text()
    undo(qtbot, window)
    assert p.spans(DOC4, "alice")[0].actor_id == new_id and p.actor(new_id).name == "Pak govt"
    # the history names who did what
    qtbot.mouseClick(reg.history, Qt.MouseButton.LeftButton)
    log = window.dialogs[-1].table
    rows = [[log.item(r, c).text() for c in range(5)] for r in range(log.rowCount())]
    assert rows[0][1] == "alice" and rows[0][2].startswith("actor undo:merge")
    assert any("Islamic Republic of Pakistan" in r[4] for r in rows)
    window.dialogs[-1].close()


def test_annotate_all_occurrences_in_document_and_project(qtbot, window, sel):
    window.show_document(DOC4)
    text = window.view.text()
    i = text.index("Pakistan")
    sid = label_actor(qtbot, window, sel, i, i + 8)
    qtbot.keyClick(window.kb.picker.query, Qt.Key.Key_Return)
    key(qtbot, window, Qt.Key.Key_A, CTRL | SHIFT)
    dlg = window.dialogs[-1]
    assert dlg.isVisible() and dlg.windowTitle() == "Occurrences of Pakistan"
    n = dlg.list.count()
    assert n >= 6 and "«Pakistan»" in dlg.list.item(0).text()
    dlg.set_ticked(0, False)
    assert dlg.go.text() == f"Annotate {n - 1}"
    qtbot.mouseClick(dlg.go, Qt.MouseButton.LeftButton)
    p = window.project
    spans = p.spans(DOC4, "alice")
    assert len(spans) == n and {s.actor_id for s in spans} == {"pakistan"} and {s.label for s in spans} == {"ACTOR"}
    undo(qtbot, window)   # one step
    assert [s.id for s in p.spans(DOC4, "alice")] == [sid]
    # the whole project: one undo step for every document
    window.view.select_span(sid)
    dlg = window.kb.occurrences_dialog()
    dlg.whole.setChecked(True)
    docs = {o.document_id for o in dlg.ticked()}
    assert len(docs) >= 4 and dlg.list.count() > n
    qtbot.mouseClick(dlg.go, Qt.MouseButton.LeftButton)
    assert all(any(s.actor_id == "pakistan" for s in p.spans(d, "alice")) for d in docs)
    assert all(p.status(d, "alice") == "in_progress" for d in docs)
    shown = len([s for s in window.view.spans() if s.kind == "annotation"])
    assert shown == len(window.session.spans) > 1   # the open document shows its new spans
    undo(qtbot, window)
    assert sum(len(p.spans(d, "alice")) for d in docs) == 1
    assert len(window.session.spans) == 1


def test_suggestions_accept_reject_accept_all_and_toggle(qtbot, window, sel):
    window.show_document(DOC4)
    text = window.view.text()
    sugg = [s for s in window.view.spans() if s.kind == "suggestion"]
    assert sugg and window.view.span(sugg[0].id).tooltip.startswith("suggestion: Marco Rubio")
    # A accepts the suggestion under the caret
    h = text.index("Hamas")
    window.view.setFocus()
    window.view.set_text_cursor_range(h + 1, h + 1)
    key(qtbot, window, Qt.Key.Key_A)
    p = window.project
    [span] = p.spans(DOC4, "alice")
    assert (span.start, span.end, span.actor_id) == (h, h + 5, "hamas")
    assert not any(s.kind == "suggestion" and s.start == h for s in window.view.spans())
    # X rejects one: nothing stored as a span, the suggestion disappears, undo brings it back
    w_ = text.index("Washington")
    window.view.set_text_cursor_range(w_ + 2, w_ + 2)
    key(qtbot, window, Qt.Key.Key_X)
    assert len(p.spans(DOC4, "alice")) == 1
    assert not any(s.kind == "suggestion" and s.start == w_ for s in window.view.spans())
    undo(qtbot, window)
    assert any(s.kind == "suggestion" and s.start == w_ for s in window.view.spans())
    # accept all is one step
    n = len([s for s in window.view.spans() if s.kind == "suggestion"])
    key(qtbot, window, Qt.Key.Key_A, SHIFT)
    assert len(p.spans(DOC4, "alice")) == n + 1
    assert not any(s.kind == "suggestion" for s in window.view.spans())
    undo(qtbot, window)
    assert len(p.spans(DOC4, "alice")) == 1
    assert len([s for s in window.view.spans() if s.kind == "suggestion"]) == n
    # Tab skips suggestions; the View menu hides them
    window.view.clear_span_selection()
    key(qtbot, window, Qt.Key.Key_Tab)
    assert window.view.selected_span_id() == span.id
    window.kb.suggestions_action.trigger()
    assert not any(s.kind == "suggestion" for s in window.view.spans())
    window.kb.suggestions_action.trigger()
    assert len([s for s in window.view.spans() if s.kind == "suggestion"]) == n


def _details(window) -> list[tuple[str, str]]:
    """The details form's visible rows: (row name, the field's text) top to bottom."""
    from PySide6.QtWidgets import QApplication, QLabel
    QApplication.processEvents()    # new rows' widgets are shown by the layout a moment later
    form, out = window.annotations.form, []
    for i in range(1, form.rowCount()):
        name = form.itemAt(i, form.ItemRole.LabelRole)
        field = form.itemAt(i, form.ItemRole.FieldRole)
        if name is None or field is None:
            continue
        f = field.widget()
        assert not f.isHidden()
        out.append((name.widget().text(), f.text() if isinstance(f, (QLabel, QPushButton)) else type(f).__name__))
    return out


def test_details_rows_are_kept_and_show_each_span(qtbot, window, sel):
    """The details' Label and Text rows and the actor button are made once and given each span
    (a label key builds no widget); their texts, the button's span and the other kinds' rows follow
    the span shown."""
    window.show_document(DOC4)
    text = window.view.text()
    i, j = text.index("Ishaq Dar"), text.index("officials admit")
    a = label_actor(qtbot, window, sel, i, i + 9)
    qtbot.keyClick(window.kb.picker.query, Qt.Key.Key_Escape)
    b = label_actor(qtbot, window, sel, j, j + 9)
    qtbot.keyClick(window.kb.picker.query, Qt.Key.Key_Escape)
    panel = window.annotations
    before = set(panel.details.findChildren(QPushButton)) | set(panel.details.findChildren(type(panel.hint)))
    window.view.select_span(a)
    assert _details(window)[:2] == [("Label", "<b>ACTOR</b>"), ("Text", "Ishaq Dar")]
    assert "Ishaq Dar" in _details(window)[2][1] and _details(window)[2][0] == "Actor"
    window.view.select_span(b)
    assert _details(window)[:3] == [("Label", "<b>ACTOR</b>"), ("Text", "officials"),
                                    ("Actor", "⚠ not linked — link… (Ctrl+L)")]
    after = set(panel.details.findChildren(QPushButton)) | set(panel.details.findChildren(type(panel.hint)))
    assert after == before          # nothing made, nothing waiting to be deleted
    # the kept button links the span it shows
    qtbot.mouseClick(panel.findChild(QPushButton, "actorLinkButton"), Qt.MouseButton.LeftButton)
    assert window.kb.picker.isVisible() and window.kb.picker.query.text() == "officials"
    qtbot.keyClick(window.kb.picker.query, Qt.Key.Key_Escape)
    # a CLAIM's details: no actor row, and no hidden kept button found by its name
    k = text.index("officials admit")
    sel(window, k, k + 15)
    key(qtbot, window, Qt.Key.Key_2)
    rows = _details(window)
    assert rows[0] == ("Label", "<b>CLAIM</b>") and all(name != "Actor" for name, _ in rows)
    assert panel.findChild(QPushButton, "actorLinkButton") is None
    # nothing selected: the hint, and no row
    window.view.clear_span_selection()
    assert panel.hint.isVisible() and _details(window) == []
