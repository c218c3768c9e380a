"""Stance map benchmark: building the map for 10,000 documents with 20,000 stances against the
300 ms budget (issue 14), plus the evidence list of the busiest cell.

Run: .venv/bin/python bench/bench_stancemap.py [--docs 10000] [--stances-per-doc 2] [--repeat 7]

The project is made once (gold JSONL import: short texts, 60 holders, 20 targets, two
stances per document with one evidence span each, a quarter of them with the opposite
polarity so that many cells are mixed) and reopened for the timings. Prints the median, best
and worst of the runs. The "raw" line is the same grouped query alone, for the ratio.
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from isfannotate import Project  # noqa: E402
from isfannotate.stancemap import Scope, build_map, evidence  # noqa: E402
from isfannotate.stancemap.export import network_graph, stance_rows, write_graphml, write_long_csv  # noqa: E402

BUDGET_MS = 300
POLARITIES = ["support", "oppose", "conditional", "neutral", "unclear"]


def make_gold(path: Path, docs: int, per_doc: int) -> None:
    rnd = random.Random(14)
    holders = [{"id": f"a{i}", "name": f"Actor {i}", "type": "state", "aliases": [], "external_id": None}
               for i in range(60)]
    targets = [{"id": f"t{i}", "name": f"Question {i}"} for i in range(20)]
    with open(path, "w", encoding="utf-8") as fh:
        for d in range(docs):
            text = f"Report {d}. " + " ".join(
                f"Actor {rnd.randrange(60)} said it backs question {j}." for j in range(per_doc)
            )
            spans, stances = [], []
            pos = len(f"Report {d}. ")
            for j in range(per_doc):
                sentence = text[pos:].split(".")[0] + "."
                spans.append({"id": f"s{d}-{j}", "start": pos, "end": pos + len(sentence), "label": "CLAIM",
                              "text": sentence, "actor_id": None, "attrs": {}})
                pos += len(sentence) + 1
                h, t = rnd.randrange(60), rnd.randrange(20)
                base = POLARITIES[(h + t) % 2]
                pol = base if rnd.random() > 0.25 else rnd.choice(POLARITIES)
                stances.append({"id": f"st{d}-{j}", "holder": f"a{h}", "target": f"t{t}", "polarity": pol,
                                "conditions": None, "evidence": [f"s{d}-{j}"]})
            fh.write(json.dumps({"schema": "isfannotate.gold/1", "id": f"d{d}", "text": text,
                                 "meta": {"date": f"2025-{1 + d % 12:02d}", "outlet": f"Outlet {d % 7}"},
                                 "actors": holders, "targets": targets, "spans": spans, "stances": stances,
                                 "claims": [], "relations": [], "doc_labels": {}, "provenance": {}}) + "\n")


def timed(fn, repeat):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - t) * 1000)
    return out, times


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=10000)
    ap.add_argument("--stances-per-doc", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=7)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        gold = Path(tmp) / "gold.jsonl"
        make_gold(gold, a.docs, a.stances_per_doc)
        path = Path(tmp) / "map.isf"
        with Project.create(path) as p:
            p.import_paths([gold], annotator="gold")
        with Project.open(path, read_only=True) as p:
            n = p.conn.execute("SELECT count(*) FROM stances").fetchone()[0]
            smap, t_map = timed(lambda: build_map(p, Scope()), a.repeat)
            busiest = max(smap.cells.values(), key=lambda c: c.stances)
            _, t_ev = timed(lambda: evidence(p, busiest.holder, busiest.target), a.repeat)
            raw_sql = ("SELECT s.layer, s.holder, s.target, s.polarity, s.document_id, json_extract(d.meta, '$.date'), "
                       "(SELECT count(*) FROM stance_evidence e WHERE e.stance_id = s.id) FROM stances s "
                       "JOIN documents d ON d.id = s.document_id JOIN actors a ON a.id = s.holder "
                       "WHERE s.layer = 'gold' AND s.target IS NOT NULL")
            _, t_raw = timed(lambda: p.conn.execute(raw_sql).fetchall(), a.repeat)
            filtered = Scope(actor_types=["state"], outlets=["outlet 3"], date_from="2025-03", date_to="2025-06")
            _, t_filt = timed(lambda: build_map(p, filtered), a.repeat)
            _, t_long = timed(lambda: write_long_csv(stance_rows(p, Scope()), Path(tmp) / "long.csv"), a.repeat)
            network_graph(smap)   # networkx imported once, outside the timings
            _, t_net = timed(lambda: write_graphml(smap, Path(tmp) / "net.graphml"), a.repeat)
    print(f"stance map: {a.docs} documents, {n} stances, {len(smap.cells)} cells "
          f"({len(smap.mixed_cells)} mixed), {a.repeat} runs")
    print(f"{'work':<34}{'median':>10}{'best':>10}{'worst':>10}{'budget':>10}")
    for name, t, budget in (("build the map", t_map, BUDGET_MS), ("evidence of the busiest cell", t_ev, None),
                            ("raw grouped query alone", t_raw, None),
                            ("map with type/outlet/date filters", t_filt, BUDGET_MS),
                            ("long CSV, one row per stance", t_long, None),
                            ("GraphML of the map", t_net, None)):
        print(f"{name:<34}{statistics.median(t):>9.1f}ms{min(t):>8.1f}ms{max(t):>8.1f}ms"
              f"{(str(budget) + ' ms') if budget else '':>10}")
    ok = statistics.median(t_map) <= BUDGET_MS
    print("within budget" if ok else "OVER BUDGET")


if __name__ == "__main__":
    main()
