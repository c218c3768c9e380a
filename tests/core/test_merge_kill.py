"""A merge is one transaction: a kill in the middle of it (files already written inside it)
leaves the project as before the merge. A closed project lets go of what its undo kept (a
merge's every row) at once, instead of leaving it to the collection of its reference cycle
(issue 21: 0.12-0.15 s of a new process's exit after merging three files of 1,000 documents)."""
from __future__ import annotations

import signal
import subprocess
import sys

from isfannotate import Project

from .test_merge_pipeline import _four_files

KILLED_MERGE = r"""
import os, signal, sys
from isfannotate import Project
p = Project.open(sys.argv[1])
def kill_at_the_last_file(done, total):
    if done == total - 1:     # the files before it written, inside the merge's transaction
        os.kill(os.getpid(), signal.SIGKILL)
p.merge(sys.argv[2:], progress=kill_at_the_last_file)
print("not killed", flush=True)
"""


def test_a_kill_in_the_middle_of_a_merge_leaves_the_project_as_before(seeds_dir, tmp_path, snapshot):
    lead, files = _four_files(seeds_dir, tmp_path, own_actor=True)
    with Project.open(lead) as p:
        before = snapshot(p)
    proc = subprocess.run([sys.executable, "-c", KILLED_MERGE, str(lead), *map(str, files)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == -signal.SIGKILL, proc.stdout + proc.stderr
    with Project.open(lead) as q:
        assert snapshot(q) == before
        assert q.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert q.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert all(f.replaced == f.documents > 0 for f in q.merge(files).files)


def test_a_closed_project_keeps_no_undo(seeds_dir, tmp_path):
    lead, files = _four_files(seeds_dir, tmp_path, own_actor=False)
    p = Project.open(lead)
    p.merge(files)
    assert p.can_undo
    p.close()
    assert not p.can_undo and p.next_undo is None
