"""Krippendorff's unitizing alpha (αU) against the published worked examples, as DKPro Agreement's
tests encode them (dkpro/dkpro-statistics: unitizing/Krippendorff2004Test, Krippendorff1995Test,
UnitizingAgreementTest) and ../shared/peer-formats/iaa-reference-values/expected_values.json.

The published figures are rounded (4 or 5 decimals). Observed disagreements are sums of squared
integer distances over L^2, so the exact fractions behind the rounded figures are known and are
checked to 1e-9; expected disagreements and αU are checked to the printed precision.
"""
from __future__ import annotations

import json
from fractions import Fraction

import pytest

from isfannotate.agreement.unitizing import segment_distance, unitizing_alpha


def _units(rows):
    """DKPro's addUnit(offset, length, rater, category) rows as {rater: [(start, end, category)]}."""
    out: dict = {}
    for b, ln, rater, cat in rows:
        out.setdefault(rater, []).append((b, b + ln, cat))
    return out


KRIPPENDORFF_2004 = [(225, 70, 0, "c"), (370, 30, 0, "c"), (220, 80, 1, "c"), (355, 20, 1, "c"), (400, 20, 1, "c"),
                     (180, 60, 0, "k"), (300, 50, 0, "k"), (180, 60, 1, "k"), (300, 50, 1, "k")]


def test_distances_of_the_worked_examples():
    # Krippendorff2004Test.testDistanceMetric1/2 and UnitizingAgreementTest.testDistanceMetric
    d = segment_distance
    assert d(2, 3, False, 2, 2, True) + d(5, 6, True, 4, 7, False) == 40
    assert [d(5, 6, True, b, ln, True) for b, ln in ((4, 2), (5, 2), (6, 2), (7, 2), (6, 4), (5, 6))] == \
        [26, 16, 10, 8, 2, 0]
    assert d(225, 70, True, 220, 80, True) == 50
    assert d(370, 30, True, 355, 20, True) == 850
    assert d(400, 50, False, 400, 20, True) == 400
    assert [d(1, 8, True, b, ln, u) for b, ln, u in ((0, 2, False), (2, 1, True), (4, 1, True), (7, 4, False))] == \
        [0, 37, 25, 0]


def test_krippendorff_2004_example():
    r = unitizing_alpha(_units(KRIPPENDORFF_2004), begin=150, length=300)
    c, k = r.categories["c"], r.categories["k"]
    # D_o(c) = 2 (50 + 850 + 400) / (2 * 1 * 300^2)
    assert c.d_o == pytest.approx(float(Fraction(1300, 90000)), abs=1e-12)
    assert c.d_e == pytest.approx(0.0532, abs=5e-5) and c.value == pytest.approx(0.7286, abs=5e-5)
    assert k.d_o == 0.0 and k.d_e == pytest.approx(0.0490, abs=5e-5) and k.value == 1.0
    assert r.overall.value == pytest.approx(0.8591, abs=5e-4)          # the book's rounding
    assert r.overall.value == pytest.approx(1 - c.d_o / (c.d_e + k.d_e), abs=1e-12)


def test_krippendorff_2004_example_from_the_shared_reference_values(shared):
    data = json.loads(shared("peer-formats", "iaa-reference-values", "expected_values.json").read_text("utf-8"))
    ref = next(v for k, v in data.items() if k.startswith("krippendorff_alpha_unitizing_2004"))
    cont = ref["continuum"]
    r = unitizing_alpha(_units(ref["units_[offset,length,rater,category]"]), begin=cont["begin"],
                        length=cont["length"], coders=range(cont["raters"]))
    assert r.overall.value == pytest.approx(ref["expected"]["alpha_U"], abs=5e-4)
    for cat in ("c", "k"):
        for key, got in (("D_o", r.categories[cat].d_o), ("D_e", r.categories[cat].d_e),
                         ("alpha", r.categories[cat].value)):
            assert got == pytest.approx(ref["expected"][cat][key], abs=1e-4)


