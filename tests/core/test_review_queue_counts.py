"""The review queue's counts (issue 21): the first opening counts from plain rows, later
openings read the review cache; after any edit, registry merge, decision or undo the queue's
counts equal a recount from scratch (the full review of every document), never a stale row."""
from __future__ import annotations

import json
import random

import pytest

from isfannotate import Project
from isfannotate.review import review_counts, review_documents

TEAM = ("alice", "bob", "chen")
D = "004_925ac23fd4dc491f"
WORDS = "the of and to in said troops force minister government security army".split()


def _import_team(project, tmp_path, docs=12):
    """Every annotator's spans on *docs* documents: identical, shifted, relabelled, missing and
    repeated spans; chen leaves d5 undone (a status row of 'in_progress'), so d5 is coded only by
    those who marked it done."""
    for who, name in enumerate(TEAM):
        rnd = random.Random(who)
        lines = []
        for d in range(docs):
            drnd = random.Random(d)
            text = " ".join(drnd.choice(WORDS) for _ in range(40))
            starts, pos = [], 0
            for w in text.split(" "):
                starts.append((pos, pos + len(w)))
                pos += len(w) + 1
            spans = []
            for k in range(6):
                s, e = starts[(k * 5) % len(starts)]
                r = rnd.random()
                if r < 0.15:
                    continue
                if r < 0.3:
                    e = starts[(k * 5) % len(starts) + 1][1]
                label = "CLAIM" if r > 0.9 else ("ACTOR" if k % 2 else "CUE")
                spans.append({"id": f"s{who}-{d}-{k}", "start": s, "end": e, "label": label, "text": text[s:e],
                              "actor_id": None, "attrs": {}})
                if k == 2 and d % 4 == 0:
                    spans.append(dict(spans[-1], id=f"s{who}-{d}-{k}b"))
            lines.append(json.dumps({"schema": "isfannotate.gold/1", "id": f"d{d}", "text": text, "spans": spans,
                                     "actors": [], "targets": [], "claims": [], "stances": [], "relations": [],
                                     "doc_labels": {}, "provenance": {}}))
        f = tmp_path / f"{name}.jsonl"
        f.write_text("\n".join(lines) + "\n", encoding="utf-8")
        project.import_paths([f], annotator=name)


def _queue(project) -> dict[str, tuple[int, int, int]]:
    return {r.document_id: (r.units, r.decided, r.open_disagreements) for r in project.review_queue().rows}


def _from_scratch(project) -> dict[str, tuple[int, int, int]]:
    """What the queue must show: the full review of every document under review (units with
    versions and keys), no cache and no shortcut."""
    full = {d: (len(rd.units), rd.decided, len(rd.open_disagreements)) for d, rd in review_documents(project).items()}
    return {d: full.get(d, (0, 0, 0)) for d in _queue_docs(project)}


def _queue_docs(project) -> list[str]:
    return [r.document_id for r in project.review_queue().rows]


@pytest.fixture
def team(seeded, annotate_three, tmp_path):
    annotate_three(seeded)
    _import_team(seeded, tmp_path)
    return seeded


def test_the_first_opening_counts_what_the_full_review_counts(team):
    full = {d: (len(rd.units), rd.decided, len(rd.open_disagreements)) for d, rd in review_documents(team).items()}
    assert review_counts(team) == full and len(full) == 13
    assert review_counts(team, ["d1", D]) == {d: full[d] for d in ("d1", D)}
    first = _queue(team)
    assert first == _from_scratch(team)
    assert first[D][2] >= 3 and sum(c[2] for c in first.values()) > 12


def test_after_an_edit_in_one_layer_the_queue_equals_a_recount(team):
    before = _queue(team)

    def key(s):
        return s.start, s.end, s.label

    # a span all three marked alike (an agreeing unit), relabelled in bob's layer: one more open unit
    doc, span = next((d, s) for d in before if d.startswith("d") for s in team.spans(d, "bob")
                     if all(key(s) in {key(o) for o in team.spans(d, who)} for who in ("alice", "chen")))
    team.relabel(span.id, "ACTOR" if span.label != "ACTOR" else "CUE", layer="bob")
    after = _queue(team)
    assert after == _from_scratch(team)
    assert after[doc] == (before[doc][0], 0, before[doc][2] + 1) and {d: c for d, c in after.items() if d != doc} == \
        {d: c for d, c in before.items() if d != doc}
    team.delete_span(team.spans(doc, "alice")[0].id, layer="alice")
    assert _queue(team) == _from_scratch(team)
    team.undo()
    team.undo()
    assert _queue(team) == before == _from_scratch(team)
    team.redo()
    assert _queue(team) == after == _from_scratch(team)


