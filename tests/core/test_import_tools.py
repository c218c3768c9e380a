"""Importing other tools' annotations into a project (issue 11): layers, labels, documents
matched by sha256, all-or-nothing, the summary, and round trips through our own exports.
(Parsing each format exactly is tested in test_interchange_*.py.)"""
from __future__ import annotations

import json

import pytest

from isfannotate import Project
from isfannotate.cli import main as cli
from isfannotate.errors import InputError, IsfError

PF = ("peer-formats",)


def spans_of(p, layer):
    out = []
    for d in p.documents():
        text = d.text
        out += [(d.id, s.start, s.end, s.label, text[s.start:s.end]) for s in p.spans(d.id, layer)]
    return out


@pytest.mark.parametrize("sample,fmt,opts,expect", [
    ("brat-tutorial-news", "brat", {"annotator": "x"}, {"x": 57}),
    ("brat-opennlp-voa", "brat", {"annotator": "x", "split_discontinuous": True}, {"x": 19 + 18 + 4 + 2}),
    ("doccano/export_sequence_labeling.example.jsonl", "doccano", {"annotator": "x"}, {"x": 4}),
    ("doccano/export_relation_extraction.example.PRETTY_PRINTED.json", "doccano", {"annotator": "x"}, {"x": 4}),
    ("label-studio/named_entity.task_with_annotations.json", "labelstudio", {"annotator": "x"}, {"x": 1}),
    ("prodigy/news_headlines_ner_manual.first40.jsonl", "prodigy", {"annotator": "x"}, {"x": 39}),
    ("conll-iob/dkpro_conll2003_en-orig.conll", "conll", {"annotator": "x"}, {"x": 3}),
    ("webanno-tsv3/testSentenceWithEmoji.tsv", "webanno-tsv3", {"annotator": "x", "webanno_layer": "Span"}, None),
])
def test_every_peer_sample_imports_detected_and_counted(new_project, shared, sample, fmt, opts, expect):
    p = new_project(registry=False)
    report = p.import_paths([shared(*PF, *sample.split("/"))], add_labels=True, **opts)
    assert report.detected.startswith(fmt)
    assert report.added and report.annotated_documents
    for d in p.documents():   # every stored span is the slice it claims
        for layer in p.layers():
            for s in p.spans(d.id, layer):
                assert 0 <= s.start < s.end <= len(d.text)
    if expect:
        assert {layer: len(spans_of(p, layer)) for layer in p.layers()} == expect
    assert report.per_label and all(len(row) == 5 for row in report.per_label)


def test_brat_exact_items_relations_attributes_notes(new_project, shared):
    p = new_project(registry=False)
    p.import_paths([shared(*PF, "brat-tutorial-news")], annotator="ann", add_labels=True)
    doc = "000-introduction"
    text = p.document(doc).text
    spans = {(s.start, s.end, s.label): s for s in p.spans(doc, "ann")}
    assert (418, 426, "Organization") in spans and text[418:426] == "Citibank"
    assert (473, 496, "Person") in spans
    t4 = spans[(473, 496, "Person")]
    assert t4.attrs.get("Mention") == "Name" and t4.attrs.get("Individual") is True
    rels = {(r.label, p.span(r.head).start, p.span(r.tail).start) for r in p.relations(doc, "ann")}
    assert any(label == "Family" for label, _, _ in rels)
    assert any(s.attrs.get("note") == "100000000 USD" for s in p.spans(doc, "ann"))
    assert any(s.attrs.get("external_id") == "Wikipedia:64488" for s in p.spans(doc, "ann"))


