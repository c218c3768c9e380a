"""Gold JSONL: export a layer, import it back (attaching by sha256), get the same annotations."""
import json
from pathlib import Path

import pytest

from isfannotate.cli import main
from isfannotate.errors import InputError

REPO = Path(__file__).resolve().parents[2]
DOC4 = "004_925ac23fd4dc491f"


def annotate_004(p, layer="alice"):
    t = p.document(DOC4).text

    def a(s, label, actor=None, after=0):
        i = t.index(s, after)
        return p.annotate(DOC4, layer, i, i + len(s), label, actor_id=actor).rows("spans")[0].after["id"]

    rubio = a("US Secretary of State Marco Rubio", "ACTOR", "marco-rubio")
    said = a("said", "CUE")
    claim = a("Pakistan has offered to send troops for a proposed International Stabilisation Force (ISF) in Gaza",
              "CLAIM")
    a("Pakistan", "ACTOR", "pakistan", t.index("Pakistan has offered"))
    hamas_claim = a("disarming Hamas is not Pakistan’s responsibility", "CLAIM")
    p.set_claim(claim, source_span=rubio, cue_span=said, quote="reported")
    p.set_claim(hamas_claim, source_kind="article")
    p.set_span_attrs(claim, {"modality": "asserted"})
    p.set_stance(DOC4, layer, holder="pakistan", target="disarm-hamas", polarity="oppose", evidence=[hamas_claim])
    p.set_stance(DOC4, layer, holder="pakistan", target="isf-troops", polarity="conditional",
                 conditions="political, military and economic conditions", evidence=[claim])
    p.add_relation(rubio, claim, "SOURCE_OF")
    p.set_doc_label(DOC4, layer, "relevance", "relevant")
    p.set_status(DOC4, layer, "done")


def comparable(rec):
    spans = {s["id"]: (s["start"], s["end"], s["label"], s["text"], s["actor_id"], s["attrs"]) for s in rec["spans"]}
    key = lambda sid: spans.get(sid)  # noqa: E731
    return {
        "text": rec["text"],
        "sha256": rec["sha256"],
        "spans": sorted(spans.values(), key=repr),
        "claims": sorted(
            (
                (
                    key(c["span"]),
                    c["source_kind"],
                    c["source"],
                    key(c["source_span"]) if c["source_span"] else None,
                    key(c["cue"]) if c["cue"] else None,
                    c["quote"],
                )
                for c in rec["claims"]
            ),
            key=repr,
        ),
        "stances": sorted(
            (
                (s["holder"], s["target"], s["polarity"], s["conditions"], [key(e) for e in s["evidence"]])
                for s in rec["stances"]
            ),
            key=repr,
        ),
        "relations": sorted(((key(r["head"]), key(r["tail"]), r["label"]) for r in rec["relations"]), key=repr),
        "doc_labels": rec["doc_labels"],
        "actors": sorted(a["id"] for a in rec["actors"]),
        "targets": sorted(t["id"] for t in rec["targets"]),
    }


def test_export_then_import_is_lossless(seeded, new_project, tmp_path):
    annotate_004(seeded)
    [original], left_out = seeded.gold_records("alice")
    assert len(left_out) == 4  # the other seeds are not done
    result = seeded.export("jsonl", tmp_path / "out", layer="alice")
    exported = tmp_path / "out" / "all.jsonl"
    assert exported in result.files
    other = new_project("other.isf")
    other.import_paths(sorted((REPO / "seeds").glob("*.txt")))
    report = other.import_paths([exported], annotator="bob")
    assert report.added == [] and report.annotated_documents == [DOC4]  # attached by sha256
    [back], _ = other.gold_records("bob")
    assert comparable(back) == comparable(original)
    assert other.status(DOC4, "bob") == "done"


def test_import_into_an_empty_project_creates_the_document_and_registry(seeded, new_project, tmp_path):
    annotate_004(seeded)
    seeded.export("jsonl", tmp_path / "out", layer="alice")
    empty = new_project("empty.isf", registry=False)
    empty.import_paths([tmp_path / "out" / "all.jsonl"], annotator="gold")
    assert [d.id for d in empty.documents()] == [DOC4]
    assert {a.id for a in empty.actors()} == {"marco-rubio", "pakistan"}
    [back], _ = empty.gold_records("gold")
    [original], _ = seeded.gold_records("alice")
    assert comparable(back) == comparable(original)
    assert any(r["op"] == "import" for r in empty.registry_log())


