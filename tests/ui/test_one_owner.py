"""One owner per project, seen in the window (issue 8): a second window and a project another
process owns are refused with one line and the current project stays open; Open Recent says
which projects are open elsewhere; export runs in the project's job queue while annotating goes
on, and a key press during a job is applied or visibly refused, never lost.

Every wait here has a time limit; nothing opens a modal exec()."""
import json
import os
import subprocess
import sys
import threading
import time

import pytest
from PySide6.QtCore import Qt

from isfannotate import Project, settings
from isfannotate.errors import ProjectLocked
from isfannotate.store.ownership import owner_of

DOC4 = "004_925ac23fd4dc491f"

HOLD = r"""
import sys, time
from isfannotate import Project
p = Project.open(sys.argv[1], program="a notebook")
print("open", flush=True)
time.sleep(120)
"""


@pytest.fixture
def held_elsewhere(tmp_path):
    """A second project, kept open by another process (as a notebook would): (path, process)."""
    path = tmp_path / "other.isf"
    Project.create(path).close()
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while owner_of(path) is None:      # wait for its lock, with a time limit
            assert proc.poll() is None, proc.communicate()[1]
            assert time.monotonic() < deadline, "the other process did not take the project"
            time.sleep(0.05)
        yield path, proc
    finally:
        proc.kill()
        proc.communicate(timeout=30)   # reaps it and closes its pipe


def press_label(qtbot, window, start, end, key=Qt.Key.Key_3):
    """Select [start, end) in the article view and press a label key (3 = CUE: no actor picker)."""
    window.view.setFocus()
    window.view.set_text_cursor_range(start, end)
    qtbot.keyClick(window.view, key)


def annotate_while(qtbot, w, job, words):
    """Label whole words (CUE) one key press at a time while *job* runs. Every press must be
    either applied (its span drawn) or visibly refused ("busy" in the status bar).
    Returns (applied, refused, presses made while the job ran)."""
    applied, refused, during = [], [], 0
    deadline = time.monotonic() + 60
    for start, end in words:
        if job.done:
            break
        assert time.monotonic() < deadline
        during += 1
        w.statusBar().clearMessage()
        press_label(qtbot, w, start, end)
        msg = w.statusBar().currentMessage()
        if "busy" in msg and "saved" not in msg:
            refused.append((start, end, "CUE"))     # visibly refused
        else:
            drawn = {(sp.start, sp.end) for sp in w.session.spans.values()}
            assert (start, end) in drawn, f"a key press neither applied nor refused: {msg!r}"
            applied.append((start, end, "CUE"))
        qtbot.wait(1)
    return applied, refused, during


def open_window(qtbot, path):
    from isfannotate_ui.app import create_main_window
    w = create_main_window(path, "alice")
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow, timeout=10000)   # shortcuts fire only in the active window
    return w


def whole_words(text):
    import re
    return [m.span() for m in re.finditer(r"[a-z]+", text)][:400]   # whole words: snapping keeps them


def spans_in_db(window, doc, layer="alice"):
    return {(s.start, s.end, s.label) for s in window.project.spans(doc, layer)}


def test_a_second_window_on_the_same_project_is_refused(qtbot, window, project_path):
    from isfannotate_ui.app import create_main_window
    with pytest.raises(ProjectLocked) as refused:
        create_main_window(project_path, "bob")
    message = str(refused.value)
    assert "\n" not in message and "isfannotate gui" in message and f"pid {os.getpid()}" in message
    assert "close it there" in message
    # the first window still owns the project and annotates
    window.show_document(DOC4)
    i = window.view.text().index("Hamas")
    press_label(qtbot, window, i, i + 5)
    assert (i, i + 5, "CUE") in spans_in_db(window, DOC4)


def test_opening_a_project_another_process_owns_is_refused_and_keeps_the_current_one(
        qtbot, window, project_path, held_elsewhere):
    other, proc = held_elsewhere
    dlg = window.files.open_project_dialog()          # File → Open Project…, as a person would
    dlg.selectFile(str(other))
    dlg.accept()
    message = window.statusBar().currentMessage()
    assert "open in a notebook" in message and f"pid {proc.pid}" in message and "\n" not in message
    assert window.project.path == project_path and window.project.name == "ui"
    assert str(other) not in window.windowTitle()
    # and the current project goes on working
    window.show_document(DOC4)
    i = window.view.text().index("Rubio")
    press_label(qtbot, window, i, i + 5)
    assert (i, i + 5, "CUE") in spans_in_db(window, DOC4)


