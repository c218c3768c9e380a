"""The whole window on hard data (bench/hard_data.py), against the raw Qt limit in the same run.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_window.py [--quick]

Per case (50 KB / 500 spans; 1 MB / 10,000 spans in paragraphs; one 1 MB paragraph; each with
0% and 100% of the ACTORs unlinked), a project is built by importing the article as gold JSONL
for one annotator, opened in ``MainWindow`` (1280×800), and timed:

- open: ``show_document`` + ``grab()`` of the whole main window (first paint: the article with
  every highlight and suggestion; the side panels are emptied of the document shown before),
  against the raw limit: a bare ``QPlainTextEdit`` with a ``QSyntaxHighlighter`` tinting the same
  spans (``setPlainText`` + ``grab()``), the same size as the article view, in the same process,
  one raw open after each window open (so a slower spell of the machine hits both);
- open, panels complete: from the same start until the side panels (annotations, problems,
  claims, stances, relations), which the window fills from the event loop right after the first
  paint, are filled and the whole window has been grabbed again;
- key: a word selected through the cursor API, then a real key press "1" (ACTOR: committed to
  SQLite, validated, listed) and ``grab()`` of the whole main window;
- the window's height after opening, against the screen's.

Open and complete are also taken as CPU time of the UI thread (``time.thread_time``): on a shared
machine the wall clock measures the other jobs too.

Figures are lists of seconds; ``run()`` returns them for bench/run_all.py.
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from hard_data import HardDoc, make_hard_doc, write_project  # noqa: E402

CASES = [  # name, size, spans, one paragraph, open budget (s)
    ("50 KB / 500 spans", 50_000, 500, False, 0.100),
    ("1 MB / 10,000 spans", 1_000_000, 10_000, False, 0.300),
    ("1 MB one paragraph / 10,000 spans", 1_000_000, 10_000, True, 0.300),
]


def raw_sampler(app, doc: HardDoc, size):
    """A function that times one raw open: a new bare QPlainTextEdit + QSyntaxHighlighter tinting
    the same spans, ``setPlainText`` + ``grab()``. Its first sample (fonts, caches) is taken here
    and thrown away."""
    from bisect import bisect_right

    from PySide6.QtGui import QColor, QSyntaxHighlighter, QTextCharFormat
    from PySide6.QtWidgets import QPlainTextEdit

    text = doc.text
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    by_block: dict[int, list[tuple[int, int]]] = {}
    for s in doc.spans:
        for b in range(bisect_right(starts, s["start"]) - 1, bisect_right(starts, s["end"] - 1)):
            by_block.setdefault(b, []).append((s["start"], s["end"]))
    fmt = QTextCharFormat()
    fmt.setBackground(QColor("#fde8c0"))

    class Raw(QSyntaxHighlighter):
        def highlightBlock(self, t):  # noqa: N802
            b = self.currentBlock()
            b0 = starts[b.blockNumber()]
            for a, e in by_block.get(b.blockNumber(), ()):
                self.setFormat(max(a - b0, 0), min(e - b0, len(t)) - max(a - b0, 0), fmt)

    def once() -> float:
        w = QPlainTextEdit()
        w.setReadOnly(True)
        w.resize(size)
        Raw(w.document())
        w.show()
        app.processEvents()
        t0 = time.perf_counter()
        w.setPlainText(text)
        w.grab()
        took = time.perf_counter() - t0
        w.close()
        w.deleteLater()
        app.processEvents()
        return took

    once()
    return once


def raw_limit(app, doc: HardDoc, size, repeat: int) -> list[float]:
    """*repeat* raw opens (see ``raw_sampler``), one after another."""
    once = raw_sampler(app, doc, size)
    return [once() for _ in range(repeat)]


def run_case(app, tmp: Path, name: str, size: int, n_spans: int, one_paragraph: bool, unlinked: float,
             repeat: int, presses: int) -> dict:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    doc = make_hard_doc("hard", size, n_spans, unlinked=unlinked, one_paragraph=one_paragraph)
    blank = make_hard_doc("blank", 300, 1, seed=1)
    slug = "".join(c if c.isalnum() else "-" for c in name)
    w = open_window(app, write_project(tmp / f"{slug}-{int(unlinked * 100)}.isf", [blank, doc]))
    opens, completes, raw, cpu_opens, cpu_completes = [], [], [], [], []
    w.show_document("hard")     # a first open warms fonts and caches up: not counted
    w.grab()
    settle(app, w)
    raw_once = raw_sampler(app, doc, w.view.size())
    for _ in range(repeat):     # window and raw opens taken in turn: a slower spell of the machine hits both
        w.show_document("blank")
        w.grab()
        settle(app, w)
        t0, c0 = time.perf_counter(), time.thread_time()
        w.show_document("hard")
        w.grab()
        opens.append(time.perf_counter() - t0)
        cpu_opens.append(time.thread_time() - c0)
        settle(app, w)      # the side panels fill from the event loop after that paint
        w.grab()
        completes.append(time.perf_counter() - t0)
        cpu_completes.append(time.thread_time() - c0)
        app.processEvents()
        raw.append(raw_once())
    screen = w.screen().availableGeometry().height()
    height = w.height()
    problems = w.annotations.problem_count() if hasattr(w.annotations, "problem_count") else -1
    w.activateWindow()      # the raw editor was a window of its own: shortcuts need ours active
    QTest.qWaitForWindowActive(w)
    w.view.setFocus()
    keys, loop_keys = [], []
    for i, (a, b) in enumerate(fresh_words(doc, presses)):
        w.view.set_text_cursor_range(a, b)
        app.processEvents()
        t0 = time.perf_counter()
        QTest.keyClick(w.view, Qt.Key.Key_1)
        if i % 4 == 3:
            # every fourth press as the window lives it (issue 21): the event loop runs (and
            # repaints what the key changed, as a person sees it), then the whole window is grabbed
            app.processEvents()
            w.grab()
            loop_keys.append(time.perf_counter() - t0)
        else:
            w.grab()
            keys.append(time.perf_counter() - t0)
        leave_picker(app, w)
    saved = len(w.project.spans("hard", "bench")) - len(doc.spans)
    w.close()
    w.deleteLater()
    app.processEvents()
    return {"name": name, "unlinked": unlinked, "open": opens, "complete": completes, "raw": raw, "key": keys,
            "open_cpu": cpu_opens, "complete_cpu": cpu_completes,
            "key_loop": loop_keys, "saved": saved,
            "height": height, "screen": screen, "problems": problems, "suggestion_sites": doc.n_suggestion_sites}


def open_window(app, path: Path):
    """A ``MainWindow`` on *path* for the annotator "bench", 1280×800, shown and active."""
    from PySide6.QtTest import QTest

    from isfannotate_ui.main_window import MainWindow
    w = MainWindow(path, "bench", remember_layout=False)
    w.resize(1280, 800)
    w.show()
    app.processEvents()
    w.activateWindow()
    QTest.qWaitForWindowActive(w)
    return w


def fresh_words(doc: HardDoc, presses: int) -> list[tuple[int, int]]:
    """*presses* words that carry no span yet, spread over the document: where the keys go."""
    covered = [False] * len(doc.text)
    for s in doc.spans:
        covered[s["start"]] = True
    words = [m.span() for m in re.finditer(r"[a-z]{3,}", doc.text) if not covered[m.start()]]
    step = max(1, len(words) // (presses + 1))
    return words[step::step][:presses]


def leave_picker(app, w) -> None:
    """After a label key: Esc on the actor picker if it opened (the span stays unlinked), the
    keyboard back in the article."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    focus = app.focusWidget()
    if focus is not None and focus is not w.view:
        QTest.keyClick(focus, Qt.Key.Key_Escape)
    w.view.setFocus()
    app.processEvents()