def _krippendorff_1995(stretch: float) -> dict:
    s = lambda x: int(x * stretch)  # noqa: E731  (as the Java test: (int) (x * stretch))
    rows = [(2, 8, 0, "A"), (14, 6, 0, "A"), (4, 4, 1, "A"), (15, 2, 1, "A"),
            (0, 18, 0, "B"), (0, 2, 1, "B"), (2, 1, 1, "B"), (3, 1, 1, "B"), (4, 1, 1, "B"), (5, 1, 1, "B"),
            (6, 3, 1, "B"), (9, 1, 1, "B"),
            (2, 6, 0, "C"), (10, 2, 0, "C"), (14, 4, 0, "C"), (20, 2, 0, "C"), (0, 2, 1, "C"), (4, 4, 1, "C"),
            (10, 4, 1, "C"), (16, 2, 1, "C"), (20, 2, 1, "C"),
            (0, 2, 0, "D"), (2, 8, 0, "D"), (10, 4, 0, "D"), (14, 6, 0, "D"), (20, 4, 0, "D"), (0, 4, 1, "D"),
            (4, 4, 1, "D"), (8, 7, 1, "D"), (15, 2, 1, "D"), (17, 7, 1, "D")]
    return {"units": _units([(s(b), s(ln), r, c) for b, ln, r, c in rows]), "length": s(24)}


def test_krippendorff_1995_example():
    ex = _krippendorff_1995(1)
    r = unitizing_alpha(ex["units"], length=ex["length"])
    # published: 0.03125, 2.26736, 0.02777, 0.38715 = 18, 1306, 16, 223 over 24^2
    for cat, total in (("A", 18), ("B", 1306), ("C", 16), ("D", 223)):
        assert r.categories[cat].d_o == pytest.approx(total / 576, abs=1e-9)
    ex = _krippendorff_1995(1200000 / 24)
    r = unitizing_alpha(ex["units"], length=ex["length"])
    for cat, d_e, alpha in (("A", 0.06990, 0.553), ("B", 1.17731, -0.926), ("C", 0.08642, 0.679),
                            ("D", 0.41445, 0.066)):
        assert r.categories[cat].d_e == pytest.approx(d_e, abs=5e-3)     # DKPro's tolerances
        assert r.categories[cat].value == pytest.approx(alpha, abs=2e-2)


def test_unitizing_agreement_example_and_edge_cases():
    # r0: -11111111-   r1: --1-1-1---
    r = unitizing_alpha({0: [(1, 9, "A")], 1: [(2, 3, "A"), (4, 5, "A"), (6, 7, "A")]}, length=10)
    a = r.categories["A"]
    assert a.d_o == pytest.approx(0.91, abs=1e-12)                       # (37 + 25 + 29) * 2 / (2 * 100)
    assert a.d_e == pytest.approx(0.5351, abs=1e-4) and a.value == pytest.approx(-0.7003, abs=1e-4)
    empty = unitizing_alpha({}, length=20, coders=[0, 1, 2])
    assert empty.overall.value is None and empty.categories == {}
    same = unitizing_alpha({0: [(3, 8, "X")], 1: [(3, 8, "X")]}, length=20)
    assert same.overall.value == 1.0


def test_overlapping_units_of_one_coder_are_merged_and_counted():
    r = unitizing_alpha({0: [(0, 5, "X"), (3, 8, "X")], 1: [(0, 8, "X")]}, length=10)
    assert r.categories["X"].merged == 1 and r.categories["X"].value == 1.0
    with pytest.raises(ValueError):
        unitizing_alpha({0: [(0, 11, "X")], 1: []}, length=10)
    with pytest.raises(ValueError):
        unitizing_alpha({0: []}, length=10)


def test_pairs_lay_their_shared_documents_end_to_end():
    from isfannotate.agreement import Layer, SpanAnn, compute_agreement
    a = Layer("a", {"d1", "d2"}, spans=(SpanAnn("d1", 2, 8, "X"), SpanAnn("d2", 0, 4, "Y")))
    b = Layer("b", {"d1", "d2", "d3"}, spans=(SpanAnn("d1", 3, 8, "X"), SpanAnn("d3", 0, 1, "X")))
    r = compute_agreement([a, b], lengths={"d1": 10, "d2": 6, "d3": 5})
    [pair] = r.unitizing.pairs
    assert (pair.documents, pair.length) == (2, 16)                  # d3 is b's only: not compared
    direct = unitizing_alpha({"a": [(2, 8, "X"), (10, 14, "Y")], "b": [(3, 8, "X")]}, length=16)
    assert pair.overall.value == direct.overall.value and pair.labels["Y"].value == direct.categories["Y"].value
    assert r.unitizing.mean_sd("X")[0] == direct.categories["X"].value
    assert r.to_dict()["unitizing_alpha"]["labels"]["X"]["n_pairs"] == 1
    no_lengths = compute_agreement([a, b])
    assert no_lengths.unitizing.pairs == [] and "lengths" in no_lengths.unitizing.note
