"""The change journal (store/journal.py): every kind of change to a layer, and its undo and redo,
leaves one row per (layer, document) with a seq past every earlier one; nothing else does; an
older file is upgraded with a row per layer and document; handed-out files keep their own."""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from isfannotate import Project
from isfannotate.errors import IsfError
from isfannotate.store import journal

REPO = Path(__file__).resolve().parents[2]
DOC4 = "004_925ac23fd4dc491f"


def rows(p) -> dict[tuple[str, str], int]:
    with p.snapshot() as conn:
        return {(layer, doc): seq for seq, layer, doc in conn.execute("SELECT seq, layer, document_id FROM "
                                                                       "change_journal")}


def step(p, fn) -> set[tuple[str, str]]:
    """Run *fn* and return the (layer, document) pairs it journalled (their seq moved past the top)."""
    with p.snapshot() as conn:
        top = journal.last_seq(conn)
    fn()
    return {pair for pair, seq in rows(p).items() if seq > top}


def test_each_kind_of_change_and_its_undo_is_journalled(seeded):
    p = seeded
    docs = [d.id for d in p.documents()]
    other = next(d for d in docs if d != DOC4)
    t = p.document(DOC4).text
    assert rows(p) == {}                                       # documents alone: no layer changed
    i = t.index("Pakistan")
    span = {}

    def annotate():
        span["a"] = p.annotate(DOC4, "alice", i, i + 8, "ACTOR", actor_id="pakistan").rows("spans")[0].after["id"]
    assert step(p, annotate) == {("alice", DOC4)}
    j = t.index("disarming Hamas is not Pakistan’s responsibility")

    def claim():
        span["c"] = p.annotate(DOC4, "alice", j, j + 20, "CLAIM").rows("spans")[0].after["id"]
    assert step(p, claim) == {("alice", DOC4)}
    assert step(p, lambda: p.set_claim(span["c"], source_kind="article")) == {("alice", DOC4)}
    assert step(p, lambda: p.set_stance(DOC4, "alice", holder="pakistan", target="disarm-hamas",
                                        polarity="oppose", evidence=[span["c"]])) == {("alice", DOC4)}
    assert step(p, lambda: p.set_doc_label(DOC4, "alice", "relevance", "relevant")) == {("alice", DOC4)}
    assert step(p, lambda: p.set_status(other, "bob", "done")) == {("bob", other)}
    assert step(p, lambda: p.relabel(span["a"], "CUE")) == {("alice", DOC4)}
    assert step(p, p.undo) == {("alice", DOC4)}                # undo is a change too
    assert step(p, p.redo) == {("alice", DOC4)}
    assert step(p, lambda: p.delete_span(span["c"])) == {("alice", DOC4)}   # its claim and evidence with it
    assert step(p, p.undo) == {("alice", DOC4)}
    assert step(p, lambda: p.add_actor("Someone New", "person")) == set()   # the registry is no layer
    pairs = rows(p)
    assert len(pairs) == 2 and set(pairs) == {("alice", DOC4), ("bob", other)}   # compacted: one row per pair


def test_a_refused_action_journals_nothing(seeded):
    p = seeded
    p.annotate(DOC4, "alice", 0, 5, "ACTOR")
    before = rows(p)
    with pytest.raises(IsfError):
        p.annotate(DOC4, "alice", 0, 5, "ACTOR")   # an exact duplicate is refused
    assert rows(p) == before


def test_an_older_file_is_upgraded_with_every_layer_and_document(seeded, tmp_path):
    p = seeded
    p.annotate(DOC4, "alice", 0, 5, "ACTOR")
    path = p.path
    p.close()
    old = tmp_path / "old.isf"
    shutil.copyfile(path, old)
    conn = sqlite3.connect(old)
    conn.execute("DROP TABLE change_journal")
    conn.execute("DELETE FROM sqlite_sequence WHERE name='change_journal'")
    conn.execute("DELETE FROM _sqlite_migrations WHERE name='m009_change_journal'")
    conn.execute("PRAGMA user_version=8")
    conn.commit()
    conn.close()
    with Project.open(old) as q:
        with q.snapshot() as c:
            n_docs = c.execute("SELECT count(*) FROM documents").fetchone()[0]
        assert {layer for layer, _d in rows(q)} == {"alice"}
        assert len(rows(q)) == n_docs


def test_bulk_rows_are_journalled_per_document_without_building_ops(seeded):
    """Bulk work (a merge's spans, written as tuples with the layer shared) is journalled per
    document, and claims written alone find their document through their span."""
    p = seeded
    docs = [d.id for d in p.documents()][:2]
    cols = ("id", "document_id", "start", "end", "label", "created_at", "author")
    spans = [(f"s{i}", docs[i % 2], i, i + 3, "CLAIM", "2026-01-01T00:00:00Z", "x") for i in range(10)]
    with p.action("bulk", None, "dave") as rec:
        rec.insert_tuples("spans", cols, spans, same={"layer": "dave"})
    assert {pair for pair in rows(p) if pair[0] == "dave"} == {("dave", docs[0]), ("dave", docs[1])}
    before = rows(p)
    with p.action("claims", None, "dave") as rec:
        rec.insert_many("claims", [{"span_id": "s1"}])
    after = rows(p)
    assert after[("dave", docs[1])] > before[("dave", docs[1])]
    assert after[("dave", docs[0])] == before[("dave", docs[0])]


