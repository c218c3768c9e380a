"""A merge of rows bringing more spans than the project holds (the lead's first pull from the team
database) writes its transaction through a rollback journal instead of the WAL, as an import does
(its pages written once, no checkpoint after the commit), and stays as safe: the same rows as
through the WAL, the project back in WAL mode after it, and a kill in the middle leaves the
project as before the pull. A small merge (an automatic sync's few documents) keeps the WAL."""
from __future__ import annotations

import pickle
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from isfannotate import Project
from isfannotate.team import merge_rows as merge_rows_module
from isfannotate.team.merge_rows import merge_rows

from . import test_merge_rows

lead = test_merge_rows.lead     # the fixture: a corpus handed out to alice and bob, both files annotated
rows_of, dump = test_merge_rows.rows_of, test_merge_rows.dump
SOURCE = "the team database"


def _wal_bytes(path: Path) -> int:
    wal = path.with_name(path.name + "-wal")
    return wal.stat().st_size if wal.exists() else 0


def _mode(p: Project) -> str:
    return str(p.conn.execute("PRAGMA journal_mode").fetchone()[0])


def test_a_large_pull_goes_through_a_rollback_journal_with_the_same_rows(lead, tmp_path, monkeypatch):
    corpus, files = lead
    given = [rows_of(files["alice"], "alice"), rows_of(files["bob"], "bob")]
    spans = sum(len(layer.rows["spans"]) for layer in given)
    through_wal, through_journal = tmp_path / "wal.isf", tmp_path / "journal.isf"
    shutil.copyfile(corpus, through_wal)
    shutil.copyfile(corpus, through_journal)
    with Project.open(through_wal) as p:   # the seeds' few spans: below the threshold, the WAL
        assert spans < merge_rows_module.BULK_SPANS
        merge_rows(p, given, source=SOURCE)
        assert _wal_bytes(through_wal) > 50_000
    monkeypatch.setattr(merge_rows_module, "BULK_SPANS", 1)
    with Project.open(through_journal) as p:
        report = merge_rows(p, given, source=SOURCE)
        assert [f.replaced for f in report.files] == [1, 1]
        # the merge's pages went into the file itself: the WAL holds none of them
        assert _wal_bytes(through_journal) == 0
        assert _mode(p) == "wal"
        assert not through_journal.with_name(through_journal.name + "-journal").exists()
        assert p.next_undo is not None and p.next_undo.action == "merge"   # one undo step, as before
        count = "SELECT count(*) FROM spans WHERE layer IN ('alice', 'bob')"
        p.undo()
        assert p.conn.execute(count).fetchone()[0] == 0
        p.redo()
        assert p.conn.execute(count).fetchone()[0] == spans
        again = merge_rows(p, given, source=SOURCE)   # now the project holds as many spans: the WAL
        assert [(f.replaced, f.unchanged) for f in again.files] == [(0, 1), (0, 1)]
        assert p.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert p.conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert dump(through_journal) == dump(through_wal)


KILLED_PULL = r"""
import os, pickle, signal, sys
from isfannotate import Project
from isfannotate.team import merge_rows as m
m.BULK_SPANS = 1
with open(sys.argv[2], "rb") as fh:
    given = pickle.load(fh)
p = Project.open(sys.argv[1])
def kill_after_the_first_layer(done, total):
    if done == 1:     # alice's layer written into the file, bob's not yet
        os.kill(os.getpid(), signal.SIGKILL)
m.merge_rows(p, given, source="the team database", progress=kill_after_the_first_layer)
print("not killed", flush=True)
"""


@pytest.mark.parametrize("read_only", [False, True])
def test_a_kill_in_the_middle_of_a_large_pull_leaves_the_project_as_before(lead, tmp_path, read_only):
    corpus, files = lead
    before = dump(corpus)
    given = tmp_path / "given.pickle"
    given.write_bytes(pickle.dumps([rows_of(files["alice"], "alice"), rows_of(files["bob"], "bob")]))
    proc = subprocess.run([sys.executable, "-c", KILLED_PULL, str(corpus), str(given)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == -signal.SIGKILL, proc.stdout + proc.stderr
    journal = corpus.with_name(corpus.name + "-journal")
    assert journal.exists() and journal.stat().st_size > 0       # the pull's hot journal
    with Project.open(corpus, read_only=read_only) as q:         # the first owner rolls it back
        assert q.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert _mode(q) == "wal"
        assert q.conn.execute("SELECT count(*) FROM spans WHERE layer IN ('alice', 'bob')").fetchone()[0] == 0
    assert dump(corpus) == before
    with Project.open(corpus) as q:   # and the same pull goes in afterwards
        report = merge_rows(q, pickle.loads(given.read_bytes()), source=SOURCE)
        assert [f.replaced for f in report.files] == [1, 1]
