"""The review queue counts units without building them (``agreement.alignment.span_counts``,
``store.review_counts.coded_spans``): its counts must stay those of the agreement's alignment
units, on any number of layers, with stacked, nested, repeated and empty spans, links, CRLF
line ends and emoji before the spans (code-point offsets)."""
from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from isfannotate.agreement import SpanAnn, align_spans
from isfannotate.agreement.alignment import flat_span_counts, span_counts, span_groups
from isfannotate.review import review_counts, review_documents, unit_states

REPO = Path(__file__).resolve().parents[2]


def _from_units(coders, by):
    """(units, open units) as the review counts them from the agreement's units."""
    units = align_spans("d", coders, by)
    open_ = sum(1 for u in units if len(u.versions) < len(coders) or (len(coders) > 1 and len(
        {(v.start, v.end, v.label, v.link) for v in u.versions.values()}) > 1))
    return len(units), open_


def _random_spans(rnd, coders):
    base = []
    for _ in range(rnd.randint(0, 25)):
        s = rnd.randint(0, 120)
        base.append((s, s + rnd.choice([0, 1, 3, 8, 20, 40]), rnd.choice("PQR"), rnd.choice([None, "x", "y"])))
    by = {}
    for a in coders:
        spans = []
        for s, e, lbl, link in base:
            r = rnd.random()
            if r < 0.15:
                continue
            if r < 0.35:
                s, e = max(0, s + rnd.randint(-3, 3)), e + rnd.randint(-3, 3)
                e = max(e, s)
            if rnd.random() < 0.1:
                lbl = rnd.choice("PQR")
            if rnd.random() < 0.1:
                link = rnd.choice([None, "x", "y"])
            spans.append(SpanAnn("d", s, e, lbl, link))
            if rnd.random() < 0.08:
                spans.append(SpanAnn("d", s, e, lbl, link))          # the same span twice in one layer
        spans.sort(key=lambda v: (v.start, v.end, v.label))
        by[a] = spans
    return by


@pytest.mark.parametrize("seed", range(60))
def test_the_counts_equal_the_alignment_units(seed):
    rnd = random.Random(seed)
    coders = tuple("ABCDE"[:1 + seed % 5])
    by = _random_spans(rnd, coders)
    keys = [[(v.start, v.end, v.label, v.link) for v in by.get(a, ())] for a in coders]
    assert span_counts(keys) == _from_units(coders, by)
    _, groups = span_groups(keys)
    assert len(groups) == len(align_spans("d", coders, by))


def _flat(coders, keys):
    """The rows ``flat_span_counts`` takes: (coder, start, end, label, id, link), coder by coder."""
    return [(c, s, e, label, f"{c}{i}", link) for c, mine in zip(coders, keys, strict=True)
            for i, (s, e, label, link) in enumerate(mine)]


@pytest.mark.parametrize("seed", range(60))
def test_the_flat_counts_equal_the_alignment_units(seed):
    """The queue's path (full keys counted in C, only the others searched) counts as the units do,
    with repeated spans (the exact path) and with a project-wide map of coder bits."""
    rnd = random.Random(1000 + seed)
    coders = tuple("ABCDE"[:1 + seed % 5])
    by = _random_spans(rnd, coders)
    keys = [[(v.start, v.end, v.label, v.link) for v in by.get(a, ())] for a in coders]
    expected = _from_units(coders, by)
    assert flat_span_counts(_flat(coders, keys), coders) == expected
    assert flat_span_counts(_flat(coders, keys), coders, {c: 1 << (7 - i) for i, c in enumerate("ABCDEFG")}) == expected


