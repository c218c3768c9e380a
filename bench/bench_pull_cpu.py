"""The lead's pull (issue 23) in CPU seconds, for A/B runs on a shared machine.

    .venv/bin/python bench/bench_pull_cpu.py serve DIR [--docs 1000 --spans 50 --annotators 10]
    .venv/bin/python bench/bench_pull_cpu.py run DIR [--checkout PATH] [--profile OUT.prof]

``serve`` starts a PostgreSQL server (as ``bench_team_sync.py`` does), fills a team once (the
lead's project and ten annotators' pushed working copies, a few minutes), writes DIR/server.json
and keeps the server running until it is interrupted (or DIR/stop appears). ``run`` copies the
lead's pristine project, runs the lead's ``teamdb.sync`` once and prints its wall and CPU seconds
(``time.process_time``: every thread of the process), then the same sync again. Every ``run``
pulls from the same server rows (the lead's copy is fresh each time). *--checkout*: the
isfannotate checkout to import (another worktree, for an A/B against it); pair runs with
``farm-bench`` or alternate them by hand.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def serve(a: argparse.Namespace) -> None:
    sys.path.insert(0, str(HERE.parent))
    sys.path.insert(0, str(HERE))
    import bench_team_sync as b
    a.dir.mkdir(parents=True, exist_ok=True)
    pgserver = b.load_pgserver()
    server = pgserver.PgServer(pgserver.binaries()).start()
    os.environ["PGPASSFILE"] = str(server.pgpass)
    try:
        names = [f"ann{k:02d}" for k in range(a.annotators)]
        dsn, lead = b.team_on(server, a.dir, a.docs, names)
        for k, name in enumerate(names):
            b.sync_open(b.working_copy(dsn, a.dir, name, a.spans, seed=10 + k))
            print(f"annotator {k + 1}/{len(names)} pushed", file=sys.stderr, flush=True)
        shutil.copy(lead, a.dir / "lead-pristine.isf")
        (a.dir / "server.json").write_text(json.dumps({"pgpass": str(server.pgpass), "annotators": len(names)}))
        print("ready", file=sys.stderr, flush=True)
        while not (a.dir / "stop").exists():
            time.sleep(2)
    finally:
        server.stop()


def run(a: argparse.Namespace) -> None:
    sys.path.insert(0, str(a.checkout.resolve()))
    info = json.loads((a.dir / "server.json").read_text())
    os.environ["PGPASSFILE"] = info["pgpass"]
    from isfannotate import Project, teamdb
    work = a.dir / f"work-{os.getpid()}-{time.time_ns()}.isf"
    shutil.copyfile(a.dir / "lead-pristine.isf", work)
    try:
        out = []
        for label in ("pull", "again"):
            with Project.open(work) as p:
                if a.profile and label == "pull":
                    import cProfile
                    prof = cProfile.Profile(time.process_time)
                    w, c = time.perf_counter(), time.process_time()
                    prof.runcall(teamdb.sync, p)
                    w, c = time.perf_counter() - w, time.process_time() - c
                    prof.dump_stats(a.profile)
                    report = None
                else:
                    w, c = time.perf_counter(), time.process_time()
                    report = teamdb.sync(p)
                    w, c = time.perf_counter() - w, time.process_time() - c
                if label == "pull" and report is not None:
                    assert len(report.merged) == info["annotators"], report.lines()
            out.append(f"{label} wall {w:.3f} s cpu {c:.3f} s")
        import isfannotate
        print(f"{Path(isfannotate.__file__).parent.parent.name}: " + "; ".join(out), flush=True)
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(str(work) + suffix).unlink(missing_ok=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=("serve", "run"))
    ap.add_argument("dir", type=Path)
    ap.add_argument("--checkout", type=Path, default=HERE.parent)
    ap.add_argument("--profile", type=Path)
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--spans", type=int, default=50)
    ap.add_argument("--annotators", type=int, default=10)
    a = ap.parse_args()
    serve(a) if a.mode == "serve" else run(a)


if __name__ == "__main__":
    main()
