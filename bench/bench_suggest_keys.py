"""Key → repaint while a suggestion model trains (issue 22's budget: ≤ 16 ms median).

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_suggest_keys.py [--docs N] [--presses N]

A project holds N generated gold articles of ~5 KB (bench/suggest_data.py: generated-but-varied,
for timing only) and one more article to annotate; a first model is trained on 10 of them before
the window opens, so the article shows the model's suggestions. In the real ``MainWindow``
(1280×800), each sample is one real key press and ``grab()`` of the whole window:

- label: a word selected through the cursor API, then "1" (a span committed to SQLite, drawn,
  listed), and Ctrl+Z (undone) timed the same way;
- F8: the next suggestion selected;

first with nothing running ("idle"), then while Review → Train Suggestions runs on all N
articles as a job (the child process at nice 10, one thread). The machine has 2 cores.
Prints a table, the budget rows (key → repaint median ≤ 16 ms and p95 ≤ 25 ms, idle and while
training; the load average beside them: budget figures only from a quiet machine) and a JSON line
with every sample, from which ``bench/run_all.py`` (its window part) takes the same rows. ``--quick``: 20 articles,
15 presses, a few minutes (the training may end before the presses do: the row says n). The first
model has the default epochs in both (~30 on its 10 articles, ~20 s): one of 10 epochs, which
``--quick`` trained before, suggested nothing, so the rows measured no suggestion at all.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from suggest_data import write_corpus  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


def build(tmp: Path, n_docs: int, first_epochs: int | None = None) -> tuple[Path, str]:
    from isfannotate import Project
    path = tmp / "keys.isf"
    p = Project.create(path, registry=REPO / "seeds" / "registry.json")
    # the first model learns from 10 articles; then the other N arrive (Train learns from all)
    p.import_paths([write_corpus(tmp / "first.jsonl", 10, size=5000, seed=5, start=5000)], annotator="gold")
    p.train_suggestions("gold", epochs=first_epochs)
    p.import_paths([write_corpus(tmp / "gold.jsonl", n_docs, size=5000, seed=3)], annotator="gold")
    new = write_corpus(tmp / "new.jsonl", 1, size=5000, seed=9, start=9000)
    rec = json.loads(new.read_text().splitlines()[0])
    plain = tmp / "plain.jsonl"
    plain.write_text(json.dumps({"id": rec["id"], "text": rec["text"]}) + "\n")
    p.import_paths([plain])
    p.close()
    return path, rec["id"]


def suggestions_window(path: Path, doc: str):
    """The real ``MainWindow`` (1280×800) on *path* for the annotator "bench", showing *doc* with
    the model's suggestions drawn (waits for them, at most a minute): (app, window)."""
    from PySide6.QtCore import QEventLoop, QTimer

    from isfannotate_ui.app import create_main_window, ensure_app
    app = ensure_app()
    w = create_main_window(path, "bench")
    w.resize(1280, 800)
    w.show()
    w.activateWindow()
    loop = QEventLoop()
    w.kb.model.ready.connect(loop.quit)
    QTimer.singleShot(60000, loop.quit)
    w.show_document(doc)
    loop.exec()
    return app, w


