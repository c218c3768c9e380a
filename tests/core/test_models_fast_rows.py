"""span_from_row builds the same Span as pydantic's own constructors, only faster."""
import json

from isfannotate.models import Span, span_from_dict, span_from_row


def test_span_from_row_equals_a_validated_span():
    for attrs in ({}, {"quote": "direct", "n": 3}):
        row = ("s1", "doc", "alice", 3, 9, "ACTOR", None, json.dumps(attrs), "alice")
        fast = span_from_row(row)
        slow = Span(id="s1", document_id="doc", layer="alice", start=3, end=9, label="ACTOR", actor_id=None,
                    attrs=attrs, author="alice")
        assert fast == slow
        assert fast.model_fields_set == slow.model_fields_set
        assert fast.model_dump() == slow.model_dump() and fast.model_copy(update={"end": 10}).end == 10
        assert span_from_dict(dict(zip(("id", "document_id", "layer", "start", "end", "label", "actor_id",
                                        "attrs", "author"), row, strict=True))) == slow
    fresh = span_from_row(("s2", "doc", "alice", 0, 1, "CUE", None, "{}", "bob"))
    other = span_from_row(("s3", "doc", "alice", 0, 1, "CUE", None, "{}", "bob"))
    fresh.attrs["x"] = 1                 # each span gets its own attrs dict
    assert other.attrs == {}


def test_claims_read_in_bulk_equal_validated_claims(tmp_path):
    from isfannotate import Project
    from isfannotate.models import Claim
    p = Project.create(tmp_path / "c.isf")
    try:
        (tmp_path / "d.txt").write_text("Rubio said Pakistan has offered troops.", encoding="utf-8")
        p.import_paths([tmp_path / "d.txt"])
        ch = p.annotate("d", "alice", 11, 38, "CLAIM")
        sid = ch.rows("spans")[0].after["id"]
        p.set_claim(sid, source_kind="article", layer="alice")
        claims = p.claims("d", "alice")
        assert claims[sid].source_kind == "article"
        for c in claims.values():
            assert c == Claim(**c.model_dump()) and c.model_fields_set == set(Claim.model_fields)
    finally:
        p.close()


def test_span_rows_give_the_same_spans_as_spans(tmp_path):
    """``span_rows`` (the window's open) and ``span_from_short_row`` equal ``Project.spans``."""
    from isfannotate import Project
    from isfannotate.models import span_from_short_row
    p = Project.create(tmp_path / "r.isf")
    try:
        (tmp_path / "d.txt").write_text("Rubio said Pakistan has offered troops to Gaza.", encoding="utf-8")
        p.import_paths([tmp_path / "d.txt"])
        for start, end, label in ((11, 19, "ACTOR"), (0, 5, "ACTOR"), (11, 38, "CLAIM"), (6, 10, "CUE")):
            p.annotate("d", "alice", start, end, label)
        rows = p.span_rows("d", "alice")
        assert [r[1] for r in rows] == sorted(r[1] for r in rows)
        fast = {r[0]: span_from_short_row("d", "alice", r) for r in rows}
        assert fast == {s.id: s for s in p.spans("d", "alice")}
        assert all(s.model_fields_set == set(Span.model_fields) for s in fast.values())
    finally:
        p.close()


def test_claims_are_made_when_first_read(tmp_path):
    from isfannotate import Project
    from isfannotate.models import Claim, LazyModels
    p = Project.create(tmp_path / "c.isf")
    try:
        (tmp_path / "d.txt").write_text("Rubio said Pakistan has offered troops. He added more.", encoding="utf-8")
        p.import_paths([tmp_path / "d.txt"])
        first = p.annotate("d", "alice", 11, 38, "CLAIM").rows("spans")[0].after["id"]
        cue = p.annotate("d", "alice", 6, 10, "CUE").rows("spans")[0].after["id"]
        second = p.annotate("d", "alice", 40, 53, "CLAIM").rows("spans")[0].after["id"]
        p.set_claim(first, source_kind="article", cue_span=cue, layer="alice")
        p.set_claim(second, source_kind="article", layer="alice")
        claims = p.claims("d", "alice")
        assert isinstance(claims, LazyModels) and len(claims) == 2 and set(claims) == {first, second}
        assert dict(claims.field("cue_span")) == {first: cue, second: None}
        assert claims._made == {}                    # counted, listed, cues read: no Claim made yet
        assert claims.get(first) is claims[first] and claims.get("nothing") is None and "nothing" not in claims
        assert list(claims._made) == [first]
        made_first = claims[first]
        assert [sid for sid, _ in claims.items()] == list(claims.rows) == list(claims)   # the rows' order
        assert set(claims._made) == {first, second} and claims[first] is made_first
        assert list(claims.values()) == [claims[sid] for sid in claims.rows]
        for sid, c in claims.items():
            assert c == Claim(**c.model_dump()) and c.span_id == sid
    finally:
        p.close()