def test_a_scan_made_ahead_is_continued_and_never_taken_for_other_ops(seeded):
    """``journal.scan`` (a lead's pull makes it in a thread before its commit) covers the ops
    logged so far; the journal continues it over the ops logged after it, and makes it again
    when the ops it covered were rolled back or expanded."""
    p = seeded
    docs = [d.id for d in p.documents()][:3]
    cols = ("id", "document_id", "start", "end", "label", "created_at", "author")
    with p.action("bulk", None, "erin") as rec:
        rec.insert_tuples("spans", cols, [(f"e{i}", docs[i % 2], i, i + 3, "CLAIM", "2026-01-01T00:00:00Z", "x")
                                          for i in range(10)], same={"layer": "erin"})
        rec.change.scanned = journal.scan(rec.change)
        assert rec.change.scanned.pairs == {("erin", docs[0]), ("erin", docs[1])}
        rec.insert("spans", {"id": "e-late", "document_id": docs[2], "layer": "erin", "start": 0, "end": 2,
                             "label": "CLAIM", "attrs": "{}", "author": "x", "created_at": "2026-01-01T00:00:00Z"})
        rec.insert_many("claims", [{"span_id": "e1"}])
    assert {pair for pair in rows(p) if pair[0] == "erin"} == {("erin", d) for d in docs}

    with p.action("rolled back", None, "erin") as rec:
        try:
            with rec.attempt():
                rec.insert_tuples("spans", cols, [("f0", docs[2], 5, 9, "CLAIM", "2026-01-01T00:00:00Z", "x")],
                                  same={"layer": "frank"})
                rec.change.scanned = journal.scan(rec.change)   # covers frank's span, rolled back below
                raise RuntimeError
        except RuntimeError:
            pass
        rec.insert_tuples("spans", cols, [("g0", docs[0], 5, 9, "CLAIM", "2026-01-01T00:00:00Z", "x")],
                          same={"layer": "gina"})
        assert journal.touched(rec.conn, rec.change) == {("gina", docs[0])}
        assert rec.change.ops   # the bulk rows expanded into ops: the scan is made again over them
        assert journal.touched(rec.conn, rec.change) == {("gina", docs[0])}
    assert not any(layer == "frank" for layer, _ in rows(p))


def test_a_large_pull_journals_the_same_pairs_with_its_scan_made_ahead(tmp_path, seeds_dir, monkeypatch):
    from isfannotate.team import merge_rows as merge_rows_module

    from . import test_merge_rows
    lead = test_merge_rows.lead.__wrapped__(tmp_path, seeds_dir)
    corpus, files = lead
    given = [test_merge_rows.rows_of(files["alice"], "alice"), test_merge_rows.rows_of(files["bob"], "bob")]
    plain, ahead = tmp_path / "plain.isf", tmp_path / "ahead.isf"
    shutil.copyfile(corpus, plain)
    shutil.copyfile(corpus, ahead)
    ahead_made = []
    real_scan = journal.scan

    def spy(change, found=None):
        done = real_scan(change, found)
        ahead_made.append(found is not None and found.n > 0 and done is found)   # continued, not made again
        return done
    monkeypatch.setattr(journal, "scan", spy)
    with Project.open(plain) as p:
        merge_rows_module.merge_rows(p, given, source="the team database")
        expected = set(rows(p))
    monkeypatch.setattr(merge_rows_module, "BULK_SPANS", 1)
    with Project.open(ahead) as p:
        merge_rows_module.merge_rows(p, given, source="the team database")
        assert set(rows(p)) == expected and {layer for layer, _ in expected} == {"alice", "bob"}
    # each merge: the scan in the thread, then the journal continuing it (nothing logged after it
    # but the digests' rows and the new annotators, of no layer)
    assert ahead_made.count(True) == 2


def test_a_scan_made_ahead_finds_the_claims_of_spans_the_change_inserted_in_bulk(seeded):
    p = seeded
    docs = [d.id for d in p.documents()][:2]
    cols = ("id", "document_id", "start", "end", "label", "created_at", "author")
    with p.action("bulk", None, "hana") as rec:
        rec.insert_tuples("spans", cols, [("h0", docs[0], 1, 4, "CLAIM", "2026-01-01T00:00:00Z", "x")],
                          same={"layer": "hana"})
        rec.insert_many("claims", [{"span_id": "h0"}])
    with p.action("claims", None, "hana") as rec:   # a claim of a span already stored: looked up
        rec.insert_tuples("spans", cols, [("h1", docs[1], 1, 4, "CLAIM", "2026-01-01T00:00:00Z", "x")],
                          same={"layer": "hana"})
        rec.insert_many("claims", [{"span_id": "h1"}])
        rec.delete("claims", ("h0",))
        assert journal.scan(rec.change).orphans == {"h0", "h1"}
        ahead = journal.scan_ahead(rec.change)
        assert ahead.orphans == {"h0"} and ahead.pairs == {("hana", docs[1])}
        rec.change.scanned = ahead
        assert journal.touched(rec.conn, rec.change) == {("hana", docs[0]), ("hana", docs[1])}
