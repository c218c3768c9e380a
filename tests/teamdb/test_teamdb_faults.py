"""Faults during a team sync, against a real PostgreSQL server (issue 23): the server stopped in
the middle of a sync (``pg_ctl stop -m immediate``), the connection cut (its backend terminated),
the app killed during a sync, the same sync run twice (again, and at the same time from a second
program), two annotators syncing at once. Each time: nothing lost, nothing doubled (the rows on
the server equal the working copy's), one clear line, and the next sync completes.

This module runs its own server (it is stopped and started again here, so the session's server
that other tests share is never touched). A sync is stopped at a chosen batch through its
progress callback (the job's own), never by sleeping: the push commits 250 documents per batch,
so the corpus has 300 short documents (two batches).
"""
from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from isfannotate import Project
from isfannotate.errors import IsfError

REPO = Path(__file__).resolve().parents[2]
DOCS = 300
WORDS = "Pakistan said the army would leave the valley before the talks in Islamabad".split()


# ----------------------------------------------------------------------------- the server
@pytest.fixture(scope="module")
def fault_server(pg_server):
    """A server of this module's own (the session's is left alone), with stop and restart."""
    import isf_tests_pgserver as pgserver

    class FaultServer(pgserver.PgServer):
        def kill(self) -> None:
            """``pg_ctl stop -m immediate``: every backend dies at once, as in a crash."""
            self._run("pg_ctl", "stop", "-D", str(self.data), "-m", "immediate", "-w")

        def restart(self) -> None:
            if self._run("pg_ctl", "status", "-D", str(self.data), check=False).returncode == 0:
                return      # still running (the test failed before it stopped it)
            opts = (f"-c listen_addresses={self.host} -p {self.port} -k {self.sockdir} -c fsync=off "
                    "-c synchronous_commit=on -c full_page_writes=off -c max_connections=60")
            self._run("pg_ctl", "start", "-w", "-t", "60", "-D", str(self.data), "-l", str(self.log), "-o", opts)

    server = FaultServer(pg_server.bindir).start()
    yield server
    server.stop()


@pytest.fixture
def team(fault_server, tmp_path, monkeypatch):
    """A team of 300 documents (all assigned to alice and bob) on the module's server; returns
    (dsn, lead project path, tmp)."""
    from isfannotate import teamdb

    monkeypatch.setenv("PGPASSFILE", str(fault_server.pgpass))
    for var in ("PGSERVICE", "PGSERVICEFILE", "PGUSER", "PGHOST", "PGPORT", "PGDATABASE", "PGPASSWORD"):
        monkeypatch.delenv(var, raising=False)
    dsn = fault_server.dsn(fault_server.create_database("fault"))
    docs = tmp_path / "docs.jsonl"
    with open(docs, "w", encoding="utf-8") as fh:
        for d in range(DOCS):
            fh.write(json.dumps({"id": f"d{d:03d}", "text": f"{d} " + " ".join(WORDS)}) + "\n")
    lead = tmp_path / "lead.isf"
    with Project.create(lead, registry=REPO / "seeds" / "registry.json") as p:
        p.import_paths([docs])
        p.assign([d.id for d in p.documents()], ["alice", "bob"])
        teamdb.create_team(dsn, p)
    for name in ("alice", "bob"):
        teamdb.add_annotator(dsn, name, password=f"{name}-fault-pw")
        if name not in fault_server.known:
            fault_server.add_password(name, f"{name}-fault-pw")
            fault_server.known.add(name)
    return dsn, lead, tmp_path


def join(dsn: str, tmp: Path, name: str) -> Path:
    """*name*'s working copy, every document annotated (one ACTOR span each, ten with two)."""
    from isfannotate import teamdb
    from isfannotate.teamdb.connect import with_user

    path = teamdb.join(with_user(dsn, name), tmp / f"{name}.isf", annotator=name)
    with Project.open(path) as p:
        items = [(d.id, 0, len(d.id) - 1, "ACTOR", None) for d in p.documents()]
        items += [(d.id, d.text.index("Pakistan"), d.text.index("Pakistan") + 8, "ACTOR", None)
                  for d in p.documents()[:10]]
        p.annotate_across(name, items)
    return path


def local_spans(path_or_project, layer: str) -> list[tuple]:
    def read(p):
        with p.snapshot() as conn:
            return sorted(conn.execute('SELECT id, document_id, start, "end", label FROM spans WHERE layer=?',
                                       (layer,)).fetchall())
    if isinstance(path_or_project, Project):
        return read(path_or_project)
    with Project.open(path_or_project) as p:
        return read(p)


def server_counts(dsn: str, layer: str) -> tuple[list[tuple], int, int]:
    """(the layer's spans on the server, their number of distinct ids, sync marks)."""
    import psycopg
    with psycopg.connect(dsn) as conn:
        spans = sorted(tuple(r) for r in conn.execute(
            'SELECT id, document_id, start, "end", label FROM spans WHERE layer=%s', (layer,)))
        distinct = conn.execute("SELECT count(DISTINCT id) FROM spans WHERE layer=%s", (layer,)).fetchone()[0]
        marks = conn.execute("SELECT count(*) FROM sync_marks WHERE layer=%s", (layer,)).fetchone()[0]
    return spans, distinct, marks


