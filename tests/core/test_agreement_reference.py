"""Agreement measures against published worked examples (../shared/peer-formats/iaa-reference-values/).

The bratiaa project goes through the real brat importer into a project (one layer per annotator
folder) and the project's agreement, as a lead would run it.
"""
from __future__ import annotations

import csv
import json
import random
from collections import Counter

import pytest

from isfannotate.agreement import (
    cohen_kappa,
    cohen_kappa_table,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha_nominal,
    mean_sd,
)

REF = ("peer-formats", "iaa-reference-values")
BRATIAA = ("peer-formats", "brat-iaa-bratiaa")
ANNOTATORS = ("Lisa", "Maria", "Max", "Peter")


@pytest.fixture
def expected(shared) -> dict:
    data = json.loads(shared(*REF, "expected_values.json").read_text(encoding="utf-8"))
    return {k.split(" ")[0]: v for k, v in data.items()}


@pytest.fixture
def bratiaa(shared, tmp_path):
    from isfannotate import Project
    with Project.create(tmp_path / "iaa.isf") as p:
        report = p.import_paths([shared(*BRATIAA)], add_labels=True)
        assert report.detected.startswith("brat") and sorted(report.layers) == list(ANNOTATORS)
        assert {a: len([s for d in p.documents() for s in p.spans(d.id, a)]) for a in ANNOTATORS} == \
            {"Lisa": 404, "Maria": 404, "Max": 358, "Peter": 401}
        return p.agreement()


def test_bratiaa_total_f1_is_mean_and_population_sd_over_pairs(bratiaa, expected):
    ref = expected["bratiaa_instance_f1"]
    total = bratiaa.span_f1["exact"].total
    assert total.mean == pytest.approx(ref["total"]["mean"], abs=1e-7)
    assert total.sd == pytest.approx(ref["total"]["sd"], abs=1e-7)
    assert total.sd == pytest.approx(0.0526314, abs=1e-7)  # statistics.stdev would give 0.0577
    assert total.n_pairs == 6


def test_bratiaa_pair_counts(bratiaa, expected):
    ref = expected["bratiaa_instance_f1"]["pairs"]
    got = {f"{p.a}-{p.b}": [p.matched, p.n_a, p.n_b] for p in bratiaa.span_f1["exact"].total.pairs}
    assert got == {k: v for k, v in ref.items() if not k.startswith("_")}
    assert all(p.documents == 7 for p in bratiaa.span_f1["exact"].total.pairs)


def test_bratiaa_per_label_and_per_document(bratiaa, expected):
    ref = expected["bratiaa_instance_f1"]
    labels = bratiaa.span_f1["exact"].labels
    assert sorted(labels) == ["LOC", "MISC", "ORG", "PER"]
    key = "per_label_sorted[LOC,MISC,ORG,PER]"
    for lbl, m, sd in zip(sorted(labels), ref[key]["mean"], ref[key]["sd"], strict=True):
        assert labels[lbl].mean == pytest.approx(m, abs=1e-7), lbl
        assert labels[lbl].sd == pytest.approx(sd, abs=1e-7), lbl
        assert labels[lbl].n_pairs == 6
    key = "per_document_sorted[100,1400,29,423,46,503,896]"
    docs = bratiaa.span_f1["exact"].documents
    for n, m, sd in zip(
        ["100", "1400", "29", "423", "46", "503", "896"], ref[key]["mean"], ref[key]["sd"], strict=True
    ):
        assert docs[f"esp.train-doc-{n}"].mean == pytest.approx(m, abs=1e-7)
        assert docs[f"esp.train-doc-{n}"].sd == pytest.approx(sd, abs=1e-7)


def test_bratiaa_overlap_match_is_at_least_exact_and_disagreements_drill_down(bratiaa):
    ex, ov = bratiaa.span_f1["exact"], bratiaa.span_f1["overlap"]
    for pe, po in zip(ex.total.pairs, ov.total.pairs, strict=True):
        assert po.matched >= pe.matched and (po.n_a, po.n_b) == (pe.n_a, pe.n_b)
    # every pair's unmatched spans are listed as units, with each annotator's version
    pair = ex.total.pairs[0]
    units = bratiaa.disagreements(pair.disagreements)
    assert units and all(u.kind == "span" and u.doc.startswith("esp.train-doc-") for u in units)
    assert all(u.state in ("disagree", "incomplete") for u in units)
    # overlap-matched units differ in their boundaries only; they are one unit each
    boundary = [u for u in bratiaa.units.values() if u.differs() == ["boundary"]]
    assert boundary


