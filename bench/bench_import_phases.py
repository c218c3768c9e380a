"""Where the import of bench_import.py's 10,050 articles goes, phase by phase, by CPU
(time.process_time) and wall clock: the format's detection, reading (parse, clean, hash),
the inserts, the near-duplicate regrouping, and the commit (from the change journal's write,
the action's last step, to the import's return: SQLite's writes and fsyncs of the rollback
journal and the file, and the switch back to WAL; before import5, the WAL's write, its fsync and
the checkpoint). Each phase is timed around the function that does it, so the figures hold on any
checkout that has those functions. Run by hand:

    .venv/bin/python bench/bench_import_phases.py [--repeat 3]
"""
from __future__ import annotations

import argparse
import functools
import json
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import isfannotate.importing as importing
import isfannotate.importing.documents as documents
from bench_import import article
from isfannotate import Project
from isfannotate.store import changes, journal

totals: dict[str, list[float]] = {}
last_journal = [0.0, 0.0]


def timed(owner: Any, name: str, label: str) -> None:
    """Replace *owner.name* by a version that adds its CPU and wall time to *label*."""
    if not hasattr(owner, name):
        return
    f: Callable[..., Any] = getattr(owner, name)

    @functools.wraps(f)
    def g(*a: Any, **k: Any) -> Any:
        c, w = time.process_time(), time.perf_counter()
        try:
            return f(*a, **k)
        finally:
            x = totals.setdefault(label, [0.0, 0.0])
            x[0] += time.process_time() - c
            x[1] += time.perf_counter() - w
            if label == "journal":
                last_journal[:] = [time.process_time(), time.perf_counter()]
    setattr(owner, name, g)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    timed(importing, "detect", "detect the format")
    timed(documents, "parse_jsonl_bytes", "read (parse, clean, hash)")
    timed(documents, "_read_jsonl", "read (parse, clean, hash)")
    timed(changes.Recorder, "insert_many", "insert the rows")
    timed(changes.Recorder, "insert_tuples", "insert the rows")
    timed(documents, "find_groups", "near-duplicates: find_groups")
    timed(documents, "_regroup_near_duplicates", "near-duplicates: all")
    timed(journal, "record", "journal")
    rng = random.Random(7)
    texts = [article(rng, i) for i in range(10_000)]
    for i in range(50):
        texts.append("Updated: " + texts[i * 7][:4000])
    tmp = Path(tempfile.mkdtemp())
    src = tmp / "articles.jsonl"
    with open(src, "w", encoding="utf-8") as fh:
        for i, t in enumerate(texts):
            fh.write(json.dumps({"id": f"a{i}", "text": t}) + "\n")
    whole = [0.0, 0.0]
    commit = [0.0, 0.0]
    for run in range(args.repeat):
        p = Project.create(tmp / f"phases{run}.isf")
        c, w = time.process_time(), time.perf_counter()
        p.import_paths([src])
        c1, w1 = time.process_time(), time.perf_counter()
        whole[0] += c1 - c
        whole[1] += w1 - w
        commit[0] += c1 - last_journal[0]
        commit[1] += w1 - last_journal[1]
        p.close()
    totals["commit (writes, fsyncs; in WAL: checkpoint)"] = commit
    n = args.repeat
    print(f"{'phase (mean of ' + str(n) + ' imports)':<42} {'cpu s':>7} {'wall s':>7}")
    for label, (c, w) in totals.items():
        print(f"{label:<42} {c / n:7.3f} {w / n:7.3f}")
    print(f"{'whole import':<42} {whole[0] / n:7.3f} {whole[1] / n:7.3f}")


if __name__ == "__main__":
    main()
