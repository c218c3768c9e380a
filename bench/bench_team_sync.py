"""Team database sync benchmark (issue 23), on a PostgreSQL server on this machine (loopback),
started like the tests' fixture (tests/pgserver.py: initdb in a temporary folder, a free port,
scram-sha-256, stopped at the end).

- push: an annotator's working copy with 1,000 documents x 50 spans (ACTOR and CLAIM spans, two
  claims with their source, a stance and the document marked done) syncs for the first time:
  every document of its layer goes up. Budget 2 s.
- lead pull: ten annotators, each with 1,000 documents x 50 spans pushed, then the lead's sync
  brings every layer into the lead's project through merge's checks. Budget 10 s.
Also timed: the same syncs again (nothing changed: what an automatic sync costs when idle).

Run: .venv/bin/python bench/bench_team_sync.py [--docs 1000] [--spans 50] [--annotators 10] [--repeat 3]
Prints a table (median, best, worst, budget) and one JSON line. Needs the OS's PostgreSQL
(initdb, pg_ctl: `python3 .ci/dev.py test` installs it on Debian) and the `team` extra (psycopg).
Setting up (filling ten working copies) takes a few minutes; the timings are the syncs only.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_merge import annotate_file, make_docs  # noqa: E402
from isfannotate import Project  # noqa: E402

PUSH_BUDGET_S = 2.0
PULL_BUDGET_S = 10.0


def load_pgserver():
    spec = importlib.util.spec_from_file_location("isf_tests_pgserver", ROOT / "tests" / "pgserver.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def timed(fn) -> tuple[float, object]:
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def team_on(server, tmp: Path, docs: int, names: list[str]) -> tuple[str, Path]:
    """A new team database: the lead's corpus of *docs* documents, every one assigned to each of
    *names*, who are added as annotators (their passwords in the pgpass file)."""
    from isfannotate import teamdb

    dsn = server.dsn(server.create_database("bench"))
    lead = tmp / "lead.isf"
    make_docs(tmp / "docs.jsonl", docs)
    with Project.create(lead, registry=ROOT / "seeds" / "registry.json") as p:
        p.import_paths([tmp / "docs.jsonl"])
        p.assign([d.id for d in p.documents()], names)
        teamdb.create_team(dsn, p)
    for name in names:
        password = teamdb.add_annotator(dsn, name, password=f"{name}-bench-pw")
        if name not in server.known:
            server.add_password(name, password)
            server.known.add(name)
    return dsn, lead


def working_copy(dsn: str, tmp: Path, name: str, spans: int, seed: int) -> Path:
    """*name*'s working copy (joined: the documents come down), filled with spans."""
    from isfannotate import teamdb
    from isfannotate.teamdb.connect import with_user

    path = teamdb.join(with_user(dsn, name), tmp / f"{name}.isf", annotator=name)
    annotate_file(path, name, spans, seed)
    return path


def sync_open(path: Path) -> tuple[float, object]:
    """One sync of the project at *path*, opened first (as in the app: the sync job gets the
    open project); only the sync is timed."""
    from isfannotate import teamdb
    with Project.open(path) as p:
        return timed(lambda: teamdb.sync(p))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--spans", type=int, default=50)
    ap.add_argument("--annotators", type=int, default=10)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()

    pgserver = load_pgserver()
    bindir = pgserver.binaries()
    if bindir is None:
        print("no PostgreSQL server programs (initdb, pg_ctl): python3 .ci/dev.py test installs them on Debian",
              file=sys.stderr)
        return 2
    server = pgserver.PgServer(bindir).start()
    os.environ["PGPASSFILE"] = str(server.pgpass)
    tmp = Path(tempfile.mkdtemp(prefix="isf-bench-team-"))
    names = [f"ann{k:02d}" for k in range(a.annotators)]
    rows: list[tuple[str, list[float], float | None]] = []
    say = lambda msg: print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)  # noqa: E731
    try:
        # push: a fresh copy of the same filled working copy per repeat, pushed to a fresh team
        push, push_again = [], []
        for r in range(a.repeat):
            run = tmp / f"push{r}"
            run.mkdir()
            dsn, _lead = team_on(server, run, a.docs, names[:1])
            copy = working_copy(dsn, run, names[0], a.spans, seed=1)
            say(f"push {r + 1}/{a.repeat}: working copy filled")
            t, report = sync_open(copy)
            push.append(t)
            assert report.pushed_documents == a.docs, report.lines()
            t, report = sync_open(copy)
            push_again.append(t)
            assert report.pushed_documents == 0, report.lines()
        rows.append((f"push {a.docs} docs x {a.spans} spans (first sync)", push, PUSH_BUDGET_S))
        rows.append(("the same sync again (nothing to send)", push_again, None))

        # lead pull: ten annotators pushed once; the lead's project copied fresh per repeat
        run = tmp / "pull"
        run.mkdir()
        dsn, lead = team_on(server, run, a.docs, names)
        for k, name in enumerate(names):
            sync_open(working_copy(dsn, run, name, a.spans, seed=10 + k))
            say(f"lead pull: annotator {k + 1}/{len(names)} filled and pushed")
        pristine = run / "lead-pristine.isf"
        shutil.copy(lead, pristine)
        pull, pull_again = [], []
        for r in range(a.repeat):
            fresh = run / f"lead{r}.isf"
            shutil.copy(pristine, fresh)
            t, report = sync_open(fresh)
            pull.append(t)
            assert len(report.merged) == len(names), report.lines()
            t, _ = sync_open(fresh)
            pull_again.append(t)
        rows.append((f"lead pulls {len(names)} annotators x {a.docs} docs", pull, PULL_BUDGET_S))
        rows.append(("the lead's sync again (nothing new)", pull_again, None))
        import psycopg
        with psycopg.connect(dsn) as conn:
            size_mb = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0] / 2**20
            span_rows = conn.execute("SELECT count(*) FROM spans").fetchone()[0]
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"team sync on PostgreSQL (loopback), load {load:.2f}, {os.cpu_count()} cores")
    print(f"{'work':<52}{'median':>9}{'best':>9}{'worst':>9}{'budget':>9}")
    over = []
    for name, ts, budget in rows:
        med = statistics.median(ts)
        print(f"{name:<52}{med:>8.2f}s{min(ts):>8.2f}s{max(ts):>8.2f}s"
              + (f"{budget:>8.1f}s" if budget else f"{'-':>9}"))
        if budget and med > budget:
            over.append(f"{name} {med:.2f}s > {budget:.1f}s")
    print(f"the team database after the lead's pull: {span_rows:,} span rows, {size_mb:,.0f} MiB on disk")
    print("within budget" if not over else "OVER BUDGET: " + "; ".join(over))
    print(json.dumps({"bench": "team_sync", "load": round(load, 2), "docs": a.docs, "spans": a.spans,
                      "annotators": a.annotators, "span_rows": span_rows, "db_mib": round(size_mb),
                      **{name: [round(x, 3) for x in ts] for name, ts, _ in rows},
                      "budgets": {"push_s": PUSH_BUDGET_S, "lead_pull_s": PULL_BUDGET_S}, "over": over}))
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