def test_several_annotators_in_one_file_get_one_layer_each(new_project, tmp_path, shared):
    text = "Rubio said Pakistan offered troops."
    rec = lambda session, start, end, answer="accept": {  # noqa: E731
        "text": text, "_session_id": session, "answer": answer,
        "spans": [{"start": start, "end": end, "label": "ACTOR"}]}
    lines = [rec("isf-alice", 0, 5), rec("isf-bob", 11, 19), rec("isf-chen", 0, 5, "reject")]
    f = tmp_path / "prodigy.jsonl"
    f.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    p = new_project(registry=False)
    with pytest.raises(IsfError, match="3 annotators|2 annotators"):
        p.import_paths([f], annotator="lead")            # never mixed into one layer
    rep = p.import_paths([f], annotator_map="isf-alice=alice")
    assert sorted(rep.layers) == ["alice", "isf-bob"]
    assert [x[4] for x in spans_of(p, "alice")] == ["Rubio"] and [x[4] for x in spans_of(p, "isf-bob")] == ["Pakistan"]
    assert len(p.documents()) == 1                       # one text, one document, two layers
    assert ("span", "ACTOR", 2, 0, 1) in rep.per_label   # the rejected answer: skipped and counted
    with pytest.raises(IsfError, match="names nobody"):
        p.import_paths([f], annotator_map="nobody=x", replace=True)
    q = new_project("q.isf", registry=False)
    q.import_paths([shared(*PF, "prodigy", "news_headlines_ner_manual.first40.jsonl")], annotator="x", add_labels=True)
    assert [x[4] for x in spans_of(q, "x") if x[4] == ": @ev"] == [": @ev"]   # an annotator's slip is kept


def test_new_labels_are_refused_with_a_list_unless_added(new_project, shared, snapshot):
    p = new_project(registry=False)
    before = snapshot(p)
    with pytest.raises(
        IsfError, match=r"labels that are not in the project's scheme: span labels: .*Organization.*--add-labels"
    ):
        p.import_paths([shared(*PF, "brat-tutorial-news")], annotator="x")
    assert snapshot(p) == before
    p.import_paths([shared(*PF, "brat-tutorial-news")], annotator="x", add_labels=True)
    assert p.scheme.label("Organization") is not None
    assert any(r.name == "Family" for r in p.scheme.relation_types)


def test_annotations_attach_to_documents_already_in_the_project(new_project, tmp_path):
    p = new_project(registry=False)
    text = "🇵🇰 Pakistan sent troops.\nپاکستان نے کہا۔ Cafe\u0301 Ok."
    (tmp_path / "doc.txt").write_text(text, encoding="utf-8")
    p.import_paths([tmp_path / "doc.txt"])
    i = text.index("Pakistan")
    u16 = len(text[:i].encode("utf-16-le")) // 2
    line = {"text": text, "label": [[u16, u16 + 8, "ACTOR"]]}
    (tmp_path / "d.jsonl").write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    rep = p.import_paths([tmp_path / "d.jsonl"], annotator="bob")
    assert rep.added == [] and rep.annotated_documents == ["doc"]
    [(doc, s, e, label, got)] = spans_of(p, "bob")
    assert (doc, s, e, label, got) == ("doc", i, i + 8, "ACTOR", "Pakistan")   # UTF-16 offsets converted
    with pytest.raises(IsfError, match="already has annotations.*--replace"):
        p.import_paths([tmp_path / "d.jsonl"], annotator="bob")
    p.import_paths([tmp_path / "d.jsonl"], annotator="bob", replace=True)
    assert len(spans_of(p, "bob")) == 1


@pytest.mark.parametrize("content,message", [
    ('{"text": "abc", "label": [[0, 9, "ACTOR"]]}\n', "d.jsonl:1"),
    ('{"text": "abc", "label": [[0, 2, "ACTOR"]]}\n{"text": "x", "label": [[0, 1\n', "d.jsonl:2"),
    ('{"text": "abc def", "entities": [{"id": 1, "label": "ACTOR", "start_offset": 0, "end_offset": 3}], '
     '"relations": [{"id": 1, "from_id": 1, "to_id": 7, "type": "SOURCE_OF"}]}\n', "d.jsonl:1"),
])
def test_broken_files_are_refused_with_file_and_line_and_change_nothing(new_project, tmp_path, snapshot,
                                                                        content, message):
    p = new_project(registry=False)
    (tmp_path / "d.jsonl").write_text(content, encoding="utf-8")
    before = snapshot(p)
    with pytest.raises(InputError) as e:
        p.import_paths([tmp_path / "d.jsonl"], annotator="bob", format="doccano")
    assert message in str(e.value)
    assert snapshot(p) == before