def test_flat_counts_on_hand_worked_cases():
    def counts(*layers):
        coders = "ABCD"[:len(layers)]
        return flat_span_counts(_flat(coders, layers), coders)
    a = [(0, 5, "ACTOR", None), (10, 20, "CLAIM", None), (30, 35, "CUE", None)]
    assert counts(a, [(0, 5, "ACTOR", None), (12, 20, "CLAIM", None)]) == (3, 2)
    assert counts(a, a, a) == (3, 0)                        # every key held by every coder: no search
    assert counts(a, [], a) == (3, 3)                       # a coder without spans: nothing agrees
    assert counts(a) == (3, 0) and counts([], []) == (0, 0)
    s = (4, 9, "ACTOR", "x")
    assert counts([s, s], [s, s]) == (2, 0) and counts([s, s, s], [s, s]) == (3, 1)     # repeated: exact path
    assert counts([s, s], [s], []) == (2, 2)                # a copy in one layer makes a key look held by all
    # a link of "" and no link are ordered alike: the exact path decides
    assert counts([(0, 5, "P", ""), (10, 15, "P", None)], [(0, 5, "P", None), (10, 15, "P", "")]) == \
        span_counts([[(0, 5, "P", ""), (10, 15, "P", None)], [(0, 5, "P", None), (10, 15, "P", "")]])


def test_counts_on_hand_worked_cases():
    def keys(*layers):
        return [list(layer) for layer in layers]
    # one unit every coder has identically, one boundary difference, one a coder lacks
    a = [(0, 5, "ACTOR", None), (10, 20, "CLAIM", None), (30, 35, "CUE", None)]
    b = [(0, 5, "ACTOR", None), (12, 20, "CLAIM", None)]
    assert span_counts(keys(a, b)) == (3, 2)
    # the same span twice in both layers: two agreeing units; three times in one: a third, open
    s = (4, 9, "ACTOR", "x")
    assert span_counts(keys([s, s], [s, s])) == (2, 0)
    assert span_counts(keys([s, s, s], [s, s])) == (3, 1)
    # stacked labels on one stretch stay two units; a nested ACTOR does not join a CLAIM
    assert span_counts(keys([(0, 10, "P", None), (0, 10, "Q", None)], [(0, 10, "P", None)])) == (2, 1)
    assert span_counts(keys([(0, 40, "CLAIM", None)], [(0, 40, "CLAIM", None), (2, 6, "ACTOR", None)])) == (2, 1)
    # a different link is a disagreement within one unit; one coder alone always agrees
    assert span_counts(keys([(0, 5, "ACTOR", "x")], [(0, 5, "ACTOR", "y")])) == (1, 1)
    assert span_counts(keys([(0, 5, "P", None), (0, 5, "P", None)])) == (2, 0)
    assert span_counts([]) == (0, 0)


def _crlf_emoji_project(p, tmp_path):
    """Four layers imported from doccano files whose texts have CRLF line ends and emoji (astral
    code points) before the spans, with overlapping, nested, relabelled and repeated spans."""
    team = ("ana", "ben", "cleo", "dev")
    texts = {}
    for d in range(30):
        rnd = random.Random(d)
        parts = [rnd.choice(["troops", "🙂", "Marco Rubio", "said\r\n", "👩\u200d👩\u200d👧", "é", "peace"])
                 for _ in range(25)]
        bounds, pos = [], 0          # each part's (start, end) in UTF-16 units, as doccano counts
        for part in parts:
            n = len(part.encode("utf-16-le")) // 2
            bounds.append((pos, pos + n))
            pos += n + 1
        texts[f"t{d}"] = (" ".join(parts), bounds)
    for who, name in enumerate(team):
        rnd = random.Random(100 + who)
        lines = []
        for doc, (text, bounds) in texts.items():
            spans = []
            for k in range(8):
                first = (k * 3 + int(doc[1:])) % 20
                last = first + k % 3
                r = rnd.random()
                if r < 0.15:
                    continue
                if r < 0.35:
                    last += rnd.randint(1, 2)                # a boundary difference
                lbl = "CLAIM" if k % 3 == 0 else ("ACTOR" if k % 3 == 1 else "CUE")
                if 0.35 <= r < 0.45:
                    lbl = "CUE" if lbl != "CUE" else "ACTOR"   # a relabel
                spans.append((bounds[first][0], bounds[last][1], lbl))
                if k == 4 and r > 0.9:
                    spans.append(spans[-1])                 # the same span twice
                if k == 5 and last > first:
                    spans.append((bounds[first + 1][0], bounds[last][1], "ACTOR"))    # nested
            lines.append(json.dumps({"id": doc, "text": text, "label": [[s, e, lbl] for s, e, lbl in spans]},
                                    ensure_ascii=False))
        f = tmp_path / f"{name}.jsonl"
        f.write_text("\n".join(lines) + "\n", encoding="utf-8", newline="\n")
        p.import_paths([f], annotator=name, format="doccano")     # offsets on the CRLF text, stored on LF
    doc = p.document(p.document_list()[0][0])
    # (spans after an astral code point and a line end that was CRLF: offsets in code points, as stored)
    assert "\n" in doc.text and "\r" not in doc.text
    assert any(any(ord(ch) > 0xFFFF for ch in doc.text[:s.start]) and "\n" in doc.text[:s.start]
               for s in p.spans(doc.id, "ana"))
    return p


