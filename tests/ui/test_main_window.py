"""The annotation window driven as a person would: select text, press keys, read the database."""
import os
import subprocess
import sys

from PySide6.QtCore import Qt

DOC4 = "004_925ac23fd4dc491f"


def db_spans(window, doc, layer="alice"):
    """What the database holds, read through the window's own project (a second open is refused)."""
    return [(s.start, s.end, s.label) for s in window.project.spans(doc, layer)]


def drawn(view):
    """Annotations drawn in the view (registry suggestions are drawn too, dashed)."""
    return [s for s in view.spans() if s.kind == "annotation"]


def key(qtbot, w, k, mod=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(w.view, k, mod)


def test_window_parts_have_names(window):
    assert window.findChild(type(window.view), "articleView") is window.view
    assert window.documents.view.objectName() == "documentList"
    assert window.documents.model.rowCount() == 6
    assert "alice" in window.windowTitle()


def test_select_and_press_key_creates_span(qtbot, window, sel):
    window.show_document(DOC4)
    text = window.view.text()
    i = text.index("Marco Rubio")
    sel(window, i, i + 11)
    key(qtbot, window, Qt.Key.Key_1)
    assert db_spans(window, DOC4) == [(i, i + 11, "ACTOR")]
    assert drawn(window.view)[0].label == "ACTOR"
    assert "saved ✓" in window.status_label.text()
    # the document is now in progress in the list
    row = window.documents.model.row_of(DOC4)
    assert window.documents.model.data(window.documents.model.index(row), Qt.ItemDataRole.UserRole + 1) == "in_progress"


def test_whitespace_is_trimmed_and_clicking_label_button_works(qtbot, window, sel):
    window.show_document(DOC4)
    text = window.view.text()
    i = text.index("Pakistan has offered")
    sel(window, i - 1, i + 9)  # " Pakistan " with spaces around
    qtbot.mouseClick(window.label_bar.buttons["CLAIM"], Qt.MouseButton.LeftButton)
    assert db_spans(window, DOC4) == [(i, i + 8, "CLAIM")]


def test_relabel_delete_and_undo_redo(qtbot, window, sel):
    window.show_document(DOC4)
    text = window.view.text()
    i = text.index("Pakistan")
    sel(window, i, i + 8)
    key(qtbot, window, Qt.Key.Key_1)
    # the new span is selected: a label key relabels it
    key(qtbot, window, Qt.Key.Key_3)
    assert db_spans(window, DOC4) == [(i, i + 8, "CUE")]
    key(qtbot, window, Qt.Key.Key_Delete)
    assert db_spans(window, DOC4) == []
    key(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert db_spans(window, DOC4) == [(i, i + 8, "CUE")]
    key(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert db_spans(window, DOC4) == [(i, i + 8, "ACTOR")]
    key(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert db_spans(window, DOC4) == [(i, i + 8, "CUE")]
    assert [s.label for s in drawn(window.view)] == ["CUE"]


def test_overlap_and_nesting(qtbot, window, sel):
    window.show_document(DOC4)
    text = window.view.text()
    c = text.index("Pakistan has offered")
    e = text.index(" in Gaza.") + len(" in Gaza")
    sel(window, c, e)
    key(qtbot, window, Qt.Key.Key_2)
    sel(window, c, c + 8)
    key(qtbot, window, Qt.Key.Key_1)
    o = text.index("send troops")
    sel(window, o, e + 1)  # overlaps the end of the claim, includes the final dot
    key(qtbot, window, Qt.Key.Key_3)
    assert sorted(db_spans(window, DOC4)) == sorted([(c, e, "CLAIM"), (c, c + 8, "ACTOR"), (o, e + 1, "CUE")])
    levels = {k: v for k, v in window.view.underline_levels(c + 2).items() if not k.startswith("sugg:")}
    assert len(levels) == 3  # all three spans visible in that paragraph, stacked
    assert window.annotations.list.count() == 3


def test_tab_moves_between_spans_and_enter_focuses_details(qtbot, window, sel):
    window.show_document(DOC4)
    text = window.view.text()
    for word, k in [("Rubio", Qt.Key.Key_1), ("Pakistan", Qt.Key.Key_1)]:
        i = text.index(word)
        sel(window, i, i + len(word))
        key(qtbot, window, k)
    window.view.clear_span_selection()
    key(qtbot, window, Qt.Key.Key_Tab)
    first = window.view.selected_span_id()
    assert window.view.span(first).start == text.index("Rubio")
    key(qtbot, window, Qt.Key.Key_Tab)
    assert window.view.span(window.view.selected_span_id()).start == text.index("Pakistan")
    key(qtbot, window, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    assert window.view.selected_span_id() == first
    assert window.annotations.list.currentItem().data(Qt.ItemDataRole.UserRole) == first


def test_attribute_edited_in_side_panel(qtbot, window, sel):
    from PySide6.QtWidgets import QComboBox
    window.show_document(DOC4)
    text = window.view.text()
    i = text.index("Pakistan has offered")
    sel(window, i, i + 20)
    key(qtbot, window, Qt.Key.Key_2)
    combo = window.annotations.findChild(QComboBox, "attr_modality")
    combo.setCurrentIndex(combo.findData("hedged"))
    p = window.project
    assert p.spans(DOC4, "alice")[0].attrs == {"modality": "hedged"}
    assert p.claims(DOC4, "alice") == {}  # an attribute is not the claim's quote type


def test_unicode_document_offsets_are_code_points(qtbot, window, sel):
    from PySide6.QtGui import QTextCursor
    window.show_document("zz-unicode")
    text = window.view.text()
    # select "Pakistan" with Qt's own cursor (UTF-16 units: two flags = 8 units)
    cur = window.view.textCursor()
    cur.setPosition(9)
    cur.setPosition(17, QTextCursor.MoveMode.KeepAnchor)
    window.view.setTextCursor(cur)
    key(qtbot, window, Qt.Key.Key_1)
    # Urdu word selected with the keyboard: caret at its start, then Shift+Right per character
    u = text.index("پاکستان")
    window.view.set_text_cursor_range(u, u)
    for _ in range(len("پاکستان")):
        key(qtbot, window, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert window.view.selected_range() == (u, u + 7)
    key(qtbot, window, Qt.Key.Key_1)
    spans = db_spans(window, "zz-unicode")
    assert (5, 13, "ACTOR") in spans and (u, u + 7, "ACTOR") in spans
    assert text[5:13] == "Pakistan" and text[u:u + 7] == "پاکستان"


def test_next_document_and_mark_done(qtbot, window):
    window.show_document(DOC4)
    key(qtbot, window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    p = window.project
    assert p.status(DOC4, "alice") == "done"
    assert "✓" in window.documents.model.data(window.documents.model.index(window.documents.model.row_of(DOC4)))
    key(qtbot, window, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert window.doc_id == "zz-unicode"
    key(qtbot, window, Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    assert window.doc_id == DOC4
    # filter the list to done documents
    window.documents.filter.setCurrentIndex(3)
    assert window.documents.proxy.rowCount() == 1


def test_undo_goes_back_to_the_document_of_the_action(qtbot, window, sel):
    window.show_document(DOC4)
    sel(window, 0, 2)
    key(qtbot, window, Qt.Key.Key_1)
    key(qtbot, window, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert window.doc_id != DOC4
    key(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.doc_id == DOC4 and db_spans(window, DOC4) == [] and drawn(window.view) == []


def test_snap_toggle_and_find(qtbot, window):
    window.show_document(DOC4)
    assert window.view.snap_words()
    key(qtbot, window, Qt.Key.Key_W)
    assert not window.view.snap_words() and "character" in window.label_bar.snap.text()
    key(qtbot, window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.find_bar.isVisible()
    qtbot.keyClicks(window.find_bar, "disarm Hamas")
    qtbot.keyClick(window.find_bar, Qt.Key.Key_Return)
    start = window.view.text().casefold().index("disarm hamas")
    assert window.view.selected_range() == (start, start + 12)
    # Esc closes the bar and keeps the found text selected, ready for a label key
    qtbot.keyClick(window.find_bar, Qt.Key.Key_Escape)
    assert not window.find_bar.isVisible() and window.view.selected_range() == (start, start + 12)


def test_f1_lists_keys_without_blocking(qtbot, window):
    from PySide6.QtWidgets import QTableWidget

    from isfannotate_ui.dialogs.small_dialogs import ShortcutsDialog
    key(qtbot, window, Qt.Key.Key_F1)
    dlg = window.dialogs[-1]
    assert isinstance(dlg, ShortcutsDialog) and dlg.isVisible()  # reached: open() did not block
    table = dlg.findChild(QTableWidget, "shortcutsTable")
    keys = [table.item(r, 0).text() for r in range(table.rowCount())]
    assert "Ctrl+Z / Ctrl+Shift+Z" in keys and "Tab / Shift+Tab" in keys
    dlg.close()


def test_annotator_is_asked_once_when_unknown(qtbot, project_path):
    from isfannotate import settings
    from isfannotate_ui.app import create_main_window
    w = create_main_window(project_path, None)
    qtbot.addWidget(w)
    w.show()
    dlg = w.ask_annotator()
    qtbot.keyClicks(dlg.edit, "  gold ")
    dlg._on_ok()
    assert "reserved" in dlg.error.text() and w.annotator is None
    dlg.edit.setText("  Bob ")
    dlg._on_ok()
    assert w.annotator == "Bob" and settings.get("annotator") == "Bob"
    w.close()


def test_import_runs_as_a_job(qtbot, window, tmp_path):
    f = tmp_path / "new.txt"
    f.write_text("A new article about the stabilisation force.", encoding="utf-8")
    job = window.files.start_import([str(f)])
    with qtbot.waitSignal(job.succeeded, timeout=20000):
        pass
    assert window.documents.model.rowCount() == 7


KILL_SCRIPT = r"""
import os, signal, sys
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from isfannotate_ui.app import create_main_window
w = create_main_window(sys.argv[1], "alice")
w.show()
w.activateWindow()
assert QTest.qWaitForWindowActive(w)
w.show_document("004_925ac23fd4dc491f")
text = w.view.text()
for word, k in [("Rubio", Qt.Key.Key_1), ("Hamas", Qt.Key.Key_1), ("Pakistan has offered", Qt.Key.Key_2)]:
    i = text.index(word)
    w.view.setFocus()
    w.view.set_text_cursor_range(i, i + len(word))
    QTest.keyClick(w.view, k)
print(len([s for s in w.view.spans() if s.kind == "annotation"]), flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_killed_after_actions_reopens_with_every_span(qtbot, project_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    r = subprocess.run([sys.executable, "-c", KILL_SCRIPT, str(project_path)], capture_output=True, text=True,
                       env=env, timeout=60)
    assert r.returncode == -9 and r.stdout.strip() == "3", r.stderr
    from isfannotate_ui.app import create_main_window
    w = create_main_window(project_path, "alice")
    qtbot.addWidget(w)
    w.show_document(DOC4)
    assert sorted(s.label for s in drawn(w.view)) == ["ACTOR", "ACTOR", "CLAIM"]
    w.close()


def test_screenshot_command(tmp_path, project_path):
    out = tmp_path / "shot.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "isfannotate",
            "gui",
            str(project_path),
            "--screenshot",
            str(out),
            "--document",
            DOC4,
            "--annotator",
            "carol",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert r.returncode == 0, r.stderr
    from PySide6.QtGui import QImage
    img = QImage(str(out))
    assert (img.width(), img.height()) == (1280, 800)


def test_export_from_the_window_as_a_job(qtbot, window, sel, tmp_path):
    import json
    window.show_document(DOC4)
    text = window.view.text()
    i = text.index("Hamas")
    sel(window, i, i + 5)
    key(qtbot, window, Qt.Key.Key_1)
    dlg = window.files.export_dialog()
    dlg.format.setCurrentIndex(dlg.format.findData("jsonl"))
    dlg.layer.setCurrentIndex(dlg.layer.findData("alice"))
    dlg.all_docs.setChecked(True)
    dlg.out.setText(str(tmp_path / "out"))
    dlg._on_ok()
    job = window.files.jobs[-1]
    with qtbot.waitSignal(job.succeeded, timeout=30000):
        pass
    lines = (tmp_path / "out" / "all.jsonl").read_text(encoding="utf-8").splitlines()
    rec = next(json.loads(x) for x in lines if json.loads(x)["id"] == DOC4)
    assert [(s["start"], s["end"], s["text"]) for s in rec["spans"]] == [(i, i + 5, "Hamas")]


def test_export_error_is_shown_not_raised(qtbot, window):
    job = window.files.start_export("jsonl", layer="gold")
    with qtbot.waitSignal(job.failed, timeout=30000) as blocker:
        pass
    assert "gold layer is empty" in blocker.args[0]


def test_export_with_nothing_to_write_says_so_in_the_status_bar(qtbot, window, sel, tmp_path):
    """Issue 18: a claims export of a layer without claims writes no file and says so."""
    window.show_document(DOC4)
    i = window.view.text().index("Hamas")
    sel(window, i, i + 5)
    key(qtbot, window, Qt.Key.Key_1)
    job = window.files.start_export("claims", layer="alice", include_all=True, out_dir=str(tmp_path / "out"))
    with qtbot.waitSignal(job.failed, timeout=30000) as blocker:
        pass
    assert "nothing to write" in blocker.args[0] and "all.jsonl would be empty" in blocker.args[0]
    assert "nothing to write" in window.statusBar().currentMessage()
    assert not (tmp_path / "out").exists()