def test_brat_text_column_mismatch_is_refused(new_project, tmp_path, snapshot):
    p = new_project(registry=False)
    (tmp_path / "a.txt").write_text("Pakistan sent troops.", encoding="utf-8")
    (tmp_path / "a.ann").write_text("T1\tACTOR 0 8\tPakistan\nT2\tACTOR 9 13\tsend\n", encoding="utf-8")
    before = snapshot(p)
    with pytest.raises(InputError, match=r"a\.ann:2"):
        p.import_paths([tmp_path], annotator="bob")
    assert snapshot(p) == before


def _export_import_export(tmp_path, fmt, seeded):
    d = "004_925ac23fd4dc491f"
    text = seeded.document(d).text
    for word, label in (("Marco Rubio", "ACTOR"), ("said", "CUE"), ("Pakistan has offered to send troops", "CLAIM"),
                        ("Pakistan", "ACTOR")):
        i = text.index(word)
        seeded.annotate(d, "alice", i, i + len(word), label)
    ids = {seeded.span(s.id).label + str(s.start): s.id for s in seeded.spans(d, "alice")}
    head = next(v for k, v in ids.items() if k.startswith("ACTOR"))
    tail = next(v for k, v in ids.items() if k.startswith("CLAIM"))
    seeded.add_relation(head, tail, "SOURCE_OF")
    seeded.set_status(d, "alice", "done", reason="test")
    first = seeded.export(fmt, tmp_path / "a", layer="alice")
    fresh = Project.create(tmp_path / "fresh.isf")
    try:
        files = [f for f in first.files if f.name != "manifest.json" and not f.name.endswith((".conf", ".xml"))]
        fresh.import_paths([tmp_path / "a"] if fmt == "brat" else files, annotator="alice", format=fmt)
        fresh.set_status(fresh.documents()[0].id, "alice", "done", reason="test")
        again = fresh.export(fmt, tmp_path / "b", layer="alice")
        got = lambda p, doc: sorted((s.start, s.end, s.label) for s in p.spans(doc, "alice"))  # noqa: E731
        rel = lambda p, doc: sorted((p.span(r.head).start, p.span(r.tail).start, r.label)  # noqa: E731
                                    for r in p.relations(doc, "alice"))
        fd = fresh.documents()[0].id
        return got(seeded, d), got(fresh, fd), rel(seeded, d), rel(fresh, fd), first, again
    finally:
        fresh.close()


@pytest.mark.parametrize("fmt", ["brat", "doccano", "labelstudio", "prodigy"])
def test_round_trip_keeps_spans_labels_and_relations(seeded, tmp_path, fmt):
    a, b, ra, rb, _, _ = _export_import_export(tmp_path, fmt, seeded)
    assert a == b
    if fmt != "doccano":   # our doccano export is sequence labelling: no relations (docs/importing.md)
        assert ra == rb


def test_issue_repro_our_doccano_export_imports_with_its_labels(seeded, tmp_path, capsys):
    d = "004_925ac23fd4dc491f"
    text = seeded.document(d).text
    i = text.index("Rubio")
    seeded.annotate(d, "alice", i, i + 5, "ACTOR")
    seeded.set_status(d, "alice", "done", reason="test")
    path = seeded.path
    seeded.close()
    assert cli(["export", str(path), "--format", "doccano", "--layer", "alice", "--out", str(tmp_path / "d")]) == 0
    assert cli(["init", str(tmp_path / "new.isf")]) == 0
    assert cli(["import", str(tmp_path / "new.isf"), str(tmp_path / "d" / "all.jsonl")]) == 2
    assert "--annotator" in capsys.readouterr().err          # never "imported 1 document" with 0 spans
    assert cli(["import", str(tmp_path / "new.isf"), str(tmp_path / "d" / "all.jsonl"), "--annotator", "alice"]) == 0
    out = capsys.readouterr().out
    assert "detected doccano" in out and "1 spans in 1 annotated documents" in out
