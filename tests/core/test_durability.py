"""Every acknowledged action survives SIGKILL (docs/architecture.md, invariant 3)."""
import os
import signal
import subprocess
import sys
import time

from isfannotate import Project

WRITER = r"""
import sys
from isfannotate import Project
from isfannotate.errors import ValidationError
p = Project.open(sys.argv[1])
print("ready", flush=True)
doc = sys.argv[2]
n = len(p.document(doc).text)
i = int(sys.argv[3])
while True:
    start, length = i % (n - 40), 1 + i // (n - 40)
    i += 1
    try:
        change = p.annotate(doc, "alice", start, start + length, "CUE")
    except ValidationError:  # committed by a run killed before it could say so
        continue
    # acknowledged: the action returned, so it is committed
    print(change.ops[0].after["id"], flush=True)
"""


def test_acknowledged_actions_survive_sigkill(tmp_path, seeds_dir):
    path = tmp_path / "crash.isf"
    p = Project.create(path)
    p.import_paths([seeds_dir / "004_925ac23fd4dc491f.txt"])
    doc = p.documents()[0].id
    p.close()
    acknowledged: list[str] = []
    for round_ in range(12):
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path), doc, str(len(acknowledged) + round_)],
                                stdout=subprocess.PIPE, text=True)
        # the kill lands while it writes, however long the import and open took on a loaded machine
        assert proc.stdout.readline() == "ready\n"
        time.sleep(0.3 + 0.05 * round_)
        os.kill(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        # a line cut short by the kill was never fully acknowledged
        lines = out.split("\n")
        acknowledged.extend(x for x in lines[:-1] if x)
    assert len(acknowledged) > 100
    with Project.open(path) as q:
        stored = {s.id for s in q.spans(doc, "alice")}
        assert q.check() == []
    missing = [a for a in acknowledged if a not in stored]
    assert missing == []
