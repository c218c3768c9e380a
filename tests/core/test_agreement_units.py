"""Agreement on hand-worked cases: unit alignment, stances and claim sources with incomplete
units, annotators who marked different documents, determinism, purity, and the reports."""
from __future__ import annotations

import ast
import json
import random
import re
import sys
from pathlib import Path

import pytest

from isfannotate.agreement import (
    ClaimAnn,
    DocLabelAnn,
    Layer,
    SpanAnn,
    StanceAnn,
    align_spans,
    build_units,
    compute_agreement,
    match_pair,
    report_json,
    report_text,
    write_html,
)

AGREEMENT_DIR = Path(__file__).resolve().parents[2] / "isfannotate" / "agreement"


def layer(name, docs, spans=(), claims=(), stances=(), labels=()):
    return Layer(name, frozenset(docs), tuple(spans), tuple(claims), tuple(stances), tuple(labels))


# ----------------------------------------------------------------------------- units


def test_boundary_difference_is_one_unit_and_stacked_units_stay_separate():
    # "Marco Rubio" (0-11) vs "Rubio" (6-11): one unit, boundaries differ.
    # "Pyongyang" LOC + PER by A (stacked), LOC by B: two units, one agrees, one is A's alone.
    # "Islamabad" ACTOR linked to two actors by A (stacked), one by B: the same link pairs up.
    a = layer("A", ["d"], [SpanAnn("d", 0, 11, "PER"), SpanAnn("d", 20, 29, "LOC"), SpanAnn("d", 20, 29, "PER"),
                           SpanAnn("d", 40, 49, "ACTOR", "pakistan"), SpanAnn("d", 40, 49, "ACTOR", "islamabad-gov")])
    b = layer("B", ["d"], [SpanAnn("d", 6, 11, "PER"), SpanAnn("d", 20, 29, "LOC"),
                           SpanAnn("d", 40, 49, "ACTOR", "pakistan")])
    units = build_units([a, b])["d"].spans
    got = [(u.start, u.end, sorted((k, v.label, v.link) for k, v in u.versions.items()), u.state, u.differs())
           for u in units]
    assert got == [
        (0, 11, [("A", "PER", None), ("B", "PER", None)], "disagree", ["boundary"]),
        (20, 29, [("A", "LOC", None), ("B", "LOC", None)], "agree", []),
        (20, 29, [("A", "PER", None)], "incomplete", []),
        (40, 49, [("A", "ACTOR", "islamabad-gov")], "incomplete", []),
        (40, 49, [("A", "ACTOR", "pakistan"), ("B", "ACTOR", "pakistan")], "agree", []),
    ]
    assert [u.id for u in units] == [f"span:d:{i}" for i in range(5)]


def test_nested_actor_is_not_merged_with_the_other_annotators_claim():
    a = layer("A", ["d"], [SpanAnn("d", 0, 40, "CLAIM"), SpanAnn("d", 0, 5, "ACTOR", "x")])
    b = layer("B", ["d"], [SpanAnn("d", 0, 40, "CLAIM")])
    c = layer("C", ["d"], [SpanAnn("d", 0, 38, "EVENT")])  # most of the same stretch, other label: one unit
    units = build_units([a, b, c])["d"].spans
    by_label = {tuple(sorted(v.label for v in u.versions.values())): u for u in units}
    assert set(by_label) == {("ACTOR",), ("CLAIM", "CLAIM", "EVENT")}
    assert by_label[("CLAIM", "CLAIM", "EVENT")].differs() == ["boundary", "label"]


