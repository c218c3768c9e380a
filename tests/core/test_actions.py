import pytest

from isfannotate import Project
from isfannotate.errors import ValidationError


def _doc(p, prefix="004"):
    return next(d for d in p.documents() if d.id.startswith(prefix))


def test_annotate_returns_change_and_undo_redo(seeded):
    doc = _doc(seeded)
    i = doc.text.index("Marco Rubio")
    change = seeded.annotate(doc.id, "alice", i, i + 11, "ACTOR", actor_id="marco-rubio")
    assert change.action == "annotate" and change.document_id == doc.id
    assert [op.kind for op in change.rows("spans")] == ["insert"]
    assert seeded.status(doc.id, "alice") == "in_progress"
    [span] = seeded.spans(doc.id, "alice")
    assert span.text_in(doc.text) == "Marco Rubio" and span.actor_id == "marco-rubio"
    seeded.undo()
    assert seeded.spans(doc.id, "alice") == [] and seeded.status(doc.id, "alice") == "new"
    seeded.redo()
    assert seeded.spans(doc.id, "alice")[0].id == span.id


def test_relabel_delete_nested_and_overlapping(seeded):
    doc = _doc(seeded)
    claim_start = doc.text.index("Pakistan has offered")
    claim_end = doc.text.index(" in Gaza.") + len(" in Gaza")
    seeded.annotate(doc.id, "alice", claim_start, claim_end, "CLAIM")
    seeded.annotate(doc.id, "alice", claim_start, claim_start + 8, "ACTOR", actor_id="pakistan")
    seeded.annotate(doc.id, "alice", claim_start, claim_start + 8, "CUE")  # same offsets, other label
    spans = seeded.spans(doc.id, "alice")
    assert [s.label for s in spans] == ["CLAIM", "ACTOR", "CUE"]
    cue = spans[2]
    seeded.relabel(cue.id, "CLAIM")
    assert seeded.span(cue.id).label == "CLAIM"
    seeded.undo()
    assert seeded.span(cue.id).label == "CUE"
    seeded.delete_span(cue.id)
    assert len(seeded.spans(doc.id, "alice")) == 2
    seeded.undo()
    assert len(seeded.spans(doc.id, "alice")) == 3


def test_validation(seeded):
    doc = _doc(seeded)
    with pytest.raises(ValidationError, match="outside"):
        seeded.annotate(doc.id, "alice", 5, 5, "ACTOR")
    with pytest.raises(ValidationError, match="outside"):
        seeded.annotate(doc.id, "alice", 0, len(doc.text) + 1, "ACTOR")
    with pytest.raises(ValidationError, match="not in the scheme"):
        seeded.annotate(doc.id, "alice", 0, 3, "PERSON")
    with pytest.raises(ValidationError, match="reserved"):
        seeded.annotate(doc.id, "unanimous", 0, 3, "ACTOR")
    seeded.annotate(doc.id, "alice", 0, 3, "ACTOR")
    with pytest.raises(ValidationError, match="already annotated"):
        seeded.annotate(doc.id, "alice", 0, 3, "ACTOR")
    span = seeded.spans(doc.id, "alice")[0]
    with pytest.raises(ValidationError, match="cannot edit"):
        seeded.delete_span(span.id, layer="bob")


def test_layer_names_are_trimmed_and_nfc(seeded):
    doc = _doc(seeded)
    seeded.annotate(doc.id, "  Zoe\u0301 ", 0, 3, "ACTOR")
    assert seeded.layers() == ["Zoé"]