def test_the_queue_counts_equal_the_full_review_on_crlf_and_emoji_texts(new_project, tmp_path):
    """The first opening's counts equal the full review's, for every document and for a subset."""
    p = _crlf_emoji_project(new_project(), tmp_path)
    full = {d: (len(rd.units), rd.decided, len(rd.open_disagreements)) for d, rd in review_documents(p).items()}
    assert len(full) == 30 and sum(c[2] for c in full.values()) > 30
    assert review_counts(p) == full
    some = sorted(full)[::7]
    assert review_counts(p, some) == {d: full[d] for d in some}
    queue = {r.document_id: (r.units, r.decided, r.open_disagreements) for r in p.review_queue().rows}
    assert queue == full


def _states_of_the_full_review(p, doc):
    rd = p.review(doc)
    return [(u.key, u in rd.open_disagreements) for u in rd.units]


def test_the_next_disagreement_key_reads_the_units_the_full_review_has(new_project, tmp_path):
    """``unit_states`` (plain keys, no versions) gives each unit's key and openness as the full
    review does, before and after decisions; the next-disagreement key walks the open units
    of every document in order, forwards and backwards."""
    p = _crlf_emoji_project(new_project(), tmp_path)
    docs = [r.document_id for r in p.review_queue().rows]
    for doc in docs:
        assert unit_states(p, doc) == _states_of_the_full_review(p, doc)
    rd = p.review(docs[3])
    first, other = rd.open_disagreements[:2]
    p.decide(docs[3], first.key, "accepted", annotator=next(iter(first.versions)))
    p.decide(docs[3], other.key, "rejected")
    states = unit_states(p, docs[3])
    assert states == _states_of_the_full_review(p, docs[3])
    assert (first.key, False) in states and (other.key, False) in states
    expected = [(d, u.key) for d in docs for u in p.review(d).open_disagreements]
    walked, at = [], p.next_disagreement()
    while at is not None:
        walked.append(at)
        at = p.next_disagreement(*at)
    assert walked == expected
    back, at = [], p.next_disagreement(backwards=True)
    while at is not None:
        back.append(at)
        at = p.next_disagreement(*at, backwards=True)
    assert back == expected[::-1]


def test_unit_states_of_a_document_with_claims_and_stances(seeded, annotate_three):
    """A document whose review holds claims and stances is read through the full review."""
    annotate_three(seeded)
    for doc, _ in seeded.document_list():
        assert unit_states(seeded, doc) == _states_of_the_full_review(seeded, doc)
    assert any(open_ for _, open_ in unit_states(seeded, "004_925ac23fd4dc491f"))


def test_the_review_does_not_import_the_agreement_coefficients():
    """The queue's first opening needs only the alignment: the coefficients and reports stay
    unloaded until asked for (a lazy ``agreement`` package)."""
    code = ("import sys, isfannotate.review, isfannotate.agreement as ag; "
            "heavy = sorted(m for m in sys.modules if m.split('.')[-1] in "
            "('compute', 'measures', 'facets', 'unitizing', 'describe', 'report', 'report_html') "
            "and m.startswith('isfannotate.agreement')); "
            "assert not heavy, heavy; ag.compute_agreement; assert 'isfannotate.agreement.compute' in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)
