"""Import progress (issue 21): one scale in many steps for plain JSONL, gold JSONL and another
tool's annotations, never going back, and ending before the commit, so that a Cancel is
either in time (nothing changed) or too late (everything imported), never half of each."""
from __future__ import annotations

import json

import pytest

from isfannotate import Project
from isfannotate.errors import JobCancelled

WORDS = "the of and to in said troops force minister government security army".split()


def texts(n):
    return [f"Report {i}: " + " ".join(WORDS[(i + k) % len(WORDS)] for k in range(60)) for i in range(n)]


def plain_jsonl(path, n=1000):
    path.write_text("".join(json.dumps({"id": f"a{i}", "text": t}) + "\n" for i, t in enumerate(texts(n))),
                    encoding="utf-8")
    return path


def doccano_jsonl(path, n=600):
    lines = []
    for i, t in enumerate(texts(n)):
        s = t.index("troops")
        lines.append(json.dumps({"id": i, "text": t, "label": [[s, s + 6, "ACTOR"], [0, 6, "CUE"]]}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def gold_jsonl(path, n=400):
    recs = []
    for i, t in enumerate(texts(n)):
        s = t.index("troops")
        recs.append({"schema": "isfannotate.gold/1", "id": f"g{i}", "text": t, "actors": [], "targets": [],
                     "spans": [{"id": f"s{i}", "start": s, "end": s + 6, "label": "ACTOR", "text": "troops"}],
                     "claims": [], "stances": [], "relations": [], "doc_labels": {}, "provenance": {}})
    path.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    return path


CASES = {"plain JSONL": (plain_jsonl, {}), "doccano": (doccano_jsonl, {"annotator": "bob", "format": "doccano"}),
         "gold JSONL": (gold_jsonl, {"annotator": "bob"})}


@pytest.mark.parametrize("case", list(CASES))
def test_an_import_reports_progress_in_many_steps_on_one_scale(tmp_path, case):
    make, options = CASES[case]
    src = make(tmp_path / "in.jsonl")
    calls = []
    with Project.create(tmp_path / "p.isf") as p:
        p.import_paths([src], progress=lambda done, total: calls.append((done, total)), **options)
    assert len({total for _, total in calls}) == 1, calls          # one unit from start to end
    steps = [done for done, _ in calls]
    assert steps == sorted(steps) and len(set(steps)) >= 20, steps
    assert steps[-1] == calls[-1][1]                               # it ends full


@pytest.mark.parametrize("case", list(CASES))
def test_cancel_at_the_last_step_changes_nothing_and_later_is_too_late(tmp_path, case, snapshot):
    """The last progress call comes before the commit: a Cancel up to it rolls everything back
    (JobCancelled); a Cancel after it (during the commit) finds the import done."""
    make, options = CASES[case]
    src = make(tmp_path / "in.jsonl")
    with Project.create(tmp_path / "p.isf") as p:
        before = snapshot(p)
        job = p.jobs.submit("Importing", lambda project, progress, cancelled: project.import_paths(
            [src], progress=lambda done, total: (done == total and job.cancel(), progress(done, total)), **options))
        job.wait(60)
        assert isinstance(job.error, JobCancelled)
        assert snapshot(p) == before
        late = []

        def after_last(done, total, progress):
            progress(done, total)
            if done == total:
                late.append(True)
                job2.cancel()           # pressed once the last step is reported: during the commit

        job2 = p.jobs.submit("Importing", lambda project, progress, cancelled: project.import_paths(
            [src], progress=lambda d, t: after_last(d, t, progress), **options))
        job2.wait(60)
        assert late and job2.cancelled and job2.error is None, job2.error
        assert len(p.documents()) == len(texts(1000 if case == "plain JSONL" else 600 if case == "doccano" else 400))
