"""Import progress (issue 21): one scale in many steps for plain JSONL, gold JSONL and every other
tool's annotations (doccano, Label Studio, Prodigy, brat, CoNLL, WebAnno TSV), never going
back, and ending before the commit, so that a Cancel is either in time (nothing changed) or
too late (everything imported), never half of each."""
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


def labelstudio_json(path, n=500):
    tasks = []
    for i, t in enumerate(texts(n)):
        s = t.index("troops")
        tasks.append({"id": i, "data": {"text": t}, "annotations": [{"id": i, "result": [
            {"id": f"r{i}", "from_name": "label", "to_name": "text", "type": "labels",
             "value": {"start": s, "end": s + 6, "text": "troops", "labels": ["ACTOR"]}}]}]})
    path = path.with_suffix(".json")
    path.write_text(json.dumps(tasks), encoding="utf-8")
    return path


def prodigy_jsonl(path, n=500):
    lines = []
    for i, t in enumerate(texts(n)):
        s = t.index("troops")
        lines.append(json.dumps({"text": t, "spans": [{"start": s, "end": s + 6, "label": "ACTOR"}],
                                 "answer": "accept", "_input_hash": i, "_task_hash": i}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def brat_folder(path, n=300):
    folder = path.parent / "brat"
    folder.mkdir()
    for i, t in enumerate(texts(n)):
        s = t.index("troops")
        (folder / f"doc{i}.txt").write_text(t, encoding="utf-8")
        (folder / f"doc{i}.ann").write_text(f"T1\tACTOR {s} {s + 6}\ttroops\nT2\tCUE 0 6\tReport\n", encoding="utf-8")
    return folder


def conll_file(path, n=300):
    lines = []
    for t in texts(n):
        lines += ["-DOCSTART- -X- O O", ""]
        lines += [f"{w} {'B-ACTOR' if w == 'troops' else 'O'}" for w in t.split(" ")]
        lines.append("")
    path = path.with_suffix(".conll")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def webanno_folder(path, n=300):
    folder = path.parent / "webanno"
    folder.mkdir()
    for i, t in enumerate(texts(n)):
        rows, pos = [], 0
        for k, w in enumerate(t.split(" "), 1):
            rows.append(f"1-{k}\t{pos}-{pos + len(w)}\t{w}\t{'ACTOR' if w == 'troops' else '_'}\t")
            pos += len(w) + 1
        (folder / f"doc{i}.tsv").write_text(
            "#FORMAT=WebAnno TSV 3.3\n#T_SP=webanno.custom.Span|value\n\n\n#Text=" + t + "\n" + "\n".join(rows) + "\n",
            encoding="utf-8")
    return folder


# case -> (writer, import options, documents)
CASES = {"plain JSONL": (plain_jsonl, {}, 1000),
         "doccano": (doccano_jsonl, {"annotator": "bob", "format": "doccano"}, 600),
         "gold JSONL": (gold_jsonl, {"annotator": "bob"}, 400),
         "Label Studio": (labelstudio_json, {"annotator": "bob", "format": "labelstudio"}, 500),
         "Prodigy": (prodigy_jsonl, {"annotator": "bob", "format": "prodigy"}, 500),
         "brat": (brat_folder, {"annotator": "bob", "format": "brat"}, 300),
         "CoNLL": (conll_file, {"annotator": "bob", "format": "conll"}, 300),
         "WebAnno TSV": (webanno_folder, {"annotator": "bob", "format": "webanno-tsv3", "webanno_layer": "Span"}, 300)}


@pytest.mark.parametrize("case", list(CASES))
def test_an_import_reports_progress_in_many_steps_on_one_scale(tmp_path, case):
    make, options, n_docs = CASES[case]
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
    make, options, n_docs = CASES[case]
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
        assert len(p.documents()) == n_docs
        if options.get("annotator"):    # (and every document's annotation came in)
            assert all(p.spans(d.id, "bob") for d in p.documents())


TOOL_CASES = [c for c in CASES if c not in ("plain JSONL", "gold JSONL")]


@pytest.mark.parametrize("case", TOOL_CASES)
def test_reading_another_tool_s_files_moves_the_bar_and_a_cancel_there_changes_nothing(tmp_path, case, snapshot):
    """Reading the files is the first third of the scale (0-35%): the bar moves through it (a 10,000-document
    export took seconds there at 0%), and a Cancel pressed while the files are read stops the import at once."""
    make, options, n_docs = CASES[case]
    src = make(tmp_path / "in.jsonl")
    calls = []
    with Project.create(tmp_path / "p.isf") as p:
        p.import_paths([src], progress=lambda done, total: calls.append(done / total), **options)
    reading = sorted({f for f in calls if f < 0.35})
    assert len(reading) >= 10 and reading[-1] > 0.3, reading

    with Project.create(tmp_path / "q.isf") as q:
        before = snapshot(q)
        seen = []

        def progress(done, total):
            seen.append(done / total)
            if 0.1 < done / total < 0.35:       # while the files are being read
                raise JobCancelled("Importing: cancelled; nothing was changed")
        with pytest.raises(JobCancelled):
            q.import_paths([src], progress=progress, **options)
        assert max(seen) < 0.35
        assert snapshot(q) == before
