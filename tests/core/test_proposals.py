"""Proposals for a new claim (source, cue, quote type, modality), a stance's holder and a new
actor's type, checked against one annotator's complete annotation of seed 004."""
import json
from types import SimpleNamespace

import pytest

from isfannotate.proposals import guess_actor_type, propose_claim, stance_holder

TYPES = ["person", "state", "government_body", "armed_group", "media", "international_org", "party", "company",
         "other"]


@pytest.mark.parametrize(("name", "want"), [
    ("State Department", "government_body"), ("Pakistan Army", "armed_group"), ("Associated Press", "media"),
    ("Ministry of Foreign Affairs", "government_body"), ("Marco Rubio", None), ("United Nations", "international_org"),
])
def test_guess_actor_type(name, want):
    assert guess_actor_type(name, TYPES) == want


def test_every_claim_of_seed_004_is_proposed_as_annotated(shared):
    ref = json.loads(shared("flow", "seed004-reference.jsonl").read_text(encoding="utf-8").splitlines()[0])
    text = ref["text"]
    spans = {s["id"]: SimpleNamespace(**{k: s[k] for k in ("id", "start", "end", "label", "actor_id")})
             for s in ref["spans"]}
    actors_only = [s for s in spans.values() if s.label == "ACTOR"]
    made: dict = {}
    for c in sorted(ref["claims"], key=lambda c: spans[c["span"]].start):
        claim = spans[c["span"]]
        so_far = [spans[sid] for sid in made]
        p = propose_claim(text, (claim.start, claim.end), actors_only + so_far + [claim], made,
                          actor_role={"ACTOR"}, cue_role={"CUE"}, attribute_choices=["asserted", "hedged"])
        kind, value = p.sources[0]
        if c["source_kind"] == "article":
            assert kind == "article"
        elif c["source_span"]:
            assert (kind, value) == ("span", c["source_span"]), text[claim.start:claim.end]
        else:
            assert (kind, value) == ("actor", c["source"])            # "…, he continued": the claim before's
        cue = spans[c["cue"]]
        assert p.new_cue == (cue.start, cue.end), text[claim.start:claim.end]
        want_quote = c["quote"] or "direct"    # one partial quotation left without a type by the annotator
        assert p.quote == want_quote
        assert p.modality == ref_modality(ref, c["span"])
        made[claim.id] = SimpleNamespace(source_actor=c["source"])
    # the stance holders: the actor a claim opens with, else its source
    for st in ref["stances"]:
        ev = spans[st["evidence"][0]]
        claim = next(c for c in ref["claims"] if c["span"] == ev.id)
        holder, _ = stance_holder(ev, list(spans.values()), SimpleNamespace(source_actor=claim["source"]))
        assert holder == st["holder"]


def ref_modality(ref, span_id):
    return next(s for s in ref["spans"] if s["id"] == span_id)["attrs"].get("modality")
