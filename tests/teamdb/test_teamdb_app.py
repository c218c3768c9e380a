"""File → Team… in the app, against the real PostgreSQL server (issue 23): Sync now sends a span
made by a key press, the automatic sync fires on its timer, a key press during a sync is never
held, the lead sees the team's table, and the dialog refuses a password in the address.
The server stopped under the app is in test_teamdb_faults.py (it stops its own server)."""
from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from isfannotate.teamdb import join

DOC4 = "004_925ac23fd4dc491f"


def shot(widget, tmp_path: Path, name: str) -> None:
    """Screenshots go to $ISF_SHOTS when set (to look at them), else into the test's folder."""
    folder = Path(os.environ.get("ISF_SHOTS") or tmp_path)
    widget.grab().save(str(folder / name))


def open_window(qtbot, path, who):
    from isfannotate_ui.app import create_main_window

    w = create_main_window(path, who)
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow, timeout=5000)
    return w


@pytest.fixture
def alice_window(qtbot, team):
    path = join(team.dsn, team.tmp / "alice.isf", annotator="alice")
    w = open_window(qtbot, path, "alice")
    yield w
    w.close()


def server_spans(team, layer="alice"):
    import psycopg
    with psycopg.connect(team.dsn) as conn:
        return sorted(tuple(r) for r in conn.execute(
            'SELECT document_id, start, "end", label FROM spans WHERE layer=%s', (layer,)))


def local_spans(window, layer="alice"):
    with window.project.snapshot() as conn:
        return sorted(conn.execute('SELECT document_id, start, "end", label FROM spans WHERE layer=?',
                                   (layer,)).fetchall())


def label_by_key(qtbot, window, phrase: str, doc: str = DOC4) -> tuple:
    """Select *phrase* in *doc* and press 1 (ACTOR), as a person does; returns the span."""
    window.show_document(doc)
    text = window.view.text()
    i = text.index(phrase)
    window.view.setFocus()
    window.view.set_text_cursor_range(i, i + len(phrase))
    qtbot.keyClick(window.view, Qt.Key.Key_1)
    return (doc, i, i + len(phrase), "ACTOR")


def wait_jobs(qtbot, window, timeout=30000):
    qtbot.waitUntil(lambda: not window.files.jobs, timeout=timeout)


def test_sync_now_sends_a_span_made_by_a_key_press(qtbot, alice_window, team, tmp_path):
    w = alice_window
    span = label_by_key(qtbot, w, "Marco Rubio")
    assert span in local_spans(w)
    assert span not in server_spans(team)
    db = w.team.teamdb
    dlg = db.show_dialog()
    assert "alice" in dlg.linked.text() and dlg.sync.isEnabled()
    assert not dlg.team_box.isVisible()                 # an annotator sees no team table
    qtbot.mouseClick(dlg.sync, Qt.MouseButton.LeftButton)
    assert db.sync_job is not None
    wait_jobs(qtbot, w)
    assert server_spans(team) == local_spans(w) and span in server_spans(team)
    report = dlg.report.toPlainText()
    assert report.startswith("synced alice with alice@") and "sent 1 documents" in report
    assert "team sync: synced alice" in w.statusBar().currentMessage()
    shot(dlg, tmp_path, "team-dialog-annotator.png")
    # the same sync again: nothing doubled
    qtbot.mouseClick(dlg.sync, Qt.MouseButton.LeftButton)
    wait_jobs(qtbot, w)
    assert "sent 0 documents" in dlg.report.toPlainText()
    assert server_spans(team) == local_spans(w)


def test_the_automatic_sync_fires_on_its_timer(qtbot, alice_window, team):
    w = alice_window
    db = w.team.teamdb
    span = label_by_key(qtbot, w, "Marco Rubio")
    db.set_auto_seconds(0.2, remember=False)
    qtbot.waitUntil(lambda: span in server_spans(team), timeout=20000)
    assert db.auto_runs >= 1
    db.set_auto_seconds(0, remember=False)
    assert not db.timer.isActive()
    wait_jobs(qtbot, w)
    # the setting is the dialog's: a number of minutes, or off
    dlg = db.show_dialog()
    dlg.auto.setChecked(True)
    dlg.minutes.setValue(7)
    assert db.timer.isActive() and db.timer.interval() == 7 * 60_000
    dlg.auto.setChecked(False)
    assert not db.timer.isActive()


def test_the_automatic_sync_skips_its_turn_while_another_job_runs(qtbot, alice_window, team):
    w = alice_window
    db = w.team.teamdb
    release = threading.Event()
    other = w.files.run_job("Exporting", lambda *_a: release.wait(10))
    assert db.auto_sync() is None and db.auto_runs == 0        # skipped, quietly
    release.set()
    wait_jobs(qtbot, w)
    assert other.has_ended
    job = db.auto_sync()
    assert job is not None and db.auto_runs == 1
    wait_jobs(qtbot, w)


def test_a_key_press_during_a_sync_is_not_held(qtbot, alice_window, team, monkeypatch):
    """The sync talks to the server off the window's thread and without holding the project:
    stopped at its first step (a batch), a label key still saves at once."""
    import isfannotate_ui.team.teamdb_controller as ctl

    w = alice_window
    reached, release = threading.Event(), threading.Event()
    real = ctl.sync_work

    def paused(project, progress, cancelled):
        def step(done, total):
            if not reached.is_set():
                reached.set()
                release.wait(20)
            progress(done, total)
        return real(project, step, cancelled)
    monkeypatch.setattr(ctl, "sync_work", paused)
    first = label_by_key(qtbot, w, "Marco Rubio")
    job = w.team.teamdb.sync_now()
    qtbot.waitUntil(reached.is_set, timeout=20000)
    t = time.perf_counter()
    second = label_by_key(qtbot, w, "Donald Trump")
    took = time.perf_counter() - t
    assert second in local_spans(w), w.statusBar().currentMessage()
    assert took < 1.0
    release.set()
    wait_jobs(qtbot, w)
    assert job.has_ended and first in server_spans(team)
    w.team.teamdb.sync_now()          # the span made during the sync goes with the next one
    wait_jobs(qtbot, w)
    assert server_spans(team) == local_spans(w)