def settle(app, w) -> None:
    """Run the event loop until the window's side panels are filled (they fill after a paint)."""
    while not getattr(w.session, "settled", True):
        app.processEvents()


def run(repeat: int = 5, presses: int = 60, cases=CASES, unlinked=(0.0, 1.0)) -> list[dict]:
    from isfannotate_ui.app import ensure_app
    app = ensure_app()
    tmp = Path(tempfile.mkdtemp(prefix="bench-window-"))
    out = []
    for name, size, n, one, budget in cases:
        for u in unlinked:
            r = run_case(app, tmp, name, size, n, one, u, repeat, presses)
            r["open_budget"] = budget
            out.append(r)
    return out


def p95(xs: list[float]) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(0.95 * (len(xs) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--presses", type=int, default=60)
    ap.add_argument("--quick", action="store_true", help="50 KB case only")
    args = ap.parse_args()
    results = run(args.repeat, args.presses, CASES[:1] if args.quick else CASES)
    ms = lambda x: f"{x * 1000:7.1f}"  # noqa: E731
    print(f"{'case':44} {'open med':>8} {'raw med':>8} {'ratio':>6} {'complete':>8} {'key med':>8} {'key p95':>8}"
          f" {'key max':>8} {'height':>7}")
    for r in results:
        label = f"{r['name']}, {int(r['unlinked'] * 100)}% unlinked"
        om, rm = statistics.median(r["open"]), statistics.median(r["raw"])
        print(f"{label:44} {ms(om):>8} {ms(rm):>8} {om / rm:6.2f} {ms(statistics.median(r['complete'])):>8}"
              f" {ms(statistics.median(r['key'])):>8}"
              f" {ms(p95(r['key'])):>8} {ms(max(r['key'])):>8} {r['height']:>4}/{r['screen']}"
              f"  saved {r['saved']}/{len(r['key']) + len(r['key_loop'])}"
              f"; with the event loop: median {ms(statistics.median(r['key_loop']))}, p95 {ms(p95(r['key_loop']))}"
              f"; CPU of the UI thread: open {ms(statistics.median(r['open_cpu']))},"
              f" complete {ms(statistics.median(r['complete_cpu']))}")


if __name__ == "__main__":
    main()
