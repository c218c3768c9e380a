import pytest

from isfannotate.errors import ValidationError
from isfannotate.kb import is_safe_alias

DOC3 = "003_6e62d58ac1819318"
DOC4 = "004_925ac23fd4dc491f"


def test_safe_alias():
    assert is_safe_alias("Islamabad") and is_safe_alias("Field Marshal Asim Munir")
    assert not is_safe_alias("he") and not is_safe_alias("They") and not is_safe_alias("the army chief")


def test_occurrences_of_an_actor_skip_annotated_and_partial_words(seeded):
    text = seeded.document(DOC3).text
    occ = seeded.occurrences("alice", actor_id="pakistan", document_ids=[DOC3])
    assert occ and all(text[o.start:o.end] in ("Pakistan", "Islamabad", "Pakistani government") for o in occ)
    # "Pakistani" is not an occurrence of "Pakistan"
    assert all(not text[o.end:o.end + 1].isalpha() for o in occ)
    first = occ[0]
    seeded.annotate(DOC3, "alice", first.start, first.end, "ACTOR", actor_id="pakistan")
    assert first not in seeded.occurrences("alice", actor_id="pakistan", document_ids=[DOC3])
    everywhere = seeded.occurrences("alice", actor_id="pakistan")
    assert {o.document_id for o in everywhere} >= {DOC3, DOC4}


def test_suggestions_accept_reject_accept_all(seeded):
    sugg = seeded.suggestions(DOC4, "alice")
    names = {o.text for o in sugg}
    assert {"US Secretary of State Marco Rubio", "Pakistan", "Hamas"} <= names  # longest name wins
    rubio = next(o for o in sugg if o.text.endswith("Marco Rubio"))
    seeded.accept_suggestion(DOC4, "alice", rubio.start, rubio.end, rubio.actor_id)
    [span] = seeded.spans(DOC4, "alice")
    assert (span.label, span.actor_id) == ("ACTOR", "marco-rubio")
    hamas = next(o for o in seeded.suggestions(DOC4, "alice") if o.text == "Hamas")
    seeded.reject_suggestion(DOC4, "alice", hamas.start, hamas.end, hamas.actor_id)
    assert hamas not in seeded.suggestions(DOC4, "alice")
    seeded.undo()
    assert hamas in seeded.suggestions(DOC4, "alice")
    n = len(seeded.suggestions(DOC4, "alice"))
    seeded.accept_all_suggestions(DOC4, "alice")
    assert seeded.suggestions(DOC4, "alice") == [] and len(seeded.spans(DOC4, "alice")) == n + 1
    seeded.undo()  # accept all is one step
    assert len(seeded.spans(DOC4, "alice")) == 1
    # suggestions are not annotations: a fresh layer has none stored
    assert seeded.spans(DOC4, "bob") == []


def test_validation_and_mark_done_refusal(seeded):
    text = seeded.document(DOC4).text
    i = text.index("Marco Rubio")
    seeded.annotate(DOC4, "alice", i, i + 11, "ACTOR")
    c = text.index("Pakistan has offered")
    seeded.annotate(DOC4, "alice", c, c + 20, "CLAIM")
    seeded.set_stance(DOC4, "alice", holder="pakistan", target=None, polarity="support")
    kinds = sorted(p.kind for p in seeded.validate(DOC4, "alice"))
    assert kinds == ["actor-unlinked", "claim-without-source", "stance-without-target"]
    with pytest.raises(ValidationError, match="cannot mark done: 3 problems"):
        seeded.set_status(DOC4, "alice", "done")
    seeded.set_status(DOC4, "alice", "done", reason="registry entry pending")
    assert seeded.status(DOC4, "alice") == "done"
    actor, claim = sorted(seeded.spans(DOC4, "alice"), key=lambda s: s.label)
    seeded.link_actor(actor.id, "marco-rubio")
    seeded.set_claim(claim.id, source_kind="article")
    st = seeded.stances(DOC4, "alice")[0]
    seeded.set_stance(DOC4, "alice", holder="pakistan", target="isf-troops", polarity="support", stance_id=st.id)
    assert seeded.validate(DOC4, "alice") == []