def assert_exact(dsn: str, path, layer: str) -> None:
    """Nothing lost, nothing doubled: the server holds exactly the working copy's rows."""
    mine = local_spans(path, layer)
    theirs, distinct, marks = server_counts(dsn, layer)
    assert len(mine) == DOCS + 10
    assert theirs == mine and distinct == len(mine) and marks == DOCS


def one_line(message: str, *, forbidden=("fault-pw", "Traceback")) -> str:
    assert message and "\n" not in message, message
    for word in forbidden:
        assert word not in message
    return message


def at_second_batch(action):
    """A progress callback that runs *action* once, when the push reaches its second batch (the
    first 250 documents are committed on the server by then)."""
    fired: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        if not fired and total == DOCS and 0 < done < total:
            fired.append((done, total))
            action()
    progress.fired = fired
    return progress


def sync(project, **kw):
    from isfannotate import teamdb
    return teamdb.sync(project, **kw)


# ----------------------------------------------------------------------------- the faults
def test_server_stopped_in_the_middle_of_a_sync(team, fault_server):
    dsn, _lead, tmp = team
    path = join(dsn, tmp, "alice")
    with Project.open(path) as p:
        progress = at_second_batch(fault_server.kill)
        try:
            with pytest.raises(IsfError) as e:
                sync(p, progress=progress)
        finally:
            fault_server.restart()
        assert progress.fired == [(250, DOCS)]
        line = one_line(str(e.value))
        assert "the connection was lost during the sync (the server stopped" in line and "sync again" in line \
            and "alice@" in line
        report = sync(p)                        # the next sync completes, sending only what is missing
        assert report.pushed_documents in (DOCS - 250, DOCS)   # (DOCS: the server lost its last commits)
        assert_exact(dsn, p, "alice")
        assert sync(p).pushed_documents == 0


def test_connection_cut_in_the_middle_of_a_sync(team, fault_server):
    """The network cut: the sync's own connection is closed under it (its backend terminated, as
    a firewall or a dropped link does), the server itself keeps running."""
    import psycopg
    dsn, _lead, tmp = team
    path = join(dsn, tmp, "alice")

    def cut() -> None:
        with psycopg.connect(dsn, autocommit=True) as admin:
            n = admin.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                              "WHERE usename = 'alice' AND datname = current_database()").fetchone()[0]
        assert n == 1
    with Project.open(path) as p:
        progress = at_second_batch(cut)
        with pytest.raises(IsfError) as e:
            sync(p, progress=progress)
        assert progress.fired
        line = one_line(str(e.value))
        assert "alice@" in line and "sync again" in line and "the connection was lost during the sync" in line
        assert server_counts(dsn, "alice")[2] == 250            # the first batch is there, whole
        assert sync(p).pushed_documents == DOCS - 250
        assert_exact(dsn, p, "alice")


CHILD = """
import os, sys
from isfannotate.teamdb import journaled
real = journaled.push
def push(*args, progress=None, **kw):
    def step(done, total):
        if 0 < done < total:
            print("BATCH", done, flush=True)
            sys.stdin.readline()          # held here until killed
        if progress is not None:
            progress(done, total)
    return real(*args, progress=step, **kw)
journaled.push = push
from isfannotate.cli import main
sys.exit(main(["team", "sync", sys.argv[1]]))
"""


def test_app_killed_during_a_sync_and_the_same_sync_from_a_second_program(team, tmp_path):
    """``isfannotate team sync`` killed (SIGKILL) after its first batch: the working copy opens
    again, and the next sync sends the rest. While it held the copy, a second sync of the same
    copy was refused in one line (one owner per project file) and changed nothing."""
    dsn, _lead, tmp = team
    path = join(dsn, tmp, "alice")
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    child = subprocess.Popen([sys.executable, str(script), str(path)], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO)
    try:
        line = child.stdout.readline()
        assert line.startswith("BATCH 250"), line + child.stderr.read()
        second = subprocess.run([sys.executable, "-m", "isfannotate", "team", "sync", str(path)],
                                capture_output=True, text=True, cwd=REPO, timeout=120)
        assert second.returncode == 2
        err = one_line(second.stderr.strip().splitlines()[-1])
        assert "open" in err and str(path.name) in err
        assert server_counts(dsn, "alice")[2] == 250
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(30)
        child.stdout.close()
        child.stderr.close()
        child.stdin.close()
    assert server_counts(dsn, "alice")[2] == 250                # the first batch, whole; no more
    with Project.open(path) as p:                                # the dead owner's lock is taken over
        assert sync(p).pushed_documents == DOCS - 250
        assert_exact(dsn, p, "alice")


def test_the_same_sync_twice(team):
    dsn, _lead, tmp = team
    path = join(dsn, tmp, "alice")
    with Project.open(path) as p:
        first, again = sync(p), sync(p)
        assert (first.pushed_documents, again.pushed_documents) == (DOCS, 0)
        assert again.pushed_rows == 0 and again.pulled_documents == 0
        assert_exact(dsn, p, "alice")