def test_the_lead_sees_the_team_table(qtbot, team, tmp_path):
    alice = team.join("alice")
    try:
        doc = alice.documents()[0].id
        alice.set_status(doc, "alice", "done", reason="test")
        from isfannotate.teamdb import sync
        sync(alice)
    finally:
        alice.close()
    lead_path = team.lead.path
    team.lead.close()
    w = open_window(qtbot, lead_path, "lead")
    try:
        dlg = w.team.teamdb.show_dialog()
        assert dlg.team_box.isVisible() and "the lead's project" in dlg.linked.text()
        qtbot.waitUntil(lambda: dlg.table.rowCount() == 2, timeout=20000)
        rows = {dlg.table.item(r, 0).text(): [dlg.table.item(r, c).text() for c in range(1, 5)]
                for r in range(2)}
        assert rows["alice"][:3] == ["5", "1", "4"] and rows["alice"][3] != "never"
        assert rows["bob"][:3] == ["5", "0", "5"] and rows["bob"][3] == "never"
        shot(dlg, tmp_path, "team-dialog-lead.png")
        qtbot.mouseClick(dlg.sync, Qt.MouseButton.LeftButton)     # the lead's sync merges alice's layer
        wait_jobs(qtbot, w)
        assert "(lead)" in dlg.report.toPlainText() and "alice:" in dlg.report.toPlainText()
        assert w.project.status(doc, "alice") == "done"
    finally:
        w.close()


def test_the_dialog_refuses_a_password_and_an_unlinked_project_says_how(qtbot, tmp_path, new_project):
    p = new_project()
    path = p.path
    p.close()
    w = open_window(qtbot, path, "alice")
    try:
        db = w.team.teamdb
        dlg = db.show_dialog()
        assert "not linked" in dlg.linked.text() and not dlg.sync.isEnabled()
        assert db.sync_now() is None and "not linked" in w.statusBar().currentMessage()
        assert db.auto_sync() is None and db.auto_runs == 0        # the timer does nothing unlinked
        dlg.server.setText("postgresql://alice:hunter2@db.example.org/team")
        with qtbot.assertNotEmitted(dlg.linkRequested):
            qtbot.mouseClick(dlg.link, Qt.MouseButton.LeftButton)
        assert "~/.pgpass" in dlg.error.text()
        dlg.server.setText("host=db.example.org dbname=team password=hunter2")
        dlg.annotator.setText("alice")
        with qtbot.assertNotEmitted(dlg.joinRequested):
            qtbot.mouseClick(dlg.join, Qt.MouseButton.LeftButton)
        assert "~/.pgpass" in dlg.error.text()
        shot(dlg, tmp_path, "team-dialog-unlinked.png")
    finally:
        w.close()


def test_join_and_link_from_the_dialog(qtbot, team, tmp_path, new_project):
    """Join makes alice's working copy and opens it in the window; Link links an open project
    (a server that refuses says so in the dialog, in one line)."""
    p = new_project("mine.isf")
    path = p.path
    p.close()
    w = open_window(qtbot, path, "alice")
    try:
        db = w.team.teamdb
        dlg = db.show_dialog()
        copy = tmp_path / "alice-copy.isf"
        db.join(team.annotator_dsn("alice"), "alice", str(copy))
        qtbot.waitUntil(lambda: w.project is not None and w.project.path == copy, timeout=30000)
        assert w.documents.model.rowCount() == 5
        assert db.link_info().annotator == "alice"
        # Link: a database that holds no team is refused in one line, in the dialog
        bare = team.server.dsn(team.server.create_database("bare"))
        dlg = db.show_dialog()
        db.link(bare)
        wait_jobs(qtbot, w)
        assert "holds no team" in dlg.error.text() and "\n" not in dlg.error.text()
        assert db.link_info().annotator == "alice"       # the old link stands
    finally:
        w.close()


def test_cancel_in_the_status_bar_stops_the_sync_and_the_next_one_completes(qtbot, alice_window, team, monkeypatch):
    import isfannotate_ui.team.teamdb_controller as ctl

    w = alice_window
    reached, release = threading.Event(), threading.Event()
    real = ctl.sync_work

    def paused(project, progress, cancelled):
        def step(done, total):
            if not reached.is_set():
                reached.set()
                release.wait(20)
            progress(done, total)
        return real(project, step, cancelled)
    monkeypatch.setattr(ctl, "sync_work", paused)
    span = label_by_key(qtbot, w, "Marco Rubio")
    dlg = w.team.teamdb.show_dialog()
    qtbot.mouseClick(dlg.sync, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(reached.is_set, timeout=20000)
    status = w.files.job_status
    assert status.isVisible() and status.label.text().startswith("Syncing")
    qtbot.mouseClick(status.cancel, Qt.MouseButton.LeftButton)
    release.set()
    wait_jobs(qtbot, w)
    assert dlg.error.text() == ctl.CANCELLED and "\n" not in ctl.CANCELLED
    assert span not in server_spans(team)
    monkeypatch.setattr(ctl, "sync_work", real)
    qtbot.mouseClick(dlg.sync, Qt.MouseButton.LeftButton)
    wait_jobs(qtbot, w)
    assert dlg.error.text() == "" and server_spans(team) == local_spans(w)
