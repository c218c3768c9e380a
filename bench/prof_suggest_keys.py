"""Where a key press goes with a model's suggestions shown: thread CPU per key, and a profile.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/prof_suggest_keys.py [--presses 30]
        [--profile label|undo|F8 [--grab] [--callers REGEX]] [--project PATH] [--settle]

The window of ``bench_suggest_keys.py`` (a 5 KB article, a first model's suggestions drawn; the
project, 20 articles and a first model of the default epochs, is built once and kept at
*--project*, copied for each run), the same presses (a word, "1", Esc on the picker, Ctrl+Z, F8,
each with ``grab()`` of the whole window), timed with ``time.thread_time()``: the CPU of the
window's thread, which other processes move far less than wall time. Prints the medians per key
(the press, then the grab; wall beside them) and, with ``--profile``, cProfile's top functions over that key's
handler (``--grab``: and the grab after it; ``--callers REGEX``: who called them). ``--settle``:
the event loop runs 0.3 s between presses (a slow typist's pace: suggestions asked again after a
change have arrived before the next key). Not a budget figure (the budget is wall time). To
compare with another checkout, run it with ``PYTHONPATH=<checkout>:<checkout>/ui``, alternating.
"""
from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))


def project(keep: Path) -> tuple[Path, str]:
    """The bench's project (20 articles, a first model of the default epochs), built once."""
    from bench_suggest_keys import build
    marker = keep / "doc.txt"
    if not marker.exists():
        keep.mkdir(parents=True, exist_ok=True)
        path, doc = build(keep, 20)
        marker.write_text(doc)
    return keep / "keys.isf", marker.read_text()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--presses", type=int, default=30)
    ap.add_argument("--profile", choices=("label", "undo", "F8"))
    ap.add_argument("--project", type=Path, default=Path(tempfile.gettempdir()) / "prof_suggest_keys")
    ap.add_argument("--settle", action="store_true")
    ap.add_argument("--grab", action="store_true", help="with --profile: the grab too (else the key alone)")
    ap.add_argument("--callers", help="with --profile: who calls the functions matching this")
    args = ap.parse_args()
    src, doc = project(args.project)
    tmp = Path(tempfile.mkdtemp(prefix="prof_suggest_keys_"))
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "ISFANNOTATE_DATA_DIR"):
        os.environ[var] = str(tmp / var.lower())
    path = tmp / "keys.isf"
    shutil.copy(src, path)
    for extra in src.parent.glob(src.name + "*"):      # the model beside it, if any
        if extra != src and extra.is_dir():
            shutil.copytree(extra, tmp / extra.name)

    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from bench_suggest_keys import suggestions_window
    app, w = suggestions_window(path, doc)
    n_sugg = len(w.kb.model.shown())
    words = [m.span() for m in re.finditer(r"\b[a-z]{4,}\b", w.session.text)]
    words = words[::max(1, len(words) // (args.presses + 1))][:args.presses]
    prof = cProfile.Profile()
    out: dict[str, list[tuple[float, float, float]]] = {"label": [], "undo": [], "F8": []}

    def press(name, key, mod=Qt.KeyboardModifier.NoModifier):
        if args.profile == name:
            prof.enable()
        w0, t0 = time.perf_counter(), time.thread_time()
        QTest.keyClick(w.view, key, mod)
        t1 = time.thread_time()
        if args.profile == name and not args.grab:
            prof.disable()
        w.grab()
        t2, w2 = time.thread_time(), time.perf_counter()
        if args.profile == name and args.grab:
            prof.disable()
        out[name].append((t1 - t0, t2 - t1, w2 - w0))

    def pause():
        end = time.perf_counter() + (0.3 if args.settle else 0.02)
        while time.perf_counter() < end:
            app.processEvents()
            time.sleep(0.005)

    for a, b in words:
        w.view.setFocus()
        w.view.set_text_cursor_range(a, b)
        app.processEvents()
        press("label", Qt.Key.Key_1)
        focus = app.focusWidget()
        if focus is not None and focus is not w.view:
            QTest.keyClick(focus, Qt.Key.Key_Escape)
        app.processEvents()
        press("undo", Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        w.view.setFocus()
        app.processEvents()
        press("F8", Qt.Key.Key_F8)
        pause()
    print(f"{n_sugg} suggestions drawn, {len(words)} presses, settle={args.settle}; thread CPU medians:")
    for k, v in out.items():
        key, grab = statistics.median(x for x, _, _ in v) * 1000, statistics.median(y for _, y, _ in v) * 1000
        both = statistics.median(x + y for x, y, _ in v) * 1000
        wall = statistics.median(z for _, _, z in v) * 1000
        print(f"  {k:<6} key {key:5.1f} ms  grab {grab:5.1f} ms  both {both:5.1f} ms  (wall {wall:5.1f} ms)")
    w.close()
    if args.profile:
        st = pstats.Stats(prof).sort_stats("cumulative")
        st.print_stats(45)
        if args.callers:
            st.print_callers(args.callers)


if __name__ == "__main__":
    main()
