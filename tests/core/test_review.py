"""Review and adjudication (issue 13): units and their states, structures decided whole,
auto-merge (idempotent, never overwriting), provenance, the queue, guideline examples."""
from __future__ import annotations

import json

import pytest

from isfannotate.cli import main as cli
from isfannotate.errors import ValidationError

D = "004_925ac23fd4dc491f"
TEAM = ("alice", "bob", "chen")


def at(text, phrase, nth=0):
    i = -1
    for _ in range(nth + 1):
        i = text.index(phrase, i + 1)
    return i, i + len(phrase)


@pytest.fixture
def three(seeded, annotate_three):
    """Three annotators with known disagreements (tests/conftest.py: annotate_three)."""
    annotate_three(seeded)
    return seeded


def by(units, kind, **kw):
    return [u for u in units if u.kind == kind and all(getattr(u, k) == v for k, v in kw.items())]


def test_units_states_and_which_part_differs(three):
    rd = three.review(D)
    assert rd.coders == TEAM
    text = three.document(D).text
    rubio = [u for u in by(rd.units, "span", label="ACTOR") if "Rubio" in text[u.start:u.end]]
    assert len(rubio) == 1 and rubio[0].state == "disagree" and rubio[0].differs() == ["boundary"]
    nested = [u for u in by(rd.units, "span", label="ACTOR") if text[u.start:u.end] == "Pakistan"]
    assert len(nested) == 1 and nested[0].state == "agree"          # an ACTOR inside a CLAIM stays its own unit
    [claim] = by(rd.units, "claim")
    assert claim.state == "disagree" and "source" in claim.differs()
    [stance] = by(rd.units, "stance")
    assert stance.differs() == ["polarity"]
    hamas = [u for u in rd.units if u.kind == "span" and text[u.start:u.end] == "Hamas"]
    assert hamas[0].state == "incomplete" and hamas[0].missing == ("chen",)


def test_auto_merge_unanimous_is_one_step_idempotent_and_never_overwrites(three, snapshot):
    three.adjudicate_auto("unanimous")
    rd = three.review(D)
    accepted = [u for u in rd.units if u.state == "accepted"]
    assert accepted and all(u.decision["decided_by"] == "auto:unanimous" for u in accepted)
    # the agreed CLAIM span and the nested ACTOR are in gold; disagreements are not
    assert {(s.label, three.document(D).text[s.start:s.end]) for s in three.spans(D, "gold")} >= {
        ("ACTOR", "Pakistan"), ("CLAIM", "Pakistan has offered to send troops")}
    assert not any(u.kind == "stance" and u.decided for u in rd.units)
    before = snapshot(three)
    again = three.adjudicate_auto("unanimous")
    assert not again.rows("decisions")
    assert snapshot(three) == before
    # a manual decision is never overwritten by a later majority run
    [stance] = by(three.review(D).units, "stance")
    three.decide(D, stance.key, "accepted", annotator="chen", note="conditional: 'could consider'")
    three.adjudicate_auto("majority")
    [stance] = by(three.review(D).units, "stance")
    assert stance.decision["chosen"] == "chen"
    assert [s.polarity for s in three.stances(D, "gold")] == ["conditional"]
    three.undo()   # the majority run is one undo step
    three.undo()   # the manual decision
    three.undo()   # the unanimous run
    assert three.spans(D, "gold") == [] and three.stances(D, "gold") == []


def test_structures_are_decided_whole_with_provenance(three):
    rd = three.review(D)
    [claim] = by(rd.units, "claim")
    three.decide(D, claim.key, "accepted", annotator="alice")
    gold = {s.id: s for s in three.spans(D, "gold")}
    [gclaim] = three.claims(D, "gold").values()
    src = gold[gclaim.source_span]
    assert three.document(D).text[src.start:src.end] == "Marco Rubio" and gclaim.quote == "reported"
    prov = json.loads(
        three.conn.execute("SELECT data FROM provenance WHERE item_id=?", (gclaim.span_id,)).fetchone()[0]
    )
    # chen's source span is "Rubio", not "Marco Rubio": only alice had exactly this claim
    assert prov["proposed_by"] == ["alice", "bob", "chen"] and prov["agreed"] == ["alice"]
    assert prov["decided_by"] == "lead" and prov["at"]
    # changing one's mind: accept bob's version instead; the earlier gold items go
    three.decide(D, claim.key, "accepted", annotator="bob")
    [gclaim] = three.claims(D, "gold").values()
    assert gclaim.source_kind == "article" and gclaim.source_span is None
    [stance] = by(three.review(D).units, "stance")
    three.decide(D, stance.key, "accepted", annotator="alice")
    [gst] = three.stances(D, "gold")
    assert gst.polarity == "support" and len(gst.evidence) == 1
    assert three.span(gst.evidence[0]).label == "CLAIM"


