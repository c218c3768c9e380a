"""Machine faults and damaged files (issue 18): a full disk, newer and foreign files, damage that
`check` exists to report, a closed pipe, and the CLI's last line of defence. Each ends in one
line (exit 2) or a quiet exit, never a traceback; nothing acknowledged is lost."""
from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from isfannotate import Project
from isfannotate.cli import main as cli
from isfannotate.errors import DamagedProject, DiskFull, IsfError, ProjectError, StorageError
from isfannotate.store import ownership

DOC4 = "004_925ac23fd4dc491f"


@pytest.fixture
def project_file(tmp_path, seeds_dir):
    path = tmp_path / "f.isf"
    with Project.create(path) as p:
        p.import_paths([seeds_dir / f"{DOC4}.txt"])
        p.annotate(DOC4, "alice", 0, 4, "ACTOR")
    return path


def _fill(conn) -> None:
    """A full disk, portably: the file may not grow past the pages it has."""
    n = conn.execute("PRAGMA page_count").fetchone()[0]
    assert conn.execute(f"PRAGMA max_page_count={n}").fetchone()[0] == n


def _annotate_until_full(p: Project) -> tuple[list[str], DiskFull]:
    saved = []
    for i in range(5000):
        try:
            saved.append(p.annotate(DOC4, "alice", 10 + i % 500, 14 + i % 500 + i // 500, "CUE").ops[0].after["id"])
        except DiskFull as e:
            return saved, e
    raise AssertionError("the disk never filled")


def test_a_full_disk_is_one_line_and_the_action_is_not_applied(project_file):
    with Project.open(project_file) as p:
        _fill(p.conn)
        saved, err = _annotate_until_full(p)
        assert isinstance(err, StorageError) and isinstance(err, IsfError)
        assert not isinstance(err, sqlite3.Error)
        assert "the disk is full" in str(err) and "every action before it is saved" in str(err)
        assert "\n" not in str(err)
        undo_depth = len(p._undo)
        with pytest.raises(DiskFull):   # the same again: still refused, the stacks unchanged
            p.annotate(DOC4, "alice", 600, 620, "CUE")
        assert len(p._undo) == undo_depth
        assert not p.conn.in_transaction
        assert {s.id for s in p.spans(DOC4, "alice")} >= set(saved)   # readers still work
    with Project.open(project_file, read_only=True) as q:   # nothing acknowledged was lost
        stored = {s.id for s in q.spans(DOC4, "alice")}
        assert set(saved) <= stored and q.check() == []


def test_a_lock_file_that_cannot_be_written_leaves_no_temp_file(project_file, monkeypatch):
    before = project_file.read_bytes()

    def no_space(src, dst):
        raise OSError(errno.ENOSPC, "No space left on device", str(dst))
    monkeypatch.setattr(ownership.os, "replace", no_space)
    with pytest.raises(DiskFull, match="the disk is full: the lock file was not saved"):
        Project.open(project_file)
    assert sorted(x.name for x in project_file.parent.iterdir()) == ["f.isf"]
    with Project.open(project_file, read_only=True) as q:   # a reader goes on without a lock file
        assert q.owner is None and len(q.spans(DOC4, "alice")) == 1
    assert sorted(x.name for x in project_file.parent.iterdir()) == ["f.isf"]
    assert project_file.read_bytes() == before


def _tmpfs(path: Path, size: str) -> None:
    path.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({r.stderr.decode().strip() or 'mount failed'})")


def _fill_disk(disk: Path) -> None:
    fd = os.open(disk / "filler", os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    try:
        for size in (65536, 4096, 512, 1):
            try:
                while True:
                    os.write(fd, b"x" * size)
            except OSError as e:
                assert e.errno == errno.ENOSPC
    finally:
        os.close(fd)


def _run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "isfannotate", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=300)


def test_an_upgrade_whose_backup_does_not_fit_leaves_no_partial_backup(tmp_path, monkeypatch):
    import sqlite_utils

    from isfannotate.store import connection
    from isfannotate.store.schema import migration_set
    path = tmp_path / "old.isf"
    db = sqlite_utils.Database(path)
    migration_set().apply(db, stop_before="m002_suggestions_and_notes")
    db.close()

    def copy_that_fills(src, dst):
        Path(dst).write_bytes(b"partial")
        raise OSError(errno.ENOSPC, "No space left on device", str(dst))
    monkeypatch.setattr(connection.shutil, "copy2", copy_that_fills)
    with pytest.raises(DiskFull, match="the backup copy before the upgrade was not saved"):
        Project.open(path)
    assert sorted(x.name for x in tmp_path.iterdir()) == ["old.isf"]


@pytest.mark.skipif(sys.platform != "linux", reason="a tmpfs is Linux")
def test_a_really_full_disk(tmp_path, seeds_dir):
    disk = tmp_path / "disk"
    _tmpfs(disk, "2m")
    try:
        path = disk / "p.isf"
        with Project.create(path) as p:
            p.import_paths([seeds_dir / f"{DOC4}.txt"])
        p = Project.open(path)
        first = p.annotate(DOC4, "alice", 0, 4, "ACTOR").ops[0].after["id"]
        _fill_disk(disk)
        saved, err = _annotate_until_full(p)
        saved.append(first)
        assert "the disk is full" in str(err)
        p.close()   # its checkpoint fails: not an error
        for cmd in (["stats", str(path)], ["check", str(path)]):
            r = _run(*cmd)
            assert r.returncode == 0 and r.stdout and "Traceback" not in r.stderr, (cmd, r.stdout, r.stderr)
        _fill_disk(disk)   # what a close or a reader freed
        r = _run("import", str(path), str(seeds_dir / "001_9bdde0be44e8882d.txt"))
        assert r.returncode == 2 and r.stderr.count("\n") == 1 and "the disk is full" in r.stderr, r.stderr
        _fill_disk(disk)
        r = _run("export", str(path), "--format", "jsonl", "--layer", "alice", "--all", "--out", str(disk / "exp"))
        assert r.returncode == 2 and "the disk is full" in r.stderr and r.stderr.count("\n") == 1, r.stderr
        shutil.rmtree(disk / "exp", ignore_errors=True)
        _fill_disk(disk)
        with Project.open(path, read_only=True) as q, pytest.raises(DiskFull):
            q.copy_to(disk / "copy.isf")   # what handout and hand-over copies use
        _fill_disk(disk)
        r = _run("init", str(disk / "new.isf"))
        assert r.returncode == 2 and "the disk is full" in r.stderr and "Traceback" not in r.stderr, r.stderr
        left = sorted(x.name for x in disk.iterdir())
        assert left in (["filler", "p.isf"], ["filler", "p.isf", "p.isf-wal"]), left
        os.unlink(disk / "filler")   # space freed: nothing acknowledged is lost
        with Project.open(path) as q:
            assert set(saved) <= {s.id for s in q.spans(DOC4, "alice")} and q.check() == []
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)   # -l: even if a file there is still open


# ------------------------------------------------------------------ newer and foreign files
def test_a_newer_file_by_user_version_is_refused_byte_identical(project_file, capsys):
    conn = sqlite3.connect(project_file)
    conn.execute("PRAGMA user_version=99")
    conn.close()
    before = project_file.read_bytes()
    for read_only in (False, True):
        with pytest.raises(ProjectError, match="written by a newer isfannotate .schema 99"):
            Project.open(project_file, read_only=read_only)
    assert cli(["stats", str(project_file)]) == 2
    assert "newer" in capsys.readouterr().err
    assert project_file.read_bytes() == before
    assert sorted(x.name for x in project_file.parent.iterdir()) == ["f.isf"]


def test_another_applications_file_is_refused_byte_identical(tmp_path, capsys):
    other = tmp_path / "notes.sqlite"
    conn = sqlite3.connect(other)   # a rollback-journal file, as most applications keep theirs
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    conn.execute("INSERT INTO notes (body) VALUES ('keep me as I am')")
    conn.commit()
    conn.close()
    before = other.read_bytes()
    for read_only in (False, True):
        with pytest.raises(ProjectError, match="not an isfannotate project"):
            Project.open(other, read_only=read_only)
    for cmd in ("stats", "check", "import"):
        args = [cmd, str(other)] + ([str(other)] if cmd == "import" else [])
        assert cli(args) == 2
        assert "not an isfannotate project" in capsys.readouterr().err
    assert other.read_bytes() == before   # not switched to WAL
    assert sorted(x.name for x in tmp_path.iterdir()) == ["notes.sqlite"]


# -------------------------------------------------------------------- check on damage
def test_check_lists_undecodable_text_by_table_and_row(project_file, capsys):
    conn = sqlite3.connect(project_file)
    conn.execute("UPDATE documents SET text = CAST(x'41ff42' AS TEXT)")
    conn.execute("UPDATE project_info SET value = CAST(x'c3' AS TEXT) WHERE key='name'")
    conn.commit()
    conn.close()
    assert cli(["check", str(project_file)]) == 2
    out = capsys.readouterr()
    assert "undecodable text: documents.text row 1: byte 1 is not UTF-8" in out.out
    assert "undecodable text: project_info.value row" in out.out
    assert "Traceback" not in out.err and "problems" in out.err
    assert cli(["stats", str(project_file)]) == 2   # a command that needs the text: one line
    err = capsys.readouterr().err
    assert "damaged" in err and "isfannotate check" in err and err.count("\n") == 1


def test_check_reports_a_malformed_database(project_file, capsys):
    conn = sqlite3.connect(project_file)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name='spans'").fetchone()[0]
    conn.close()
    with open(project_file, "r+b") as fh:   # the spans table's page overwritten, as a foreign WAL does
        fh.seek((root - 1) * page_size)
        fh.write(b"\x0d" + b"\xff" * 200)
    assert cli(["check", str(project_file)]) == 2
    out = capsys.readouterr()
    assert "malformed" in out.out or "integrity:" in out.out, out
    assert "Traceback" not in out.err


def test_check_reports_a_damaged_schema_whose_message_is_not_utf8(project_file, capsys):
    conn = sqlite3.connect(project_file)
    conn.execute("CREATE TABLE extra (a)")
    conn.execute("PRAGMA writable_schema=ON")
    conn.execute("UPDATE sqlite_master SET name=CAST(x'65ff' AS TEXT), tbl_name=CAST(x'65ff' AS TEXT) "
                 "WHERE name='extra'")
    conn.commit()
    conn.close()
    before = project_file.read_bytes()
    assert cli(["check", str(project_file)]) == 2
    out = capsys.readouterr()
    assert "the project file is damaged (malformed database schema" in out.out and "internal error" not in out.err
    assert cli(["stats", str(project_file)]) == 2
    assert "damaged" in capsys.readouterr().err
    assert project_file.read_bytes() == before


def test_damage_in_a_reader_is_a_damaged_project_error(project_file):
    conn = sqlite3.connect(project_file)
    conn.execute("UPDATE spans SET label = CAST(x'ff' AS TEXT)")
    conn.commit()
    conn.close()
    with Project.open(project_file, read_only=True) as p:
        with pytest.raises(DamagedProject, match="not UTF-8"):
            p.spans(DOC4, "alice")


# ------------------------------------------------------------------- the CLI's defences
def test_output_to_a_closed_pipe_ends_quietly(project_file):
    for _ in range(3):
        proc = subprocess.Popen([sys.executable, "-m", "isfannotate", "stats", str(project_file), "--json"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        proc.stdout.close()   # the reader went away before the first line (`| head -0`)
        err = proc.stderr.read().decode()
        proc.stderr.close()
        code = proc.wait(timeout=120)
        assert err == "" and code in (0, 141), (code, err)


def test_an_sqlite_fault_that_reaches_main_is_one_line(project_file, monkeypatch, capsys):
    from isfannotate import checks

    def failing(project):
        raise sqlite3.OperationalError("disk I/O error")
    monkeypatch.setattr(checks, "stats", failing)
    assert cli(["stats", str(project_file)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "the disk failed" in err


def test_an_unexpected_error_is_one_line_with_a_report_file(project_file, monkeypatch, capsys):
    from isfannotate import checks

    def bug(project):
        raise KeyError("boom")
    monkeypatch.setattr(checks, "stats", bug)
    assert cli(["stats", str(project_file)]) == 70
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "internal error (KeyError" in err and "Traceback" not in err
    report = Path(err.split("the details are in ")[1].split(";")[0])
    assert "KeyError" in report.read_text()
    report.unlink()


def test_ctrl_c_is_one_line_and_exit_130(project_file, monkeypatch, capsys):
    from isfannotate import checks

    def interrupted(project):
        raise KeyboardInterrupt
    monkeypatch.setattr(checks, "stats", interrupted)
    assert cli(["stats", str(project_file)]) == 130
    assert capsys.readouterr().err.count("\n") == 1
    assert not ownership.lock_path(project_file).exists()


def test_a_copied_crashed_project_with_its_wal_still_opens(project_file, tmp_path):
    """The immutable probe never refuses a project whose tables are still only in its WAL."""
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    p = Project.create(fresh / "n.isf")
    dest = tmp_path / "copy"
    dest.mkdir()
    shutil.copy(fresh / "n.isf", dest / "n.isf")
    shutil.copy(fresh / "n.isf-wal", dest / "n.isf-wal")
    p.close()
    with Project.open(dest / "n.isf", read_only=True) as q:
        assert q.document_count() == 0


def test_damaged_files_end_in_exit_0_or_2_never_a_traceback(project_file, tmp_path, capsys):
    """Seeded damage (bytes overwritten, a page overwritten, the file cut short): `check` and
    `stats` end with exit 0 or 2 and one line on stderr, never an internal error."""
    import random
    raw = project_file.read_bytes()
    rnd = random.Random(18)
    target = tmp_path / "t.isf"
    for trial in range(40):
        b = bytearray(raw)
        kind = ("bytes", "page", "cut")[trial % 3]
        if kind == "bytes":
            for _ in range(rnd.randint(1, 20)):
                b[rnd.randrange(100, len(b))] = rnd.randrange(256)
        elif kind == "page":
            at = rnd.randrange(1, len(b) // 4096) * 4096
            b[at:at + rnd.randint(8, 4096)] = rnd.randbytes(rnd.randint(8, 4096))
        else:
            b = b[:rnd.randrange(100, len(b))]
        for leftover in (target, target.with_name("t.isf-wal"), target.with_name("t.isf.lock")):
            leftover.unlink(missing_ok=True)
        target.write_bytes(bytes(b))
        for cmd in ("check", "stats"):
            code = cli([cmd, str(target)])
            err = capsys.readouterr().err
            assert code in (0, 2), (trial, kind, cmd, code, err)
            assert "internal error" not in err and err.count("\n") <= 1, (trial, kind, cmd, err)


def test_an_unreadable_input_file_is_not_called_a_read_only_project(project_file, tmp_path, monkeypatch, capsys):
    """Inside the project's guard only SQLite's errors are storage faults: an input file the
    system refuses to read is named as itself."""
    from isfannotate import checks

    def reads_an_input(project):
        raise PermissionError(13, "Permission denied", str(tmp_path / "input.txt"))
    monkeypatch.setattr(checks, "stats", reads_an_input)
    with Project.open(project_file, read_only=True) as p, pytest.raises(PermissionError):
        p.stats()
    assert cli(["stats", str(project_file)]) == 2
    err = capsys.readouterr().err
    assert err == f"isfannotate stats: {tmp_path / 'input.txt'}: Permission denied\n"
