"""The annotation window against docs/architecture.md's budgets: app start to first painted window (demo
built), opening a project of 100,000 documents (window usable, list scrolls), and key press ->
committed span -> repaint in the window on a 50 KB article with 500 spans, also while an export
runs as a job of the window.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_app.py
"""
from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

WORDS = "pakistan troops gaza force islamabad hamas minister said plan peace council talks envoy".split()

START = r"""
import sys, time
t0 = float(sys.argv[2])
from isfannotate_ui.app import ensure_app, MainWindow
app = ensure_app()
w = MainWindow(sys.argv[1], "bench")
w.resize(1280, 800)
w.show()
app.processEvents()
w.repaint()
print(f"{time.time() - t0:.4f}", flush=True)
w.close()
"""


def app_start(project: Path) -> float:
    runs = []
    for _ in range(5):
        t0 = time.time()
        out = subprocess.run([sys.executable, "-c", START, str(project), str(t0)], capture_output=True, text=True,
                             check=True).stdout
        runs.append(float(out.strip().splitlines()[-1]))
    return statistics.median(runs)


def make_big_project(tmp: Path) -> Path:
    """A project of 100,000 short documents with titles (seeded), for the open-and-scroll figure."""
    big = tmp / "big.isf"
    src = tmp / "docs.jsonl"
    rng = random.Random(3)
    with open(src, "w", encoding="utf-8") as fh:
        for i in range(100_000):
            text = " ".join(rng.choice(WORDS) for _ in range(60)) + f" (item {i})."
            fh.write(json.dumps({"id": f"d{i:06d}", "text": text, "meta": {"title": f"Report {i}"}}) + "\n")
    from isfannotate import Project
    with Project.create(big) as p:
        p.import_paths([src])
    return big


def main() -> None:
    from isfannotate import Project
    from isfannotate.demo import build_demo
    tmp = Path(tempfile.mkdtemp())
    os.environ["ISFANNOTATE_DATA_DIR"] = str(tmp / "data")
    demo = build_demo()
    start = app_start(demo)

    big = make_big_project(tmp)   # a project of 100,000 short documents
    rng = random.Random(3)
    words = WORDS

    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from isfannotate_ui.app import MainWindow, ensure_app
    app = ensure_app()
    t0 = time.perf_counter()
    w = MainWindow(big, "bench")
    w.resize(1280, 800)
    w.show()
    app.processEvents()
    w.repaint()
    lst = w.documents.view
    lst.scrollToBottom()
    app.processEvents()
    lst.viewport().repaint()
    open_big = time.perf_counter() - t0
    w.close()

    # key press -> committed span -> repaint, 50 KB article with 500 spans
    para = ("Officials in Islamabad said the stabilisation force would need a clear mandate from the council, "
            "and that troops would not be used to disarm Hamas. ")
    text = "\n".join(para * 3 for _ in range(50000 // (len(para) * 3) + 1))[:50000]
    art = tmp / "art.isf"
    p = Project.create(art)
    (tmp / "art.txt").write_text(text, encoding="utf-8")
    p.import_paths([tmp / "art.txt"])
    starts = sorted(rng.sample(range(0, 49000, 7), 500))
    p.annotate_many("art", "bench", [(s, s + 5, "CUE", None) for s in starts])
    p.close()
    t0 = time.perf_counter()
    w = MainWindow(art, "bench")
    w.resize(1280, 800)
    w.show()
    app.processEvents()
    w.repaint()
    open_50k = time.perf_counter() - t0
    w.activateWindow()
    QTest.qWaitForWindowActive(w)
    lat = []
    positions = [i for i in range(len(text) - 10) if text[i] == " " and text[i + 1].isalpha()][1:400:2]
    for pos in positions[:150]:
        w.view.set_text_cursor_range(pos + 1, pos + 4)
        t0 = time.perf_counter()
        QTest.keyClick(w.view, Qt.Key.Key_1)
        w.view.viewport().repaint()
        lat.append(time.perf_counter() - t0)
    spans_now = len(w.view.spans())
    w.close()

    # the same key press while an export runs as a job of the window (it holds the project only
    # while it reads; tokenising and writing compete for the GIL): what annotating feels like then
    exp = tmp / "exp.isf"
    src2 = tmp / "exp.jsonl"
    with open(src2, "w", encoding="utf-8") as fh:
        for i in range(3000):
            fh.write(json.dumps({"id": f"e{i:05d}", "text": f"Report {i}. " + " ".join(rng.choice(words)
                                                                                 for _ in range(300))}) + "\n")
    p = Project.create(exp)
    p.import_paths([src2])
    p.annotate_many("e00000", "bench", [(k * 9, k * 9 + 5, "CUE", None) for k in range(200)])
    p.close()
    from isfannotate.exporting import missing_requirement
    fmt = "hf" if missing_requirement("hf") is None else "jsonl"
    w = MainWindow(exp, "bench")
    w.resize(1280, 800)
    w.show()
    app.processEvents()
    w.activateWindow()
    QTest.qWaitForWindowActive(w)
    w.show_document("e00001")
    text2 = w.view.text()
    import re
    targets = [m.span() for m in re.finditer(r"[a-z]+", text2)]
    job = w.files.start_export(fmt, layer="bench", include_all=True, out_dir=str(tmp / "exp-out"))
    t_job = time.perf_counter()
    during, refused = [], 0
    for a, b in targets:
        if job.done:
            break
        w.view.set_text_cursor_range(a, b)
        w.statusBar().clearMessage()
        t0 = time.perf_counter()
        QTest.keyClick(w.view, Qt.Key.Key_1)
        w.view.viewport().repaint()
        during.append(time.perf_counter() - t0)
        refused += "busy" in w.statusBar().currentMessage()
        app.processEvents()
    presses_s = time.perf_counter() - t_job
    while not job.has_ended:
        app.processEvents()
        time.sleep(0.005)
    export_s = time.perf_counter() - t_job
    kept = len(w.project.spans("e00001", "bench"))
    w.close()

    rows = [
        ("app start to first painted window (demo built), median of 5", start * 1000, 1000),
        ("open a project of 100,000 documents, list scrolled to the end", open_big * 1000, 1000),
        ("open a 50 KB article with 500 spans in the window, first paint", open_50k * 1000, 100),
        ("key press -> committed span -> repaint, median of 150", statistics.median(lat) * 1000, 16),
        ("  same, 95th percentile", sorted(lat)[int(len(lat) * 0.95)] * 1000, None),
        (f"  same during an export job ({fmt}, 3,000 docs), median of {len(during)}",
         statistics.median(during) * 1000 if during else float("nan"), None),
        ("  same during the export, 95th percentile",
         sorted(during)[int(len(during) * 0.95)] * 1000 if during else float("nan"), None),
    ]
    print(f"{'work':<66} {'measured':>10} {'budget':>9}")
    for name, ms, budget in rows:
        print(f"{name:<66} {ms:>7.1f} ms {f'{budget} ms' if budget else '-':>9}")
    print(f"(spans after the key presses: {spans_now}; the export took {export_s:.1f} s, {presses_s:.1f} s of it with "
          f"{len(during)} key presses: {refused} refused as busy, {kept} saved, "
          f"{'none lost' if kept == len(during) - refused else 'SOME LOST'})")


if __name__ == "__main__":
    main()
