"""Issue 18: the JSON-shaped readers on files shaped like other tools' real exports, and on
the faults users bring (deep nesting, truncation, a wrong --format). Every input ends imported
with every item counted, or refused with one line naming the file and line (exit 2).

The fixtures are written here, in the shapes of doccano's, Prodigy's and Label Studio's own
example files (no third-party file is copied)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from isfannotate.cli import main
from isfannotate.errors import InputError, IsfError
from isfannotate.formats import doccano, labelstudio, prodigy
from isfannotate.formats.detect import detect_format

REPO = Path(__file__).resolve().parents[2]


def jsonl(path: Path, rows) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path


def tuples(doc):
    return [(s.start, s.end, s.label, doc.text[s.start:s.end]) for s in doc.spans]


def cli(capsys, *args) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def rows(project, sql, *params):
    return [tuple(r) for r in project.conn.execute(sql, params)]


# --------------------------------------------------------------------------- deep nesting


@pytest.mark.parametrize("name,head", [("deep.jsonl", ""), ("deep.json", ""),
                                       ("deep2.jsonl", '{"text": "Gaza", "label": [[0, 4, "LOC"]]}\n')])
def test_deeply_nested_json_is_bad_json_with_its_line_not_a_recursion_error(tmp_path, capsys, name, head):
    p = tmp_path / name
    p.write_text(head + "[" * 100_000 + "\n", "utf-8")
    line = 2 if head else 1
    with pytest.raises(InputError, match="nested more than") as e:
        detect_format([p]) if not head else doccano.read([p])
    assert e.value.line == line
    with pytest.raises(InputError, match="nested more than"):
        doccano.read([p])
    proj = tmp_path / "p.isf"
    assert main(["init", str(proj)]) == 0
    for fmt in ("auto", "doccano", "prodigy", "labelstudio", "jsonl"):
        code, out, err = cli(capsys, "import", proj, p, "--format", fmt, "--annotator", "ann")
        assert code == 2 and "Traceback" not in err, (fmt, err)
        assert f"{p}:" in err and "nested" in err, (fmt, err)


# --------------------------------------------------------------------------- doccano 1.x


DOCCANO_1_0 = [  # the shape of doccano's download_sequence_labeling.jsonl
    {"id": 1, "text": "EU rejects German call", "annotations": [
        {"id": 1, "label": 2, "label_name": "ORG", "start_offset": 0, "end_offset": 2, "user": 1,
         "user_name": "user1"}], "meta": {}, "annotation_approver": "supervisor"},
    {"id": 2, "text": "Peter Blackburn", "annotations": [
        {"id": 2, "label": 1, "label_name": "PERSON", "start_offset": 0, "end_offset": 15, "user": 1,
         "user_name": "user1"},
        {"id": 7, "label": 1, "label_name": "PERSON", "start_offset": 6, "end_offset": 15, "user": 2,
         "user_name": "user2"}], "meta": {}, "annotation_approver": None},
    {"id": 3, "text": "Nobody looked at this one", "annotations": [], "meta": {}},
]


def test_doccano_1_0_label_names_and_user_names(new_project, tmp_path):
    p = jsonl(tmp_path / "download_sequence_labeling.jsonl", DOCCANO_1_0)
    coll = doccano.read([p])
    assert [(d.doc_id, d.annotator, tuples(d)) for d in coll.documents if d.annotated] == [
        ("1", "user1", [(0, 2, "ORG", "EU")]),
        ("2", "user1", [(0, 15, "PERSON", "Peter Blackburn")]),
        ("2", "user2", [(6, 15, "PERSON", "Blackburn")])]
    assert coll.per_label()["span", "PERSON"] == {"imported": 2, "converted": 0, "skipped": 0}
    project = new_project()
    report = project.import_paths([p], add_labels=True, annotator_map="user2=ben")
    assert set(report.layers) == {"user1", "ben"}
    assert [s.label for s in project.spans("2", "ben")] == ["PERSON"]
    assert report.unannotated == ["3"]
    assert rows(project, "SELECT layer FROM doc_status WHERE document_id='3'") == []


def test_doccano_1_x_bare_label_ids_become_names_counted_as_converted(new_project, tmp_path):
    # older 1.x exports: label ids and user ids only (doccano's frontend example)
    p = jsonl(tmp_path / "old.jsonl", [
        {"id": 1, "text": "EU rejects ...", "annotations": [
            {"id": 1, "label": 2, "start_offset": 0, "end_offset": 2, "user": 1}]},
        {"id": 2, "text": "Peter Blackburn", "annotations": [
            {"id": 2, "label": 1, "start_offset": 0, "end_offset": 15, "user": 1}]}])
    project = new_project()
    report = project.import_paths([p], add_labels=True)   # refused today: '1', '2' cannot be a label name
    assert report.layers == {"1": 2}
    assert [s.label for s in project.spans("1", "1")] == ["label-2"]
    assert ("span", "label-1", 1, 1, 0) in report.per_label


# --------------------------------------------------------------------------- Prodigy


def ner_task(text, spans, answer="accept", session="news-alice", view="ner_manual", task_hash=None, **extra):
    return {"text": text, "spans": spans, "answer": answer, "_view_id": view, "_session_id": session,
            "_input_hash": hash_of(text), "_task_hash": task_hash if task_hash is not None else hash_of(
                text + json.dumps(spans)), **extra}


def hash_of(s: str) -> int:
    return sum(map(ord, s)) * 7919 % 2_000_000_011


def test_prodigy_task_with_whitespace_text_is_skipped_and_counted(new_project, tmp_path):
    p = jsonl(tmp_path / "ner_manual.jsonl", [
        ner_task("Gaza talks resume", [{"start": 0, "end": 4, "label": "LOC"}]),
        ner_task(" ", [{"start": 0, "end": 1, "label": "LOC"}]),
        ner_task("", []),
    ])
    coll = prodigy.read([p])
    assert [tuples(d) for d in coll.documents] == [[(0, 4, "LOC", "Gaza")]]
    assert coll.count("document", "skipped") == 2 and coll.count("span", "skipped") == 1
    report = new_project().import_paths([p], add_labels=True)
    assert report.spans == 1


def test_prodigy_binary_ner_teach_dataset_joins_tasks_and_counts_rejected_suggestions(new_project, tmp_path):
    text = "Pakistan will not disarm Hamas, Munir said"
    rows_ = [
        ner_task(text, [{"start": 0, "end": 8, "label": "GPE", "text": "Pakistan"}], view="ner", task_hash=1),
        ner_task(text, [{"start": 25, "end": 30, "label": "ORG", "text": "Hamas"}], view="ner", task_hash=2),
        ner_task(text, [{"start": 0, "end": 8, "label": "ORG", "text": "Pakistan"}], answer="reject", view="ner",
                 task_hash=3),
        ner_task(text, [{"start": 32, "end": 37, "label": "PERSON", "text": "Munir"}], view="ner", task_hash=4,
                 session="news-bob"),
        ner_task(text, [{"start": 0, "end": 8, "label": "GPE", "text": "Pakistan"}], view="ner", task_hash=5),
    ]
    p = jsonl(tmp_path / "ner_teach.jsonl", rows_)
    coll = prodigy.read([p])
    assert [(d.annotator, tuples(d)) for d in coll.documents] == [
        ("news-alice", [(0, 8, "GPE", "Pakistan"), (25, 30, "ORG", "Hamas")]),
        ("news-bob", [(32, 37, "PERSON", "Munir")])]
    assert coll.summary() == [
        ("document", "ner", "skipped:rejected suggestion", 1),
        ("span", "GPE", "imported", 1),
        ("span", "GPE", "skipped:exact duplicate (accepted in another task on the same text)", 1),
        ("span", "ORG", "imported", 1),
        ("span", "ORG", "skipped:rejected suggestion", 1),
        ("span", "PERSON", "imported", 1)]
    project = new_project()
    report = project.import_paths([p], add_labels=True)   # refused today: "a second annotation of document"
    assert report.layers == {"news-alice": 1, "news-bob": 1}
    assert report.spans == 3


def test_prodigy_spans_of_a_duplicate_task_are_counted(tmp_path):
    task = ner_task("Gaza and Rafah", [{"start": 0, "end": 4, "label": "LOC"}, {"start": 9, "end": 14, "label": "LOC"}])
    p = jsonl(tmp_path / "dup.jsonl", [task, task])
    coll = prodigy.read([p])
    assert coll.per_label()["span", "LOC"] == {"imported": 2, "converted": 0, "skipped": 2}


# --------------------------------------------------------------------------- label names


def test_label_names_of_any_script(new_project, tmp_path):
    from isfannotate.scheme import SpanLabel

    for name in ("Straßenname", "Universität", "नाम", "ORG-2", "Ort_1"):
        SpanLabel(name=name)
    for bad in ("1ORG", "two words", "_x", "ORG!", ""):
        with pytest.raises(ValueError):
            SpanLabel(name=bad)
    p = jsonl(tmp_path / "de.jsonl", [{"id": "d1", "text": "Die Universität liegt an der Hauptstraße",
                                       "label": [[4, 15, "Universität"], [29, 40, "Straßenname"]]}])
    project = new_project()
    project.import_paths([p], annotator="gold", add_labels=True)
    assert {lab.name for lab in project.scheme.span_labels} >= {"Universität", "Straßenname"}
    project.export("brat", tmp_path / "out", layer="gold")
    ann = (tmp_path / "out" / "d1.ann").read_text("utf-8")
    assert "T1\tUniversität 4 15\tUniversität" in ann
    project.export("conll", tmp_path / "conll", layer="gold")


# --------------------------------------------------------------------------- explicit --format


def test_an_explicit_format_that_would_not_read_the_file_is_refused(new_project, tmp_path, snapshot):
    prodigy_file = jsonl(tmp_path / "prodigy.jsonl", [
        ner_task("Gaza talks resume", [{"start": 0, "end": 4, "label": "LOC"}])])
    ls_file = tmp_path / "ls.json"
    ls_file.write_text(json.dumps([{"id": 1, "data": {"text": "Gaza"}, "annotations": [
        {"completed_by": 1, "result": [{"id": "a", "type": "labels", "from_name": "label", "to_name": "text",
                                        "value": {"start": 0, "end": 4, "labels": ["LOC"]}}]}]}], indent=1))
    brat_dir = tmp_path / "brat"
    brat_dir.mkdir()
    (brat_dir / "a.txt").write_text("Gaza talks")
    (brat_dir / "a.ann").write_text("T1\tLOC 0 4\tGaza\n")
    (brat_dir / "annotation.conf").write_text("[entities]\nLOC\n")
    project = new_project()
    before = snapshot(project)
    for path, fmt, seen in [(prodigy_file, "doccano", "prodigy"), (ls_file, "prodigy", "labelstudio"),
                            (brat_dir, "txt", "brat"), (prodigy_file, "jsonl", "prodigy")]:
        with pytest.raises(IsfError, match=f"--format {fmt} .* this looks like {seen} .*use --format {seen}"):
            project.import_paths([path], format=fmt, annotator="ann", add_labels=True)
        assert snapshot(project) == before


# --------------------------------------------------------------------------- Label Studio


def ls_tasks(*tasks) -> list:
    return list(tasks)


def test_label_studio_predictions_are_not_annotations(new_project, tmp_path):
    region = {"id": "r1", "type": "labels", "from_name": "label", "to_name": "text",
              "value": {"start": 0, "end": 4, "text": "Gaza", "labels": ["LOC"]}}
    p = tmp_path / "ls.json"
    p.write_text(json.dumps([
        {"id": 1, "data": {"text": "Gaza talks"}, "annotations": [], "predictions": [{"result": [region]}]},
        {"id": 2, "data": {"text": "Rafah crossing"}},
        {"id": 3, "data": {"text": "Gaza ceasefire"}, "annotations": [{"completed_by": 7, "result": [region]}]},
    ], indent=2))
    coll = labelstudio.read([p])
    assert coll.count("span", "skipped") == 1 and coll.count("span", "imported") == 1
    project = new_project()
    report = project.import_paths([p], add_labels=True)
    assert report.layers == {"7": 1}
    assert sorted(report.unannotated) == ["1", "2"]
    assert rows(project, "SELECT document_id, layer, status FROM doc_status") == [("3", "7", "done")]
    assert sorted(d.id for d in project.documents()) == ["1", "2", "3"]


def test_label_studio_documents_over_10_mib_are_refused(tmp_path):
    p = tmp_path / "big.json"
    p.write_text(json.dumps([{"id": 1, "data": {"text": "x" * (11 * 1024 * 1024)}}]))
    with pytest.raises(InputError, match="over the limit of 10 MiB") as e:
        labelstudio.read([p])
    assert e.value.line == 1


def test_label_studio_errors_name_the_line_of_the_task(tmp_path):
    tasks = [{"id": i, "data": {"text": f"text number {i}"}, "annotations": [{"completed_by": 1, "result": [
        {"id": f"r{i}", "type": "labels", "from_name": "label", "to_name": "text",
         "value": {"start": 0, "end": 4, "labels": ["X"]}}]}]} for i in range(1, 12)]
    tasks[9]["annotations"][0]["result"][0]["value"]["end"] = 400
    tasks[10]["data"] = "no object"
    p = tmp_path / "ls.json"
    p.write_text(json.dumps(tasks, indent=1))
    raw = p.read_text()
    with pytest.raises(InputError, match="past the end") as e:
        labelstudio.read([p])
    assert e.value.line == raw[:raw.index('"r10"')].count("\n") + 1   # the region's own line
    tasks[9]["annotations"][0]["result"][0]["value"]["end"] = 4
    p.write_text(json.dumps(tasks, indent=1))
    raw = p.read_text()
    with pytest.raises(InputError, match='task 11 has no "data" object') as e:
        labelstudio.read([p])
    assert e.value.line == raw[:raw.index('"no object"')].count("\n") + 1


def test_truncated_label_studio_json_names_line_and_column(new_project, tmp_path):
    p = tmp_path / "ls.json"
    full = json.dumps([{"id": i, "data": {"text": f"t{i}"}, "annotations": []} for i in range(5)], indent=1)
    p.write_text(full[: len(full) // 2])
    for fmt in ("auto", "labelstudio"):
        with pytest.raises(InputError, match=r"bad JSON: .*\(column \d+\)") as e:
            new_project(f"{fmt}.isf").import_paths([p], format=fmt)
        assert e.value.line is not None and e.value.line > 1


def test_truncated_doccano_says_the_same_under_auto_detection(new_project, tmp_path):
    p = tmp_path / "d.jsonl"
    good = "".join(json.dumps({"id": i, "text": f"Gaza {i}", "label": [[0, 4, "LOC"]]}) + "\n" for i in range(9))
    p.write_text(good + '{"id": 9, "text": "Gaza 9", "lab')
    messages = []
    for fmt in ("auto", "doccano"):
        with pytest.raises(InputError) as e:
            new_project(f"{fmt}.isf").import_paths([p], format=fmt, annotator="ann", add_labels=True)
        messages.append(str(e.value))
    assert messages[0] == messages[1] and f"{p}:10: bad JSON" in messages[0]


def test_offsets_errors_are_readable(tmp_path):
    p = jsonl(tmp_path / "d.jsonl", [{"text": "Gaza", "entities": [
        {"id": 1, "start_offset": -3, "end_offset": 5, "label": "LOC"}]}])
    with pytest.raises(InputError, match="start -3, end 5") as e:
        doccano.read([p])
    assert "-3-5" not in str(e.value)


def test_old_webanno_tsv_is_named_as_such(new_project, tmp_path):
    p = tmp_path / "old.tsv"
    p.write_text(" # de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity | value\n"
                 "#id=1\n#text=Gaza talks\n1-1\tGaza\tB-LOC\n1-2\ttalks\tO\n\n")
    with pytest.raises(InputError, match="WebAnno TSV file of an old version .* WebAnno TSV 3"):
        new_project().import_paths([p])


# --------------------------------------------------------------------------- brat notes, gold ids


def test_brat_annotator_notes_round_trip_as_notes(new_project, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "d.txt").write_text("Gaza talks resume")
    (src / "d.ann").write_text("T1\tLOC 0 4\tGaza\n#1\tAnnotatorNotes T1\tsome note text, with spaces\n")
    project = new_project()
    project.import_paths([src], annotator="gold", add_labels=True)
    (span,) = project.spans("d", "gold")
    assert span.attrs == {"note": "some note text, with spaces"}
    project.export("brat", tmp_path / "out", layer="gold")
    ann = (tmp_path / "out" / "d.ann").read_text("utf-8")
    assert "#1\tAnnotatorNotes T1\tsome note text, with spaces\n" in ann
    assert "some_note" not in ann and "\nA" not in ann


def test_gold_import_reports_every_id_it_maps(seeded, new_project, tmp_path):
    doc = "004_925ac23fd4dc491f"
    text = seeded.document(doc).text
    i = text.index("disarming Hamas")
    claim = seeded.annotate(doc, "alice", i, i + 15, "CLAIM").rows("spans")[0].after["id"]
    seeded.set_claim(claim, source_kind="article")
    seeded.set_stance(doc, "alice", holder="pakistan", target="disarm-hamas", polarity="oppose", evidence=[claim])
    seeded.set_status(doc, "alice", "done")
    seeded.export("jsonl", tmp_path / "out", layer="alice")
    rec = json.loads((tmp_path / "out" / "all.jsonl").read_text("utf-8"))
    for t in rec["targets"]:
        if t["id"] == "disarm-hamas":
            t["id"] = "disarming-hamas"
    for st in rec["stances"]:
        if st["target"] == "disarm-hamas":
            st["target"] = "disarming-hamas"
    p = tmp_path / "renamed.jsonl"
    p.write_text(json.dumps(rec, ensure_ascii=False) + "\n", "utf-8")
    other = new_project("other.isf")
    report = other.import_paths([p], annotator="bob")
    assert "target 'disarming-hamas' -> the project's 'disarm-hamas' (same name 'disarming Hamas')" in report.mapped_ids
    assert "ids mapped: " in report.summary()


# --------------------------------------------------------------------------- found by fuzzing


def test_label_studio_import_form_tasks_without_data(new_project, tmp_path):
    p = tmp_path / "tasks.json"
    p.write_text(json.dumps([{"text": "zzz"}, {"data": {"text": "opop"}, "predictions": [
        {"result": [{"from_name": "c", "to_name": "text", "type": "choices", "value": {"choices": ["A"]}}]}]}]))
    coll = labelstudio.read([p])
    assert [(d.text, d.annotated) for d in coll.documents] == [("zzz", False), ("opop", False)]
    assert coll.count("document", "converted") == 1 and coll.count("result", "skipped") == 1


@pytest.mark.parametrize("rows,match", [
    ([{"text": "Gaza", "label": [None, None]}], r"a label must be \[start, end, label\], got None"),
    ([{"text": "Gaza", "label": [[0, 4, 5], [0, 4, 5]]}], "is not a string"),
])
def test_doccano_malformed_label_lists_are_refused_with_their_line(tmp_path, rows, match):
    p = jsonl(tmp_path / "d.jsonl", rows)
    with pytest.raises(InputError, match=match) as e:
        doccano.read([p])
    assert e.value.line == 1


def test_prodigy_relation_span_with_a_list_label_is_refused_not_a_type_error(tmp_path):
    task = ner_task("Gaza and Rafah", [{"start": 0, "end": 4, "label": "LOC"}])
    task["relations"] = [{"head": 0, "child": 0, "label": "near", "head_span": {"start": 0, "end": 4, "label": ["x"]},
                          "child_span": {"start": 9, "end": 14, "label": "LOC"}}]
    p = jsonl(tmp_path / "p.jsonl", [task])
    with pytest.raises(InputError, match="child span 9-14"):
        prodigy.read([p])


def test_gold_lines_with_fields_of_the_wrong_type_are_refused(new_project, tmp_path):
    p = jsonl(tmp_path / "g.jsonl", [{"schema": "isfannotate.gold/2", "id": "a", "text": "Gaza", "spans": 5,
                                      "relations": "x", "doc_labels": True}])
    with pytest.raises(InputError) as e:
        new_project().import_paths([p], annotator="bob", add_labels=True)
    assert e.value.line == 1


def test_empty_relation_label_names_are_refused(new_project, tmp_path):
    p = jsonl(tmp_path / "r.jsonl", [{"text": "Gaza and Rafah", "entities": [
        {"id": 1, "start_offset": 0, "end_offset": 4, "label": "LOC"},
        {"id": 2, "start_offset": 9, "end_offset": 14, "label": "LOC"}],
        "relations": [{"from_id": 1, "to_id": 2, "type": ""}]}])
    with pytest.raises(IsfError, match="'' cannot be a label name"):
        new_project().import_paths([p], annotator="bob", add_labels=True)


def test_label_studio_result_type_of_another_json_type_is_counted_not_a_type_error(tmp_path):
    p = tmp_path / "ls.json"
    p.write_text(json.dumps([{"data": {"text": "Gaza"}, "annotations": [{"completed_by": 1, "result": [
        {"id": "a", "type": ["labels"], "value": {"start": 0, "end": 4, "labels": ["LOC"]}}]}]}]))
    coll = labelstudio.read([p])
    assert coll.summary() == [("result", "['labels']", "skipped:result type ['labels'] is not read", 1)]
