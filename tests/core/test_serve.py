"""The owner serves reads (issue 19, docs/storage.md "Who serves what"): while a program owns a
project and serves it, `stats`, `export`, ... typed in a terminal run there as a job on its one
connection, with the bytes and exit code they give on the closed project. Writes stay refused; a
wrong token is refused; a busy or silent owner is reported in one line within about 2 s.

The server runs in this process on a plain Project (the app does the same, tests/ui/test_serve_ui.py)."""
from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
import threading
import time

import pytest

from isfannotate import Project
from isfannotate.cli import main as cli
from isfannotate.cli.served import start_serving
from isfannotate.errors import IsfError
from isfannotate.store import ownership, serve

DOC4 = "004_925ac23fd4dc491f"


@pytest.fixture
def corpus(tmp_path, seeds_dir, monkeypatch):
    """A closed project with the seeds, one annotator's spans, two documents done; cwd is tmp_path."""
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))     # the sockets' folder: $XDG_RUNTIME_DIR/isfannotate
    path = tmp_path / "corpus.isf"
    with Project.create(path, registry=seeds_dir / "registry.json") as p:
        p.import_paths(sorted(seeds_dir.glob("*.txt")))
        p.annotate(DOC4, "alice", 0, 4, "ACTOR")
        p.annotate(DOC4, "alice", 10, 20, "CUE")
        p.set_status(DOC4, "alice", "done", reason="test")
    monkeypatch.chdir(tmp_path)
    return path