def test_overlap_matching_is_greedy_by_overlap_and_one_to_one():
    a = [SpanAnn("d", 0, 10, "X"), SpanAnn("d", 8, 20, "X")]
    b = [SpanAnn("d", 5, 18, "X")]
    # overlaps: a0-b0 = 5, a1-b0 = 10: a1 wins, a0 stays unmatched
    assert match_pair(a, b, "overlap") == [(1, 0)]
    assert match_pair(a, b, "exact") == []
    # ties on overlap go to the smaller boundary distance, then offsets
    a = [SpanAnn("d", 0, 4, "X"), SpanAnn("d", 6, 10, "X")]
    b = [SpanAnn("d", 2, 8, "X")]
    assert match_pair(a, b, "overlap") == [(0, 0)]
    assert match_pair([SpanAnn("d", 0, 4, "X")], [SpanAnn("d", 0, 4, "Y")], "overlap") == []
    # duplicates pair off one to one
    dup = [SpanAnn("d", 0, 4, "X")] * 2
    assert match_pair(dup, dup[:1], "exact") == [(0, 0)]


# ----------------------------------------------------------------------------- stances (hand-worked)


def test_stance_polarity_with_incomplete_units_hand_worked():
    """Stances are matched on (holder, target). A and B both have three of them; A alone has
    PK -> troops (B put the holder as 'islamabad', so B's is a different unit), B alone has
    Hamas -> disarm. Complete: (oppose, oppose), (support, neutral), (support, support).

    Cohen: p_o = 2/3; A: oppose 1/3, support 2/3; B: oppose, neutral, support 1/3 each;
    p_e = 1/9 + 2/9 = 1/3; kappa = (2/3 - 1/3) / (2/3) = 0.5.
    Fleiss (complete units, 2 raters): P_bar = 2/3; p = (2, 3, 1)/6; P_e = 14/36; kappa = 5/11.
    Alpha (pairable: the 3 complete units): n = 6, D_o = 2/6, D_e = (36 - 14)/30; alpha = 12/22.
    AC1: worked below (its chance term also counts the two units only one of them marked).
    """
    a = layer("A", ["d"], stances=[StanceAnn("d", "pk", "disarm", "oppose"), StanceAnn("d", "us", "isf", "support"),
                                   StanceAnn("d", "il", "two-state", "support"),
                                   StanceAnn("d", "pk", "troops", "conditional")])
    b = layer("B", ["d"], stances=[StanceAnn("d", "pk", "disarm", "oppose"), StanceAnn("d", "us", "isf", "neutral"),
                                   StanceAnn("d", "il", "two-state", "support"),
                                   StanceAnn("d", "islamabad", "troops", "oppose")])
    r = compute_agreement([a, b])
    f = r.facets["stance_polarity"]
    assert (f.n_units, f.n_complete, f.n_incomplete, f.n_single_coder) == (5, 3, 2, 0)
    assert f.cohen[0].kappa.value == pytest.approx(0.5)
    assert f.cohen[0].incomplete == 2 and f.cohen[0].kappa.n_units == 3
    assert f.fleiss.value == pytest.approx(5 / 11)
    assert f.alpha.value == pytest.approx(12 / 22)
    assert f.alpha.n_units == 3
    # AC1 by hand: p_a = 2/3; pi over the 5 rated units: oppose (1 + 1)/5, support (.5 + 1)/5,
    # neutral .5/5, conditional 1/5; q = 4; p_e = sum pi(1-pi) / 3
    pi = [2 / 5, 1.5 / 5, 0.5 / 5, 1 / 5]
    pe = sum(p * (1 - p) for p in pi) / 3
    assert f.ac1.value == pytest.approx((2 / 3 - pe) / (1 - pe))
    assert f.ac1.value == pytest.approx(0.56522, abs=1e-5)  # irrCAC 0.4.4 gives the same on these 5 units
    # with the scheme's five polarities AC1's q is 5, not the 4 used: p_e = sum pi(1-pi) / 4
    r5 = compute_agreement([a, b], categories={"stance_polarity": ["support", "oppose", "conditional", "neutral",
                                                                   "unclear"]})
    pe5 = sum(p * (1 - p) for p in pi) / 4
    assert r5.facets["stance_polarity"].ac1.value == pytest.approx((2 / 3 - pe5) / (1 - pe5))
    assert r5.facets["stance_polarity"].alpha.value == f.alpha.value  # alpha and kappa do not depend on it
    # the drill-down names the units, with each version
    [dis] = r.disagreements(f.disagreements)
    assert {k: v.polarity for k, v in dis.versions.items()} == {"A": "support", "B": "neutral"}
    inc = r.disagreements(f.incomplete)
    assert sorted((next(iter(u.versions.values())).holder, u.missing) for u in inc) == [
        ("islamabad", ("A",)),
        ("pk", ("B",)),
    ]


