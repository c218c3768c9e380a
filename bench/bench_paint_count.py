"""Paint events per widget in the event loop's own repaint after a key (not a ``grab()``).

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_paint_count.py [--size 1000000 --spans 10000]
        [--key 1] [--presses 30]

The presses of ``bench_key_cpu.py`` (a word with no span selected through the cursor API, the event
loop run once, then a real key: ``--key 1`` a label key, ``3`` CUE (no actor picker), ``Right`` a
caret move). After the key the event loop runs once; an application event filter notes each paint
event: its widget, its region's share of the widget's area, and the thread CPU from it to the next
paint event (or the loop's end). Prints per widget (parent/name): paints per key, the median CPU
when painted, the median share painted; and the loop's median thread CPU. A share of 1.00 on the
main window means Qt repainted the bounding rectangle of everything that changed.
"""
from __future__ import annotations

import argparse
import collections
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_key_cpu import key_window  # noqa: E402
from bench_paint_parts import paint_spy, painted  # noqa: E402
from bench_window import fresh_words, leave_picker  # noqa: E402


def run(size: int, spans: int, key: str, presses: int) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from isfannotate_ui.app import ensure_app

    app = ensure_app()
    w, doc = key_window(app, size, spans, False)
    spy, marks = paint_spy()
    count: collections.Counter = collections.Counter()
    cpu: dict[str, list[float]] = collections.defaultdict(list)
    share: dict[str, list[float]] = collections.defaultdict(list)
    loops = []
    for a, b in fresh_words(doc, presses):
        w.view.set_text_cursor_range(a, b)
        app.processEvents()
        QTest.keyClick(w.view, getattr(Qt.Key, f"Key_{key}"))
        marks.clear()
        app.installEventFilter(spy)
        t0 = time.thread_time()
        app.processEvents()
        t1 = time.thread_time()
        app.removeEventFilter(spy)
        loops.append(t1 - t0)
        per: dict[str, float] = collections.defaultdict(float)
        for n, spent, part in painted(marks, t1):
            count[n] += 1
            per[n] += spent
            share[n].append(part)
        for n, v in per.items():
            cpu[n].append(v)
        leave_picker(app, w)
    n = len(loops)
    loop_ms = statistics.median(loops) * 1000
    print(f"{n} keys {key!r}: the event loop after the key {loop_ms:.2f} ms thread CPU (median)")
    print("paints/key  ms when painted  share painted  widget")
    for name in sorted(count, key=lambda k: -statistics.median(cpu[k])):
        if statistics.median(cpu[name]) >= 0.05e-3:
            print(f"{count[name] / n:10.2f}  {statistics.median(cpu[name]) * 1000:15.2f}  "
                  f"{statistics.median(share[name]):13.2f}  {name}")
    w.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=50_000)
    ap.add_argument("--spans", type=int, default=500)
    ap.add_argument("--key", default="1", help="a Qt.Key name without Key_: 1, 3, Right...")
    ap.add_argument("--presses", type=int, default=30)
    args = ap.parse_args()
    run(args.size, args.spans, args.key, args.presses)


if __name__ == "__main__":
    main()