def test_delete_span_with_claim_evidence_relation_undoes_as_one(seeded):
    doc = _doc(seeded)
    t = doc.text
    rubio = t.index("Marco Rubio")
    said = t.index("said", rubio)
    claim_s = t.index("Pakistan has offered")
    claim_e = t.index(" in Gaza.") + len(" in Gaza")
    seeded.annotate(doc.id, "alice", rubio, rubio + 11, "ACTOR", actor_id="marco-rubio")
    seeded.annotate(doc.id, "alice", said, said + 4, "CUE")
    seeded.annotate(doc.id, "alice", claim_s, claim_e, "CLAIM")
    actor, claim, cue = sorted(seeded.spans(doc.id, "alice"), key=lambda s: s.label)
    seeded.set_claim(claim.id, source_span=actor.id, cue_span=cue.id, quote="reported")
    c = seeded.claims(doc.id, "alice")[claim.id]
    assert (c.source_kind, c.source_actor, c.cue_span) == ("actor", "marco-rubio", cue.id)
    seeded.set_stance(doc.id, "alice", holder="pakistan", target="isf-troops", polarity="support", evidence=[claim.id])
    seeded.add_relation(actor.id, claim.id, "SOURCE_OF")
    seeded.delete_span(actor.id)
    assert seeded.claims(doc.id, "alice")[claim.id].source_span is None
    assert seeded.relations(doc.id, "alice") == []
    seeded.delete_span(claim.id)
    assert seeded.claims(doc.id, "alice") == {} and seeded.stances(doc.id, "alice")[0].evidence == []
    seeded.undo()
    seeded.undo()
    assert seeded.claims(doc.id, "alice")[claim.id].source_span == actor.id
    assert seeded.stances(doc.id, "alice")[0].evidence == [claim.id]
    assert len(seeded.relations(doc.id, "alice")) == 1


def test_annotate_many_is_one_undo_step(seeded):
    doc = _doc(seeded)
    t = doc.text
    starts = [i for i in range(len(t)) if t.startswith("Pakistan", i)]
    seeded.annotate_many(doc.id, "alice", [(s, s + 8, "ACTOR", "pakistan") for s in starts])
    assert len(seeded.spans(doc.id, "alice")) == len(starts) > 3
    seeded.undo()
    assert seeded.spans(doc.id, "alice") == []


def test_registry_edits_are_logged_and_merge_moves_links(seeded):
    doc = _doc(seeded, "003")
    seeded.author = "lead"
    seeded.add_actor("Islamabad govt", "government_body", aliases=["the government"], actor_id="isb")
    i = doc.text.index("Islamabad")
    seeded.annotate(doc.id, "alice", i, i + 9, "ACTOR", actor_id="isb")
    seeded.set_stance(doc.id, "alice", holder="isb", target="disarm-hamas", polarity="oppose")
    seeded.merge_actors("pakistan", "isb")
    assert seeded.spans(doc.id, "alice")[0].actor_id == "pakistan"
    assert seeded.stances(doc.id, "alice")[0].holder == "pakistan"
    assert "Islamabad govt" in seeded.actor("pakistan").aliases
    with pytest.raises(ValidationError):
        seeded.actor("isb")
    log = seeded.registry_log()
    assert [(r["op"], r["author"]) for r in log[-2:]] == [("add", "lead"), ("merge into pakistan", "lead")]
    seeded.undo()
    assert seeded.actor("isb").name == "Islamabad govt"
    assert seeded.spans(doc.id, "alice")[0].actor_id == "isb"
    assert seeded.registry_log()[-1]["op"] == "undo:merge into pakistan"


def test_status_and_doc_labels(seeded):
    doc = _doc(seeded)
    seeded.set_status(doc.id, "alice", "done")
    assert seeded.statuses("alice") == {doc.id: "done"}
    seeded.set_doc_label(doc.id, "alice", "relevance", "relevant")
    assert seeded.doc_labels(doc.id, "alice") == {"relevance": "relevant"}
    with pytest.raises(ValidationError):
        seeded.set_doc_label(doc.id, "alice", "relevance", "maybe")
    seeded.undo()
    assert seeded.doc_labels(doc.id, "alice") == {}


def test_undo_history_survives_only_the_session_but_data_persists(tmp_path, seeds_dir):
    p = Project.create(tmp_path / "x.isf")
    p.import_paths(sorted(seeds_dir.glob("*.txt")))
    doc = p.documents()[0]
    p.annotate(doc.id, "alice", 0, 5, "ACTOR")
    p.close()
    with Project.open(tmp_path / "x.isf") as q:
        assert not q.can_undo and len(q.spans(doc.id, "alice")) == 1


def test_add_alias_is_logged_undoable_and_refuses_a_known_name(seeded):
    seeded.author = "lead"
    seeded.add_alias("pakistan", "  Pakistani   state ")
    assert seeded.actor("pakistan").aliases[-1] == "Pakistani state"
    assert seeded.registry_log()[-1]["op"] == "edit"
    with pytest.raises(ValidationError, match="already a name"):
        seeded.add_alias("pakistan", "Islamabad")
    seeded.undo()
    assert "Pakistani state" not in seeded.actor("pakistan").aliases