def test_two_stances_on_one_holder_and_target_pair_by_polarity():
    a = layer("A", ["d"], stances=[StanceAnn("d", "h", "t", "support"), StanceAnn("d", "h", "t", "oppose")])
    b = layer("B", ["d"], stances=[StanceAnn("d", "h", "t", "oppose")])
    units = build_units([a, b])["d"].stances
    assert [(sorted((k, v.polarity) for k, v in u.versions.items())) for u in units] == [
        [("A", "oppose"), ("B", "oppose")], [("A", "support")]]


# ----------------------------------------------------------------------------- claims (hand-worked)


def test_claim_sources_with_incomplete_units_hand_worked():
    """Claims are units by their claim span (overlap alignment); the source is compared as part of it.

    A / B: [10,40) Rubio / [12,40) Rubio (boundary differs, source agrees); [50,80) article / Trump;
    [100,120) A alone (incomplete); [200,230) both sourced by a span only, overlapping (4-9 / 5-9:
    the same source); [300,320) A unset / B article.
    Complete: a = (rubio, article, span, unset), b = (rubio, trump, span, article). p_o = 1/2;
    p_e = 1/16 (rubio) + 1/16 (article) + 1/16 (span) = 3/16; kappa = (8/16 - 3/16) / (13/16) = 5/13.
    """
    a = layer("A", ["d"], claims=[ClaimAnn("d", 10, 40, "actor", "rubio"), ClaimAnn("d", 50, 80, "article"),
                                  ClaimAnn("d", 100, 120, "actor", "pk"),
                                  ClaimAnn("d", 200, 230, "actor", None, (4, 9)), ClaimAnn("d", 300, 320)])
    b = layer("B", ["d"], claims=[ClaimAnn("d", 12, 40, "actor", "rubio"), ClaimAnn("d", 50, 80, "actor", "trump"),
                                  ClaimAnn("d", 200, 230, "actor", None, (5, 9)),
                                  ClaimAnn("d", 300, 320, "article")])
    r = compute_agreement([a, b])
    f = r.facets["claim_source"]
    assert (f.n_units, f.n_complete, f.n_incomplete) == (5, 4, 1)
    assert f.cohen[0].kappa.value == pytest.approx(5 / 13)
    assert f.cohen[0].incomplete == 1
    assert [r.units[i].start for i in f.disagreements] == [50, 300]
    assert [r.units[i].versions["A"].start for i in f.incomplete] == [100]
    units = {u.start: u for u in r.units.values() if u.kind == "claim"}
    assert units[10].differs() == ["boundary"]
    assert units[200].differs() == ["source_span"]  # the same source by overlap, offsets differ


# ----------------------------------------------------------------------------- documents


def test_annotators_on_different_documents_get_no_figure_not_a_perfect_one():
    spans = [SpanAnn("d1", 0, 5, "PER")]
    a = layer("A", ["d1"], spans, stances=[StanceAnn("d1", "h", "t", "support")])
    b = layer("B", ["d2"], [SpanAnn("d2", 0, 5, "PER")], stances=[StanceAnn("d2", "h", "t", "support")])
    r = compute_agreement([a, b])
    assert r.pairs == [{"a": "A", "b": "B", "shared_documents": 0}]
    for mode in ("exact", "overlap"):
        t = r.span_f1[mode].total
        assert t.mean is None and t.n_pairs == 0 and t.pairs[0].f1 is None
    for f in r.facets.values():
        assert f.n_units == 0
        assert f.fleiss.value is None and f.alpha.value is None and f.ac1.value is None
        assert all(p.kappa.value is None for p in f.cohen)
    assert r.facets["span_label"].n_single_coder == 2
    assert r.facets["stance_polarity"].n_single_coder == 2
    assert "No shared documents" in report_text(r)


