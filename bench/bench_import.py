"""Import of 10,000 generated 5 KB articles (in process, near-duplicate detection included) and
single-action commit latency. Prints a table against docs/architecture.md's budgets.

    .venv/bin/python bench/bench_import.py
"""
from __future__ import annotations

import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from isfannotate import Project

WORDS = ("pakistan troops gaza force stabilisation international washington islamabad hamas army chief "
         "minister said reported conditions command plan peace board security council resolution talks "
         "officials deployment soldiers mission mandate region diplomats envoy government cabinet").split()


def article(rng: random.Random, n: int) -> str:
    paras = []
    size = 0
    while size < 5000:
        sentences = []
        for _ in range(rng.randint(3, 6)):
            ws = [rng.choice(WORDS) for _ in range(rng.randint(8, 20))]
            sentences.append(" ".join(ws).capitalize() + ".")
        p = " ".join(sentences)
        paras.append(p)
        size += len(p) + 1
    return f"Report {n}.\n" + "\n".join(paras)


def main() -> None:
    rng = random.Random(7)
    tmp = Path(tempfile.mkdtemp())
    src = tmp / "articles.jsonl"
    texts = [article(rng, i) for i in range(10_000)]
    # 50 stories republished with a new headline: near-duplicates to find
    for i in range(50):
        texts.append("Updated: " + texts[i * 7][:4000])
    with open(src, "w", encoding="utf-8") as fh:
        for i, t in enumerate(texts):
            fh.write(json.dumps({"id": f"a{i}", "text": t}) + "\n")
    mb = src.stat().st_size / 1e6
    times = []
    for run in range(5):
        p = Project.create(tmp / f"bench{run}.isf")
        t0 = time.perf_counter()
        report = p.import_paths([src])
        times.append(time.perf_counter() - t0)
        groups = len(report.near_duplicate_groups)
        p.close()
    imp = statistics.median(times)

    p = Project.open(tmp / "bench0.isf")
    lat = []
    for k in range(500):
        t0 = time.perf_counter()
        p.annotate("a1", "alice", k, k + 3, "ACTOR")
        lat.append(time.perf_counter() - t0)
    p.close()
    print(f"python {sys.version.split()[0]}; input {len(texts)} documents, {mb:.1f} MB")
    print(f"{'work':<58} {'measured':>12} {'budget':>10}")
    print(f"{'import 10,050 articles of ~5 KB (median of 5)':<58} {imp * 1000:>9.0f} ms {'1000 ms':>10}")
    print(f"{'  best of 5 / worst of 5':<58} {min(times) * 1000:>5.0f} / {max(times) * 1000:.0f} ms")
    print(f"{'  near-duplicate groups found (50 planted)':<58} {groups:>12}")
    print(f"{'commit one action (annotate), median of 500':<58} {statistics.median(lat) * 1000:>9.2f} ms {'-':>10}")
    print(f"{'commit one action, 95th percentile':<58} {sorted(lat)[474] * 1000:>9.2f} ms {'-':>10}")


if __name__ == "__main__":
    main()
