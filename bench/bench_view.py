"""Article view benchmark: open → first paint, key press → span → repaint, peak memory.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_view.py [--repeat N]

Documents are generated deterministically (seeded random.Random): news-like paragraphs of
40–120 words, an emoji flag at the start (so the non-BMP offset path is what is measured),
claims of 6–40 words with actors nested inside, and free-floating actors that overlap
claims' edges. Prints a table against the budgets in docs/architecture.md.
"""
from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "ui"))

from PySide6.QtWidgets import QApplication  # noqa: E402

from isfannotate_ui.annotate.article_view import ArticleView, SpanStyle  # noqa: E402
from isfannotate_ui.annotate.palette import color_for_label  # noqa: E402

WORDS = (
    "the of and to in a that for on is said Pakistan troops force Gaza stabilisation "
    "international minister government security army chief Washington Islamabad Hamas "
    "president officials plan peace would not has been will its with by from as at an "
    "Reuters told sources meeting proposed contribute soldiers deployment ceasefire "
    "mandate resolution council United Nations foreign ministry spokesperson statement "
    "according military diplomatic decision parliament opposition concerns regional"
).split()
LABELS = ("ACTOR", "CLAIM", "CUE")


def make_text(rnd: random.Random, size: int) -> str:
    paras: list[str] = []
    n = 0
    while n < size:
        words = [rnd.choice(WORDS) for _ in range(rnd.randint(40, 120))]
        words[0] = words[0].capitalize()
        p = " ".join(words) + "."
        paras.append(p)
        n += len(p) + 1
    text = "🇵🇰 " + "\n".join(paras)
    return text[:size].rstrip()


def word_bounds(text: str) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isalnum():
            j = i
            while j < n and text[j].isalnum():
                j += 1
            out.append((i, j))
            i = j
        else:
            i += 1
    return out


def make_spans(rnd: random.Random, text: str, count: int) -> list[SpanStyle]:
    words = word_bounds(text)
    spans: list[SpanStyle] = []
    i = 0
    while len(spans) < count:
        w = rnd.randrange(len(words) - 45)
        kind = rnd.random()
        if kind < 0.35:  # a claim with one or two actors inside it
            k = rnd.randint(6, 40)
            start, end = words[w][0], words[w + k][1]
            spans.append(SpanStyle(f"s{i}", start, end, "CLAIM", color_for_label(1)))
            i += 1
            for _ in range(rnd.randint(1, 2)):
                a = w + rnd.randint(0, k - 2)
                spans.append(
                    SpanStyle(f"s{i}", words[a][0], words[a + rnd.randint(0, 1)][1], "ACTOR", color_for_label(0))
                )
                i += 1
        elif kind < 0.85:  # an actor or a cue somewhere, possibly crossing a claim's edge
            label = "ACTOR" if kind < 0.7 else "CUE"
            spans.append(
                SpanStyle(
                    f"s{i}", words[w][0], words[w + rnd.randint(0, 2)][1], label, color_for_label(LABELS.index(label))
                )
            )
            i += 1
        else:  # a suggestion
            spans.append(
                SpanStyle(f"s{i}", words[w][0], words[w + rnd.randint(0, 3)][1], "ACTOR",
                          color_for_label(0), kind="suggestion")
            )
            i += 1
    return spans[:count]


def bench_case(app: QApplication, name: str, text: str, spans: list[SpanStyle], repeat: int, edits: int):
    opens: list[float] = []
    view = ArticleView()
    view.resize(900, 700)
    view.show()
    app.processEvents()
    for _ in range(repeat):
        view.set_document("", [])
        app.processEvents()
        t0 = time.perf_counter()
        view.set_document(text, spans)
        view.repaint()  # synchronous paint of the visible blocks, highlights included
        opens.append(time.perf_counter() - t0)
        app.processEvents()
    # key press → span → repaint, at places the user is looking at
    rnd = random.Random(7)
    words = word_bounds(text)
    edit_times: list[float] = []
    for k in range(edits):
        w = rnd.randrange(len(words) - 3)
        view.scroll_to(words[w][0])
        app.processEvents()
        span = SpanStyle(f"edit{k}", words[w][0], words[w + rnd.randint(0, 2)][1], "ACTOR", color_for_label(0))
        t0 = time.perf_counter()
        view.add_spans([span])
        view.repaint()
        edit_times.append(time.perf_counter() - t0)
    remove_times: list[float] = []
    for k in range(edits):
        t0 = time.perf_counter()
        view.remove_spans([f"edit{k}"])
        view.repaint()
        remove_times.append(time.perf_counter() - t0)
    view.close()
    view.deleteLater()
    app.processEvents()
    return {
        "name": name,
        "chars": len(text),
        "spans": len(spans),
        "open_median": statistics.median(opens),
        "open_max": max(opens),
        "edit_median": statistics.median(edit_times),
        "edit_max": max(edit_times),
        "remove_median": statistics.median(remove_times),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5, help="opens per case (median reported)")
    ap.add_argument("--edits", type=int, default=60, help="add/remove operations per case")
    args = ap.parse_args()
    app = QApplication.instance() or QApplication([])

    rnd = random.Random(20251217)
    small = make_text(rnd, 50_000)
    small_spans = make_spans(rnd, small, 500)
    line = make_text(rnd, 5_000).replace("\n", " ")
    line_spans = make_spans(rnd, line, 60)
    big = make_text(rnd, 1_000_000)
    big_spans = make_spans(rnd, big, 10_000)

    cases = [
        (bench_case(app, "50 KB, 500 spans", small, small_spans, args.repeat, args.edits), 0.100),
        (bench_case(app, "one 5,000-char line, 60 spans", line, line_spans, args.repeat, args.edits), 0.100),
        (bench_case(app, "1 MB, 10,000 overlapping spans", big, big_spans, args.repeat, args.edits), 0.300),
    ]
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux

    def ms(x: float) -> str:
        return f"{x * 1000:7.1f} ms"

    print(f"PySide6 article view, {os.cpu_count()} CPUs, QT_QPA_PLATFORM={os.environ['QT_QPA_PLATFORM']}")
    print(f"{'case':34} {'open+paint':>11} {'budget':>9} {'add span+paint':>15} {'budget':>9} {'remove+paint':>13}")
    ok = True
    for c, budget in cases:
        open_ok = c["open_median"] <= budget
        edit_ok = c["edit_median"] <= 0.016
        ok &= open_ok and edit_ok
        print(
            f"{c['name']:34} {ms(c['open_median']):>11} {'≤' + str(int(budget * 1000)) + ' ms':>9}"
            f" {ms(c['edit_median']):>15} {'≤16 ms':>9} {ms(c['remove_median']):>13}"
            f"  {'ok' if open_ok and edit_ok else 'OVER BUDGET'}"
        )
    print(f"{'peak RSS (whole run, 1 MB case included)':52} {rss_mb:7.0f} MB  budget ≤250 MB"
          f"  {'ok' if rss_mb <= 250 else 'OVER BUDGET'}")
    print("open = set_document + synchronous repaint, median of", args.repeat,
          "; add/remove = median of", args.edits, "single-span edits + repaint")
    sys.exit(0 if ok and rss_mb <= 250 else 1)


if __name__ == "__main__":
    main()