def test_second_import_needs_replace_and_bad_records_change_nothing(seeded, tmp_path, snapshot):
    annotate_004(seeded)
    seeded.export("jsonl", tmp_path / "out", layer="alice")
    path = tmp_path / "out" / "all.jsonl"
    with pytest.raises(InputError, match="--replace"):
        seeded.import_paths([path], annotator="alice")
    seeded.import_paths([path], annotator="alice", replace=True)
    assert len(seeded.spans(DOC4, "alice")) == 5
    rec = json.loads(path.read_text(encoding="utf-8"))
    rec["spans"][0]["text"] = "Marco"
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "a fine new document"}\n' + json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
    before = snapshot(seeded)
    with pytest.raises(InputError) as e:
        seeded.import_paths([bad], annotator="carol")
    assert str(e.value).startswith(f"{bad}:2:") and "is not" in str(e.value)
    assert snapshot(seeded) == before


def test_cli_export_defaults_and_errors(seeded, tmp_path, capsys, monkeypatch):
    path = str(seeded.path)
    annotate_004(seeded)
    seeded.close()
    monkeypatch.chdir(tmp_path)
    assert main(["export", path, "--format", "jsonl"]) == 2
    err = capsys.readouterr().err
    assert "gold layer is empty" in err and "--layer NAME" in err and "alice" in err
    assert main(["export", path, "--format", "jsonl", "--layer", "alice", "--split", "0.5,0.5"]) == 0
    out_dirs = list((tmp_path / "exports").iterdir())
    assert len(out_dirs) == 1 and out_dirs[0].name.startswith("p-alice-jsonl-")
    manifest = json.loads((out_dirs[0] / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["layer"] == "alice"
    out = str(out_dirs[0])
    assert main(["export", path, "--format", "jsonl", "--layer", "alice", "--out", out]) == 2
    assert "--force" in capsys.readouterr().err
    assert main(["export", path, "--format", "jsonl", "--layer", "alice", "--split", "x"]) == 2


def test_unanimous_layer_is_what_every_done_annotator_agrees_on(seeded, tmp_path):
    annotate_004(seeded, "alice")
    annotate_004(seeded, "bob")
    t = seeded.document(DOC4).text
    # bob adds a span alice lacks, and links one span differently
    extra = t.index("Hamas")
    seeded.annotate(DOC4, "bob", extra, extra + 5, "ACTOR", actor_id="hamas")
    bob_pak = next(s for s in seeded.spans(DOC4, "bob") if s.actor_id == "pakistan")
    seeded.link_actor(bob_pak.id, "united-states")
    # carol disagrees with everything but never marks the document done: she does not vote
    seeded.annotate(DOC4, "carol", 0, 2, "ACTOR")
    records, left_out = seeded.gold_records("unanimous")
    assert [r["id"] for r in records] == [DOC4] and len(left_out) == 4
    rec = records[0]
    labels = sorted((s["label"], s["text"]) for s in rec["spans"])
    assert ("ACTOR", "Hamas") not in labels and ("ACTOR", "Pakistan") not in labels
    assert ("ACTOR", "US Secretary of State Marco Rubio") in labels and len(labels) == 4
    ids = {s["id"] for s in rec["spans"]}
    assert len(rec["claims"]) == 2 and all(c["span"] in ids for c in rec["claims"])
    assert sorted((s["target"], s["polarity"]) for s in rec["stances"]) == [("disarm-hamas", "oppose"),
                                                                          ("isf-troops", "conditional")]
    assert rec["relations"] and rec["doc_labels"] == {"relevance": "relevant"}
    assert all(p["agreed"] == ["alice", "bob"] for p in rec["provenance"].values())
    result = seeded.export("jsonl", tmp_path / "u", layer="unanimous")
    line = json.loads((tmp_path / "u" / "all.jsonl").read_text(encoding="utf-8"))
    assert line["layer"] == "unanimous" and len(line["spans"]) == 4
    assert result.manifest["layer"] == "unanimous"