def test_only_shared_documents_count_and_an_empty_shared_document_disagrees():
    # A and B agree on d2; A's d1 is not B's document, so it is not compared.
    a = layer("A", ["d1", "d2"], [SpanAnn("d1", 0, 5, "PER"), SpanAnn("d2", 0, 5, "PER")])
    b = layer("B", ["d2", "d3"], [SpanAnn("d2", 0, 5, "PER"), SpanAnn("d3", 0, 5, "PER")])
    r = compute_agreement([a, b])
    assert r.span_f1["exact"].total.pairs[0].to_dict() | {"disagreements": []} == {
        "a": "A", "b": "B", "f1": 1.0, "matched": 1, "n_a": 1, "n_b": 1, "documents": 1, "disagreements": []}
    assert r.facets["span_label"].n_single_coder == 2
    # B has d1 too, but marked nothing there: now A's span is a disagreement, and an incomplete unit
    b = layer("B", ["d1", "d2", "d3"], [SpanAnn("d2", 0, 5, "PER"), SpanAnn("d3", 0, 5, "PER")])
    r = compute_agreement([a, b])
    p = r.span_f1["exact"].total.pairs[0]
    assert (p.matched, p.n_a, p.n_b, p.documents) == (1, 2, 1, 2)
    assert p.f1 == pytest.approx(2 / 3)
    assert [r.units[u].doc for u in p.disagreements] == ["d1"]
    f = r.facets["span_label"]
    assert (f.n_units, f.n_complete, f.n_incomplete) == (2, 1, 1)
    assert r.units[f.incomplete[0]].missing == ("B",)


def test_fleiss_and_alpha_with_documents_of_different_coder_sets():
    # three annotators, each document marked by two of them (overlap 2)
    a = layer("A", ["d1", "d2"], [SpanAnn("d1", 0, 3, "X"), SpanAnn("d2", 0, 3, "X")])
    b = layer("B", ["d1", "d3"], [SpanAnn("d1", 0, 3, "Y"), SpanAnn("d3", 0, 3, "X")])
    c = layer("C", ["d2", "d3"], [SpanAnn("d2", 0, 3, "X"), SpanAnn("d3", 0, 3, "Y")])
    r = compute_agreement([a, b, c])
    f = r.facets["span_label"]
    assert (f.n_units, f.n_complete, f.n_incomplete) == (3, 3, 0)
    assert [(p.a, p.b, p.kappa.n_units) for p in f.cohen] == [("A", "B", 1), ("A", "C", 1), ("B", "C", 1)]
    # values per unit: (X, Y), (X, X), (X, Y): P_bar = 1/3; p = X 4/6, Y 2/6; P_e = 20/36
    assert f.fleiss.value == pytest.approx((1 / 3 - 20 / 36) / (1 - 20 / 36))
    assert r.documents == {"d1": ["A", "B"], "d2": ["A", "C"], "d3": ["B", "C"]}
    # A-C agree on one unit in one category: kappa undefined, so the mean is over 2 pairs, and says so
    assert [p.kappa.value for p in f.cohen] == [0.0, None, 0.0] and f.cohen_n_pairs == 2
    assert "0.000 ± 0.000 (n=2)" in report_text(r)


