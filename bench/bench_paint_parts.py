"""Where a whole-window ``grab()`` after a label key goes, widget by widget, in thread CPU time.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_paint_parts.py [--size 1000000 --spans 10000]
        [--one-paragraph] [--presses 40] [--plain-article]

The presses of ``bench_key_cpu.py`` (a word selected through the cursor API, the event loop run,
a real "1"); after each, two whole-window grabs: the first (what the budget's measure pays) and a
second with nothing changed (steady). An application event filter notes the thread CPU time at
each widget's paint event; a widget is charged from its paint event to the next one (a grab paints
widgets one after another). Prints the median per widget (parent/name) over the presses, first
and steady, for those above 0.1 ms, and the key's own median. ``--plain-article``: the article view
paints as Qt does, without its backing store (``annotate/view_backing.py``), for comparison.
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
from bench_window import fresh_words, leave_picker  # noqa: E402


def _name(o) -> str:
    p = o.parent()
    parent = (p.objectName() or type(p).__name__) if p is not None else ""
    return f"{parent}/{o.objectName() or type(o).__name__}"


def painted(marks: list, end: float):
    """(widget name, thread CPU from its paint event to the next or to *end*, share painted) per
    mark of ``paint_spy``."""
    for (ta, o, part), (tb, _, _) in zip(marks, [*marks[1:], (end, None, 0.0)], strict=True):
        yield _name(o), tb - ta, part


def paint_spy():
    """An application event filter to install and its list of (thread CPU time, widget, share of the
    widget's area in the event's region), one at each paint event."""
    from PySide6.QtCore import QEvent, QObject

    marks: list = []

    class Marks(QObject):
        def eventFilter(self, obj, e):  # noqa: N802 (Qt override)
            if e.type() == QEvent.Type.Paint:
                r = e.region().boundingRect()
                marks.append((time.thread_time(), obj, r.width() * r.height() / max(1, obj.width() * obj.height())))
            return False

    return Marks(), marks


def run(size: int, spans: int, one_paragraph: bool, presses: int, plain: bool):
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from isfannotate_ui.annotate.view_backing import ViewBacking
    from isfannotate_ui.app import ensure_app

    ViewBacking.enabled = not plain
    app = ensure_app()
    w, doc = key_window(app, size, spans, one_paragraph)
    spy, marks = paint_spy()

    def grab(acc) -> None:
        marks.clear()
        app.installEventFilter(spy)
        t0 = time.thread_time()
        w.grab()
        t1 = time.thread_time()
        app.removeEventFilter(spy)
        per: dict[str, float] = collections.defaultdict(float)
        for name, spent, _part in painted(marks, t1):
            per[name] += spent
        per["(before the first paint)"] = marks[0][0] - t0 if marks else 0.0
        per["WHOLE WINDOW"] = t1 - t0
        for k, v in per.items():
            acc[k].append(v)

    first: dict[str, list[float]] = collections.defaultdict(list)
    steady: dict[str, list[float]] = collections.defaultdict(list)
    keys = []
    for a, b in fresh_words(doc, presses):
        w.view.set_text_cursor_range(a, b)
        app.processEvents()
        t0 = time.thread_time()
        QTest.keyClick(w.view, Qt.Key.Key_1)
        keys.append(time.thread_time() - t0)
        grab(first)
        grab(steady)
        leave_picker(app, w)
    w.close()
    return keys, first, steady


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=50_000)
    ap.add_argument("--spans", type=int, default=500)
    ap.add_argument("--one-paragraph", action="store_true")
    ap.add_argument("--presses", type=int, default=40)
    ap.add_argument("--plain-article", action="store_true", help="the article without its backing store")
    args = ap.parse_args()
    keys, first, steady = run(args.size, args.spans, args.one_paragraph, args.presses, args.plain_article)
    print(f"key {statistics.median(keys) * 1000:.2f} ms thread CPU (median); per widget, first grab / steady grab:")
    for k in sorted(first, key=lambda k: -statistics.median(first[k])):
        m1, m2 = statistics.median(first[k]) * 1000, statistics.median(steady.get(k, [0.0])) * 1000
        if m1 > 0.1 or m2 > 0.1:
            print(f"{m1:7.2f} {m2:7.2f}  {k}")


if __name__ == "__main__":
    main()
