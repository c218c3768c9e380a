"""The training child process: ``python -m isfannotate.suggest.worker INPUT.json OUT_DIR [RESUME_DIR]``.

Started by ``runner`` with one thread (OMP/BLAS/thinc) and a lower priority (nice 10). Reads the
training data, trains (``train.train``) and writes the pipelines to OUT_DIR. It speaks on stdout
in JSON lines: {"progress": [done, total]} while training, then {"metrics": {...}}; a failure is
one {"error": "..."} line and exit 3. It never touches the project file.
"""
from __future__ import annotations

import json
import os
import sys


def main(argv: list[str]) -> int:
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
        os.environ[var] = "1"
    try:
        os.nice(10)
    except (AttributeError, OSError):   # not on this platform: run at normal priority
        pass
    inp, out = argv[0], argv[1]
    resume = argv[2] if len(argv) > 2 and argv[2] else None

    def say(obj: object) -> None:
        sys.stdout.write(json.dumps(obj) + "\n")
        sys.stdout.flush()

    try:
        with open(inp, encoding="utf-8") as f:
            data = json.load(f)
        from .train import train
        metrics = train(data, out, resume_dir=resume, seed=data.get("seed", 0),
                        progress=lambda d, t: say({"progress": [d, t]}))
    except Exception as e:   # reported to the parent as one line; it raises SuggestError with it
        say({"error": f"{type(e).__name__}: {e}"})
        return 3
    say({"metrics": metrics})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