def test_document_labels_and_actor_links():
    a = layer("A", ["d1", "d2"], [SpanAnn("d1", 0, 5, "ACTOR", "pk"), SpanAnn("d1", 9, 12, "ACTOR")],
              labels=[DocLabelAnn("d1", "relevance", "yes"), DocLabelAnn("d2", "relevance", "no"),
                      DocLabelAnn("d2", "frame", ["security"])])
    b = layer("B", ["d1", "d2"], [SpanAnn("d1", 0, 5, "ACTOR", "pk"), SpanAnn("d1", 9, 12, "ACTOR", "us")],
              labels=[DocLabelAnn("d1", "relevance", "yes"), DocLabelAnn("d2", "relevance", "yes")])
    r = compute_agreement([a, b])
    link = r.facets["actor_link"]
    assert (link.n_complete, len(link.disagreements)) == (2, 1)
    assert r.units[link.disagreements[0]].versions["A"].link is None  # unlinked counts as its own value
    rel = r.facets["doc_label:relevance"]
    assert (rel.n_units, rel.n_complete, rel.cohen[0].kappa.observed) == (2, 2, 0.5)
    assert build_units([layer("A", ["d"], labels=[DocLabelAnn("d", "k", True)]),
                        layer("B", ["d"], labels=[DocLabelAnn("d", "k", 1)])])["d"].doc_labels[0].differs() == ["value"]
    frame = r.facets["doc_label:frame"]
    assert (frame.n_units, frame.n_incomplete, frame.incomplete) == (1, 1, ["doc_label:d2:0"])
    assert r.units["doc_label:d2:0"].versions["A"] == DocLabelAnn("d2", "frame", ["security"])


def test_one_annotator_or_none_gives_no_figures():
    for layers in ([layer("A", ["d"], [SpanAnn("d", 0, 1, "X")])], []):
        r = compute_agreement(layers)
        assert r.span_f1["exact"].total.mean is None and r.facets["span_label"].cohen == []
        assert r.facets["span_label"].fleiss.value is None
        assert "n/a" in report_text(r)


def test_layer_refuses_work_on_documents_it_does_not_have():
    with pytest.raises(ValueError, match="d2"):
        layer("A", ["d1"], [SpanAnn("d2", 0, 1, "X")])
    with pytest.raises(ValueError, match="repeat"):
        build_units([layer("A", ["d"]), layer("A", ["d"])])
    with pytest.raises(ValueError, match="Z"):
        compute_agreement([layer("A", ["d"])], annotators=["Z"])


def test_layer_from_the_projects_read_models():
    from isfannotate.models import Claim, Span, Stance

    spans = [Span(id="s1", document_id="d", layer="A", start=0, end=5, label="ACTOR", actor_id="rubio"),
             Span(id="s2", document_id="d", layer="A", start=10, end=40, label="CLAIM")]
    claims = [Claim(span_id="s2", source_kind="actor", source_actor="rubio", source_span="s1")]
    stances = [Stance(id="t1", document_id="d", layer="A", holder="rubio", target="isf", polarity="support")]
    lay = Layer.from_records("A", ["d"], spans=spans, claims=claims, stances=stances,
                             doc_labels={"d": {"relevance": "yes"}})
    assert lay.spans[0] == SpanAnn("d", 0, 5, "ACTOR", "rubio", "s1")
    assert lay.claims == (ClaimAnn("d", 10, 40, "actor", "rubio", (0, 5), "s2"),)
    assert lay.stances == (StanceAnn("d", "rubio", "isf", "support", "t1"),)
    assert lay.doc_labels == (DocLabelAnn("d", "relevance", "yes"),)
    # p.claims(doc, layer) returns {span id: Claim}
    assert Layer.from_records("A", ["d"], spans=spans, claims={"s2": claims[0]}).claims == lay.claims
    with pytest.raises(ValueError, match="s9"):
        Layer.from_records("A", ["d"], spans=spans, claims=[Claim(span_id="s9")])


# ----------------------------------------------------------------------------- determinism and purity


def _random_layers(seed: int, shuffle: bool) -> list[Layer]:
    rnd = random.Random(seed)
    base = [(d, s, s + rnd.randint(1, 12), rnd.choice("PQR")) for d in ("d1", "d2", "d3") for s in range(0, 300, 15)]
    layers = []
    for name in ("A", "B", "C"):
        r2 = random.Random(f"{seed}-{name}")
        spans = [SpanAnn(d, max(0, s + r2.randint(-2, 0)), e, lbl if r2.random() > 0.1 else "P")
                 for d, s, e, lbl in base if r2.random() > 0.15]
        if shuffle:
            random.Random(99).shuffle(spans)
        layers.append(layer(name, ["d1", "d2", "d3"], spans))
    return layers