def test_cohen_1960(expected):
    ref = expected["cohen_1960_example2"]
    k = cohen_kappa_table(ref["table"])
    assert k.value == pytest.approx(ref["kappa"], abs=1e-4)
    assert (k.observed, k.expected) == (pytest.approx(ref["p_o"]), pytest.approx(ref["p_e"]))
    # the same data as rating lists: Cohen from lists, and alpha on the same data
    a, b = [], []
    for i, row in enumerate(ref["table"]):
        for j, n in enumerate(row):
            a += [i] * n
            b += [j] * n
    assert cohen_kappa(a, b).value == pytest.approx(ref["kappa"], abs=1e-4)
    assert krippendorff_alpha_nominal(zip(a, b, strict=True)).value == pytest.approx(
        ref["krippendorff_alpha_nominal_same_data"], abs=1e-4
    )
    # Gwet's AC1, worked by hand: pi = (.55, .30, .15); pe = (.2475 + .21 + .1275) / 2 = .2925
    assert gwet_ac1(zip(a, b, strict=True)).value == pytest.approx((0.7 - 0.2925) / (1 - 0.2925), abs=1e-12)


def test_fleiss_1971(shared, expected):
    ref = expected["fleiss_1971"]
    text = shared(*REF, "fleiss1971_30items_6raters.csv").read_text(encoding="utf-8")
    rows = [r for r in csv.reader(text.splitlines()) if r]
    assert len(rows) == 30 and all(len(r) == 6 for r in rows)
    k = fleiss_kappa([Counter(x.strip() for x in r) for r in rows])
    assert k.value == pytest.approx(ref["kappa"], abs=1e-3)
    assert k.observed == pytest.approx(ref["P_bar_observed"], abs=1e-4)
    assert k.expected == pytest.approx(ref["P_e"], abs=1e-4)


def test_krippendorff_2011(expected):
    ref = expected["krippendorff_2011_example"]
    units = list(zip(*ref["data"], strict=True))  # rows are coders
    a = krippendorff_alpha_nominal(units)
    assert a.value == pytest.approx(ref["alpha"]["nominal"], abs=1e-3)
    assert a.n_units == 11  # unit 12 has one value only: not pairable, left out by alpha's own rule
    assert a.n_values == 40
    # Gwet's AC1 with missing ratings on the same data; 0.77544 is what irrCAC 0.4.4
    # (Gwet's own package, CAC(...).gwet()) gives for it, computed once by hand, not a dependency
    assert gwet_ac1(units).value == pytest.approx(0.77544, abs=1e-5)
    # The other reading of a missing rating: leave a unit rated by one coder out of pi as well
    # (unit 12 here); this gives 0.77515. docs/agreement.md states which one we use and why.
    assert gwet_ac1([u for u in units if sum(v is not None for v in u) >= 2]).value == pytest.approx(0.77515, abs=1e-5)


def test_toy_stance_example(expected):
    ref = expected["toy_stance_2_annotators"]
    pairs = list(zip(ref["a"], ref["b"], strict=True))
    assert cohen_kappa(ref["a"], ref["b"]).value == pytest.approx(ref["cohen_kappa"], abs=1e-7)
    assert fleiss_kappa([Counter(p) for p in pairs]).value == pytest.approx(ref["fleiss_kappa"], abs=1e-7)
    assert krippendorff_alpha_nominal(pairs).value == pytest.approx(ref["krippendorff_alpha_nominal"], abs=1e-7)


def test_alpha_matches_the_krippendorff_package_with_missing_values():
    """Cross-check against the `krippendorff` package (a test-only oracle; see docs/agreement.md)."""
    kd = pytest.importorskip("krippendorff")
    np = pytest.importorskip("numpy")
    rnd = random.Random(7)
    for _ in range(20):
        coders, n = rnd.randint(2, 5), rnd.randint(5, 60)
        data = [[rnd.choice([None, 1, 2, 3, 3, 4]) for _ in range(n)] for _ in range(coders)]
        if sum(sum(v is not None for v in col) >= 2 for col in zip(*data, strict=True)) == 0:
            continue
        values = {v for row in data for v in row if v is not None}
        mine = krippendorff_alpha_nominal(zip(*data, strict=True))
        if len(values) < 2 or mine.value is None:
            continue
        theirs = kd.alpha(
            reliability_data=np.array([[np.nan if v is None else v for v in r] for r in data], dtype=float),
            level_of_measurement="nominal",
        )
        assert mine.value == pytest.approx(float(theirs), abs=1e-9)


def test_undefined_coefficients_are_none_not_perfect():
    one_category = [("a", "a"), ("a", "a")]
    assert cohen_kappa(*zip(*one_category, strict=True)).value is None
    assert fleiss_kappa([Counter(u) for u in one_category]).value is None
    assert krippendorff_alpha_nominal(one_category).value is None
    assert gwet_ac1(one_category).value is None
    assert krippendorff_alpha_nominal([("a", None), (None, "b")]).note
    assert mean_sd([]) == (None, None, 0)
    assert mean_sd([0.5, None, 1.0]) == (0.75, 0.25, 2)
