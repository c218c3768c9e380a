"""doccano, Label Studio and Prodigy readers: shared samples, broken variants, UTF-16."""
from __future__ import annotations

import json

import pytest

from isfannotate.errors import InputError
from isfannotate.formats import doccano, labelstudio, prodigy


def tuples(doc):
    return [(s.start, s.end, s.label, doc.text[s.start:s.end]) for s in doc.spans]


# --------------------------------------------------------------------------- doccano


def test_doccano_sequence_labelling_export(shared):
    coll = doccano.read([shared("peer-formats", "doccano", "export_sequence_labeling.example.jsonl")])
    assert [tuples(d) for d in coll.documents] == [
        [(0, 2, "ORG", "EU"), (11, 17, "MISC", "German")],
        [(0, 15, "PERSON", "Peter Blackburn")],
        [(10, 15, "PERSON", "Obama")],
    ]
    assert coll.count("span", "imported") == 4


@pytest.mark.parametrize("name", ["export_relation_extraction.example.PRETTY_PRINTED.json",
                                  "import_relation_extraction.example.jsonl"])
def test_doccano_relations_by_entity_id(shared, name):
    coll = doccano.read([shared("peer-formats", "doccano", name)])
    (doc,) = coll.documents
    assert tuples(doc) == [(0, 6, "ORG", "Google"), (22, 39, "DATE", "September 4, 1998"),
                           (44, 54, "PERSON", "Larry Page"), (59, 70, "PERSON", "Sergey Brin")]
    assert [(r.head_key, r.tail_key, r.label) for r in doc.relations] == [
        ("0", "1", "foundedAt"), ("0", "2", "foundedBy"), ("0", "3", "foundedBy")]


def test_doccano_line_without_text_is_an_error_with_its_line(shared):
    path = shared("peer-formats", "doccano", "import_sequence_labeling.example.jsonl")
    with pytest.raises(InputError) as e:
        doccano.read([path])
    assert e.value.line == 3 and '"text"' in str(e.value)


def test_doccano_exact_duplicate_kept_once_and_counted(shared):
    coll = doccano.read([shared("peer-formats", "doccano", "import_sequence_labeling.overlapping.jsonl")])
    (doc,) = coll.documents
    assert tuples(doc) == [(0, 1, "LOC", "e")]
    assert doc.meta == {"wikiPageID": 1}
    assert coll.counts["span", "LOC", "skipped:exact duplicate"] == 1


