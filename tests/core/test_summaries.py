"""The whole-project summaries the app reads instead of its own SQL (issue 21): near-duplicate
groups, outlets, whether a layer holds work, and each annotator's work."""
from __future__ import annotations

from isfannotate.store.summaries import AnnotatorWork


def test_near_dup_groups_name_the_paired_seeds_only(seeded):
    groups = seeded.near_dup_groups()
    ids = [d.id for d in seeded.documents()]
    assert set(groups) == {ids[1], ids[2]}          # seeds 001 and 002 are near duplicates (test_neardup)
    assert groups[ids[1]] == groups[ids[2]]
    assert groups == {d.id: d.near_dup_group for d in seeded.documents() if d.near_dup_group}


def test_outlets_are_the_distinct_meta_outlets_sorted(seeded):
    expected = sorted({d.meta["outlet"] for d in seeded.documents() if d.meta.get("outlet") is not None})
    assert expected, "the seeds name their outlets"
    assert seeded.outlets() == expected


def test_outlets_of_an_empty_project(new_project):
    assert new_project().outlets() == []


def test_layer_has_annotations_by_span_or_stance(seeded):
    doc = seeded.documents()[0].id
    assert not seeded.layer_has_annotations("gold")
    seeded.set_stance(doc, "gold", holder=None, target=None, polarity="support")
    assert seeded.layer_has_annotations("gold")
    assert not seeded.layer_has_annotations("alice")
    seeded.annotate(doc, "alice", 0, 5, "ACTOR")
    assert seeded.layer_has_annotations("alice")
    assert not seeded.layer_has_annotations("bob")


def test_work_by_annotator_counts_each_layer_and_keeps_assigned_only_annotators(seeded):
    docs = [d.id for d in seeded.documents()]
    seeded.assign(docs[:2], ["alice", "carol"])
    seeded.annotate(docs[0], "alice", 0, 5, "ACTOR")
    seeded.annotate(docs[0], "alice", 10, 15, "ACTOR")
    seeded.set_status(docs[1], "alice", "done", reason="checked")
    seeded.annotate(docs[3], "bob", 0, 5, "ACTOR")
    work = seeded.work_by_annotator()
    assert list(work) == ["alice", "bob", "carol"]
    alice = work["alice"]
    assert alice.assigned == docs[:2]
    assert alice.statuses == {docs[0]: "in_progress", docs[1]: "done"}
    assert (alice.spans, alice.stances) == (2, 0)
    assert len(alice.timestamps) == 2 + 2       # two spans, two status rows
    assert work["bob"].assigned == [] and work["bob"].spans == 1
    assert work["carol"] == AnnotatorWork(assigned=docs[:2])     # assigned, nothing done yet
    assert "gold" not in work
