"""A full disk seen in the window (issue 18): each key press that cannot be saved says so in the
status bar, in the core's one line; nothing goes to stderr, the action is not applied, the undo
stack stays as it was, and everything before it is kept."""
import re

from PySide6.QtCore import Qt

from isfannotate import Project

DOC4 = "004_925ac23fd4dc491f"


def _press(qtbot, w, start, end):
    w.view.setFocus()
    w.view.set_text_cursor_range(start, end)
    qtbot.keyClick(w.view, Qt.Key.Key_3)   # CUE: no actor picker


def test_a_full_disk_is_said_in_the_status_bar_and_nothing_is_half_done(qtbot, window, filled, capfd):
    filled(window, DOC4)
    project = window.project
    words = [(m.start(), m.end()) for m in re.finditer(r"[A-Za-z]{5,}", project.document(DOC4).text)]
    _press(qtbot, window, *words[0])
    assert len(project.spans(DOC4, "alice")) == 1
    n = project.conn.execute("PRAGMA page_count").fetchone()[0]
    project.conn.execute(f"PRAGMA max_page_count={n}")   # the disk is full from here on
    capfd.readouterr()
    said = []
    window.session.statusMessage.connect(lambda text, ms: said.append((text, ms)))
    refused = 0
    for start, end in words[1:80]:
        spans, undo = len(project.spans(DOC4, "alice")), len(project._undo)
        _press(qtbot, window, start, end)
        if len(project.spans(DOC4, "alice")) == spans:
            refused += 1
            assert "the disk is full" in window.statusBar().currentMessage()
            assert "every action before it is saved" in window.statusBar().currentMessage()
            assert len(project._undo) == undo and not project.conn.in_transaction
            if refused >= 3:
                break
    assert refused >= 3, "the disk never filled"
    full = [ms for text, ms in said if "the disk is full" in text]
    assert len(full) == refused and set(full) == {0}   # it stays until the next message
    err = capfd.readouterr().err
    assert "Traceback" not in err and "OperationalError" not in err, err
    kept = {(s.start, s.end) for s in project.spans(DOC4, "alice")}
    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)   # undo still works
    assert len(project.spans(DOC4, "alice")) == len(kept) - 1
    path = project.path
    window.close()
    with Project.open(path, read_only=True) as q:
        assert len(q.spans(DOC4, "alice")) == len(kept) - 1
