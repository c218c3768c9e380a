"""The agreement report as a lead reads it (issue 19): every disagreement of each match mode
listed and drilled down in the text, JSON and HTML; every table says its mode; stances, claims
and actor links shown as what they are, with names and text; αU in every format; cosmetics."""
from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest

from isfannotate.cli import main as cli

D = "004_925ac23fd4dc491f"


class Details(HTMLParser):
    """Each <details> of a page: its summary and the text inside it."""

    def __init__(self):
        super().__init__()
        self.items: list[dict] = []
        self._open: list[dict] = []
        self._in_summary = False

    def handle_starttag(self, tag, attrs):
        if tag == "details":
            self._open.append({"summary": "", "text": ""})
        elif tag == "summary":
            self._in_summary = True

    def handle_endtag(self, tag):
        if tag == "details" and self._open:
            self.items.append(self._open.pop())
        elif tag == "summary":
            self._in_summary = False

    def handle_data(self, data):
        for d in self._open:
            d["text"] += data
        if self._in_summary and self._open:
            self._open[-1]["summary"] += data


@pytest.fixture
def three(seeded, annotate_three):
    annotate_three(seeded)
    names = {a.id: a.name for a in seeded.actors()} | {t.id: t.name for t in seeded.targets()}
    path = seeded.path
    seeded.close()
    return path, names


def test_html_lists_every_exact_match_disagreement(three, tmp_path, capsys):
    path, _ = three
    out = tmp_path / "r.html"
    assert cli(["agreement", str(path), "--html", str(out)]) == 0
    printed = capsys.readouterr().out
    assert printed.strip().splitlines() == [f"wrote the HTML agreement report to {out}"]   # no text dump
    p = Details()
    p.feed(out.read_text(encoding="utf-8"))
    by_summary = {d["summary"]: d["text"] for d in p.items}
    # "Marco Rubio" (alice, bob) vs "Rubio" (chen): an exact-match disagreement only; "Hamas"
    # (alice, bob; not chen): a disagreement in both modes
    exact = by_summary["exact-match disagreements alice – chen: 2 unit(s)"]
    assert '"Rubio"' in exact and '"Marco Rubio"' in exact and "boundary" in exact and "Hamas" in exact
    overlap = by_summary["overlap-match disagreements alice – chen: 1 unit(s)"]
    assert "Hamas" in overlap and "Rubio" not in overlap
    assert by_summary["exact-match disagreements alice – bob: 0 unit(s)"].endswith("No disagreements.")
    assert any(s.startswith("exact-match disagreements on ACTOR: ") and "Rubio" in t for s, t in by_summary.items())
    assert "Krippendorff's αU" in out.read_text(encoding="utf-8")


def test_stances_claims_and_links_are_shown_with_names_and_text(three, tmp_path, capsys):
    path, names = three
    pakistan = next(k for k, v in names.items() if v == "Pakistan")
    target = names["isf-troops"]
    assert cli(["agreement", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    [stance] = [u for u in data["units"].values() if u["kind"] == "stance"]
    assert stance["versions_shown"]["chen"] == f"Pakistan → {target}: conditional"
    assert (
        stance["versions"]["alice"]["holder"] == pakistan and stance["versions"]["alice"]["holder_name"] == "Pakistan"
    )
    assert (stance["start"], stance["end"]) != (0, 0) and stance["text"].startswith("Pakistan has offered")
    assert "Pakistan has offered to send troops" in stance["sentence"]
    [claim] = [u for u in data["units"].values() if u["kind"] == "claim"]
    assert claim["versions_shown"]["alice"] == 'Marco Rubio → "Pakistan has offered to send troops"'
    assert claim["versions_shown"]["bob"] == 'the article → "Pakistan has offered to send troops"'
    rubio = [u for u in data["units"].values() if u["kind"] == "span" and u.get("text") == "Marco Rubio"]
    assert rubio[0]["versions_shown"]["alice"] == 'ACTOR "Marco Rubio" → Marco Rubio'
    assert rubio[0]["versions_shown"]["chen"] == 'ACTOR "Rubio" → Marco Rubio'
    # the exact-mode drill-down of the JSON names that unit
    exact_pairs = {(q["a"], q["b"]): q["disagreements"] for q in data["span_f1"]["exact"]["total"]["pairs"]}
    assert rubio[0]["id"] in exact_pairs[("alice", "chen")]
    assert data["unitizing_alpha"]["pairs"] and data["unitizing_alpha"]["labels"]["ACTOR"]["n_pairs"] == 3

    out = tmp_path / "r.html"
    assert cli(["agreement", str(path), "--html", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert f"Pakistan → {target}: support" in page and "0–0" not in page


def test_text_report_lists_each_mode_and_says_the_mode_of_every_table(three, capsys):
    path, names = three
    assert cli(["agreement", str(path)]) == 0
    text = capsys.readouterr().out
    assert "exact: disagreements" in text and "overlap: disagreements" in text
    assert "Matched units (aligned as one unit per overlap" in text
    exact = text.split("Spans, exact match")[1].split("Spans, overlap match")[0]
    assert ": 3 unit(s)" in exact.splitlines()[0] or "unit(s)" in exact.splitlines()[0]
    assert '"Marco Rubio"' in exact and 'ACTOR "Rubio" → Marco Rubio' in exact
    stance_part = text.split("stance polarity (matched units): values differ")[1]
    assert f"Pakistan → {names['isf-troops']}: conditional" in stance_part
    assert 'evidence: "Pakistan has offered' in stance_part
    assert "Krippendorff's αU" in text
    assert cli(["agreement", str(path), "--units", "-1"]) == 2


def test_error_bars_stay_in_0_1_and_heat_map_has_3_decimals():
    from isfannotate.agreement.report_html import error_bars, heat_label
    low, high = error_bars([0.9, 0.1, 0.5], [0.3, 0.3, 0.2])
    assert [round(x, 9) for x in low] == [0.3, 0.1, 0.2] and [round(x, 9) for x in high] == [0.1, 0.3, 0.2]
    assert heat_label(0.87512) == "0.875" and heat_label(float("nan")) == "n/a"