def test_open_recent_says_which_projects_are_open_elsewhere(qtbot, window, project_path, held_elsewhere, tmp_path):
    other, proc = held_elsewhere
    free = tmp_path / "free.isf"
    Project.create(free).close()
    for p in (free, other):
        settings.add_recent(str(p))
    menu = window.files.recent_menu
    menu.aboutToShow.emit()                         # what opening File → Open Recent does
    texts = {a.data(): a.text() for a in menu.actions()}
    assert texts[str(other)] == f"{other} — open in {owner_of(other).describe()}"
    assert f"a notebook (pid {proc.pid}" in texts[str(other)]
    assert texts[str(free)] == str(free)
    assert texts[str(project_path)].endswith("— open in this window")
    # choosing the busy one is refused with the same line; the current project stays
    next(a for a in menu.actions() if a.data() == str(other)).trigger()
    assert f"pid {proc.pid}" in window.statusBar().currentMessage()
    assert window.project.path == project_path
    # the free one opens (and the one we left is free again, read from its lock file only)
    next(a for a in menu.actions() if a.data() == str(free)).trigger()
    assert window.project.path == free and owner_of(project_path) is None


def test_a_key_press_while_a_job_holds_the_project_is_refused_visibly_then_works(qtbot, window):
    """A job inside the project's connection (an import does this for its whole transaction):
    a key press is refused at once with "busy: <job>", nothing half-done; after the job it works."""
    window.show_document(DOC4)
    text = window.view.text()
    inside, release = threading.Event(), threading.Event()

    def hold(project, progress, cancelled):
        with project.read_snapshot():
            inside.set()
            release.wait(20)

    job = window.files.run_job("Merging a copy", hold)
    assert inside.wait(10)
    i = text.index("Hamas")
    t0 = time.perf_counter()
    press_label(qtbot, window, i, i + 5)
    assert time.perf_counter() - t0 < 2            # refused at once, the window never froze
    assert "busy: Merging a copy" in window.statusBar().currentMessage()
    assert window.files.job_status.isVisible() and "Merging a copy" in window.files.job_status.label.text()
    release.set()
    with qtbot.waitSignal(job.ended, timeout=20000):
        pass
    assert not window.files.job_status.isVisible()
    assert (i, i + 5, "CUE") not in spans_in_db(window, DOC4)
    press_label(qtbot, window, i, i + 5)
    assert (i, i + 5, "CUE") in spans_in_db(window, DOC4)


@pytest.fixture
def big_project(tmp_path):
    """1,500 documents of ~2,000 characters, one with 200 spans by alice: an export of them as
    Hugging Face token classification takes a second or two here."""
    words = ("officials in islamabad said the stabilisation force would need a clear mandate from the council "
             "and that troops would not disarm hamas").split()
    src = tmp_path / "docs.jsonl"
    with open(src, "w", encoding="utf-8") as f:
        for i in range(1500):
            body = " ".join(words[(i * 7 + k * 3) % len(words)] for k in range(300))
            f.write(json.dumps({"id": f"d{i:04d}", "text": f"Report {i}. {body}."}) + "\n")
    path = tmp_path / "big.isf"
    p = Project.create(path)
    p.import_paths([src])
    p.annotate_many("d0000", "alice", [(k * 9, k * 9 + 5, "CUE", None) for k in range(200)])
    p.close()
    return path


