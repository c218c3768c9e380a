"""``isfannotate merge`` run as a program (issue 21): once the merge is committed, the project
closed and the report printed, the process ends at once, without Python's teardown of its
modules (a person waited for it after every merge). Nothing is lost or left behind by that: the
report is printed, the project is one closed file, the checked copies are removed. Called
in-process with arguments, the command line returns as always."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

from isfannotate import Project
from isfannotate.cli import main

from .test_team import DOC4, _annotate, _layers, handouts

# the command line as the program runs it (``cli.main()`` without arguments), with an exit
# handler of Python's that prints when Python tears the process down
PROGRAM = ("import atexit, sys\n"
           "atexit.register(lambda: print('python teardown', file=sys.stderr, flush=True))\n"
           "from isfannotate.cli import main\n"
           "sys.exit(main())\n")


def _lead_and_files(seeds_dir, tmp_path):
    with Project.create(tmp_path / "lead.isf", registry=seeds_dir / "registry.json") as lead:
        lead.import_paths(sorted(seeds_dir.glob("*.txt")))
        files = handouts(lead, tmp_path / "out")
    for who in ("alice", "bob"):
        _annotate(files[who], who)
    return tmp_path / "lead.isf", [files["alice"], files["bob"]]


def test_the_merge_command_ends_its_process_once_the_merge_is_closed_and_told(seeds_dir, tmp_path):
    lead, files = _lead_and_files(seeds_dir, tmp_path)
    alone = tmp_path / "alone.isf"
    shutil.copyfile(lead, alone)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    r = subprocess.run([sys.executable, "-c", PROGRAM, "merge", str(lead), *map(str, files)], capture_output=True,
                       text=True, timeout=120, env={**os.environ, "TMPDIR": str(scratch)})
    assert r.returncode == 0, r.stderr
    assert "python teardown" not in r.stderr   # the process ended as the command returned
    assert "alice: 1 documents" in r.stdout and "bob: 1 documents" in r.stdout   # the report, flushed
    assert not list(scratch.iterdir())   # the checked copies were removed by the merge itself
    assert sorted(p.name for p in tmp_path.glob("lead.isf*")) == ["lead.isf"]   # closed: no WAL, no lock
    with Project.open(alone) as p:
        p.merge(files)
        expected = _layers(p)
    with Project.open(lead) as p:
        assert _layers(p) == expected
        assert p.spans(DOC4, "alice") and p.spans(DOC4, "bob")


def test_other_commands_and_a_refused_merge_end_as_before(seeds_dir, tmp_path):
    lead, files = _lead_and_files(seeds_dir, tmp_path)
    r = subprocess.run([sys.executable, "-c", PROGRAM, "stats", str(lead)], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0 and "python teardown" in r.stderr
    r = subprocess.run([sys.executable, "-c", PROGRAM, "merge", str(lead), str(tmp_path / "missing.isf")],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "no such file" in r.stderr and "python teardown" in r.stderr


def test_the_merge_command_called_in_process_returns(seeds_dir, tmp_path, capsys):
    lead, files = _lead_and_files(seeds_dir, tmp_path)
    assert main(["merge", str(lead), *map(str, files)]) == 0
    assert "alice: 1 documents" in capsys.readouterr().out
    assert main(["stats", str(lead)]) == 0   # and the next command line runs as usual
