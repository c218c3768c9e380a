import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from isfannotate.cli import main

REPO = Path(__file__).resolve().parents[2]


def run_cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "isfannotate", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=120)


def test_cli_command_does_not_import_qt():
    """(The whole core is walked in test_architecture.py.)"""
    r = subprocess.run([sys.executable, "-c", "import sys; from isfannotate.cli import main; "
                        "main(['stats', 'missing.isf']); assert 'PySide6' not in sys.modules"],
                       capture_output=True, text=True)
    assert r.returncode == 0 and "no such project" in r.stderr, r.stderr


@pytest.mark.parametrize("cmd", ["gui", "init", "import", "export", "stats", "check"])
def test_every_command_has_help(cmd, capsys):
    with pytest.raises(SystemExit) as e:
        main([cmd, "--help"])
    assert e.value.code == 0
    assert "usage: isfannotate " + cmd in capsys.readouterr().out


def test_init_import_stats_check(tmp_path, seeds_dir, capsys):
    proj = str(tmp_path / "c.isf")
    assert main(["init", proj]) == 0
    assert main(["import", proj, str(seeds_dir)]) == 0
    out = capsys.readouterr().out
    assert "imported 5 documents" in out and "near-duplicates: 001_9bdde0be44e8882d, 002_ef57260f37dd3d36" in out
    assert main(["import", proj, str(seeds_dir / "000_79b6248a8f5a8456.txt")]) == 0
    assert "skipped" in capsys.readouterr().out
    assert main(["stats", proj, "--json"]) == 0
    st = json.loads(capsys.readouterr().out)
    assert st["documents"] == 5 and st["near_duplicate_groups"] == ["001_9bdde0be44e8882d, 002_ef57260f37dd3d36"]
    assert main(["check", proj]) == 0
    assert "ok: 5 documents" in capsys.readouterr().out


def test_bad_input_exits_nonzero_with_one_line(tmp_path):
    proj = tmp_path / "c.isf"
    assert run_cli("init", str(proj)).returncode == 0
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "fine"}\n{oops\n', encoding="utf-8")
    r = run_cli("import", str(proj), str(bad))
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and f"{bad}:2:" in lines[0] and "Traceback" not in r.stderr
    r = run_cli("stats", str(tmp_path / "missing.isf"))
    assert r.returncode == 2 and "no such project" in r.stderr
    r = run_cli("init", str(proj))
    assert r.returncode == 2 and "already exists" in r.stderr


def test_check_reports_a_span_that_does_not_fit(tmp_path, seeds_dir, capsys):
    proj = str(tmp_path / "c.isf")
    main(["init", proj])
    main(["import", proj, str(seeds_dir / "004_925ac23fd4dc491f.txt")])
    import sqlite3
    conn = sqlite3.connect(proj)
    conn.execute("INSERT INTO spans (id, document_id, layer, start, \"end\", label, attrs, author, created_at) "
                 "VALUES ('bad', '004_925ac23fd4dc491f', 'alice', 5, 999999, 'ACTOR', '{}', 'alice', 't')")
    conn.commit()
    conn.close()
    capsys.readouterr()
    assert main(["check", proj]) == 2   # problems found: exit 2, like every refusal (issue 18)
    assert "span bad in 004_925ac23fd4dc491f: 5-999999 is outside the text" in capsys.readouterr().out


def test_import_progress_bar_is_shown_when_forced(tmp_path, seeds_dir):
    proj = tmp_path / "c.isf"
    run_cli("init", str(proj))
    import io

    from isfannotate.progress import ProgressBar
    buf = io.StringIO()
    bar = ProgressBar("importing", delay=0, stream=buf, force=True)
    bar(0, 10)
    bar(10, 10)
    bar.finish()
    assert "importing [" in buf.getvalue() and "100.0%" in buf.getvalue()


def test_gui_refuses_missing_project(tmp_path):
    r = run_cli("gui", str(tmp_path / "nope.isf"))
    assert r.returncode == 2 and "no such project" in r.stderr


def test_spacy_format_without_spacy_says_which_extra_in_one_line(tmp_path, seeds_dir):
    """A Python where spaCy is not installed (find_spec finds nothing) gets one line and exit 2,
    never a traceback."""
    from isfannotate import Project
    proj = tmp_path / "p.isf"
    with Project.create(proj) as p:
        p.import_paths([seeds_dir / "004_925ac23fd4dc491f.txt"])
        doc = p.documents()[0].id
        p.annotate(doc, "alice", 0, 4, "ACTOR")
        p.set_status(doc, "alice", "done", reason="test")
    code = ("import sys\n"
            "import importlib.util as u\n"
            "real = u.find_spec\n"
            "u.find_spec = lambda name, *a: None if name == 'spacy' else real(name, *a)\n"
            "from isfannotate.cli import main\n"
            f"sys.exit(main(['export', {str(proj)!r}, '--format', 'spacy', '--layer', 'alice', "
            f"'--out', {str(tmp_path / 'out')!r}]))\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 2, r.stderr
    assert r.stderr.count("\n") == 1 and "isfannotate[ml]" in r.stderr and "Traceback" not in r.stderr