def test_results_do_not_depend_on_input_order():
    one = report_json(compute_agreement(_random_layers(3, False)), units=False)
    two = compute_agreement(_random_layers(3, True))
    assert json.loads(one)["span_f1"] == json.loads(report_json(two, units=False))["span_f1"]
    assert json.loads(one)["facets"]["span_label"]["alpha"] == two.facets["span_label"].alpha.to_dict()


def test_agreement_package_imports_no_qt_storage_or_project():
    forbidden = {"PySide6", "sqlite3", "sqlite_utils", "isfannotate.project", "isfannotate.storage"}
    for path in AGREEMENT_DIR.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [("isfannotate." if node.level else "") + (node.module or "")]
                if node.level and node.module in ("project", "storage"):
                    names.append(f"isfannotate.{node.module}")
            else:
                continue
            for n in names:
                assert not any(n == f or n.startswith(f + ".") for f in forbidden), f"{path.name} imports {n}"
        # matplotlib only inside functions (imported when HTML is asked for)
        for node in tree.body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                mod = node.module if isinstance(node, ast.ImportFrom) else node.names[0].name
                assert not (mod or "").startswith("matplotlib"), f"{path.name} imports matplotlib at module level"


# ----------------------------------------------------------------------------- reports


@pytest.fixture
def small_result():
    a = layer("<b>Ann</b>", ["doc&1"], [SpanAnn("doc&1", 0, 5, "PER"), SpanAnn("doc&1", 7, 9, "LOC")],
              stances=[StanceAnn("doc&1", "h", "t", "support")])
    b = layer("Bo", ["doc&1"], [SpanAnn("doc&1", 1, 5, "PER")], stances=[StanceAnn("doc&1", "h", "t", "oppose")])
    return compute_agreement([a, b], texts={"doc&1": "<i>Rubio</i> x"})


def test_report_text_has_the_tables(small_result):
    text = report_text(small_result)
    for head in ("Span F1", "Annotator pairs", "Documents, lowest overlap F1 first", "Matched units",
                 "stance polarity", "exact match", "overlap match"):
        assert head in text
    assert "0.000 (0/2/1)" in text and "0.667 (1/2/1)" in text


def test_report_json_keys(small_result):
    d = json.loads(report_json(small_result))
    assert d["schema"] == "isfannotate.agreement/1" and d["offset_unit"] == "codepoint"
    assert set(d) == {
        "schema",
        "offset_unit",
        "annotators",
        "documents",
        "pairs",
        "span_f1",
        "unitizing_alpha",
        "facets",
        "units",
    }
    assert set(d["span_f1"]["overlap"]) == {"mode", "total", "labels", "documents"}
    assert set(d["span_f1"]["overlap"]["total"]) == {"mean", "sd", "n_pairs", "n_pairs_undefined", "pairs"}
    f = d["facets"]["stance_polarity"]
    assert set(f) == {"facet", "n_units", "n_complete", "n_incomplete", "n_single_coder", "categories", "cohen",
                      "fleiss", "alpha", "ac1", "agreement", "disagreements", "incomplete"}
    assert set(f["alpha"]) == {"value", "observed", "expected", "n_units", "n_values", "note"}
    unit = d["units"][f["disagreements"][0]]
    assert unit["versions"]["Bo"] == {"holder": "h", "target": "t", "polarity": "oppose", "id": None, "evidence": []}
    span_unit = d["units"]["span:doc&1:0"]
    assert span_unit["text"] == "<i>Ru" and span_unit["differs"] == ["boundary"]


def test_write_html_is_self_contained_with_charts(small_result, tmp_path):
    pytest.importorskip("matplotlib")
    out = write_html(small_result, tmp_path / "r.html")
    html = out.read_text(encoding="utf-8")
    assert html.count("src='data:image/png;base64,") >= 3  # pair matrix, label bars, documents (and facets)
    assert not re.search(r"https?://|<script|<link|@import|url\(", html, re.I)
    assert "<b>Ann</b>" not in html and "&lt;b&gt;Ann&lt;/b&gt;" in html  # names are escaped
    assert "<i>" not in html and "doc&amp;1" in html
    assert "oppose" in html and "support" in html  # the drill-down lists each version
    assert not list(tmp_path.glob("*.part"))