def sample(app, w, words, presses: int, busy=lambda: True) -> dict[str, list[float]]:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    out: dict[str, list[float]] = {"label": [], "undo": [], "F8": []}
    for a, b in words[:presses]:
        if not busy():
            break
        w.view.setFocus()
        w.view.set_text_cursor_range(a, b)
        app.processEvents()
        t0 = time.perf_counter()
        QTest.keyClick(w.view, Qt.Key.Key_1)
        w.grab()
        out["label"].append(time.perf_counter() - t0)
        focus = app.focusWidget()
        if focus is not None and focus is not w.view:    # the actor picker: Esc leaves it unlinked
            QTest.keyClick(focus, Qt.Key.Key_Escape)
        app.processEvents()
        t0 = time.perf_counter()
        QTest.keyClick(w.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        w.grab()
        out["undo"].append(time.perf_counter() - t0)
        w.view.setFocus()
        app.processEvents()
        t0 = time.perf_counter()
        QTest.keyClick(w.view, Qt.Key.Key_F8)
        w.grab()
        out["F8"].append(time.perf_counter() - t0)
        app.processEvents()
        time.sleep(0.02)    # a person's pace, roughly: the job thread and the child run between keys
    return out


BUDGET_MS = 16.0   # issue 22: key → repaint stays within its budget (median) while a model trains
BUDGET_P95_MS = 25.0    # ... and issue 21's key budget's 95th percentile


def budget_rows(result: dict) -> None:
    """One row per key, idle and while training, against the key budget (median ≤ 16 ms and
    p95 ≤ 25 ms; the lead's quiet-machine table); bench/run_all.py takes the same rows."""
    print(f"\nload average {result['load_average']} before, {result['load_average_after']} after "
          "(budget figures only from a quiet machine)")
    print(f"| {'work':<44} | {'median':>9} | {'p95':>9} | {'n':>3} | {'budget':>8} | ok |")
    for when in ("idle", "while_training"):
        for k, v in result[when].items():
            med = v["median_ms"]
            ok = "–" if med is None else ("within" if within(v) else "**MISSED**")
            shown = "–" if med is None else f"{med:.1f} ms"
            p95 = "–" if v["p95_ms"] is None else f"{v['p95_ms']:.1f} ms"
            budget = f"median ≤ {BUDGET_MS:.0f} ms, p95 ≤ {BUDGET_P95_MS:.0f} ms"
            print(f"| {'key → repaint ' + when.replace('_', ' ') + ': ' + k:<44} | {shown:>9} | {p95:>9} | "
                  f"{v['n']:>3} | {budget} | {ok} |")


def within(v: dict) -> bool:
    """The key budget: median ≤ 16 ms and p95 ≤ 25 ms."""
    return v["median_ms"] is not None and v["median_ms"] <= BUDGET_MS and v["p95_ms"] <= BUDGET_P95_MS


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=100)
    ap.add_argument("--presses", type=int, default=40)
    ap.add_argument("--quick", action="store_true", help="20 articles, 15 presses")
    args = ap.parse_args()
    if args.quick:
        args.docs, args.presses = 20, 15
    load_before = os.getloadavg()[0]
    tmp = Path(tempfile.mkdtemp(prefix="bench_suggest_keys_"))
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "ISFANNOTATE_DATA_DIR"):
        os.environ[var] = str(tmp / var.lower())
    t0 = time.perf_counter()
    path, doc = build(tmp, args.docs)
    print(f"project with {args.docs + 10} gold articles and a first model: {time.perf_counter() - t0:.0f} s")

    app, w = suggestions_window(path, doc)
    ctl = w.kb.model
    n_sugg = len(ctl.shown())
    text = w.session.text
    words = [m.span() for m in re.finditer(r"\b[a-z]{4,}\b", text)]
    step = max(1, len(words) // (2 * args.presses + 2))
    words = words[::step]
    idle = sample(app, w, words[0::2], args.presses)
    t_train = time.perf_counter()
    job = ctl.train("gold")
    app.processEvents()
    time.sleep(1.0)     # the job has read the training data and the child is training
    app.processEvents()
    during = sample(app, w, words[1::2], args.presses, busy=lambda: not job.has_ended)
    while not job.has_ended:
        app.processEvents()
        time.sleep(0.05)
    trained = time.perf_counter() - t_train
    versions = [m.version for m in w.project.suggestion_models()]
    w.close()

    def ms(xs):
        return {"n": len(xs), "median_ms": round(statistics.median(xs) * 1000, 1) if xs else None,
                "p95_ms": round(sorted(xs)[int(0.95 * (len(xs) - 1))] * 1000, 1) if xs else None}
    result = {"documents": args.docs + 10, "suggestions_drawn": n_sugg, "training_s": round(trained, 1),
              "load_average": round(load_before, 1), "load_average_after": round(os.getloadavg()[0], 1),
              "models": versions, "idle": {k: ms(v) for k, v in idle.items()},
              "while_training": {k: ms(v) for k, v in during.items()},
              "samples_ms": {when: {k: [round(x * 1000, 2) for x in v] for k, v in got.items()}
                             for when, got in (("idle", idle), ("while_training", during))}}
    print(f"{n_sugg} model suggestions drawn; training on {args.docs + 10} articles took {trained:.0f} s "
          f"as a job (models now {versions})")
    print(f"{'key → repaint':<16}{'idle median':>12}{'p95':>8}{'training median':>17}{'p95':>8}{'n':>5}")
    for k in idle:
        a, b = result["idle"][k], result["while_training"][k]
        print(f"{k:<16}{a['median_ms']:>10} ms{a['p95_ms']:>6} ms{b['median_ms']:>15} ms{b['p95_ms']:>6} ms{b['n']:>5}")
    budget_rows(result)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