def test_after_a_registry_merge_a_decision_and_their_undo_the_queue_equals_a_recount(team):
    before = _queue(team)
    actors = {a.name: a.id for a in team.actors()}
    team.merge_actors(actors["Marco Rubio"], actors["Hamas"])          # links change in every layer
    merged = _queue(team)
    assert merged == _from_scratch(team)
    rd = team.review(D)
    unit = next(u for u in rd.units if u.state == "disagree")
    team.decide(D, unit.key, "accepted", annotator="alice")
    decided = _queue(team)
    assert decided == _from_scratch(team) and decided[D][1] == merged[D][1] + 1
    team.undo()
    assert _queue(team) == merged == _from_scratch(team)
    team.undo()
    assert _queue(team) == before == _from_scratch(team)


def test_a_reopened_project_reads_the_counts_it_cached_and_they_stay_exact(team, tmp_path):
    first = _queue(team)
    path = team.path
    team.close()
    with Project.open(path) as p:
        assert _queue(p) == first
        doc = next(d for d in first if d.startswith("d"))
        p.annotate(doc, "chen", 0, 3, "ACTOR")
        assert _queue(p) == _from_scratch(p)


def test_a_versions_key_made_directly_equals_the_key_of_its_built_version(team):
    """The first count makes each version's key without building the version (``_Details.key``):
    the same tuple as ``version_key`` of the version the review shows, for every unit of every
    kind (spans, claims with sources and cues, stances with evidence, document labels)."""
    from isfannotate.review.units import _aligned, _by_kind, version_key
    units, details, _ = _aligned(team, None)
    kinds = {}
    for du in units.values():
        for kind, group in _by_kind(du):
            for u in group:
                for a, v in u.versions.items():
                    assert details.key(kind, v) == version_key(kind, details.version(kind, a, v)), (kind, v)
                    kinds[kind] = kinds.get(kind, 0) + 1
    assert set(kinds) >= {"span", "claim", "stance"} and kinds["span"] > 100


def test_a_change_made_while_the_queue_is_counted_is_never_hidden_by_a_stale_count(team):
    """The app counts a large queue as a job while its window goes on writing: a change that
    lands between the count's reads and its cache write must not leave the count from before
    it in the cache (here the change comes from the count's own progress call)."""
    before = {d: c for d, c in review_counts(team).items()}
    changed = []

    def progress(done, total):
        if not changed:     # the first call comes after the spans were read
            changed.append(team.annotate("d1", "chen", 0, 3, "ACTOR"))
    team.review_queue(progress=progress)
    assert changed and team.review_queue_uncounted() == len(before)    # nothing kept from that count
    after = _queue(team)
    assert after == _from_scratch(team) and after["d1"] != before["d1"]
    assert team.review_queue_uncounted() == 0


def test_documents_with_claims_count_as_their_full_review(seeded, tmp_path):
    """Documents whose claims go through the full review (their units counted without unit keys
    where a document has no decision): claims that agree, differ by quote or by source, or that
    one annotator lacks, and a decided claim unit; the first opening counts what the full
    review counts, and so does the recount after the decision."""
    for who, name in enumerate(TEAM):
        lines = []
        for d in range(9):
            text = f"report {d}: " + " ".join(random.Random(d).choice(WORDS) for _ in range(30))
            spans, claims = [], []
            for k, (s, e) in enumerate(((0, 12), (20, 40), (45, 60))):
                if name == "bob" and d % 3 == k:
                    continue                                   # bob lacks one claim per document
                sid = f"c{who}-{d}-{k}"
                spans.append({"id": sid, "start": s, "end": e, "label": "CLAIM", "text": text[s:e],
                              "actor_id": None, "attrs": {}})
                claims.append({"span": sid, "source_kind": "article" if (name != "chen" or k) else None,
                               "source": None, "source_span": None, "cue": None,
                               "quote": "direct" if name == "alice" and d % 2 else "reported"})
            lines.append(json.dumps({"schema": "isfannotate.gold/1", "id": f"c{d}", "text": text, "spans": spans,
                                     "actors": [], "targets": [], "claims": claims, "stances": [],
                                     "relations": [], "doc_labels": {}, "provenance": {}}))
        f = tmp_path / f"claims-{name}.jsonl"
        f.write_text("\n".join(lines) + "\n", encoding="utf-8")
        seeded.import_paths([f], annotator=name)
    first = _queue(seeded)
    assert first == _from_scratch(seeded)
    assert sum(first[f"c{d}"][2] for d in range(9)) > 9 and any(first[f"c{d}"][2] < 6 for d in range(9))
    unit = next(u for u in review_documents(seeded, ["c1"])["c1"].units if u.kind == "claim")
    seeded.decide("c1", unit.key, "accepted", annotator="bob" if "bob" in unit.versions else "alice")
    counted = review_counts(seeded, ["c1"])
    assert counted["c1"][1] == 1 and counted == {"c1": _from_scratch(seeded)["c1"]}
    assert _queue(seeded) == _from_scratch(seeded)
