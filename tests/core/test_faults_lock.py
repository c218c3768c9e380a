"""The lock file and read-only places (issue 18): a reused pid is stale, any value a lock file
holds is handled, a lock path that is a folder is one line, `unlock` breaks a lock only once it
holds the project, Ctrl-D means no; a project in a read-only folder or file says so, and the
commands that only read work there when it was closed cleanly."""
from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys

import pytest

from isfannotate import Project
from isfannotate.cli import main as cli
from isfannotate.errors import ProjectError, ReadOnlyStorage
from isfannotate.store import ownership

DOC4 = "004_925ac23fd4dc491f"


@pytest.fixture
def project_file(tmp_path, seeds_dir):
    path = tmp_path / "l.isf"
    with Project.create(path) as p:
        p.import_paths([seeds_dir / f"{DOC4}.txt"])
        p.annotate(DOC4, "alice", 0, 4, "ACTOR")
    return path


def _lock(path, **fields) -> None:
    data = {"pid": os.getpid(), "host": ownership.this_host(), "user": "x", "program": "isfannotate gui",
            "since": "2026-12-01T10:00:00+00:00", **fields}
    ownership.lock_path(path).write_text(json.dumps(data), encoding="utf-8")


# ------------------------------------------------------------------------------ the lock file
@pytest.mark.skipif(not os.path.exists("/proc/self/stat"), reason="process start times are read from /proc")
def test_the_lock_records_the_start_time_and_a_reused_pid_is_stale(project_file, capsys):
    with Project.open(project_file) as p:
        mine = ownership.read_lock(project_file)
        assert mine == p.owner and mine.start == ownership.start_time(os.getpid()) and mine.start
        assert ownership.owner_of(project_file) == mine   # this very process: alive
    # pid 1 runs, but it is not the program that wrote the lock: a reused pid
    _lock(project_file, pid=1, start="12345678", program="isfannotate gui")
    assert ownership.pid_alive(1)
    assert ownership.owner_of(project_file) is None
    assert cli(["unlock", str(project_file)]) == 0
    assert "stale lock" in capsys.readouterr().out and not ownership.lock_path(project_file).exists()


def test_a_reused_pid_does_not_block_a_merge(tmp_path, seeds_dir):
    if not os.path.exists("/proc/self/stat"):
        pytest.skip("process start times are read from /proc")
    lead = Project.create(tmp_path / "corpus.isf")
    try:
        lead.import_paths([seeds_dir / f"{DOC4}.txt"])
        lead.assign_round_robin(["alice"], overlap=1)
        (handout,) = lead.handout(tmp_path / "out")
        with Project.open(handout) as h:
            h.annotate(DOC4, "alice", 0, 4, "ACTOR")
        _lock(handout, pid=1, start="12345678")
        report = lead.merge([handout])
        assert report is not None
        assert len(lead.spans(DOC4, "alice")) == 1
    finally:
        lead.close()


@pytest.mark.parametrize("content", [
    b"\xff\xfe\x00garbage", b"[]", b"null", b'{"pid": -5, "host": "%HOST%"}', b'{"pid": 1e400, "host": "%HOST%"}',
    b'{"pid": 99999999999999999999999999, "host": "%HOST%"}', b'{"pid": "abc", "host": "%HOST%"}',
    b'{"pid": 4294967297, "host": "%HOST%"}', b'{"pid": true, "host": "%HOST%"}', b'{"pid": 1}',
    b'{"pid": 1, "host": "%HOST%", "user": {"x": 1}, "start": 5}', b"x" * 200_000, b"[" * 100_000,
])
def test_any_value_in_the_lock_file_is_handled(project_file, content, capsys):
    ownership.lock_path(project_file).write_bytes(content.replace(b"%HOST%", ownership.this_host().encode()))
    ownership.owner_of(project_file)   # never raises
    with Project.open(project_file, read_only=True) as p:   # SQLite's lock is the guard here: it is free
        assert len(p.spans(DOC4, "alice")) == 1
    ownership.lock_path(project_file).write_bytes(content.replace(b"%HOST%", ownership.this_host().encode()))
    assert cli(["unlock", str(project_file)]) == 0
    out = capsys.readouterr()
    assert "Traceback" not in out.err


def test_a_huge_pid_in_a_refusal_and_in_unlock(project_file, capsys):
    _lock(project_file, pid=2**40)
    assert not ownership.pid_alive(2**40) and ownership.owner_of(project_file) is None
    assert cli(["unlock", str(project_file)]) == 0
    assert "stale lock" in capsys.readouterr().out
    with Project.open(project_file):   # the owner; another opener is refused with a message
        _lock(project_file, pid=2**40)
        assert cli(["stats", str(project_file)]) == 2
        assert "open in another program" in capsys.readouterr().err


def test_a_lock_path_that_is_a_folder_is_one_line_and_writes_nothing(project_file, capsys):
    before = project_file.read_bytes()
    ownership.lock_path(project_file).mkdir()
    for read_only in (False, True):
        with pytest.raises(ProjectError, match=r"l\.isf\.lock is not a file .a folder\?.*move it away"):
            Project.open(project_file, read_only=read_only)
    assert cli(["stats", str(project_file)]) == 2
    assert capsys.readouterr().err.count("\n") == 1
    assert project_file.read_bytes() == before
    assert sorted(x.name for x in project_file.parent.iterdir()) == ["l.isf", "l.isf.lock"]


