"""The stance map on the seed corpus with a gold layer of stances (tests/data/, made by
make_seed_gold.py and imported as gold JSONL), cell by cell (issue 14)."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from isfannotate.cli import main as cli
from isfannotate.stancemap import MIXED, Scope, build_map, date_interval, evidence, timeline

GOLD = Path(__file__).resolve().parents[1] / "data" / "seed-gold-stances.jsonl"


@pytest.fixture
def corpus(seeded):
    seeded.import_paths([GOLD], annotator="gold")
    return seeded


def names(p):
    return {a.name: a.id for a in p.actors()}


def cells(smap, p):
    actor = {a.id: a.name for a in p.actors()}
    return {(actor[c.holder], c.target): (c.label(), c.stances, len(c.documents), c.evidence)
            for c in smap.cells.values()}


def test_seed_map_cells_exactly(corpus):
    smap = build_map(corpus)
    assert cells(smap, corpus) == {
        ("Pakistan", "isf-troops"): ("mixed: conditional 1, oppose 1, support 2", 4, 4, 4),
        ("Pakistan", "disarm-hamas"): ("oppose", 2, 2, 2),
        ("Pakistan", "isf-command"): ("support", 1, 1, 1),
        ("Hamas", "disarm-hamas"): ("oppose", 1, 1, 1),
        ("United States", "isf-troops"): ("support", 1, 1, 1),
    }
    mixed = smap.cell(names(corpus)["Pakistan"], "isf-troops")
    assert mixed.mixed and mixed.polarity == MIXED and mixed.polarities == {"support": 2, "oppose": 1, "conditional": 1}
    assert [h.name for h in smap.sorted_holders("count")] == ["Pakistan", "Hamas", "United States"]
    assert [h.name for h in smap.sorted_holders("name")] == ["Hamas", "Pakistan", "United States"]
    assert [t.id for t in smap.sorted_targets("count")] == ["isf-troops", "disarm-hamas", "isf-command"]


def test_filters_documents_outlet_dates_and_actor_types(corpus):
    pk = names(corpus)["Pakistan"]
    one = build_map(corpus, Scope(documents=["004_925ac23fd4dc491f"]))
    assert {(c.target, c.label()) for c in one.cells.values()} == {
        ("isf-troops", "support"),
        ("disarm-hamas", "oppose"),
    }
    assert build_map(corpus, Scope(actor_types=["armed_group"])).holders[0].name == "Hamas"
    december = build_map(corpus, Scope(date_from="2025-12", date_to="2025-12"))
    assert december.cell(pk, "isf-troops") is not None
    outlets = {d.meta.get("outlet") for d in corpus.documents()}
    some = sorted(o for o in outlets if o)[0]
    by_outlet = build_map(corpus, Scope(outlets=[some]))
    docs_of_outlet = {d.id for d in corpus.documents() if d.meta.get("outlet") == some}
    assert all(c.documents <= docs_of_outlet for c in by_outlet.cells.values())


def test_partial_dates_are_intervals():
    assert date_interval("2025-12") == ("2025-12-01", "2025-12-31")
    assert date_interval("2025") == ("2025-01-01", "2025-12-31")
    assert date_interval("2025-12-17T10:00:00Z") == ("2025-12-17", "2025-12-17")
    assert date_interval("December") is None and date_interval(None) is None


def test_evidence_and_timeline(corpus):
    pk = names(corpus)["Pakistan"]
    items = evidence(corpus, pk, "isf-troops")
    assert len(items) == 4
    by_doc = {e.document_id[:3]: e for e in items}
    e = by_doc["004"]
    text = corpus.document(e.document_id).text
    assert text[e.start:e.end] == "Pakistan has offered to send troops"
    assert e.sentence.startswith("US Secretary of State Marco Rubio said on Friday that Pakistan has offered")
    assert by_doc["000"].conditions == "not if the force must disarm Hamas" and by_doc["000"].title
    dates = [date_interval(x.date)[0] for x in timeline(corpus, pk, "isf-troops")]
    assert dates == sorted(dates) and len(dates) == 4


def test_all_annotators_side_by_side(corpus):
    pk, us = names(corpus)["Pakistan"], names(corpus)["United States"]
    d = "004_925ac23fd4dc491f"
    for who, pol in (("alice", "support"), ("bob", "oppose")):
        corpus.set_stance(d, who, holder=pk, target="isf-troops", polarity=pol)
    corpus.set_stance(d, "bob", holder=us, target="disarm-hamas", polarity="support")
    smap = build_map(corpus, Scope(layer="all"))
    assert smap.layers == ["alice", "bob"]
    assert smap.cell(pk, "isf-troops", "alice").label() == "support"
    assert smap.cell(pk, "isf-troops", "bob").label() == "oppose"
    assert smap.cell(pk, "isf-troops", "gold") is None


def test_cli_writes_csv_png_svg_and_the_network(corpus, tmp_path, capsys):
    path = corpus.path
    corpus.close()
    out = {k: tmp_path / f"m.{k}" for k in ("csv", "png", "svg")}
    net = tmp_path / "n.svg"
    assert cli(["stancemap", str(path), "--csv", str(out["csv"]), "--png", str(out["png"]), "--svg", str(out["svg"]),
                "--network-svg", str(net)]) == 0
    printed = capsys.readouterr().out
    assert "Pakistan → contributing troops to the ISF: mixed" in printed and "mixed evidence" in printed
    rows = list(csv.reader(out["csv"].read_text(encoding="utf-8").splitlines()))
    assert rows[0] == ["holder", "holder type", "contributing troops to the ISF", "disarming Hamas",
                       "leading or commanding the ISF"]
    assert rows[1][:3] == ["Pakistan", "state", "mixed: conditional 1, oppose 1, support 2 | stances 4 | documents 4 "
                                                "| evidence 4"]
    assert out["png"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"<svg" in out["svg"].read_bytes()[:400] and b"<svg" in net.read_bytes()[:400]
    assert cli(["stancemap", str(path), "--layer", "nobody"]) == 2
    assert "no stances" in capsys.readouterr().err


def test_stance_semeval_export(corpus, tmp_path):
    res = corpus.export("stance-semeval", tmp_path / "sem")
    lines = (tmp_path / "sem" / "all.tsv").read_text(encoding="utf-8").splitlines()
    assert lines[0].split("\t") == ["ID", "Target", "Text", "Stance", "Holder", "Polarity", "Document"]
    rows = [line.split("\t") for line in lines[1:]]
    assert sorted((r[1], r[3], r[4]) for r in rows) == sorted(
        [
            ("disarming Hamas", "AGAINST", "Pakistan"),
            ("disarming Hamas", "AGAINST", "Hamas"),
            ("leading or commanding the ISF", "FAVOR", "Pakistan"),
            ("contributing troops to the ISF", "FAVOR", "Pakistan"),
            ("contributing troops to the ISF", "AGAINST", "Pakistan"),
            ("disarming Hamas", "AGAINST", "Pakistan"),
            ("contributing troops to the ISF", "FAVOR", "United States"),
            ("contributing troops to the ISF", "FAVOR", "Pakistan"),
        ]
    )   # the conditional stance has no SemEval label: left out and counted
    assert res.manifest["counts"]["format"]["left_out"] == {"polarity conditional": 1}
    assert res.manifest["counts"]["format"]["rows"] == 8
    troops = next(r for r in rows if r[6].startswith("004") and r[1].startswith("contributing"))
    assert "Pakistan has offered to send troops" in troops[2]


def test_attribution_parc_export(seeded, tmp_path):
    import json
    d = "004_925ac23fd4dc491f"
    text = seeded.document(d).text
    def span(phrase, label):
        i = text.index(phrase)
        return seeded.annotate(d, "gold", i, i + len(phrase), label).rows("spans")[0].after["id"]
    src = span("Marco Rubio", "ACTOR")
    cue = span("said", "CUE")
    claim = span("Pakistan has offered to send troops", "CLAIM")
    rubio = next(a.id for a in seeded.actors() if a.name == "Marco Rubio")
    seeded.link_actor(src, rubio)
    seeded.set_claim(claim, source_span=src, cue_span=cue, quote="reported")
    seeded.set_status(d, "gold", "done")
    seeded.export("attribution-parc", tmp_path / "parc")
    rows = [json.loads(x) for x in (tmp_path / "parc" / "all.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 1
    r = rows[0]
    assert (r["content"]["text"], r["source"]["text"], r["cue"]["text"]) == \
        ("Pakistan has offered to send troops", "Marco Rubio", "said")
    assert r["source_actor"]["name"] == "Marco Rubio" and r["parc_type"] == "indirect" and r["source_kind"] == "actor"
    assert text[r["content"]["start"]:r["content"]["end"]] == r["content"]["text"]
