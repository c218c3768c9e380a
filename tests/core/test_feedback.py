"""Feedback an annotator can act on (issue 19): each decided unit with their version, gold's
version, the sentence and the lead's note, in text and in one self-contained HTML page each."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from isfannotate.cli import main as cli

D = "004_925ac23fd4dc491f"


class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.text = ""
        self.units: list[str] = []
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        cls = dict(attrs).get("class", "") or ""
        if tag == "div" and cls.split()[:1] == ["unit"]:
            self.units.append("")
            self._depth = 1
        elif tag == "div" and self._depth:
            self._depth += 1

    def handle_endtag(self, tag):
        if tag == "div" and self._depth:
            self._depth -= 1

    def handle_data(self, data):
        self.text += data
        if self._depth:
            self.units[-1] += data + " "


@pytest.fixture
def decided(seeded, annotate_three):
    p = seeded
    annotate_three(p)
    rd = p.review(D)
    [stance] = [u for u in rd.units if u.kind == "stance"]
    p.decide(D, stance.key, "accepted", annotator="chen", note="'could consider' is conditional")
    rubio = next(u for u in rd.units if u.kind == "span" and u.differs() == ["boundary"])
    p.decide(D, rubio.key, "accepted", annotator="chen", note="titles stay out of ACTOR spans")
    for u in p.review(D).units:
        if not u.decided:
            p.decide(D, u.key, "accepted")
    target = {t.id: t.name for t in p.targets()}["isf-troops"]
    return p, target


def test_feedback_shows_versions_gold_sentence_and_note(decided, capsys):
    p, target = decided
    fb = p.feedback("alice")
    item = next(i for i in fb.items if i.unit.kind == "stance")
    assert item.mine_shown.startswith(f"Pakistan → {target}: support")
    assert item.gold_shown.startswith(f"Pakistan → {target}: conditional")
    assert "Pakistan has offered to send troops" in item.sentence and item.note == "'could consider' is conditional"
    span = next(i for i in fb.items if i.unit.kind == "span" and not i.taken)
    assert span.mine_shown == 'ACTOR "Marco Rubio" → Marco Rubio' and span.gold_shown == 'ACTOR "Rubio" → Marco Rubio'
    path = p.path
    p.close()
    assert cli(["feedback", str(path), "alice"]) == 0
    out = capsys.readouterr().out
    assert f"yours:    Pakistan → {target}: support" in out and f"gold:     Pakistan → {target}: conditional" in out
    assert "note:     titles stay out of ACTOR spans" in out and "sentence: " in out
    assert "0–0" not in out


def test_feedback_html_one_page_per_annotator_escaped_and_self_contained(decided, tmp_path, capsys):
    p, target = decided
    # a name and a note with markup in them must come out as text
    p.annotate(D, "<script>x</script>", 0, 3, "ACTOR")
    rd = p.review(D)
    [stance] = [u for u in rd.units if u.kind == "stance"]
    p.set_review_note(D, stance.key, "see <b>guideline</b> §4 <script>alert(1)</script>")
    path = p.path
    p.close()
    page_file = tmp_path / "alice.html"
    assert cli(["feedback", str(path), "alice", "--html", str(page_file)]) == 0
    assert capsys.readouterr().out.strip() == f"wrote feedback for alice to {page_file}"
    raw = page_file.read_text(encoding="utf-8")
    page = Page()
    page.feed(raw)
    assert "script" not in page.tags and "b" not in page.tags and "link" not in page.tags
    assert not re.search(r"""(src|href)=["']""", raw)                   # nothing fetched
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw
    unit = next(u for u in page.units if "conditional" in u)
    assert f"Pakistan → {target}: support" in unit and f"Pakistan → {target}: conditional" in unit
    assert "Pakistan has offered to send troops" in unit
    assert "see <b>guideline</b> §4 <script>alert(1)</script>" in unit      # the note, as text

    out_dir = tmp_path / "pages"
    assert cli(["feedback", str(path), "--all", "--html", str(out_dir)]) == 0
    names = sorted(x.name for x in out_dir.iterdir())
    assert names == ["feedback-alice.html", "feedback-bob.html", "feedback-chen.html", "feedback-script_x_script.html"]
    evil = (out_dir / "feedback-script_x_script.html").read_text(encoding="utf-8")
    assert "<script>" not in evil and "Feedback for &lt;script&gt;x&lt;/script&gt;" in evil
    assert cli(["feedback", str(path), "alice", "--html", str(out_dir)]) == 2     # a folder for one annotator
    assert "folder" in capsys.readouterr().err


def test_feedback_for_everyone_as_text_and_json(decided, capsys):
    p, _ = decided
    path = p.path
    p.close()
    assert cli(["feedback", str(path)]) == 0
    out = capsys.readouterr().out
    assert all(f"Feedback for {n}:" in out for n in ("alice", "bob", "chen"))
    assert cli(["feedback", str(path), "chen", "--json"]) == 0
    import json
    [data] = json.loads(capsys.readouterr().out)
    stance = next(u for u in data["units"] if u["kind"] == "stance")
    assert stance["same_as_gold"] is True and stance["note"] and stance["sentence"]
