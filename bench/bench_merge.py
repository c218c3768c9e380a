"""Merge benchmark: three annotators' files of 1,000 documents each (50 spans per document,
with claims and stances) merged into the lead's project, against the 2 s budget (issue 12).

Run: .venv/bin/python bench/bench_merge.py [--docs 1000] [--spans 50] [--repeat 3]

Two sets of files:
- friendly: every ACTOR is linked to an entry of the lead's own registry;
- hard: each annotator also created 40 actors of their own (20 of the names shared with the
  others, so they are reconciled by name) and linked half of their ACTOR spans to them, so every
  span's link is mapped to a project id and new registry entries are written.
Each run copies a fresh lead project and merges the three files into it (the first merge: all
layers written); then the same files are merged again (idempotent: nothing to write); for the
hard set, a tenth of each file's documents is then changed and the files merged a third time
(those layers replaced). Each friendly merge is also run as a person runs it: the command in a
new process, end to end, and the first merge of a new process (issue 21: the in-process runs
left out what a new process pays once: imports, the reference schema, cold caches). Prints the
median, best and worst of each.
"""
from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import subprocess
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


def annotate_file(path: Path, who: str, spans: int, seed: int, own_actors: int = 0) -> None:
    """Fill an annotator's handout file as fast as the API allows (annotate_many per document).
    *own_actors*: new registry entries of this annotator's (half of the names shared with the
    other annotators'), to which half of the ACTOR spans are linked."""
    rnd = random.Random(seed)
    with Project.open(path) as p:
        actor = p.actors()[0].id if p.actors() else None
        own = [p.add_actor(f"Bench Actor {k}" if k % 2 else f"Bench Actor {who} {k}", "person")
               .rows("actors")[0].after["id"] for k in range(own_actors)]
        for doc in p.documents():
            words = [i for i, c in enumerate(doc.text) if c == " "]
            items = []
            for k in range(spans):
                a = words[(k * 12 + rnd.randrange(3)) % (len(words) - 2)] + 1
                b = doc.text.find(" ", a)
                label = "ACTOR" if k % 3 else "CLAIM"
                link = own[k % len(own)] if own and k % 2 else actor
                items.append((a, b, label, link if label == "ACTOR" else None))
            ch = p.annotate_many(doc.id, who, items)
            claims = [op.after["id"] for op in ch.rows("spans") if op.after["label"] == "CLAIM"][:2]
            for c in claims:
                p.set_claim(c, source_kind="article")
            if actor:
                p.set_stance(doc.id, who, holder=actor, target="isf-troops", polarity=rnd.choice(["support", "oppose"]),
                             evidence=claims[:1])
            p.set_status(doc.id, who, "done", reason="bench")


def change_tenth(path: Path, who: str) -> None:
    """Move one span in a tenth of the file's documents (their layers change)."""
    with Project.open(path) as p:
        for doc in p.documents()[::10]:
            span = next(s for s in p.spans(doc.id, who) if s.label == "ACTOR")
            p.delete_span(span.id)


def time_merges(lead: Path, files: list[Path], tmp: Path, repeat: int, changed: list[Path] | None = None) -> dict:
    times: dict[str, list[float]] = {"first": [], "again": [], "changed": []}
    for r in range(repeat):
        work = tmp / f"lead-{r}.isf"
        shutil.copyfile(lead, work)
        with Project.open(work) as p:
            t = time.perf_counter()
            p.merge(files)
            times["first"].append(time.perf_counter() - t)
            t = time.perf_counter()
            rep2 = p.merge(files)
            times["again"].append(time.perf_counter() - t)
            assert all(f.unchanged == f.documents for f in rep2.files)
            if changed:
                t = time.perf_counter()
                rep3 = p.merge(changed)
                times["changed"].append(time.perf_counter() - t)
                assert all(f.replaced for f in rep3.files)
        work.unlink()
    return times


def time_fresh(lead: Path, files: list[Path], tmp: Path, repeat: int) -> tuple[list[float], list[float]]:
    """The merge as a person runs it: ``isfannotate merge`` in a new process (Python, imports,
    opening the project, the first merge of the process), timed from the command to its exit;
    and the first merge inside such a process alone (what the in-process runs above leave out:
    their first run warms the imports and caches for the next ones)."""
    whole, first = [], []
    for r in range(repeat):
        work = tmp / f"fresh-{r}.isf"
        shutil.copyfile(lead, work)
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "isfannotate", "merge", str(work), *map(str, files)], check=True,
                       capture_output=True)
        whole.append(time.perf_counter() - t)
        work.unlink()
        shutil.copyfile(lead, work)
        res = subprocess.run([sys.executable, "-c", FIRST_MERGE, str(work), *map(str, files)], check=True,
                             capture_output=True, text=True)
        first.append(float(res.stdout.strip().splitlines()[-1]))
        work.unlink()
    return whole, first


FIRST_MERGE = r"""
import sys, time
from isfannotate import Project
with Project.open(sys.argv[1]) as p:
    t = time.perf_counter()
    p.merge(sys.argv[2:])
    print(time.perf_counter() - t)
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--spans", type=int, default=50)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    root = Path(__file__).resolve().parent.parent
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        make_docs(tmp / "docs.jsonl", a.docs)
        lead = tmp / "lead.isf"
        with Project.create(lead, registry=root / "seeds" / "registry.json") as p:
            p.import_paths([tmp / "docs.jsonl"])
            p.assign_round_robin(["alice", "bob", "chen"], overlap=3)
            friendly = p.handout(tmp / "friendly")
            hard = p.handout(tmp / "hard")
        t0 = time.perf_counter()
        for i, (f, h) in enumerate(zip(friendly, hard, strict=True)):
            who = f.stem.rsplit("-", 1)[1]
            annotate_file(f, who, a.spans, i)
            annotate_file(h, who, a.spans, i, own_actors=40)
        changed = []
        for h in hard:
            c = tmp / "changed" / h.name
            c.parent.mkdir(exist_ok=True)
            shutil.copyfile(h, c)
            change_tenth(c, h.stem.rsplit("-", 1)[1])
            changed.append(c)
        prep = time.perf_counter() - t0
        t = time_merges(lead, friendly, tmp, a.repeat)
        rows += [("merge three files (friendly)", t["first"]), ("merge them again (no change)", t["again"])]
        whole, first = time_fresh(lead, friendly, tmp, a.repeat)
        rows += [("first merge of a new process (friendly)", first),
                 ("isfannotate merge, new process, end to end", whole)]
        t = time_merges(lead, hard, tmp, a.repeat, changed)
        rows += [("merge three files (hard: own actors)", t["first"]), ("merge them again (no change)", t["again"]),
                 ("merge again, a tenth changed", t["changed"])]
    print(f"merge: 3 files x {a.docs} documents x {a.spans} spans ({3 * a.docs * a.spans} spans merged; "
          f"files made in {prep:.0f} s)")
    print(f"{'work':<40}{'median':>9}{'best':>9}{'worst':>9}{'budget':>9}")
    for name, ts in rows:
        print(f"{name:<40}{statistics.median(ts):>8.2f}s{min(ts):>8.2f}s{max(ts):>8.2f}s{BUDGET_S:>8.1f}s")
    over = [name for name, ts in rows if statistics.median(ts) > BUDGET_S]
    print("within budget" if not over else "OVER BUDGET: " + "; ".join(over))


if __name__ == "__main__":
    main()
