"""Issue 20 in the core: a deleted suggestion stays rejected, Shift+A leaves a done document
alone, possessives, span resizing by a word, and the names of undo steps."""
import pytest

from isfannotate import Project
from isfannotate.errors import ValidationError
from isfannotate.kb import split_possessive

DOC4 = "004_925ac23fd4dc491f"


@pytest.fixture
def seeded(tmp_path, seeds_dir):
    p = Project.create(tmp_path / "k.isf", registry=seeds_dir / "registry.json")
    p.import_paths([seeds_dir / f"{DOC4}.txt"])
    yield p
    p.close()


def _russia(p):
    return next(o for o in p.suggestions(DOC4, "alice") if o.text == "Russia")


def test_deleting_a_span_accepted_from_a_suggestion_rejects_it_in_the_same_undo_step(seeded):
    p = seeded
    p.accept_all_suggestions(DOC4, "alice")
    n = len(p.spans(DOC4, "alice"))
    text = p.document(DOC4).text
    [russia] = [s for s in p.spans(DOC4, "alice") if text[s.start:s.end] == "Russia"]
    change = p.delete_span(russia.id, layer="alice")
    assert {op.table for op in change.ops} >= {"spans", "suggestion_decisions"}
    assert all(o.text != "Russia" for o in p.suggestions(DOC4, "alice"))
    p.undo()                                            # the delete: span back, rejection gone, one step
    assert len(p.spans(DOC4, "alice")) == n
    assert not p.conn.execute("SELECT count(*) FROM suggestion_decisions").fetchone()[0]
    p.redo()
    p.accept_all_suggestions(DOC4, "alice")            # nothing left to add: Russia stays out
    assert len(p.spans(DOC4, "alice")) == n - 1


def test_deleting_an_unlinked_or_other_span_rejects_nothing(seeded):
    p = seeded
    text = p.document(DOC4).text
    i = text.index("Russia")
    p.annotate(DOC4, "alice", i, i + len("Russia"), "ACTOR")       # not linked: not what was suggested
    [span] = p.spans(DOC4, "alice")
    p.delete_span(span.id, layer="alice")
    assert _russia(p) is not None


def test_accept_all_refuses_a_done_document_and_leaves_it_unchanged(seeded):
    p = seeded
    p.set_status(DOC4, "alice", "done")
    with pytest.raises(ValidationError, match="marked done"):
        p.accept_all_suggestions(DOC4, "alice")
    assert p.spans(DOC4, "alice") == [] and p.status(DOC4, "alice") == "done"


@pytest.mark.parametrize("text,expected", [
    ("Pakistan’s", ("Pakistan", "’s")), ("Pakistan's", ("Pakistan", "'s")), ("Hamas’", ("Hamas", "’")),
    ("Pakistan", ("Pakistan", "")), ("We’re", ("We’re", "")), ("’s", ("’s", "")), ("it’s", ("it", "’s")),
])
def test_split_possessive(text, expected):
    assert split_possessive(text) == expected


def test_structure_actions_are_named_for_undo(seeded):
    p = seeded
    text = p.document(DOC4).text
    c = text.index("Pakistan has offered")
    p.annotate(DOC4, "alice", c, c + 20, "CLAIM")
    [claim] = p.spans(DOC4, "alice")
    assert p.set_span_attrs(claim.id, {"modality": "hedged"}, layer="alice").description == "details (modality: hedged)"
    ch = p.set_claim(claim.id, source_actor="pakistan", quote="reported", layer="alice")
    assert (ch.action, ch.description) == ("claim", "details (source: Pakistan, quote: reported)")
    ch = p.set_stance(DOC4, "alice", holder="pakistan", target="disarm-hamas", polarity="oppose")
    assert ch.description == "Pakistan → disarming Hamas: oppose"
    sid = p.stances(DOC4, "alice")[0].id
    assert p.delete_stance(sid).description == "Pakistan → disarming Hamas: oppose"
    assert p.set_doc_label(DOC4, "alice", "relevance", "relevant").description == "relevance: relevant"


def test_resize_span_by_a_word_is_one_checked_undoable_action(seeded):
    p = seeded
    text = p.document(DOC4).text
    i = text.index("Marco Rubio said")
    p.annotate(DOC4, "alice", i, i + len("Marco Rubio said"), "ACTOR", actor_id="marco-rubio")
    [span] = p.spans(DOC4, "alice")
    ch = p.resize_span_by_word(span.id, "end", -1, layer="alice")
    assert (ch.action, ch.document_id) == ("resize", DOC4) and len(ch.ops) == 1
    got = p.span(span.id)
    assert text[got.start:got.end] == "Marco Rubio" and got.actor_id == "marco-rubio"
    p.resize_span_by_word(span.id, "start", -1, layer="alice")
    assert text[p.span(span.id).start:p.span(span.id).end] == "State Marco Rubio"
    p.undo()
    assert text[p.span(span.id).start:p.span(span.id).end] == "Marco Rubio"
    with pytest.raises(ValidationError, match="at least one word"):
        p.resize_span_by_word(span.id, "start", 1, layer="alice")
        p.resize_span_by_word(span.id, "start", 1, layer="alice")
    # the same offsets and label as another span: refused, nothing changed
    j = text.index("Pakistan")
    p.annotate(DOC4, "alice", j, j + len("Pakistan"), "ACTOR", actor_id="pakistan")
    other = next(s for s in p.spans(DOC4, "alice") if s.start == j)
    now = p.span(span.id)
    assert text[now.start:now.end] == "Rubio"
    with pytest.raises(ValidationError, match="already annotated"):
        p.resize_span(other.id, now.start, now.end, layer="alice")
    with pytest.raises(ValidationError, match="outside document"):
        p.resize_span(other.id, j, len(text) + 1, layer="alice")
    with pytest.raises(ValidationError, match="cannot edit"):
        p.resize_span(other.id, j, j + 3, layer="bob")