def test_reject_every_version_edit_then_accept_and_notes(three):
    text = three.document(D).text
    rd = three.review(D)
    hamas = [u for u in rd.units if u.kind == "span" and text[u.start:u.end] == "Hamas"][0]
    three.decide(D, hamas.key, "rejected", note="Hamas is not an actor in this sentence")
    rubio = [u for u in by(rd.units, "span", label="ACTOR") if "Rubio" in text[u.start:u.end]][0]
    s, e = at(text, "Secretary of State Marco Rubio")
    three.decide(D, rubio.key, "accepted", annotator="chen", edited={"start": s, "end": e})
    gold = [(x.label, text[x.start:x.end]) for x in three.spans(D, "gold")]
    assert ("ACTOR", "Secretary of State Marco Rubio") in gold and ("ACTOR", "Hamas") not in gold
    rd = three.review(D)
    states = {u.key: u.state for u in rd.units}
    assert states[hamas.key] == "rejected" and states[rubio.key] == "accepted"
    assert rd.unit(rubio.key).decision["chosen"] == "edited"
    three.set_review_note(D, rubio.key, "the title is part of the mention")
    assert three.review(D).unit(rubio.key).decision["note"] == "the title is part of the mention"
    with pytest.raises(ValidationError):
        three.decide(D, "span:nowhere:0", "accepted")


def test_queue_next_disagreement_and_gold_document_done(three):
    q = three.review_queue()
    [row] = q.rows
    assert row.document_id == D and row.decided == 0 and row.open_disagreements >= 3
    assert q.units == row.units
    three.adjudicate_auto("unanimous")
    q2 = three.review_queue()
    assert q2.rows[0].decided > 0 and q2.rows[0].open_disagreements == row.open_disagreements
    seen = []
    nxt = three.next_disagreement()
    while nxt is not None:
        doc, key = nxt
        seen.append(key)
        three.decide(doc, key, "accepted")
        nxt = three.next_disagreement(doc, key)
    assert len(seen) == row.open_disagreements
    q3 = three.review_queue()
    assert q3.rows[0].done and three.status(D, "gold") == "done"


def test_guideline_example_from_a_decided_unit(three):
    [stance] = by(three.review(D).units, "stance")
    with pytest.raises(ValidationError, match="decided unit"):
        three.add_guideline_example(D, stance.key)
    three.decide(D, stance.key, "accepted", annotator="chen", note="'could consider' is conditional")
    three.add_guideline_example(D, stance.key)
    [ex] = three.guideline_examples()
    assert ex["label"] == "STANCE" and ex["note"] == "'could consider' is conditional"
    assert set(ex["versions"]) == set(TEAM) and ex["decision"]["chosen"] == "chen"


def test_cli_adjudicate_and_export(three, tmp_path, capsys):
    path = three.path
    three.close()
    assert cli(["export", str(path), "--format", "jsonl", "--out", str(tmp_path / "e")]) == 2
    assert "adjudicate" in capsys.readouterr().err
    assert cli(["adjudicate", str(path), "--auto", "majority"]) == 0
    out = capsys.readouterr().out
    assert "units accepted into gold (majority)" in out
    assert cli(["adjudicate", str(path), "--auto", "majority"]) == 0
    assert out.split(";")[1] == capsys.readouterr().out.split(";")[1]   # nothing more to do
    assert cli(["adjudicate", str(path), "--auto", "unanimous", "--min", "2"]) == 2
    assert cli(["export", str(path), "--format", "jsonl", "--all", "--out", str(tmp_path / "e")]) == 0


def test_handouts_carry_guideline_examples_not_decisions(three, tmp_path):
    from isfannotate import Project
    [stance] = by(three.review(D).units, "stance")
    three.decide(D, stance.key, "accepted", annotator="chen", note="conditional")
    three.add_guideline_example(D, stance.key)
    three.assign_round_robin(["dana"], overlap=1)
    [f] = three.handout(tmp_path / "h")
    with Project.open(f) as h:
        assert [e["label"] for e in h.guideline_examples()] == ["STANCE"]
        assert h.conn.execute("SELECT count(*) FROM decisions").fetchone()[0] == 0


def test_next_disagreement_backwards(three):
    first = three.next_disagreement()
    last = three.next_disagreement(backwards=True)
    assert first and last and first != last
    assert three.next_disagreement(*last) is None
    assert three.next_disagreement(*first, backwards=True) is None


