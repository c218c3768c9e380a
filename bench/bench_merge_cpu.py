"""The merge benchmark's rows in CPU seconds, for A/B runs on a shared machine (issue 21).

Run: .venv/bin/python bench/bench_merge_cpu.py DIR friendly|hard [--checkout PATH]

DIR keeps the lead's project and the annotators' files of ``bench_merge.py`` (made once, about
5 minutes, then reused). Each run copies the lead's project, merges the three files (the first
merge), the same files again (no change) and, for ``hard``, the files with a tenth of their
documents changed; it prints each merge's wall and CPU seconds (``time.process_time``: every
thread of the process) and the CPU seconds of the merge's own thread (``time.thread_time``: the
writing, which the checking workers' work overlaps; on a loaded machine the wall measures the
load, these two the work). *--checkout*: the isfannotate checkout to import (another worktree, for
an A/B against it), this one's by default. Pair runs with a tool that alternates two commands.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def make_files(root: Path, data: Path) -> None:
    sys.path.insert(0, str(HERE))
    import bench_merge as b
    from isfannotate import Project
    data.mkdir(parents=True, exist_ok=True)
    b.make_docs(data / "docs.jsonl", 1000)
    with Project.create(data / "lead.isf", registry=root / "seeds" / "registry.json") as p:
        p.import_paths([data / "docs.jsonl"])
        p.assign_round_robin(["alice", "bob", "chen"], overlap=3)
        friendly = p.handout(data / "friendly")
        hard = p.handout(data / "hard")
    for i, (f, h) in enumerate(zip(friendly, hard, strict=True)):
        who = f.stem.rsplit("-", 1)[1]
        b.annotate_file(f, who, 50, i)
        b.annotate_file(h, who, 50, i, own_actors=40)
    (data / "changed").mkdir(exist_ok=True)
    for h in hard:
        shutil.copyfile(h, data / "changed" / h.name)
        b.change_tenth(data / "changed" / h.name, h.stem.rsplit("-", 1)[1])
    (data / "done").write_text("ok", encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("dir", type=Path)
    ap.add_argument("which", choices=("friendly", "hard"))
    ap.add_argument("--checkout", type=Path, default=HERE.parent)
    a = ap.parse_args()
    sys.path.insert(0, str(a.checkout.resolve()))
    from isfannotate import Project
    if not (a.dir / "done").exists():
        make_files(HERE.parent, a.dir)
    files = sorted((a.dir / a.which).glob("*.isf"))
    rounds = [("first", files), ("again", files)]
    if a.which == "hard":
        rounds.append(("changed", sorted((a.dir / "changed").glob("*.isf"))))
    work = a.dir / f"work-{time.time_ns()}.isf"
    shutil.copyfile(a.dir / "lead.isf", work)
    try:
        with Project.open(work) as p:
            for name, paths in rounds:
                wall, cpu, own = time.perf_counter(), time.process_time(), time.thread_time()
                p.merge(paths)
                print(f"{a.which} {name}: wall {time.perf_counter() - wall:.2f}s cpu {time.process_time() - cpu:.2f}s "
                      f"merge thread {time.thread_time() - own:.2f}s")
    finally:
        for extra in ("", "-wal", "-shm", ".lock"):
            Path(f"{work}{extra}").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