def test_two_annotators_syncing_at_once(team):
    """alice and bob push at the same moment (both held at their second batch until the other
    is there too): both complete, each layer exact, neither touched by the other."""
    dsn, lead, tmp = team
    paths = {name: join(dsn, tmp, name) for name in ("alice", "bob")}
    both = threading.Barrier(2, timeout=30)
    outcome: dict[str, object] = {}

    def run(name: str) -> None:
        try:
            with Project.open(paths[name]) as p:
                outcome[name] = sync(p, progress=at_second_batch(both.wait))
        except BaseException as e:  # reported below
            outcome[name] = e
    threads = [threading.Thread(target=run, args=(n,)) for n in paths]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    for name in paths:
        assert not isinstance(outcome[name], BaseException), outcome[name]
        assert outcome[name].pushed_documents == DOCS
        assert_exact(dsn, paths[name], name)
    with Project.open(lead) as p:                               # the lead takes both in, once
        report = sync(p)
        assert len(report.merged) == 2
        assert len(local_spans(p, "alice")) == len(local_spans(p, "bob")) == DOCS + 10
        assert sync(p).merged == []


def test_the_app_with_its_server_stopped(qtbot, team, fault_server):
    """The server stopped under the app: Sync now and the automatic sync each say so in one line
    (the dialog, the status bar; no box, no traceback), annotating goes on, and once the server
    is back the next sync sends everything, exactly."""
    from PySide6.QtCore import Qt

    from isfannotate_ui.app import create_main_window

    dsn, _lead, tmp = team
    path = join(dsn, tmp, "alice")
    w = create_main_window(path, "alice")
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    db = w.team.teamdb
    try:
        fault_server.kill()
        try:
            dlg = db.show_dialog()
            qtbot.mouseClick(dlg.sync, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda: not w.files.jobs, timeout=30000)
            line = one_line(dlg.error.text())
            assert "cannot be reached" in line and "alice@" in line
            assert w.statusBar().currentMessage() == f"⚠ {line}"
            dlg.close()
            # the automatic sync: one line in the status bar, tried again at its next turn
            assert db.auto_sync() is not None
            qtbot.waitUntil(lambda: not w.files.jobs, timeout=30000)
            said = one_line(w.statusBar().currentMessage())
            assert said.startswith("⚠ automatic sync did not complete: team database alice@")
            # annotating goes on
            w.activateWindow()
            qtbot.waitUntil(w.isActiveWindow, timeout=5000)
            w.show_document("d050")
            w.view.setFocus()
            i = w.view.text().index("Pakistan")           # a name the registry knows: linked at once
            w.view.set_text_cursor_range(i, i + 8)
            qtbot.keyClick(w.view, Qt.Key.Key_1)
            assert ("d050", i, i + 8) in [(s[1], s[2], s[3]) for s in local_spans(w.project, "alice")]
        finally:
            fault_server.restart()
        dlg = db.show_dialog()
        assert "did not complete" not in dlg.error.text() and "cannot be reached" in dlg.error.text()
        qtbot.mouseClick(dlg.sync, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not w.files.jobs, timeout=30000)
        assert dlg.error.text() == "" and dlg.report.toPlainText().startswith("synced alice")
        mine = local_spans(w.project, "alice")
        assert len(mine) == DOCS + 11 and server_counts(dsn, "alice")[0] == mine
    finally:
        w.close()


def test_server_stopped_while_the_lead_pulls(team, fault_server):
    """The server stopped while the lead's sync reads the layers (one read for all of them): the
    lead's merge is all-or-nothing, so nothing of either is merged; the next sync merges what the
    server holds, once (an immediate stop may lose the server's very last commits: the annotators'
    next syncs send those again), and when all have synced the lead holds exactly their work."""
    dsn, lead, tmp = team
    paths = {name: join(dsn, tmp, name) for name in ("alice", "bob")}
    for path in paths.values():
        with Project.open(path) as p:
            assert sync(p).pushed_documents == DOCS
    with Project.open(lead) as p:
        fired = []

        def progress(done: int, total: int) -> None:
            if done == 0 and total == 5 and not fired:        # reading both layers (steps: 2 per layer + 1)
                fired.append(done)
                fault_server.kill()
        try:
            with pytest.raises(IsfError) as e:
                sync(p, progress=progress)
        finally:
            fault_server.restart()
        line = one_line(str(e.value))
        assert fired and ("the connection was lost during the sync" in line or "cannot be reached" in line), line
        assert local_spans(p, "alice") == local_spans(p, "bob") == []
        sync(p)
        for name in paths:
            assert local_spans(p, name) == server_counts(dsn, name)[0]
    for name, path in paths.items():
        with Project.open(path) as mine:
            sync(mine)                                       # sends what the stop may have lost, nothing twice
        assert_exact(dsn, path, name)
    with Project.open(lead) as p:
        sync(p)
        for name, path in paths.items():
            assert local_spans(p, name) == local_spans(path, name)
            assert len(local_spans(p, name)) == DOCS + 10
        assert all(m.split(": ", 1)[1].startswith("0 documents") for m in sync(p).merged)