def run(capsys, *argv) -> tuple[int, str, str]:
    code = cli(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def owner(corpus):
    """The project open and served, as the app holds it (opened by its absolute path)."""
    p = Project.open(corpus.resolve(), program="isfannotate gui")
    server = start_serving(p, cli)
    yield p, server
    server.stop()
    p.close()


def export_files(folder):
    files = {f.name: f.read_bytes() for f in sorted(folder.iterdir())}
    manifest = json.loads(files.pop("manifest.json"))
    manifest.pop("created_at")
    return files, manifest


READS = [("stats", "corpus.isf"), ("stats", "corpus.isf", "--json"), ("feedback", "corpus.isf", "alice"),
         ("agreement", "corpus.isf", "--json"), ("stancemap", "corpus.isf")]


def test_read_commands_served_by_the_owner_give_the_same_bytes_and_exit_codes(corpus, capsys, tmp_path):
    closed = [run(capsys, *argv) for argv in READS]
    closed.append(run(capsys, "export", "corpus.isf", "--format", "jsonl", "--all", "--layer", "zed"))
    closed_export = run(capsys, "export", "corpus.isf", "--format", "jsonl", "--all", "--layer", "alice",
                        "--out", "out")
    assert closed_export[0] == 0 and "exported" in closed_export[1]
    first = export_files(tmp_path / "out")
    (tmp_path / "out").rename(tmp_path / "out-closed")

    p = Project.open(corpus.resolve(), program="isfannotate gui")
    server = start_serving(p, cli)
    try:
        held = ownership.read_lock(corpus)
        assert held.program == "isfannotate gui" and held.serve == server.address
        assert held.serve.startswith("unix:")
        with pytest.raises(IsfError):            # nobody else opens it: the owner serves instead
            Project.open(corpus, read_only=True)
        served = [run(capsys, *argv) for argv in READS]
        served.append(run(capsys, "export", "corpus.isf", "--format", "jsonl", "--all", "--layer", "zed"))
        served_export = run(capsys, "export", "corpus.isf", "--format", "jsonl", "--all", "--layer", "alice",
                            "--out", "out")
        # the owner is unaffected and still writes
        p.annotate(DOC4, "bob", 0, 4, "ACTOR")
    finally:
        server.stop()
        p.close()
    assert served == closed
    assert closed[0][0] == 0 and "layer alice: 2 spans" in closed[0][1]
    assert closed[-1][0] == 2 and closed[-1][2].startswith("isfannotate export: ")   # a refusal, served alike
    assert served_export == closed_export
    assert export_files(tmp_path / "out") == first        # written in the terminal's folder, same bytes
    assert ownership.owner_of(corpus) is None             # closed and released


def test_the_socket_and_token_are_private_and_leave_with_the_server(owner, corpus):
    p, server = owner
    sock = server.address.removeprefix("unix:")
    folder = os.path.dirname(sock)
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    token = serve.token_path(corpus)
    assert stat.S_IMODE(os.stat(token).st_mode) == 0o600 and len(token.read_text()) == 64
    assert stat.S_ISSOCK(os.stat(sock).st_mode)
    server.stop()
    assert not os.path.exists(sock) and not token.exists()
    assert ownership.read_lock(corpus).serve == ""          # still owned, no longer served


def test_write_commands_and_check_stay_refused_with_the_same_line(owner, corpus, capsys, seeds_dir):
    p, _ = owner
    before = p.stats()
    for argv in (["import", "corpus.isf", str(seeds_dir / f"{DOC4}.txt")],
                 ["adjudicate", "corpus.isf", "--auto", "unanimous"],
                 ["assign", "corpus.isf", "--annotators", "a,b"], ["check", "corpus.isf"]):
        code, out, err = run(capsys, *argv)
        assert code == 2 and out == ""
        [line] = err.splitlines()
        assert "the project is open in isfannotate gui" in line and "close it there" in line
    assert p.stats() == before
    # and asked directly, with the right token, the server refuses what it does not serve
    with pytest.raises(serve.ServeError, match="import is not served"):
        serve.request(corpus, ownership.read_lock(corpus), ["import", "corpus.isf", "x.txt"], os.getcwd())


def test_a_wrong_token_is_refused_and_nothing_runs(owner, corpus):
    p, _ = owner
    ran = []
    p.jobs.submit("probe", lambda *a: ran.append(1)).wait(10)
    with pytest.raises(serve.ServeError, match="refused the request: wrong token"):
        serve.request(corpus, ownership.read_lock(corpus), ["stats", "corpus.isf"], os.getcwd(), token="0" * 64)
    assert ran == [1]
    assert p.jobs.current is None and not p.jobs.busy          # no job was queued for it


def test_a_busy_owner_is_reported_in_one_line_then_serves(owner, corpus, capsys):
    p, server = owner
    handled = []
    handler = server.handler
    server.handler = lambda *a: handled.append(a[1]) or handler(*a)
    inside, release = threading.Event(), threading.Event()

    def hold(project, progress, cancelled):
        inside.set()
        release.wait(30)

    job = p.jobs.submit("Importing documents", hold)
    assert inside.wait(10)
    try:
        t0 = time.monotonic()
        code, out, err = run(capsys, "stats", "corpus.isf")
        took = time.monotonic() - t0
    finally:
        release.set()
    job.wait(10)
    p.jobs.submit("after", lambda *a: None).wait(10)
    assert handled == []                       # the request it gave up on never ran later
    assert code == 2 and out == "" and 1.9 < took < 4
    [line] = err.splitlines()
    assert line == (f"isfannotate stats: corpus.isf: the project is open in {ownership.read_lock(corpus).describe()}, "
                    "which is busy (Importing documents); try again when it has finished")
    code, out, _ = run(capsys, "stats", "corpus.isf")
    assert code == 0 and "documents 5" in out and handled == [["stats", "corpus.isf"]]


def test_an_owner_that_does_not_answer_is_reported_within_2_s(corpus, capsys):
    """A lock naming a live local owner whose socket accepts but never answers."""
    folder = serve._private_dir(create=True)
    path = serve.socket_path(corpus, folder)
    silent = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    silent.bind(str(path))
    silent.listen(1)                          # connections wait in the backlog: never accepted
    serve.token_path(corpus, folder).write_text("f" * 64)
    info = ownership.OwnerInfo(pid=os.getpid(), host=ownership.this_host(), user="", program="isfannotate gui",
                               since="2026-12-07T00:00:00+00:00", serve=f"unix:{path}")
    ownership.write_lock(corpus, info)
    try:
        t0 = time.monotonic()
        code, out, err = run(capsys, "stats", "corpus.isf")
        took = time.monotonic() - t0
    finally:
        silent.close()
        path.unlink()
        ownership.remove_lock(corpus)
    assert code == 2 and out == "" and 1.9 < took < 4
    [line] = err.splitlines()
    assert line == (f"isfannotate stats: corpus.isf: the project is open in {info.describe()}, which did not "
                    "answer within 2 s; try again, or close the project there")


def test_a_forged_address_outside_the_private_folder_is_not_trusted(corpus, capsys, tmp_path):
    """A lock file pointing at someone else's socket: the command does not talk to it; it opens the
    project as usual (here the database is free, so the command runs)."""
    info = ownership.OwnerInfo(pid=os.getpid(), host=ownership.this_host(), user="", program="isfannotate gui",
                               since="2026-12-07T00:00:00+00:00", serve=f"unix:{tmp_path / 'evil.sock'}")
    ownership.write_lock(corpus, info)
    evil = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    evil.bind(str(tmp_path / "evil.sock"))
    evil.listen(1)
    evil.settimeout(0.5)
    try:
        code, out, err = run(capsys, "stats", "corpus.isf")
        with pytest.raises(socket.timeout):
            evil.accept()
    finally:
        evil.close()
    assert "answer" not in err and "refused the request" not in err    # never sent anywhere: opened as usual


def test_loopback_tcp_transport_serves_the_same(corpus, capsys):
    """The transport used where there are no Unix sockets (Windows), tested here on 127.0.0.1."""
    closed = run(capsys, "stats", "corpus.isf", "--json")
    p = Project.open(corpus.resolve(), program="isfannotate gui")
    server = start_serving(p, cli, transport="tcp")
    try:
        assert server.address.startswith("tcp:127.0.0.1:")
        assert run(capsys, "stats", "corpus.isf", "--json") == closed
    finally:
        server.stop()
        p.close()


def test_served_to_another_process(owner, corpus, tmp_path):
    """The terminal is another process: same bytes on stdout and stderr, same exit code."""
    env = {**os.environ, "ISFANNOTATE_PROGRESS": "0"}
    r = subprocess.run([sys.executable, "-m", "isfannotate", "stats", "corpus.isf"], cwd=tmp_path, env=env,
                       capture_output=True, timeout=60)
    assert r.returncode == 0 and r.stderr == b""
    assert r.stdout.startswith(b"corpus  (corpus.isf, schema ")


def test_owner_opened_by_a_relative_path_serves_a_terminal_in_another_folder(corpus, capsys, tmp_path, monkeypatch):
    sub = tmp_path / "sub"
    sub.mkdir()
    monkeypatch.chdir(sub)
    closed = run(capsys, "stats", "../corpus.isf")
    monkeypatch.chdir(tmp_path)
    p = Project.open("corpus.isf", program="isfannotate gui")        # as `isfannotate gui corpus.isf` does
    server = start_serving(p, cli)
    monkeypatch.chdir(sub)
    served = run(capsys, "stats", "../corpus.isf")
    assert os.getcwd() == str(sub)                                    # the served job gave the folder back
    monkeypatch.chdir(tmp_path)
    server.stop()
    assert ownership.read_lock(corpus).serve == ""
    p.close()
    assert served == closed and closed[0] == 0 and "(../corpus.isf, schema" in closed[1]
    assert not corpus.with_name("corpus.isf.lock").exists()


def test_a_served_command_stops_when_its_terminal_goes_away(corpus, capsys):
    """Ctrl+C in the terminal closes its end: the served command stops at its next progress step
    (an export then removes its temporary files), as it would on a closed project."""
    from isfannotate.progress import ProgressBar
    steps, outcome = [], []

    def long_command(argv):               # stands in for `main`: a command with a progress bar
        bar = ProgressBar("exporting")
        try:
            for k in range(600):
                bar(k, 600)
                steps.append(k)
                time.sleep(0.05)
        except IsfError as e:
            outcome.append(str(e))
            raise
        outcome.append("finished")
        return 0

    p = Project.open(corpus.resolve(), program="isfannotate gui")
    server = start_serving(p, long_command)
    try:
        client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        client.connect(server.address.removeprefix("unix:"))
        token = serve.token_path(corpus).read_text()
        client.sendall(json.dumps({"token": token, "argv": ["export", "corpus.isf"], "cwd": os.getcwd()}).encode()
                       + b"\n")
        reader = client.makefile("rb")
        assert json.loads(reader.readline()) == {"queued": ""}
        assert json.loads(reader.readline()) == {"started": True}
        deadline = time.monotonic() + 10
        while len(steps) < 3:
            assert time.monotonic() < deadline
            time.sleep(0.01)
        reader.close()
        client.close()                         # the terminal is gone
        deadline = time.monotonic() + 10
        while not outcome:
            assert time.monotonic() < deadline, "the served command did not stop"
            time.sleep(0.02)
    finally:
        server.stop()
        p.close()
    assert outcome[0].startswith("exporting: stopped, the terminal that asked for it went away") and len(steps) < 100
    assert capsys.readouterr() == ("", "")     # its output went to the terminal's capture, not to the app's


def test_served_output_carries_no_progress_bar_even_when_the_app_forces_them(owner, corpus, capsys, monkeypatch):
    """ISFANNOTATE_PROGRESS=1 in the owner's environment draws bars in its own terminal; a served
    command's output must stay the command's output."""
    monkeypatch.setenv("ISFANNOTATE_PROGRESS", "1")
    from isfannotate.cli.served import run_served
    p, _ = owner

    def with_bar(argv):
        from isfannotate.progress import ProgressBar
        bar = ProgressBar("exporting", delay=0)
        for k in range(3):
            bar(k + 1, 3)
        bar.finish()
        print("exported")
        return 0

    assert run_served(with_bar, p, corpus.resolve(), ["export"], os.getcwd()) == (0, "exported\n", "")


def test_a_server_that_cannot_listen_leaves_nothing_behind(corpus):
    """Something in the way of the socket: start raises OSError (the app then says it does not
    serve), no token file is left, the lock file names no address."""
    folder = serve._private_dir(create=True)
    serve.socket_path(corpus, folder).mkdir()
    p = Project.open(corpus.resolve(), program="isfannotate gui")
    try:
        with pytest.raises(OSError):
            start_serving(p, cli)
        assert not serve.token_path(corpus, folder).exists()
        assert ownership.read_lock(corpus).serve == ""
    finally:
        p.close()