def test_ctrl_d_at_the_unlock_prompt_means_no(project_file, monkeypatch, capsys):
    _lock(project_file, host="elsewhere.example")

    class Terminal(io.StringIO):
        def isatty(self):
            return True
    monkeypatch.setattr(sys, "stdin", Terminal(""))   # Ctrl-D: end of input at once
    assert cli(["unlock", str(project_file)]) == 1
    assert "left locked" in capsys.readouterr().out
    assert ownership.read_lock(project_file).host == "elsewhere.example"


def test_unlock_yes_keeps_the_lock_while_the_project_is_held(project_file, capsys):
    remote = ownership.OwnerInfo(pid=77, host="elsewhere.example", user="bo", program="isfannotate gui",
                                 since="2026-12-01T10:00:00+00:00")
    proc = subprocess.Popen([sys.executable, "-c", "import sqlite3, sys\n"
                             "c = sqlite3.connect(sys.argv[1]); c.execute('PRAGMA locking_mode=EXCLUSIVE')\n"
                             "c.execute('SELECT count(*) FROM sqlite_master').fetchone(); print('held', flush=True)\n"
                             "sys.stdin.readline()", str(project_file)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "held"
        ownership.write_lock(project_file, remote)
        assert cli(["unlock", str(project_file), "--yes"]) == 2
        err = capsys.readouterr().err
        assert "still in use" in err and "left as it is" in err and err.count("\n") == 1
        assert ownership.read_lock(project_file) == remote   # not deleted before the project was free
    finally:
        proc.stdin.close()
        proc.wait(timeout=60)
        proc.stdout.close()
    assert cli(["unlock", str(project_file), "--yes"]) == 0
    assert ownership.read_lock(project_file) is None


# --------------------------------------------------------------------------- read-only places
def _chattr(flag: str, *paths) -> None:
    r = subprocess.run(["chattr", flag, *map(str, paths)], capture_output=True)
    if r.returncode != 0:
        pytest.skip(f"chattr {flag} is not permitted here ({r.stderr.decode().strip()})")


@pytest.fixture
def immutable(tmp_path):
    """Make paths read-only even for root (chattr +i), undone at teardown."""
    if shutil.which("chattr") is None or sys.platform != "linux":
        pytest.skip("chattr is not available")
    made = []

    def make(*paths):
        _chattr("+i", *paths)
        made.extend(paths)
    yield make
    if made:
        subprocess.run(["chattr", "-i", *map(str, made)], capture_output=True)


READERS = [["stats"], ["stats", "--json"], ["check"]]


def test_a_read_only_folder(project_file, tmp_path, immutable, capsys):
    before = project_file.read_bytes()
    immutable(project_file.parent)
    for args in READERS:
        assert cli([args[0], str(project_file), *args[1:]]) == 0, capsys.readouterr().err
    out = capsys.readouterr()
    assert "ok: 1 document," in out.out and out.err == ""
    assert cli(["export", str(project_file), "--format", "jsonl", "--layer", "alice", "--all",
                "--out", str(tmp_path.parent / f"{tmp_path.name}-export")]) == 0
    with pytest.raises(ReadOnlyStorage, match=r"l\.isf is read-only: its folder .* cannot be written"):
        Project.open(project_file)
    assert cli(["import", str(project_file), str(project_file)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is read-only" in err and "disk I/O error" not in err
    assert cli(["init", str(project_file.parent / "new.isf")]) == 2
    err = capsys.readouterr().err
    assert "new.isf: cannot create the project there: its folder" in err and err.count("\n") == 1
    assert project_file.read_bytes() == before


def test_a_read_only_file(project_file, immutable, capsys):
    before = project_file.read_bytes()
    immutable(project_file)
    for args in READERS:
        assert cli([args[0], str(project_file), *args[1:]]) == 0, capsys.readouterr().err
    with pytest.raises(ReadOnlyStorage, match=r"l\.isf is read-only: the file cannot be written"):
        Project.open(project_file)
    assert project_file.read_bytes() == before
    assert not ownership.lock_path(project_file).exists()


def test_a_read_only_folder_with_work_left_in_the_wal(project_file, tmp_path, immutable, capsys):
    crashed = [tmp_path / "crashed1", tmp_path / "crashed2"]
    with Project.open(project_file) as p:
        p.annotate(DOC4, "alice", 10, 14, "CUE")
        for folder in crashed:   # as a killed owner leaves it
            folder.mkdir()
            shutil.copy(project_file, folder / "c.isf")
            shutil.copy(project_file.with_name("l.isf-wal"), folder / "c.isf-wal")
    immutable(crashed[0])   # the folder only: its files can be written, so a reader recovers the work
    assert cli(["stats", str(crashed[0] / "c.isf")]) == 0
    assert "2 spans (ACTOR 1, CUE 1)" in capsys.readouterr().out
    immutable(crashed[1] / "c.isf", crashed[1] / "c.isf-wal", crashed[1])   # nothing there can be written
    assert cli(["stats", str(crashed[1] / "c.isf")]) == 2
    err = capsys.readouterr().err
    assert "is read-only" in err and "not closed cleanly" in err and err.count("\n") == 1