# ----------------------------------------------------------------------------- shortcuts equal the plain rules


def _plain_overlap_greedy(a, b):
    """docs/agreement.md's overlap rule, literally: every same-label overlapping pair, best first."""
    cands = sorted((-(min(s.end, t.end) - max(s.start, t.start)), abs(s.start - t.start) + abs(s.end - t.end),
                    s.start, s.end, t.start, t.end, i, j)
                   for i, s in enumerate(a) for j, t in enumerate(b)
                   if s.label == t.label and min(s.end, t.end) > max(s.start, t.start))
    ua, ub, out = set(), set(), []
    for c in cands:
        if c[6] not in ua and c[7] not in ub:
            ua.add(c[6])
            ub.add(c[7])
            out.append((c[6], c[7]))
    return sorted(out)


def _plain_alignment(coders, by_annotator, threshold=0.5):
    """docs/agreement.md's unit rule, literally (no pre-joining of identical spans)."""
    nodes = [(it, ai) for ai, a in enumerate(coders) for it in by_annotator.get(a, ())]

    def ov(p, q):
        return min(p.end, q.end) - max(p.start, q.start)
    edges = []
    for n, (p, ap) in enumerate(nodes):
        for m, (q, aq) in enumerate(nodes):
            if m <= n or ap == aq or ov(p, q) <= 0:
                continue
            same = p.label == q.label
            if not same and ov(p, q) < threshold * max(p.end - p.start, q.end - q.start):
                continue
            edges.append((not same, p.link != q.link, -ov(p, q), abs(p.start - q.start) + abs(p.end - q.end), n, m))
    unit = {n: {n} for n in range(len(nodes))}
    for *_, n, m in sorted(edges):
        u, v = unit[n], unit[m]
        if u is v or {nodes[k][1] for k in u} & {nodes[k][1] for k in v}:
            continue
        if any(ov(nodes[k][0], nodes[h][0]) <= 0 for k in u for h in v):
            continue
        u |= v
        for k in v:
            unit[k] = u
    groups = {id(g): g for g in unit.values()}.values()
    return sorted(sorted((coders[nodes[k][1]], nodes[k][0].start, nodes[k][0].end, nodes[k][0].label,
                          nodes[k][0].link) for k in g) for g in groups)


@pytest.mark.parametrize("seed", range(30))
def test_fast_matching_and_alignment_equal_the_plain_rules(seed):
    rnd = random.Random(seed)
    coders = ("A", "B", "C")
    base = []
    for _ in range(rnd.randint(5, 25)):
        s = rnd.randint(0, 200)
        base.append((s, s + rnd.randint(1, 30), rnd.choice("PQ"), rnd.choice([None, "x", "y"])))
    by = {}
    for a in coders:
        spans = []
        for s, e, lbl, link in base:
            if rnd.random() < 0.2:
                continue
            if rnd.random() < 0.3:
                s, e = max(0, s + rnd.randint(-3, 3)), e + rnd.randint(-3, 3)
                e = max(e, s + 1)
            if rnd.random() < 0.15:
                lbl = rnd.choice("PQ")
            if rnd.random() < 0.15:
                link = rnd.choice([None, "x", "y"])
            spans.append(SpanAnn("d", s, e, lbl, link))
        rnd.shuffle(spans)
        by[a] = spans
    assert match_pair(by["A"], by["B"], "overlap") == _plain_overlap_greedy(by["A"], by["B"])
    units = align_spans("d", coders, by)
    got = sorted(sorted((a, v.start, v.end, v.label, v.link) for a, v in u.versions.items()) for u in units)
    assert got == _plain_alignment(coders, by)


def test_write_html_without_matplotlib_says_what_to_install(small_result, tmp_path, monkeypatch):
    from isfannotate.errors import IsfError

    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now fails
    with pytest.raises(IsfError, match="needs matplotlib"):
        write_html(small_result, tmp_path / "r.html")
    assert not list(tmp_path.iterdir())