def test_export_from_the_app_while_annotating_loses_nothing(qtbot, big_project, tmp_path):
    w = open_window(qtbot, big_project)
    try:
        w.show_document("d0001")
        words = whole_words(w.view.text())
        # File → Export… with Ctrl+E, then the dialog's Export button
        qtbot.keyClick(w.view, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
        dlg = w.dialogs[-1]
        dlg.format.setCurrentIndex(dlg.format.findData("hf"))
        dlg.layer.setCurrentIndex(dlg.layer.findData("alice"))
        dlg.all_docs.setChecked(True)
        dlg.out.setText(str(tmp_path / "out"))
        from PySide6.QtWidgets import QDialogButtonBox
        buttons = dlg.findChild(QDialogButtonBox)
        qtbot.mouseClick(buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
        job = w.files.jobs[-1]
        assert w.files.job_status.isVisible() and "Exporting" in w.files.job_status.label.text()

        w.activateWindow()                              # the dialog closed: back to the article
        qtbot.waitUntil(w.isActiveWindow, timeout=10000)

        applied, refused, during = annotate_while(qtbot, w, job, words)
        assert during >= 3, "the export ended before the key presses could overlap it"
        qtbot.waitUntil(lambda: job.has_ended, timeout=60000)
        stored = spans_in_db(w, "d0001")
        assert set(applied) <= stored                  # every acknowledged key press is in the database
        assert not set(refused) & stored               # a refused one left nothing behind
        assert len(stored) == len(applied)
        assert w.files.last_export is not None and (tmp_path / "out" / "manifest.json").exists()
        assert not w.files.job_status.isVisible()
        # the window caught up: it draws exactly what the database holds
        assert {(s.start, s.end, s.label) for s in w.view.spans() if s.kind == "annotation"} == stored
    finally:
        w.close()


def test_cancel_in_the_status_bar_stops_the_export(qtbot, big_project, tmp_path):
    w = open_window(qtbot, big_project)
    try:
        job = w.files.start_export("hf", layer="alice", include_all=True, out_dir=str(tmp_path / "out"))
        with qtbot.waitSignal(job.failed, timeout=60000) as failed:
            qtbot.mouseClick(w.files.job_status.cancel, Qt.MouseButton.LeftButton)
        assert "cancel" in failed.args[0]
        qtbot.waitUntil(lambda: not w.files.job_status.isVisible(), timeout=10000)
        assert "cancel" in w.statusBar().currentMessage()
        assert w.files.last_export is None
    finally:
        w.close()


def test_import_from_the_app_while_annotating_refuses_visibly_and_loses_nothing(qtbot, big_project, tmp_path):
    """An import writes all-or-nothing, holding the project while it writes: key presses then
    are refused with "busy: Importing documents", the others are saved; none is lost."""
    src = tmp_path / "more.jsonl"
    with open(src, "w", encoding="utf-8") as f:
        for i in range(20000):
            f.write(json.dumps({"id": f"m{i:05d}", "text": f"Dispatch {i}: " + "troops and mandate " * (20 + i % 7)})
                    + "\n")
    w = open_window(qtbot, big_project)
    try:
        w.show_document("d0002")
        words = whole_words(w.view.text())
        job = w.files.start_import([str(src)])
        applied, refused, during = annotate_while(qtbot, w, job, words)
        assert during >= 3, "the import ended before the key presses could overlap it"
        qtbot.waitUntil(lambda: job.has_ended, timeout=60000)
        assert w.documents.model.rowCount() == 21500
        stored = spans_in_db(w, "d0002")
        assert set(applied) == stored and not set(refused) & stored
        assert {(s.start, s.end, s.label) for s in w.view.spans() if s.kind == "annotation"} == stored
    finally:
        w.close()


def test_export_dialog_names_a_missing_library_before_any_work(qtbot, window, monkeypatch):
    import isfannotate_ui.files.export_dialog as export_dialog
    reason = "the spacy format needs spaCy, which is not installed: pip install 'isfannotate[ml]'"
    monkeypatch.setattr(export_dialog, "missing_requirement", lambda fmt: reason if fmt == "spacy" else None)
    dlg = window.files.export_dialog()
    dlg.format.setCurrentIndex(dlg.format.findData("spacy"))
    dlg._on_ok()
    assert "needs spaCy" in dlg.error.text() and dlg.isVisible() and window.files.jobs == []
    dlg.close()


def test_closing_while_exporting_asks_then_stops_the_job_and_closes(qtbot, big_project, tmp_path):
    from PySide6.QtWidgets import QMessageBox
    w = open_window(qtbot, big_project)
    w.ask_before_closing = True            # as on a real display (offscreen would just wait)
    job = w.files.start_export("hf", layer="alice", include_all=True, out_dir=str(tmp_path / "out"))
    w.close()
    box = w.dialogs[-1]
    assert isinstance(box, QMessageBox) and "Exporting is still running" in box.text()
    assert w.isVisible() and w.project is not None        # nothing blocked, nothing closed yet
    stop = next(b for b in box.buttons() if b.text() == "Stop and close")
    qtbot.mouseClick(stop, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not w.isVisible(), timeout=60000)
    assert job.has_ended and w.project is None
    assert not (tmp_path / "out" / "manifest.json").exists()
    assert owner_of(big_project) is None                   # the project was closed and released


def test_gui_on_a_project_open_elsewhere_says_so_in_one_line(held_elsewhere, tmp_path):
    other, proc = held_elsewhere
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    t0 = time.monotonic()
    r = subprocess.run([sys.executable, "-m", "isfannotate", "gui", str(other), "--annotator", "carol",
                        "--screenshot", str(tmp_path / "shot.png")], capture_output=True, text=True, env=env,
                       timeout=60)
    assert r.returncode == 2 and not (tmp_path / "shot.png").exists()
    [line] = r.stderr.strip().splitlines()
    assert "open in a notebook" in line and f"pid {proc.pid}" in line and "Traceback" not in r.stderr
    assert time.monotonic() - t0 < 30      # refused, not waited for (the real bound is the core's busy timeout 0)


def test_a_repaint_that_meets_a_job_catches_up_when_it_ends(qtbot, window):
    """The action is saved, then a job takes the project before the window has read what it
    needs to redraw: the window says so, and draws the document again when the job ends."""
    window.show_document(DOC4)
    i = window.view.text().index("Hamas")
    go, inside, release = threading.Event(), threading.Event(), threading.Event()

    def hold(project, progress, cancelled):
        go.wait(20)
        with project.read_snapshot():
            inside.set()
            release.wait(20)

    job = window.files.run_job("Merging a copy", hold)

    def annotate_then_the_job_takes_the_project(*args):
        change = window.project.annotate(*args)
        go.set()
        assert inside.wait(10)
        return change

    change = window.session.run(annotate_then_the_job_takes_the_project, DOC4, "alice", i, i + 5, "CUE")
    assert change is not None
    assert "catches up" in window.statusBar().currentMessage()
    # (a key press's repaint reads nothing for a CUE: the span may already be drawn; the status line waits)
    release.set()
    qtbot.waitUntil(lambda: job.has_ended, timeout=20000)
    qtbot.waitUntil(lambda: window.annotations.list.count() == 1, timeout=10000)
    assert spans_in_db(window, DOC4) == {(i, i + 5, "CUE")}
    assert {(s.start, s.end, s.label) for s in window.view.spans() if s.kind == "annotation"} == {(i, i + 5, "CUE")}
    assert "1 span " in window.status_label.text()


def test_cancel_during_the_imports_commit_says_too_late_to_cancel_imported(qtbot, big_project, tmp_path):
    """Cancel pressed after the import's last step, while it commits: the import is kept, and
    the job label says "too late to cancel: imported" instead of staying at "cancelling…"."""
    src = tmp_path / "more.jsonl"
    with open(src, "w", encoding="utf-8") as f:
        for i in range(300):
            f.write(json.dumps({"id": f"m{i:04d}", "text": f"Dispatch {i}: troops and mandate"}) + "\n")
    w = open_window(qtbot, big_project)
    try:
        last, release = threading.Event(), threading.Event()
        job = w.files.start_import([str(src)])

        def hold_at_last_step(done, total):     # on the job's thread, after its last cancel point
            if done == total:
                last.set()
                release.wait(20)

        job.job.on_progress(hold_at_last_step)
        qtbot.waitUntil(last.is_set, timeout=30000)
        qtbot.mouseClick(w.files.job_status.cancel, Qt.MouseButton.LeftButton)
        assert "cancelling" in w.files.job_status.label.text()
        release.set()
        with qtbot.waitSignal(job.ended, timeout=30000):
            pass
        status = w.files.job_status
        assert status.isVisible() and status.label.text() == "Importing: too late to cancel: imported"
        assert "too late to cancel: imported" in w.statusBar().currentMessage()
        assert w.documents.model.rowCount() == 1800
        qtbot.waitUntil(lambda: not status.isVisible(), timeout=10000)
    finally:
        w.close()


def test_open_recent_is_listed_when_the_menu_opens_not_at_start(qtbot, window, project_path):
    menu = window.files.recent_menu
    assert menu.actions() == []                     # no lock file read at the app's start
    assert str(project_path) in settings.recent()   # but the project is remembered
    menu.aboutToShow.emit()
    assert {a.data() for a in menu.actions()} == set(settings.recent())
