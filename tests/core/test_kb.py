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


def test_revalidate_rechecks_only_what_the_action_touched(seeded):
    """After an action, validation re-checks the change's items only, and ends where a full
    validation would."""
    from isfannotate.kb import touched_items
    doc = "004_925ac23fd4dc491f"
    text = seeded.document(doc).text

    def full():
        out = {}
        for p in seeded.validate(doc, "alice"):
            out.setdefault(p.item_id, []).append(p)
        return out

    state = {"problems": {}}

    def step(change):
        assert len(touched_items(change)) <= 4
        state["problems"] = seeded.revalidate(doc, "alice", change, state["problems"])
        assert state["problems"] == full()
        return change

    i = text.index("Rubio")
    actor_span = step(seeded.annotate(doc, "alice", i, i + 5, "ACTOR")).rows("spans")[0].after["id"]
    j = text.index("Pakistan has offered")
    claim = step(seeded.annotate(doc, "alice", j, j + 20, "CLAIM")).rows("spans")[0].after["id"]
    rubio = next(a.id for a in seeded.actors() if a.name == "Marco Rubio")
    step(seeded.link_actor(actor_span, rubio))
    step(seeded.set_claim(claim, source_span=actor_span))
    step(seeded.delete_span(actor_span))        # the claim keeps its source actor, loses the span
    step(seeded.set_stance(doc, "alice", holder=None, target=None, polarity="support"))
    step(seeded.undo())
    kinds = {pr.kind for ps in state["problems"].values() for pr in ps}
    assert kinds == set()


def test_names_pattern_matches_what_a_lookbehind_first_pattern_matches():
    """The names regex checks the word boundary after each name's first letter (so re can skip
    to those letters): it must find exactly what "(?<!\\w)(?:names)(?!\\w)" finds."""
    import random
    import re

    from isfannotate.kb import _names_pattern

    rnd = random.Random(7)
    names = {n: "a" for n in ["Pakistan", "Pak", "Asim Munir", "Munir", "US", "U.S.", "(UN)", "Hamas’", "é", "x y",
                              "Islamabad", "Ab"]}
    reference = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n) for n in sorted(names, key=lambda n: (-len(n), n)))
                           + r")(?!\w)")
    pieces = list(names) + ["a", "b", " ", "\n", "_", "X", ".", "(", ")", "’", "é", "🇵🇰", "9"]
    for _ in range(300):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 40)))
        assert [m.span() for m in _names_pattern(names).finditer(text)] == \
            [m.span() for m in reference.finditer(text)], text
    assert _names_pattern({}) is None and _names_pattern({"": "a"}) is None


def test_the_checks_text_read_refuses_a_missing_document_in_one_line(seeded):
    # store/problems.document_text (kb.validate's text read) failed with "'NoneType' object is not subscriptable"
    from isfannotate.store import problems
    with pytest.raises(ValidationError, match="no document with id 'nope'"):
        problems.document_text(seeded.conn, "nope")
