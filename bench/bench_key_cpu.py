"""Key → span → window repaint in thread CPU time, the key and the repaint apart (issue 21).

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_key_cpu.py [--size 1000000 --spans 10000]
        [--one-paragraph] [--loop [--no-grab]] [--presses 40]

The same presses as ``bench_window.py``'s key rows (a word with no span selected through the
cursor API, the event loop run once, then a real "1" and ``grab()`` of the whole 1280×800 window;
``--loop``: the event loop runs between the key and the grab; ``--loop --no-grab``: the event
loop's repaint alone, what a person sees, without a grab that paints every widget again), timed
with ``time.thread_time()``: the CPU this thread spent, which other processes on a shared machine
move far less than wall time (a wall figure is printed beside it). Prints one line of medians: the
key (its handler, the commit included, not the fsync's wait), the repaint (with ``--loop``, the
event loop and the grab), both, and wall. To compare two checkouts, run it with ``PYTHONPATH=<checkout>:<checkout>/ui``
for the other one, alternating. Not a budget figure (the budget is wall time, bench_window.py).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_window import fresh_words, leave_picker, open_window, settle  # noqa: E402
from hard_data import make_hard_doc, write_project  # noqa: E402


def key_window(app, size: int, spans: int, one_paragraph: bool):
    """The window of the key rows on a new hard document "hard" (and a blank one), the document
    shown, its side panels filled, grabbed twice, the keyboard in the article: (window, document)."""
    tmp = Path(tempfile.mkdtemp(prefix="bench-key-cpu-"))
    doc = make_hard_doc("hard", size, spans, unlinked=0.0, one_paragraph=one_paragraph)
    w = open_window(app, write_project(tmp / "keys.isf", [make_hard_doc("blank", 300, 1, seed=1), doc]))
    w.show_document("hard")
    w.grab()
    settle(app, w)
    w.grab()
    w.view.setFocus()
    return w, doc


def run(size: int, spans: int, one_paragraph: bool, loop: bool, presses: int,
        grab: bool = True) -> dict[str, list[float]]:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from isfannotate_ui.app import ensure_app

    app = ensure_app()
    w, doc = key_window(app, size, spans, one_paragraph)
    out: dict[str, list[float]] = {"key": [], "repaint": [], "both": [], "wall": []}
    for a, b in fresh_words(doc, presses):
        w.view.set_text_cursor_range(a, b)
        app.processEvents()
        w0, t0 = time.perf_counter(), time.thread_time()
        QTest.keyClick(w.view, Qt.Key.Key_1)
        t1 = time.thread_time()
        if loop:
            app.processEvents()
        if grab:
            w.grab()
        t2, w2 = time.thread_time(), time.perf_counter()
        out["key"].append(t1 - t0)
        out["repaint"].append(t2 - t1)
        out["both"].append(t2 - t0)
        out["wall"].append(w2 - w0)
        leave_picker(app, w)
    saved = len(w.project.spans("hard", "bench")) - len(doc.spans)
    assert saved == presses, f"{saved} of {presses} presses saved"
    w.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=50_000)
    ap.add_argument("--spans", type=int, default=500)
    ap.add_argument("--one-paragraph", action="store_true")
    ap.add_argument("--loop", action="store_true", help="run the event loop between the key and the grab")
    ap.add_argument("--no-grab", action="store_true", help="with --loop: no grab after the event loop's repaint")
    ap.add_argument("--presses", type=int, default=40)
    args = ap.parse_args()
    if args.no_grab and not args.loop:
        ap.error("--no-grab needs --loop (without the event loop nothing would be painted)")
    r = run(args.size, args.spans, args.one_paragraph, args.loop, args.presses, grab=not args.no_grab)
    med = {k: statistics.median(v) * 1000 for k, v in r.items()}
    print(f"size={args.size} spans={args.spans} one_paragraph={args.one_paragraph} loop={args.loop} "
          f"grab={not args.no_grab} "
          f"presses={args.presses}: key {med['key']:.1f} ms, repaint {med['repaint']:.1f} ms, "
          f"key+repaint {med['both']:.1f} ms thread CPU (median); wall {med['wall']:.1f} ms")


if __name__ == "__main__":
    main()
