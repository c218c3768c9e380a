"""A document import writes its transaction through a rollback journal instead of the WAL
(issue 21: its pages are written once, with no checkpoint after the commit), and stays as safe:
a kill in the middle leaves the project as before the import, a failed or cancelled import
changes nothing, and the project is back in WAL mode after it."""
from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from isfannotate import Project
from isfannotate.errors import InputError, JobCancelled

from . import test_faults_lock

immutable = test_faults_lock.immutable     # the fixture (chattr +i, undone at teardown)

ARTICLE = ("Pakistan troops said the stabilisation force would report to the board. " * 70)   # ~5 KB


def _articles(path: Path, n: int, first: int = 0) -> Path:
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(first, first + n):
            fh.write(json.dumps({"id": f"a{i}", "text": f"Report {i}.\n{ARTICLE}"}) + "\n")
    return path


def _wal_bytes(path: Path) -> int:
    wal = path.with_name(path.name + "-wal")
    return wal.stat().st_size if wal.exists() else 0


def test_an_import_goes_through_a_rollback_journal_not_the_wal(tmp_path):
    path = tmp_path / "p.isf"
    src = _articles(tmp_path / "in.jsonl", 400)     # 2 MB of text
    with Project.create(path) as p:
        p.import_paths([_articles(tmp_path / "first.jsonl", 1, first=1000)])
        report = p.import_paths([src])
        assert len(report.added) == 400
        # the 2 MB went into the file itself: the WAL holds none of it (it held all of it before)
        assert _wal_bytes(path) < 200_000, _wal_bytes(path)
        assert p.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert not path.with_name(path.name + "-journal").exists()
        p.annotate("a3", "alice", 0, 6, "ACTOR")     # the next action is an ordinary WAL commit
        assert 0 < _wal_bytes(path) < 200_000
        assert p.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    with Project.open(path) as q:
        assert len(q.documents()) == 401 and q.check() == []
        assert q.spans("a3", "alice")[0].end == 6


def test_a_failed_or_cancelled_import_leaves_wal_mode_and_nothing_written(tmp_path):
    path = tmp_path / "p.isf"
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "text": "fine"}\n{"id": "y"}\n', encoding="utf-8")
    src = _articles(tmp_path / "in.jsonl", 300)
    with Project.create(path) as p:
        p.import_paths([_articles(tmp_path / "first.jsonl", 2, first=1000)])
        with pytest.raises(InputError, match='no "text" field'):
            p.import_paths([bad])

        def cancel_in_the_inserts(done: int, total: int) -> None:
            if done > total // 2:
                raise JobCancelled("cancelled")
        with pytest.raises(JobCancelled):
            p.import_paths([src], progress=cancel_in_the_inserts)
        assert p.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert [d.id for d in p.documents()] == ["a1000", "a1001"]
        assert p.import_paths([src]).added[-1] == "a299"    # and the same import goes in afterwards
        assert len(p.documents()) == 302


KILLED_IMPORT = r"""
import os, signal, sys
from isfannotate import Project
p = Project.open(sys.argv[1])
def kill_mid_insert(done, total):
    if done >= total * 0.75:     # in the inserts, pages already written into the file
        os.kill(os.getpid(), signal.SIGKILL)
p.import_paths([sys.argv[2]], progress=kill_mid_insert)
print("not killed", flush=True)
"""


@pytest.mark.parametrize("read_only", [False, True])
def test_a_kill_in_the_middle_of_an_import_leaves_the_project_as_before(tmp_path, read_only):
    path = tmp_path / "p.isf"
    with Project.create(path) as p:
        p.import_paths([_articles(tmp_path / "first.jsonl", 3, first=9000)])
        p.annotate("a9000", "alice", 0, 6, "ACTOR")
    src = _articles(tmp_path / "in.jsonl", 3000)    # 15 MB: far more than the page cache holds
    proc = subprocess.run([sys.executable, "-c", KILLED_IMPORT, str(path), str(src)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == -signal.SIGKILL, proc.stdout + proc.stderr
    journal = path.with_name(path.name + "-journal")
    assert journal.exists() and journal.stat().st_size > 0       # the import's hot journal
    assert path.stat().st_size > 5_000_000                        # and its pages, in the file
    with Project.open(path, read_only=read_only) as q:           # the first owner rolls it back
        assert [d.id for d in q.documents()] == ["a9000", "a9001", "a9002"]
        assert [(s.start, s.end) for s in q.spans("a9000", "alice")] == [(0, 6)]
        assert q.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert q.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert q.check() == []
    assert not (journal.exists() and journal.stat().st_size > 0)
    with Project.open(path) as q:
        assert len(q.import_paths([src]).added) == 3000 and len(q.documents()) == 3003


def test_a_killed_import_in_a_read_only_place_is_not_read_as_the_project(tmp_path, immutable, capsys):
    """A project in a place that cannot be written is read as its file alone only when nothing of
    a crash is beside it: the ``-journal`` of a killed import is refused like a ``-wal`` (the file
    holds part of the import), and rolled back once the copy is in a place that can be written."""
    from isfannotate.cli import main as cli
    path = tmp_path / "p.isf"
    with Project.create(path) as p:
        p.import_paths([_articles(tmp_path / "first.jsonl", 2, first=9000)])
    src = _articles(tmp_path / "in.jsonl", 3000)
    proc = subprocess.run([sys.executable, "-c", KILLED_IMPORT, str(path), str(src)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == -signal.SIGKILL, proc.stdout + proc.stderr
    crashed = tmp_path / "crashed"
    crashed.mkdir()
    for suffix in ("", "-journal"):
        shutil.copy(path.with_name("p.isf" + suffix), crashed / ("c.isf" + suffix))
    immutable(crashed)      # (SQLite deletes a hot journal once it has rolled it back: not here)
    assert cli(["stats", str(crashed / "c.isf")]) == 2
    err = capsys.readouterr().err
    assert "is read-only" in err and "an import or a team pull into it was interrupted" in err and err.count("\n") == 1
    assert cli(["stats", str(path)]) == 0      # where it can be written: as before the import
    assert "documents 2 " in capsys.readouterr().out
