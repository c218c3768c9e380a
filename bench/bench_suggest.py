"""Suggestion model costs (issue 22): training from scratch on 500 generated 5 KB articles of
gold, an update after 20 new ones, loading a model, and suggesting for a 5 KB article.

    .venv/bin/python bench/bench_suggest.py [--docs 500] [--new 20] [--size 5000]

The gold is generated (bench/suggest_data.py: varied sentence shapes, ~120 actor names, 14 cues,
thousands of claim combinations): it measures cost only. No quality figure comes from it
(quality: ``isfannotate suggest eval`` on real gold). The last line is JSON.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

from isfannotate import Project  # noqa: E402
from suggest_data import write_corpus  # noqa: E402


def _cpu() -> tuple[float, float]:
    """(this process's, its children's) CPU seconds so far."""
    t = os.times()
    return t.user + t.system, t.children_user + t.children_system


def _cpu_since(before: tuple[float, float]) -> dict:
    now = _cpu()
    return {"cpu_s_parent": round(now[0] - before[0], 1), "cpu_s_child": round(now[1] - before[1], 1)}


def budget_rows(out: dict) -> None:
    """Issue 22's budgets, one row each (the lead's quiet-machine table)."""
    rows = [(f"suggest: train from scratch, {out['docs']} x {out['size'] // 1000} KB", out["train_scratch_s"], 60, "s"),
            (f"suggest: update after {out['new']} new articles", out["train_update_s"], 15, "s"),
            ("suggest: load a model, spaCy imported (warm)", out["load_warm_s"], 1, "s"),
            ("suggest: load a model, spaCy imported (first)", out["load_after_import_s"], 1, "s"),
            ("suggest: load a model in a fresh process", out["load_cold_s"], 1, "s"),
            ("suggest: suggestions for a 5 KB article", out["suggest_ms_median"], 100, "ms")]
    print(f"\nload average {out['load_average']:.1f} before, {out['load_average_after']:.1f} after "
          "(budget figures only from a quiet machine)")
    print(f"(loads' CPU seconds: fresh process {out['load_cold_cpu_s']}, spaCy's import {out['import_spacy_cpu_s']}, "
          f"first model {out['load_after_import_cpu_s']}, warm {out['load_warm_cpu_s']})")
    print(f"| {'work':<48} | {'measured':>10} | {'budget':>8} | ok |")
    for work, value, budget, unit in rows:
        ok = "yes" if value <= budget else "NO"
        print(f"| {work:<48} | {value:>7} {unit:<2} | {budget:>5} {unit:<2} | {ok:<2} |")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=500)
    ap.add_argument("--new", type=int, default=20)
    ap.add_argument("--size", type=int, default=5000)
    ap.add_argument("--loads", type=int, default=3, help="fresh processes that load the model (median)")
    a = ap.parse_args()
    out: dict = {"docs": a.docs, "new": a.new, "size": a.size, "load_average": os.getloadavg()[0]}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        path = tmp / "bench.isf"
        p = Project.create(path)
        p.import_paths([write_corpus(tmp / "gold.jsonl", a.docs, size=a.size, seed=0)], annotator="gold")
        t, c = time.perf_counter(), _cpu()
        info = p.train_suggestions()
        out["train_scratch_s"] = round(time.perf_counter() - t, 1)
        out["train_scratch_cpu"] = _cpu_since(c)
        out["train_scratch_metrics"] = {k: info.metrics.get(k) for k in ("epochs", "span_seconds", "seconds")}
        out["model_kb"] = info.size // 1024
        p.import_paths([write_corpus(tmp / "new.jsonl", a.new, size=a.size, seed=1, start=a.docs)], annotator="gold")
        t, c = time.perf_counter(), _cpu()
        info = p.train_suggestions(update=True)
        out["train_update_s"] = round(time.perf_counter() - t, 1)
        out["train_update_cpu"] = _cpu_since(c)
        out["train_update_metrics"] = {k: info.metrics.get(k) for k in ("mode", "new_documents", "replayed_documents",
                                                                      "span_seconds", "seconds")}
        # a fresh 5 KB article, not in training
        p.import_paths([write_corpus(tmp / "probe.jsonl", 1, size=a.size, seed=99, start=90000)], annotator="other")
        probe = "gen90000"
        p.close()
        # loading in a fresh process (what the app pays once, on its background thread, when the
        # project opens): importing spaCy as a load does (``require_spacy``: without its command
        # line), then the first model, then another one (warm)
        code = ("import time\nfrom isfannotate import Project\n"
                "def now(): return time.perf_counter(), time.process_time()\n"
                f"p = Project.open({str(path)!r}); t1 = now()\n"
                "from isfannotate.suggest import require_spacy; require_spacy()\n"
                "t2 = now(); p.load_suggestion_model()\n"
                "t3 = now(); p.load_suggestion_model(p.suggestion_model().version - 1)\n"
                "t4 = now(); phases = ((t1, t3), (t1, t2), (t2, t3), (t3, t4))\n"
                "print(*[b[i] - a[i] for i in (0, 1) for a, b in phases])\n"
                "p.close()")
        c = _cpu()
        loads = []
        for _ in range(a.loads):
            r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
            loads.append([float(x) for x in r.stdout.split()])
        out["load_process_cpu_s"] = round(_cpu_since(c)["cpu_s_child"] / a.loads, 2)
        med = [round(statistics.median(col), 2) for col in zip(*loads, strict=True)]
        # wall seconds, then this process's CPU seconds (steadier on a shared machine), of: a fresh
        # process (spaCy's import + the first model), spaCy's import, the first model once spaCy
        # is imported, another model in the same process
        out["load_cold_s"], out["import_spacy_s"], out["load_after_import_s"], out["load_warm_s"] = med[:4]
        for key, value in zip(("load_cold_cpu_s", "import_spacy_cpu_s", "load_after_import_cpu_s", "load_warm_cpu_s"),
                              med[4:], strict=True):
            out[key] = value
        p = Project.open(path)
        rec = p.load_suggestion_model()
        times = []
        for _ in range(15):
            if rec is not None:
                rec.forget()    # each ask runs the models: the figure of a document not seen yet
            t = time.perf_counter()
            found = p.model_suggestions(probe, "bench")
            times.append(time.perf_counter() - t)
        out["suggest_ms_median"] = round(statistics.median(times) * 1000, 1)
        out["suggest_ms_max"] = round(max(times) * 1000, 1)
        out["suggestions_on_probe"] = len(found)
        out["probe_chars"] = len(p.document(probe).text)
        p.close()
    out["load_average_after"] = os.getloadavg()[0]
    for k, v in out.items():
        print(f"{k}: {v}")
    budget_rows(out)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
