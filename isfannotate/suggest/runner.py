"""The parent side of training: start the child (``worker``), stream its progress, kill it on
cancel, and pack its output into the bytes stored in the project (a gzipped tar).

The child runs ``python -m isfannotate.suggest.worker`` with one thread for OpenMP/BLAS and
nice 10, so an annotator's window keeps its key budget while a model trains.
"""
from __future__ import annotations

import io
import json
import os
import queue
import subprocess
import sys
import tarfile
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, cast

from ..errors import JobCancelled
from . import SuggestError

SINGLE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                 "BLIS_NUM_THREADS": "1", "VECLIB_MAXIMUM_THREADS": "1", "NUMEXPR_NUM_THREADS": "1"}


def pack(folder: Path) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz", compresslevel=1) as tar:
        for p in sorted(folder.rglob("*")):
            tar.add(p, arcname=str(p.relative_to(folder)), recursive=False)
    return buf.getvalue()


def unpack(blob: bytes, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(blob), mode="r:gz") as tar:
        tar.extractall(folder, filter="data")
    return folder


def read_meta(blob: bytes) -> dict[str, Any]:
    """The ``meta.json`` of a packed model (labels, training documents, proposal counts)."""
    with tarfile.open(fileobj=io.BytesIO(blob), mode="r:gz") as tar:
        f = tar.extractfile("meta.json")
        meta: dict[str, Any] = json.loads(f.read().decode("utf-8")) if f is not None else {}
        return meta


def run_training(data: dict[str, Any], *, resume_blob: bytes | None = None,
                 progress: Callable[[int, int], None] | None = None,
                 cancelled: Callable[[], bool] | None = None) -> tuple[bytes, dict[str, Any]]:
    """Train in a child process; returns (the packed model, its metrics). On cancel the child is
    killed at once and ``JobCancelled`` raised; nothing was written anywhere but a temporary folder."""
    with tempfile.TemporaryDirectory(prefix="isf-train-") as tmp_name:
        tmp = Path(tmp_name)
        inp = tmp / "input.json"
        inp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        prev = ""
        if resume_blob:
            prev = str(unpack(resume_blob, tmp / "previous"))
        out = tmp / "model"
        env = {**os.environ, **SINGLE_THREAD}
        err_path = tmp / "stderr.txt"
        with err_path.open("wb") as err:
            proc = subprocess.Popen([sys.executable, "-m", "isfannotate.suggest.worker", str(inp), str(out), prev],
                                    stdout=subprocess.PIPE, stderr=err, env=env, text=True, encoding="utf-8")
            lines: queue.Queue[str | None] = queue.Queue()
            stdout = cast(IO[str], proc.stdout)    # stdout=PIPE: never None

            def read() -> None:
                for line in stdout:
                    lines.put(line)
                lines.put(None)

            reader = threading.Thread(target=read, name="isf-train-reader", daemon=True)
            reader.start()
            metrics = None
            error = None
            try:
                while True:
                    if cancelled is not None and cancelled():
                        raise JobCancelled("training cancelled; nothing was changed")
                    try:
                        line = lines.get(timeout=0.1)
                    except queue.Empty:
                        continue
                    if line is None:
                        break
                    try:
                        msg = json.loads(line)
                    except ValueError:
                        continue
                    if "progress" in msg and progress is not None:
                        progress(*msg["progress"])   # the job's progress raises JobCancelled once cancelled
                    elif "metrics" in msg:
                        metrics = msg["metrics"]
                    elif "error" in msg:
                        error = msg["error"]
                proc.wait()
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
                reader.join(timeout=5)
                stdout.close()
        if proc.returncode != 0 or metrics is None:
            tail = err_path.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-1:] or [""]
            why = error or tail[0] or f"the trainer ended with code {proc.returncode}"
            raise SuggestError(f"training failed: {why}")
        return pack(out), metrics
