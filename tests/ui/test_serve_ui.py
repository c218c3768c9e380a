"""The window serves the terminal's reads (issue 19): with the app open on a project,
`isfannotate stats` and `export` typed in a terminal run in the app, on its connection, and print
the bytes and exit code they print once the window is closed. Writes stay refused.

The terminal is a real subprocess, run on a thread while the window's event loop keeps running
(qtbot.waitUntil); every wait has a time limit."""
import os
import subprocess
import sys
import threading

from PySide6.QtCore import Qt

from isfannotate.store import ownership

DOC4 = "004_925ac23fd4dc491f"


def terminal(qtbot, cwd, *argv):
    """Run `isfannotate ARGV` in *cwd* as a terminal would, keeping the event loop running."""
    env = {k: v for k, v in os.environ.items() if k != "ISFANNOTATE_PROGRESS"}
    box = {}

    def go():
        box["r"] = subprocess.run([sys.executable, "-m", "isfannotate", *argv], cwd=cwd, env=env,
                                  capture_output=True, timeout=120)

    t = threading.Thread(target=go)
    t.start()
    qtbot.waitUntil(lambda: not t.is_alive(), timeout=130000)
    r = box["r"]
    return r.returncode, r.stdout, r.stderr


def outputs(qtbot, cwd):
    cwd.mkdir()
    return [terminal(qtbot, cwd, "stats", "../ui.isf"),
            terminal(qtbot, cwd, "stats", "../ui.isf", "--json"),
            terminal(qtbot, cwd, "export", "../ui.isf", "--format", "jsonl", "--layer", "alice", "--all",
                     "--out", "out")]


def exported(folder):
    files = {f.name: f.read_bytes() for f in folder.iterdir()}
    files.pop("manifest.json")     # holds its creation time
    return files


def test_stats_and_export_from_a_terminal_are_served_by_the_window(qtbot, window, project_path, tmp_path):
    window.show_document(DOC4)
    i = window.view.text().index("Hamas")
    window.view.setFocus()
    window.view.set_text_cursor_range(i, i + 5)
    qtbot.keyClick(window.view, Qt.Key.Key_3)                       # CUE, saved at once
    assert ownership.read_lock(project_path).serve                  # the window serves
    served = outputs(qtbot, tmp_path / "a")
    qtbot.waitUntil(lambda: "A terminal's isfannotate export ran here" in window.statusBar().currentMessage(),
                    timeout=5000)
    assert window.project is not None and "1 span" in window.status_label.text()   # the window went on

    # a write from the terminal is still refused, with the one line it always had
    code, out, err = terminal(qtbot, tmp_path / "a", "adjudicate", "../ui.isf", "--auto", "unanimous")
    assert code == 2 and out == b""
    [line] = err.decode().splitlines()
    assert "the project is open in isfannotate gui" in line and f"pid {os.getpid()}" in line

    window.close()
    assert ownership.owner_of(project_path) is None
    closed = outputs(qtbot, tmp_path / "b")
    assert served == closed
    assert closed[0][0] == 0 and b"layer alice: 1 span (CUE 1)" in closed[0][1] and closed[0][2] == b""
    assert closed[2][0] == 0 and closed[2][1].startswith(b"exported ") and closed[2][1].endswith(b" to out\n")
    assert exported(tmp_path / "a" / "out") == exported(tmp_path / "b" / "out")
    span = f'"start":{i},"end":{i + 5}'.encode()
    assert span in exported(tmp_path / "a" / "out")["all.jsonl"]     # the window's key press is in the export
