"""Review benchmarks (issue 13): the review queue over 10,000 documents x 3 annotators (budget
1 s), opening the review of one document with 3 annotators x 500 spans (budget 200 ms), and
the next-disagreement key (budget 50 ms).

Run: .venv/bin/python bench/bench_review.py [--docs 10000] [--spans 5] [--big 500] [--repeat 5]
     [--cpu] [--profile] [--claims]

``--claims`` makes every third span a CLAIM with its claim (source, quote), as the window makes
them: a document with claims is counted by the full review, the shape that made a held-out
check read 4.7 s. ``--cpu`` times by the process's CPU clock (``time.process_time``) instead of the wall clock:
on a shared machine it moves far less with the load. ``--profile`` runs the cold opening
under cProfile (CPU clock) and prints its 25 most expensive calls.

The queue is timed twice: cold (the first opening of the project computes every document's
units once and caches the counts) and warm (what every later opening costs: one query, plus
the documents an action changed since). Annotations come in as gold JSONL per annotator with
boundary shifts, relabels and missing units, like work imported from other tools.
"""
from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from isfannotate import Project  # noqa: E402

WORDS = "the of and to in said troops force minister government security army officials plan peace".split()


def records(rnd: random.Random, docs: int, spans: int, who: int, claims: bool = False):
    for d in range(docs):
        drnd = random.Random(d)
        words = [drnd.choice(WORDS) for _ in range(max(60, spans * 6))]
        text = " ".join(words)
        pos, out = 0, []
        starts = []
        for w in words:
            starts.append((pos, pos + len(w)))
            pos += len(w) + 1
        for k in range(spans):
            s, e = starts[(k * 5) % len(starts)]
            r = rnd.random()
            if r < 0.08:
                continue                        # this annotator missed it
            if r < 0.16:
                e = starts[min((k * 5) % len(starts) + 1, len(starts) - 1)][1]   # a boundary shift
            label = ("ACTOR", "CUE", "CLAIM")[k % 3] if claims else ("ACTOR" if k % 2 else "CUE")
            if 0.16 <= r < 0.2:
                label = "CLAIM"                 # a relabel
            out.append({"id": f"s{who}-{d}-{k}", "start": s, "end": e, "label": label, "text": text[s:e],
                        "actor_id": None, "attrs": {}})
        # --claims: every CLAIM span with its claim (as the window makes them), its quote differing at times
        cls = [{"span": o["id"], "source_kind": "article", "source": None, "source_span": None, "cue": None,
                "quote": "direct" if rnd.random() < 0.1 else "reported"} for o in out if o["label"] == "CLAIM"]
        yield {"schema": "isfannotate.gold/1", "id": f"d{d}", "text": text, "spans": out, "actors": [],
               "targets": [], "claims": cls if claims else [], "stances": [], "relations": [], "doc_labels": {},
               "provenance": {}}


clock = time.perf_counter


def timed(fn, repeat):
    out, ts = None, []
    for _ in range(repeat):
        t = clock()
        out = fn()
        ts.append((clock() - t) * 1000)
    return out, ts


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=10000)
    ap.add_argument("--spans", type=int, default=5)
    ap.add_argument("--big", type=int, default=500)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--cpu", action="store_true", help="time by CPU (time.process_time), not wall")
    ap.add_argument("--profile", action="store_true", help="profile the cold opening (cProfile, CPU clock)")
    ap.add_argument("--claims", action="store_true",
                    help="CLAIM spans with their claims (every third span): such documents take the full review")
    a = ap.parse_args()
    global clock
    if a.cpu:
        clock = time.process_time
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        path = tmp / "review.isf"
        with Project.create(path) as p:
            for who, name in enumerate(("alice", "bob", "chen")):
                f = tmp / f"{name}.jsonl"
                rnd = random.Random(who)
                with open(f, "w", encoding="utf-8") as fh:
                    for r in records(rnd, a.docs, a.spans, who, a.claims):
                        fh.write(json.dumps(r) + "\n")
                p.import_paths([f], annotator=name)
        with Project.open(path) as p:
            profiler = cProfile.Profile(time.process_time) if a.profile else None
            if profiler:
                profiler.enable()
            t = clock()
            q = p.review_queue()
            cold = (clock() - t) * 1000
            if profiler:
                profiler.disable()
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        with Project.open(path) as p:
            _, warm = timed(p.review_queue, a.repeat)
            rows.append((f"review queue, {a.docs} docs x 3 (warm)", warm, 1000))
        big = tmp / "big.isf"
        with Project.create(big) as p:
            for who, name in enumerate(("alice", "bob", "chen")):
                f = tmp / f"big-{name}.jsonl"
                f.write_text(json.dumps(next(records(random.Random(who), 1, a.big, who))) + "\n", encoding="utf-8")
                p.import_paths([f], annotator=name)
        with Project.open(big) as p:
            rd, t_open = timed(lambda: p.review("d0"), a.repeat)
            rows.append((f"open the review of 3 x {a.big} spans", t_open, 200))
            first = rd.open_disagreements[len(rd.open_disagreements) // 2]
            _, t_next = timed(lambda: p.next_disagreement("d0", first.key), a.repeat)
            rows.append(("next disagreement key", t_next, 50))
    print(f"review: queue of {len(q.rows)} documents ({q.units} units, {q.open_disagreements} open); "
          f"one document of {len(rd.units)} units; {a.repeat} runs; {'CPU' if a.cpu else 'wall'} clock")
    print(f"{'work':<44}{'median':>10}{'best':>10}{'worst':>10}{'budget':>10}")
    print(f"{'review queue, first opening (cold, cached)':<44}{cold:>8.0f}ms{'':>10}{'':>10}{'':>10}")
    for name, t, budget in rows:
        print(f"{name:<44}{statistics.median(t):>8.1f}ms{min(t):>8.1f}ms{max(t):>8.1f}ms{budget:>8}ms")


if __name__ == "__main__":
    main()