def test_gold_2_export_carries_notes_doc_label_provenance_and_rejections(three, tmp_path):
    import jsonschema

    from isfannotate.exporting import gold_schema
    text = three.document(D).text
    three.set_doc_label(D, "alice", "relevance", "relevant")
    three.set_doc_label(D, "bob", "relevance", "relevant")
    three.adjudicate_auto("majority")
    rd = three.review(D)
    hamas = [u for u in rd.units if u.kind == "span" and text[u.start:u.end] == "Hamas"][0]
    three.decide(D, hamas.key, "rejected", note="not an actor here")
    [claim] = by(rd.units, "claim")
    three.decide(D, claim.key, "accepted", annotator="bob", note="the article asserts it")
    for u in three.review(D).units:
        if not u.decided:
            three.decide(D, u.key, "accepted")
    three.export("jsonl", tmp_path / "g2")
    [line] = (tmp_path / "g2" / "all.jsonl").read_text(encoding="utf-8").splitlines()
    rec = json.loads(line)
    jsonschema.Draft202012Validator(gold_schema(2)).validate(rec)
    assert "the article asserts it" in rec["notes"].values()
    assert rec["doc_label_provenance"]["relevance"]["agreed"] == ["alice", "bob"]
    assert [(r["kind"], r["text"], r["note"]) for r in rec["rejected"]] == [("span", "Hamas", "not an actor here")]
    three.export("jsonl", tmp_path / "g1", schema=1)
    rec1 = json.loads((tmp_path / "g1" / "all.jsonl").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(gold_schema(1)).validate(rec1)
    assert "notes" not in rec1 and rec1["provenance"]


def test_feedback_to_an_annotator(three, capsys):
    rd = three.review(D)
    [stance] = by(rd.units, "stance")
    three.decide(D, stance.key, "accepted", annotator="chen", note="'could consider' is conditional")
    for u in three.review(D).units:
        if not u.decided:
            three.decide(D, u.key, "accepted")
    fb = three.feedback("alice")
    items = fb.documents[D]
    mine = next(i for i in items if i.unit.kind == "stance")
    assert not mine.taken and mine.note == "'could consider' is conditional" and mine.mine["polarity"] == "support"
    assert fb.per_label["ACTOR"]["exact"] is not None and 0 < fb.per_label["ACTOR"]["exact"] <= 1
    path = three.path
    three.close()
    assert cli(["feedback", str(path), "alice"]) == 0
    out = capsys.readouterr().out
    assert "agreement with gold per label" in out and "could consider" in out


def test_queue_counts_equal_the_full_review_on_every_document(three, tmp_path):
    """The queue's first opening counts units without building the review screen's units (issue
    21's budget); its counts equal the full review's on documents with identical, shifted,
    relabelled, missing and repeated spans, claims, stances and decisions."""
    import random

    from isfannotate.review import review_counts, review_documents
    words = "the of and to in said troops force minister government security army".split()
    for who, name in enumerate(TEAM):
        rnd = random.Random(who)
        lines = []
        for d in range(40):
            drnd = random.Random(d)
            text = " ".join(drnd.choice(words) for _ in range(40))
            starts, pos = [], 0
            for w in text.split(" "):
                starts.append((pos, pos + len(w)))
                pos += len(w) + 1
            spans = []
            for k in range(6):
                s, e = starts[(k * 5) % len(starts)]
                r = 0.5 if d == 3 else rnd.random()             # d3: all three agree
                if r < 0.15 or (d == 7 and name == "chen"):
                    continue                                    # missed (chen has nothing in d7)
                if r < 0.3:
                    e = starts[(k * 5) % len(starts) + 1][1]    # boundary
                label = "CLAIM" if r > 0.9 else ("ACTOR" if k % 2 else "CUE")
                spans.append({"id": f"s{who}-{d}-{k}", "start": s, "end": e, "label": label, "text": text[s:e],
                              "actor_id": None, "attrs": {}})
                if k == 2 and d % 5 == 0:                       # the same span twice
                    spans.append(dict(spans[-1], id=f"s{who}-{d}-{k}b"))
            lines.append(json.dumps({"schema": "isfannotate.gold/1", "id": f"d{d}", "text": text, "spans": spans,
                                     "actors": [], "targets": [], "claims": [], "stances": [], "relations": [],
                                     "doc_labels": {}, "provenance": {}}))
        f = tmp_path / f"{name}.jsonl"
        f.write_text("\n".join(lines) + "\n", encoding="utf-8")
        three.import_paths([f], annotator=name)

    def full():
        return {d: (len(rd.units), rd.decided, len(rd.open_disagreements))
                for d, rd in review_documents(three).items()}

    counts = review_counts(three)
    assert counts == full() and len(counts) == 41 and D in counts
    assert sum(c[2] for c in counts.values()) > 40 and any(c[2] == 0 and c[0] for c in counts.values())
    three.adjudicate_auto("unanimous")
    assert review_counts(three) == full()
    three.conn.execute("DELETE FROM review_cache")
    three.conn.commit()
    q = three.review_queue()
    assert {r.document_id: (r.units, r.decided, r.open_disagreements) for r in q.rows} == \
        {d: c for d, c in full().items() if d in {r.document_id for r in q.rows}}