def test_doccano_utf16_offsets_emoji_urdu_combining_crlf(tmp_path):
    text = "🇵🇰🇺🇸 Pakistan, پاکستان, e\u0301tait 👨‍👩‍👧 Hamas\r\nGaza"
    clean = text.replace("\r\n", "\n")
    want = ["Pakistan", "پاکستان", "e\u0301tait", "Hamas", "Gaza"]
    units = []
    for w in want:
        i = text.index(w)
        u = len(text[:i].encode("utf-16-le")) // 2
        units.append([u, u + len(w.encode("utf-16-le")) // 2, "X"])
    p = tmp_path / "d.jsonl"
    p.write_text(json.dumps({"id": 7, "text": text, "label": units}) + "\n", "utf-8")
    coll = doccano.read([p])
    (doc,) = coll.documents
    assert doc.doc_id == "7" and doc.text == clean
    assert [x[3] for x in tuples(doc)] == want
    assert coll.count("span", "converted") == 5


def test_doccano_broken_variants(tmp_path):
    p = tmp_path / "d.jsonl"
    p.write_text('{"text": "abc", "label": [[0, 1, "A"]]}\n{"text": "abc", "label": [[0, 9, "A"]]}\n')
    with pytest.raises(InputError, match="past the end") as e:
        doccano.read([p])
    assert e.value.line == 2
    p.write_text('{"text": "abc", "label": []}\n{"text": "abc", "label": [[0, 1, "A"]\n')
    with pytest.raises(InputError, match="bad JSON") as e:
        doccano.read([p])
    assert e.value.line == 2
    p.write_text('{"text": "abc", "entities": [{"id": 1, "start_offset": 0, "end_offset": 1, "label": "A"}], '
                 '"relations": [{"from_id": 1, "to_id": 2, "type": "r"}]}\n')
    with pytest.raises(InputError, match="entity 2") as e:
        doccano.read([p])
    assert e.value.line == 1
    p.write_text('{"text": "a😊b", "label": [[0, 2, "A"]]}\n', "utf-8")  # ends inside the surrogate pair
    with pytest.raises(InputError, match="surrogate"):
        doccano.read([p])


def test_doccano_text_classification_labels_are_doc_labels(tmp_path):
    p = tmp_path / "d.jsonl"
    p.write_text('{"text": "abc", "label": ["relevant", "framing"]}\n')
    (doc,) = doccano.read([p]).documents
    assert doc.doc_labels == {"label": ["relevant", "framing"]} and doc.spans == []


# --------------------------------------------------------------------------- Label Studio


def test_labelstudio_task_with_annotation(shared):
    coll = labelstudio.read([shared("peer-formats", "label-studio", "named_entity.task_with_annotations.json")])
    (doc,) = coll.documents
    assert len(doc.text) == 915
    assert tuples(doc) == [(343, 354, "Date", "February 22")]
    assert doc.spans[0].key == "beFiQTT1cU"


def test_labelstudio_predictions_are_skipped_and_counted(shared):
    coll = labelstudio.read([shared("peer-formats", "label-studio", "named_entity.tasks.json")])
    assert all(d.spans == [] for d in coll.documents)
    assert coll.count("document", "skipped") >= 1


def ls_task(text, result, *, completed_by=1, key="annotations", task_id=1, **extra):
    return {"id": task_id, "data": {"text": text}, key: [{"completed_by": completed_by, "result": result, **extra}]}


def region(rid, start, end, label, text=None, **kw):
    value = {"start": start, "end": end, "labels": [label] if isinstance(label, str) else label}
    if text is not None:
        value["text"] = text
    return {"id": rid, "from_name": "label", "to_name": "text", "type": "labels", "value": value, **kw}


def test_labelstudio_relations_choices_layers_and_old_completions(tmp_path):
    text = "🇵🇰 Pakistan backs the ISF, said Rubio."
    s = text.index("Pakistan")
    r = text.index("Rubio")
    tasks = [
        {
            "id": 1,
            "data": {"text": text},
            "annotations": [
                {
                    "completed_by": 11,
                    "result": [
                        region("a", s, s + 8, "ACTOR", "Pakistan"),
                        region("b", r, r + 5, "ACTOR", "Rubio"),
                        {"type": "relation", "from_id": "a", "to_id": "b", "direction": "right", "labels": ["said_by"]},
                        {"type": "relation", "from_id": "a", "to_id": "b", "direction": "left", "labels": ["says"]},
                        {
                            "id": "a",
                            "type": "choices",
                            "from_name": "certainty",
                            "to_name": "text",
                            "value": {"start": s, "end": s + 8, "choices": ["high"]},
                        },
                        {
                            "type": "choices",
                            "from_name": "relevance",
                            "to_name": "text",
                            "value": {"choices": ["relevant"]},
                        },
                    ],
                },
                {"completed_by": {"id": 12, "email": "b@example.org"}, "result": [region("c", s, s + 8, "ACTOR")]},
                {"completed_by": 13, "was_cancelled": True, "result": []},
            ],
        },
        {
            "id": 2,
            "data": {"text": "Gaza"},
            "completions": [{"completed_by": 11, "result": [region("z", 0, 4, "LOC")]}],
        },
    ]
    p = tmp_path / "ls.json"
    p.write_text(json.dumps(tasks, ensure_ascii=False, indent=2), "utf-8")
    coll = labelstudio.read([p])
    assert [(d.doc_id, d.annotator) for d in coll.documents] == [("1", "11"), ("1", "b@example.org"), ("2", "11")]
    first = coll.documents[0]
    assert tuples(first) == [(s, s + 8, "ACTOR", "Pakistan"), (r, r + 5, "ACTOR", "Rubio")] and s == 3
    assert first.spans[0].attrs == {"certainty": "high"}
    assert first.doc_labels == {"relevance": "relevant"}
    assert [(x.head_key, x.tail_key, x.label) for x in first.relations] == [("a", "b", "said_by"), ("b", "a", "says")]
    assert coll.documents[2].spans[0].label == "LOC"
    assert coll.counts["document", "annotation", "skipped:cancelled (skipped in Label Studio)"] == 1


def test_labelstudio_utf16_offsets_from_old_frontends_are_converted(tmp_path):
    text = "😊 Hamas"
    p = tmp_path / "ls.json"
    p.write_text(json.dumps([ls_task(text, [region("a", 3, 8, "ACTOR", "Hamas")])]), "utf-8")
    coll = labelstudio.read([p])
    assert tuples(coll.documents[0]) == [(2, 7, "ACTOR", "Hamas")]
    assert coll.counts["span", "ACTOR", "converted:UTF-16 offsets"] == 1


def test_labelstudio_broken_variants(tmp_path):
    p = tmp_path / "ls.json"
    p.write_text(json.dumps([ls_task("Gaza", [region("a", 0, 4, "LOC", "Gazo")])], indent=2))
    with pytest.raises(InputError, match="Gazo") as e:
        labelstudio.read([p])
    assert e.value.line is not None
    p.write_text(json.dumps([ls_task("Gaza", [region("a", 0, 9, "LOC")])], indent=2))
    with pytest.raises(InputError, match="past the end"):
        labelstudio.read([p])
    p.write_text(json.dumps([ls_task("Gaza", [region("a", 0, 4, "LOC"),
                                              {"type": "relation", "from_id": "a", "to_id": "zz", "labels": []}])],
                            indent=2))
    with pytest.raises(InputError, match="zz"):
        labelstudio.read([p])
    p.write_text('[{"data": {"text": "Gaza"},\n "annotations": [}]')
    with pytest.raises(InputError, match="bad JSON") as e:
        labelstudio.read([p])
    assert e.value.line == 2


# --------------------------------------------------------------------------- Prodigy


def test_prodigy_ner_manual_sample(shared):
    coll = prodigy.read([shared("peer-formats", "prodigy", "news_headlines_ner_manual.first40.jsonl")])
    assert len(coll.documents) == 40
    assert sum(len(d.spans) for d in coll.documents) == 39
    first = coll.documents[0]
    assert tuples(first) == [(0, 4, "ORG", "Uber"), (15, 29, "LOCATION", "Silicon Valley")]
    slip = [t for d in coll.documents for t in tuples(d) if t[3] == ": @ev"]
    assert slip == [(24, 29, "PERSON", ": @ev")]  # the annotator's slip, kept unchanged
    assert coll.count("span", "skipped") == 0 and coll.count("document", "skipped") == 0


def test_prodigy_answers_sessions_and_relations(tmp_path):
    text = "Rubio said Pakistan offered troops."
    tasks = [
        {"text": text, "spans": [{"start": 0, "end": 5, "label": "ACTOR", "token_start": 0, "token_end": 0},
                                 {"start": 11, "end": 19, "label": "ACTOR", "token_start": 2, "token_end": 2}],
         "relations": [{"head": 0, "child": 2, "label": "talks_about",
                        "head_span": {"start": 0, "end": 5, "token_start": 0, "token_end": 0, "label": "ACTOR"},
                        "child_span": {"start": 11, "end": 19, "token_start": 2, "token_end": 2, "label": "ACTOR"}}],
         "answer": "accept", "_session_id": "news-alice", "_view_id": "relations", "_task_hash": 1},
        {"text": text, "spans": [{"start": 0, "end": 5, "label": "ACTOR"}], "answer": "reject",
         "_session_id": "news-bob", "_task_hash": 1},
        {"text": text, "spans": [{"start": 11, "end": 19, "label": "ACTOR"}], "answer": "accept",
         "_session_id": "news-bob", "_task_hash": 1},
        {"text": text, "spans": [], "answer": "ignore", "_session_id": "news-bob", "_task_hash": 2},
    ]
    p = tmp_path / "p.jsonl"
    p.write_text("\n".join(json.dumps(t) for t in tasks) + "\n")
    coll = prodigy.read([p])
    assert [d.annotator for d in coll.documents] == ["news-alice", "news-bob"]
    alice = coll.documents[0]
    assert [(r.head_key, r.tail_key, r.label) for r in alice.relations] == [("0", "1", "talks_about")]
    assert coll.counts["span", "ACTOR", "skipped:answer reject"] == 1
    assert coll.counts["document", "task", "skipped:answer ignore"] == 1
    assert coll.counts["document", "task", "skipped:answer reject"] == 1


def test_prodigy_broken_variants(tmp_path):
    p = tmp_path / "p.jsonl"
    p.write_text('{"text": "Gaza", "spans": [{"start": 0, "end": 7, "label": "LOC"}], "answer": "accept"}\n')
    with pytest.raises(InputError, match="past the end") as e:
        prodigy.read([p])
    assert e.value.line == 1
    p.write_text('{"text": "Gaza", "spans": [{"start": 0, "end": 4, "label": "LOC"}], "answer": "accept",'
                 ' "relations": [{"head": 0, "child": 3, "label": "r", "head_span": {"start": 0, "end": 4},'
                 ' "child_span": {"start": 1, "end": 2}}]}\n')
    with pytest.raises(InputError, match="not in"):
        prodigy.read([p])
    p.write_text('{"text": "Gaza", "answer": "accept"}\n{"text": \n')
    with pytest.raises(InputError, match="bad JSON") as e:
        prodigy.read([p])
    assert e.value.line == 2


def test_labelstudio_json_min_export(tmp_path):
    from isfannotate.formats.detect import detect_format

    text = "😊 Pakistan and Gaza"
    rec = [{"id": 5, "text": text, "source": "Dawn", "annotator": "a@example.org", "annotation_id": 9,
            "label": [{"start": 2, "end": 10, "text": "Pakistan", "labels": ["ACTOR"]},
                      {"start": 15, "end": 19, "text": "Gaza", "labels": ["LOC"]}],
            "relevance": "relevant"}]
    p = tmp_path / "min.json"
    p.write_text(json.dumps(rec), "utf-8")
    assert detect_format([p])[0] == "labelstudio"
    coll = labelstudio.read([p])
    (doc,) = coll.documents
    assert (doc.doc_id, doc.annotator) == ("5", "a@example.org")
    assert tuples(doc) == [(2, 10, "ACTOR", "Pakistan"), (15, 19, "LOC", "Gaza")]
    assert doc.meta == {"source": "Dawn", "relevance": "relevant"}


def test_doccano_1_0_annotations_one_layer_per_user(tmp_path):
    from isfannotate.formats.detect import detect_format

    p = tmp_path / "d.jsonl"
    p.write_text(json.dumps({"id": 3, "text": "😊 Gaza and Hamas", "annotation_approver": None, "annotations": [
        {"label": 4, "start_offset": 3, "end_offset": 7, "user": 1},
        {"label": 5, "start_offset": 12, "end_offset": 17, "user": 1},
        {"label": 4, "start_offset": 3, "end_offset": 7, "user": 2}]}) + "\n")
    assert detect_format([p])[0] == "doccano"
    coll = doccano.read([p])
    assert [(d.doc_id, d.annotator, tuples(d)) for d in coll.documents] == [
        ("3", "1", [(2, 6, "label-4", "Gaza"), (11, 16, "label-5", "Hamas")]),
        ("3", "2", [(2, 6, "label-4", "Gaza")])]
    # bare label ids (older doccano 1.x: no label_name) are counted as converted
    assert coll.per_label()["span", "label-4"] == {"imported": 2, "converted": 2, "skipped": 0}


def test_per_label_summary(shared):
    coll = doccano.read([shared("peer-formats", "doccano", "import_sequence_labeling.overlapping.jsonl")])
    assert coll.per_label() == {("span", "LOC"): {"imported": 1, "converted": 0, "skipped": 1}}
    assert coll.labels_seen == {"spans": ["LOC"], "relations": [], "doc_labels": []}
    assert coll.summary() == [("span", "LOC", "imported", 1), ("span", "LOC", "skipped:exact duplicate", 1)]


def test_doccano_pretty_printed_object_starting_on_the_first_line(tmp_path):
    p = tmp_path / "d.json"
    p.write_text('{"text": "Gaza now",\n  "label": [[0, 4, "LOC"]]}\n')
    (doc,) = doccano.read([p]).documents
    assert tuples(doc) == [(0, 4, "LOC", "Gaza")]
    p.write_text('{"text": "Gaza now",\n  "label": [[0, 4, "LOC"]]\n')
    with pytest.raises(InputError, match="bad JSON") as e:
        doccano.read([p])
    assert e.value.line == 1


def test_doccano_broken_pretty_printed_object_names_the_broken_line(tmp_path):
    p = tmp_path / "d.json"
    p.write_text('{\n  "text": "Gaza",\n  "label": [[0, 4, "LOC"]\n}\n')
    with pytest.raises(InputError, match="bad JSON") as e:
        doccano.read([p])
    assert e.value.line == 4
