"""Issue 18: a format with nothing to write writes no file and says so; the CoNLL export is read
by spaCy's own converter and seqeval with the entity count we wrote, and counts what it leaves out."""
from __future__ import annotations

import json
from collections import Counter

import pytest

from isfannotate.cli import main
from isfannotate.errors import IsfError
from isfannotate.exporting import FORMATS, export_records

from .test_export_rules import rec


def export(records, fmt, out, **kw):
    return export_records(records, fmt, out, project_name="demo", layer="gold", **kw)


def with_claim(doc_id: str) -> dict:
    r = rec(doc_id, "Pakistan said it offered troops to Gaza.")
    t = r["text"]
    r["spans"].append({"id": "c1", "start": 14, "end": 39, "label": "CLAIM", "text": t[14:39], "actor_id": None,
                       "attrs": {}})
    r["spans"].append({"id": "q1", "start": 9, "end": 13, "label": "CUE", "text": t[9:13], "actor_id": None,
                       "attrs": {}})
    r["claims"] = [{"span": "c1", "source_kind": "actor", "source": "pk", "source_span": "s1", "cue": "q1",
                    "quote": "reported"}]
    return r


@pytest.mark.parametrize("fmt,name", [("claims", "all.jsonl"), ("attribution-parc", "all.jsonl"),
                                      ("stances", "all.jsonl"), ("stance-semeval", "all.tsv")])
def test_nothing_to_write_is_refused_and_writes_no_file(tmp_path, fmt, name):
    out = tmp_path / "o"
    with pytest.raises(IsfError, match="nothing to write") as e:
        export([rec("a"), rec("b")], fmt, out)
    assert f"{name} would be empty" in str(e.value) and "\n" not in str(e.value)
    assert not out.exists()


def test_an_empty_split_is_not_written_and_is_named(tmp_path):
    records = [with_claim(f"d{i}") for i in range(6)] + [rec(f"e{i}") for i in range(6)]
    # find a seed where some split holds no claim
    for seed in range(50):
        out = tmp_path / f"o{seed}"
        try:
            result = export(records, "claims", out, split=(0.2, 0.4, 0.4), seed=seed)
        except IsfError:
            continue
        if result.not_written:
            break
    else:
        pytest.fail("no seed left a split without claims")
    names = {p.name for p in out.iterdir()}
    for name in result.not_written:
        assert name not in names
    assert all(p.stat().st_size > 0 for p in out.iterdir())
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert [n["name"] for n in manifest["not_written"]] == result.not_written
    assert {f["name"] for f in manifest["files"]} == names - {"manifest.json"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_format_writes_an_empty_file(tmp_path, fmt):
    try:
        result = export([rec("a"), rec("b")], fmt, tmp_path / fmt)
    except IsfError as e:
        assert "nothing to write" in str(e)
        assert not (tmp_path / fmt).exists()
        return
    assert all(p.stat().st_size > 0 for p in result.files)


def gold_project(tmp_path, records):
    src = tmp_path / "src"
    export(records, "jsonl", src)
    proj = tmp_path / "p.isf"
    assert main(["init", str(proj)]) == 0
    assert main(["import", str(proj), str(src / "all.jsonl"), "--annotator", "gold"]) == 0
    return proj


def test_cli_claims_with_no_claim_exit_2_one_line(tmp_path, capsys):
    proj = gold_project(tmp_path, [rec("a")])
    capsys.readouterr()
    out = tmp_path / "claims"
    assert main(["export", str(proj), "--format", "claims", "--all", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nothing to write" in err and "Traceback" not in err
    assert not out.exists()


# --------------------------------------------------------------------------- CoNLL


def conll_records():
    a = with_claim("a")
    b = rec("b", "Hamas and Israel met.")
    t = b["text"]
    b["spans"] = [{"id": "s1", "start": 0, "end": 5, "label": "ACTOR", "text": t[0:5], "actor_id": None, "attrs": {}},
                  {"id": "s2", "start": 10, "end": 16, "label": "ACTOR", "text": t[10:16], "actor_id": None,
                   "attrs": {}},
                  # nested in nothing but overlapping both actors: cannot be written
                  {"id": "c9", "start": 0, "end": 20, "label": "CLAIM", "text": t[0:20], "actor_id": None,
                   "attrs": {}}]
    b["actors"] = []
    return [a, b]


def test_conll_writes_docstart_every_label_and_counts_what_does_not_fit(tmp_path, capsys):
    result = export(conll_records(), "conll", tmp_path / "o")
    text = (tmp_path / "o" / "all.conll").read_text("utf-8")
    assert text.startswith("-DOCSTART- -X- O O\n\n") and text.count("-DOCSTART-") == 2 and "# doc_id" not in text
    tags = Counter(line.split("\t")[1] for line in text.splitlines() if "\t" in line)
    # a: ACTOR (state), CUE, CLAIM; b: two ACTOR spans, the overlapping CLAIM left out
    assert tags["B-state"] == 1 and tags["B-CUE"] == 1 and tags["B-CLAIM"] == 1 and tags["B-ACTOR"] == 2
    assert result.manifest["counts"]["format"]["dropped"] == {"CLAIM": 1}
    assert result.manifest["counts"]["format"]["entities"] == 5
    assert result.manifest["counts"]["warnings"] == 1 and "c9" in result.warnings[0]


def test_conll_export_read_by_spacy_convert_and_seqeval_with_our_entity_count(tmp_path):
    pytest.importorskip("spacy")
    from spacy.training.converters import conll_ner_to_docs

    result = export(conll_records(), "conll", tmp_path / "o")
    text = (tmp_path / "o" / "all.conll").read_text("utf-8")
    docs = list(conll_ner_to_docs(text, n_sents=0, no_print=True))
    assert len(docs) == 2                                   # one per -DOCSTART-, no "#" token
    assert all(t.text not in ("#", "-DOCSTART-") for d in docs for t in d)
    assert sum(len(d.ents) for d in docs) == result.manifest["counts"]["format"]["entities"] == 5
    assert [e.label_ for e in docs[1].ents] == ["ACTOR", "ACTOR"]
    seqeval = pytest.importorskip("seqeval.metrics.sequence_labeling")
    sequences, cur = [], []
    for line in text.splitlines() + [""]:
        if line.startswith("-DOCSTART-") or not line:
            if cur:
                sequences.append(cur)
                cur = []
            continue
        cur.append(line.split("\t")[-1])
    assert sum(len(seqeval.get_entities(s)) for s in sequences) == 5


def test_conll_export_reads_back_with_its_document_ids(tmp_path):
    from isfannotate.formats import conll

    export(conll_records(), "conll", tmp_path / "o", split=(0.5, 0.5), seed=3)
    ids = []
    for f in sorted((tmp_path / "o").glob("*.conll")):
        coll = conll.read([f])
        ids += [d.doc_id for d in coll.documents]
        assert any("document ids from" in n for n in coll.notes)
    assert sorted(ids) == ["a", "b"]


def test_cli_export_conll_names_what_was_left_out(tmp_path, capsys):
    proj = gold_project(tmp_path, conll_records())
    capsys.readouterr()
    assert main(["export", str(proj), "--format", "conll", "--all", "--out", str(tmp_path / "c")]) == 0
    cap = capsys.readouterr()
    assert "left out (nested or overlapping, see the warnings): CLAIM 1" in cap.out
    assert "c9" in cap.err
