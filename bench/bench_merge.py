"""Merge benchmark: three annotators' files of 1,000 documents each (50 spans per document,
with claims and stances) merged into the lead's project, against the 2 s budget (issue 12).

Run: .venv/bin/python bench/bench_merge.py [--docs 1000] [--spans 50] [--repeat 3]

Each run copies a fresh lead project and merges the three files into it (the first merge: all
layers written); then the same files are merged again (idempotent: nothing to write). Prints
the median, best and worst.
"""
from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from isfannotate import Project  # noqa: E402

BUDGET_S = 2.0
WORDS = "the of and to in said troops force minister government security army officials plan peace".split()


def make_docs(path: Path, n: int) -> None:
    rnd = random.Random(12)
    with open(path, "w", encoding="utf-8") as fh:
        for d in range(n):
            text = " ".join(rnd.choice(WORDS) for _ in range(700))
            fh.write(json.dumps({"id": f"d{d}", "text": f"{d} " + text}) + "\n")


def annotate_file(path: Path, who: str, spans: int, seed: int) -> None:
    """Fill an annotator's handout file as fast as the API allows (annotate_many per document)."""
    rnd = random.Random(seed)
    with Project.open(path) as p:
        actor = p.actors()[0].id if p.actors() else None
        for doc in p.documents():
            words = [i for i, c in enumerate(doc.text) if c == " "]
            items = []
            for k in range(spans):
                a = words[(k * 12 + rnd.randrange(3)) % (len(words) - 2)] + 1
                b = doc.text.find(" ", a)
                label = "ACTOR" if k % 3 else "CLAIM"
                items.append((a, b, label, actor if label == "ACTOR" else None))
            ch = p.annotate_many(doc.id, who, items)
            claims = [op.after["id"] for op in ch.rows("spans") if op.after["label"] == "CLAIM"][:2]
            for c in claims:
                p.set_claim(c, source_kind="article")
            if actor:
                p.set_stance(doc.id, who, holder=actor, target="isf-troops", polarity=rnd.choice(["support", "oppose"]),
                             evidence=claims[:1])
            p.set_status(doc.id, who, "done", reason="bench")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--spans", type=int, default=50)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    root = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        make_docs(tmp / "docs.jsonl", a.docs)
        lead = tmp / "lead.isf"
        with Project.create(lead, registry=root / "seeds" / "registry.json") as p:
            p.import_paths([tmp / "docs.jsonl"])
            p.assign_round_robin(["alice", "bob", "chen"], overlap=3)
            files = p.handout(tmp / "out")
        t0 = time.perf_counter()
        for i, f in enumerate(files):
            annotate_file(f, f.stem.rsplit("-", 1)[1], a.spans, i)
        prep = time.perf_counter() - t0
        first, again = [], []
        for r in range(a.repeat):
            work = tmp / f"lead-{r}.isf"
            shutil.copyfile(lead, work)
            with Project.open(work) as p:
                t = time.perf_counter()
                rep = p.merge(files)
                first.append(time.perf_counter() - t)
                t = time.perf_counter()
                rep2 = p.merge(files)
                again.append(time.perf_counter() - t)
                spans = p.conn.execute("SELECT count(*) FROM spans").fetchone()[0]
        assert all(f.unchanged == f.documents for f in rep2.files)
    print(f"merge: 3 files x {a.docs} documents x {a.spans} spans ({spans} spans merged; files made in {prep:.0f} s)")
    print(f"{'work':<36}{'median':>9}{'best':>9}{'worst':>9}{'budget':>9}")
    for name, t in (("merge three files", first), ("merge them again (no change)", again)):
        print(f"{name:<36}{statistics.median(t):>8.2f}s{min(t):>8.2f}s{max(t):>8.2f}s{BUDGET_S:>8.1f}s")
    print("within budget" if statistics.median(first) <= BUDGET_S else "OVER BUDGET")


if __name__ == "__main__":
    main()
