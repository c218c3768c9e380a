"""Issue 19: majority auto-merge that is a majority (K >= 2, ties never decided), and per-unit
decisions from the command line (``review list`` / ``review decide``) through the same core
action as the review window."""
from __future__ import annotations

import json

import pytest

from isfannotate import Project
from isfannotate.cli import main as cli
from isfannotate.errors import ValidationError

D = "004_925ac23fd4dc491f"


def at(text, phrase):
    i = text.index(phrase)
    return i, i + len(phrase)


def annotate(p, who: str, rubio: str, polarity: str) -> None:
    """*who* marks *rubio* ("Marco Rubio" or "Rubio") as an ACTOR, the shared CLAIM, and a stance
    Pakistan → isf-troops with *polarity*; then marks the document done."""
    text = p.document(D).text
    actors = {a.name: a.id for a in p.actors()}
    p.annotate(D, who, *at(text, rubio), "ACTOR", actor_id=actors["Marco Rubio"])
    claim = p.annotate(D, who, *at(text, "Pakistan has offered to send troops"), "CLAIM").rows("spans")[0].after["id"]
    p.set_stance(D, who, holder=actors["Pakistan"], target="isf-troops", polarity=polarity, evidence=[claim])
    p.set_status(D, who, "done", reason="test")


@pytest.fixture
def two(seeded):
    """ayesha and bilal disagree on Rubio's boundary and on the stance's polarity."""
    annotate(seeded, "ayesha", "Marco Rubio", "support")
    annotate(seeded, "bilal", "Rubio", "conditional")
    seeded.author = "lead"
    return seeded


def test_min_1_is_refused_and_leaves_the_project_byte_identical(two, capsys, tmp_path):
    path = two.path
    with pytest.raises(ValidationError, match="K >= 2"):
        two.adjudicate_auto("majority", min_k=1)
    two.close()
    before = path.read_bytes()
    assert cli(["adjudicate", str(path), "--auto", "majority", "--min", "1"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--min 1" in err[0] and "K >= 2" in err[0]
    assert cli(["adjudicate", str(path), "--auto", "majority", "--min", "0"]) == 2
    assert path.read_bytes() == before


def test_two_annotators_disagreeing_is_a_tie_never_decided(two):
    two.adjudicate_auto("majority")
    units = two.review(D).units
    decided = [(u.kind, u.label, u.state) for u in units if u.decided]
    assert decided == [("span", "CLAIM", "accepted")]                  # only what both hold
    open_units = [u for u in units if not u.decided]
    assert sorted(u.kind for u in open_units) == ["span", "stance"]     # Rubio's boundary, the polarity: 1 vs 1
    assert two.stances(D, "gold") == []


def test_two_against_two_is_a_tie_three_against_one_a_majority(seeded):
    for who, rubio, pol in (("a1", "Marco Rubio", "support"), ("a2", "Marco Rubio", "support"),
                            ("a3", "Rubio", "conditional"), ("a4", "Rubio", "support")):
        annotate(seeded, who, rubio, pol)
    seeded.author = "lead"
    seeded.adjudicate_auto("majority", min_k=2)
    units = seeded.review(D).units
    [rubio] = [u for u in units if u.kind == "span" and u.differs() == ["boundary"]]
    assert not rubio.decided                                     # 2 vs 2
    [stance] = [u for u in units if u.kind == "stance"]
    assert stance.state == "accepted" and stance.decision["decided_by"] == "auto:majority"
    [g] = seeded.stances(D, "gold")
    assert g.polarity == "support"                               # 3 of 4
    # --min 4: 3 of 4 is a majority but fewer than K, so nothing more is decided
    seeded.undo()
    seeded.adjudicate_auto("majority", min_k=4)
    assert not any(u.kind == "stance" and u.decided for u in seeded.review(D).units)


def listed(path, capsys, *args) -> list[dict]:
    assert cli(["review", "list", str(path), "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_review_list_and_decide_round_trip(two, capsys):
    path = two.path
    two.close()
    units = listed(path, capsys)
    assert {(u["kind"], tuple(u["differs"])) for u in units} == {("span", ("boundary",)), ("stance", ("polarity",))}
    for u in units:
        assert set(u) >= {"id", "document", "kind", "state", "differs", "versions"}
        assert u["document"] == D and u["state"] == "disagree" and set(u["versions"]) == {"ayesha", "bilal"}
    # stable ids: the same on a second run, and derived from content, not position
    assert [u["id"] for u in listed(path, capsys)] == [u["id"] for u in units]
    assert [u["id"] for u in listed(path, capsys, "--state", "all")] != [u["id"] for u in units]
    stance = next(u for u in units if u["kind"] == "stance")
    rubio = next(u for u in units if u["kind"] == "span")

    assert cli(["review", "decide", str(path), stance["id"], "--take", "bilal", "--note", "'could consider'"]) == 0
    out = capsys.readouterr().out
    assert "take bilal on STANCE Pakistan → contributing troops to the ISF" in out
    assert cli(["review", "decide", str(path), rubio["id"], "--reject"]) == 0
    assert capsys.readouterr().out.startswith("reject every version of ACTOR “Marco Rubio”")
    assert listed(path, capsys) == []                           # nothing open
    decided = {u["id"]: u for u in listed(path, capsys, "--state", "decided")}
    assert decided[stance["id"]]["decision"]["chosen"] == "bilal"
    assert decided[stance["id"]]["decision"]["note"] == "'could consider'"
    assert decided[rubio["id"]]["state"] == "rejected"
    with Project.open(path) as p:
        [g] = p.stances(D, "gold")
        assert g.polarity == "conditional"


def test_review_decide_matches_the_window_action(two, tmp_path, capsys):
    """The CLI's decision is the core's ``decide`` (the window's action): same gold rows, same
    decision row, and the project's undo names it."""
    rd = two.review(D)
    stance = next(u for u in rd.units if u.kind == "stance")
    change = two.decide(D, stance.key, "accepted", annotator="bilal", note="n")
    assert change.action == "decision:"
    assert change.description == "take bilal on STANCE Pakistan → contributing troops to the ISF"
    window_gold = [(s.holder, s.target, s.polarity) for s in two.stances(D, "gold")]
    window_row = two.conn.execute("SELECT decision, chosen, note, decided_by FROM decisions").fetchall()
    two.undo()
    assert two.stances(D, "gold") == []
    path = two.path
    two.close()
    assert cli(["review", "decide", str(path), stance.key, "--take", "bilal", "--note", "n"]) == 0
    with Project.open(path) as p:
        assert [(s.holder, s.target, s.polarity) for s in p.stances(D, "gold")] == window_gold
        assert p.conn.execute("SELECT decision, chosen, note, decided_by FROM decisions").fetchall() == window_row


def test_review_decide_edit_file_is_checked_against_the_scheme(two, tmp_path, capsys):
    path = two.path
    two.close()
    units = listed(path, capsys)
    stance = next(u for u in units if u["kind"] == "stance")
    version = dict(stance["versions"]["ayesha"])
    f = tmp_path / "v.json"

    def decide_edit(v) -> int:
        f.write_text(json.dumps(v), encoding="utf-8")
        return cli(["review", "decide", str(path), stance["id"], "--edit", str(f)])

    before = path.read_bytes()
    assert decide_edit({**version, "polarity": "lukewarm"}) == 2
    assert "polarity 'lukewarm' is not a polarity" in capsys.readouterr().err
    assert decide_edit({**version, "holder": "nobody"}) == 2
    assert "no actor with id 'nobody'" in capsys.readouterr().err
    assert decide_edit({**version, "colour": "red"}) == 2
    assert "colour is not part of a stance version" in capsys.readouterr().err
    assert decide_edit({**version, "evidence": [[0, 3]]}) == 2
    assert "differ from every annotator's version" in capsys.readouterr().err
    f.write_text('{"polarity": ', encoding="utf-8")
    assert cli(["review", "decide", str(path), stance["id"], "--edit", str(f)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"{f}: line 1: not JSON" in err[0]
    assert path.read_bytes() == before
    assert decide_edit({**version, "polarity": "conditional", "conditions": "if the force does not disarm Hamas"}) == 0
    capsys.readouterr()
    with Project.open(path) as p:
        [g] = p.stances(D, "gold")
        assert (g.polarity, g.conditions) == ("conditional", "if the force does not disarm Hamas")
        unit = p.review(D).unit(stance["id"])
        assert unit.decision["chosen"] == "edited"
    # a span's boundary: inside the text, in code points
    rubio = next(u for u in listed(path, capsys) if u["kind"] == "span")
    f.write_text(json.dumps({"start": 5, "end": 10 ** 7}), encoding="utf-8")
    assert cli(["review", "decide", str(path), rubio["id"], "--edit", str(f)]) == 2
    assert "0 <= start < end <=" in capsys.readouterr().err


def test_review_decide_refuses_unknown_units_and_annotators_in_one_line(two, capsys):
    path = two.path
    two.close()
    [stance] = [u for u in listed(path, capsys) if u["kind"] == "stance"]
    before = path.read_bytes()
    for args, said in (([stance["id"], "--take", "zed"], "'zed' has no version"),
                       (["stance:" + D + ":0000", "--reject"], "no unit"),
                       (["nonsense", "--reject"], "unit ids look like"),
                       ([stance["id"], "--edit", "/nonexistent/v.json"], "cannot read")):
        assert cli(["review", "decide", str(path), *args]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and said in err[0], err
    assert cli(["review", "list", str(path), "--state", "maybe"]) == 2
    assert "--state 'maybe'" in capsys.readouterr().err
    assert cli(["review", "list", str(path), "--document", "nope"]) == 2
    assert path.read_bytes() == before


def test_review_list_text_names_versions(two, capsys):
    path = two.path
    two.close()
    assert cli(["review", "list", str(path)]) == 0
    out = capsys.readouterr().out
    assert "ayesha: ACTOR" in out and "“Marco Rubio”" in out and "bilal:" in out and "“Rubio”" in out
    assert "Pakistan → contributing troops to the ISF: conditional" in out
    assert out.strip().splitlines()[-1] == "2 units (open); 2 open"


def test_a_reader_that_goes_away_is_no_traceback(two):
    """``isfannotate review list P | head -1``: the closed pipe ends the command quietly."""
    import subprocess
    import sys
    path = two.path
    two.close()
    proc = subprocess.Popen([sys.executable, "-m", "isfannotate", "review", "list", str(path), "--state", "all"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()                       # the reader is gone before the first line is written
    with proc.stderr:
        err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) in (0, 141) and "Traceback" not in err and "BrokenPipe" not in err, err


def test_review_decide_undecide_takes_a_decision_back(two, capsys, snapshot):
    gold_tables = ("spans", "claims", "stances", "stance_evidence", "provenance", "decisions", "doc_labels")
    before = {t: v for t, v in snapshot(two).items() if t in gold_tables}
    path = two.path
    two.close()
    [rubio] = [u for u in listed(path, capsys) if u["kind"] == "span"]
    assert cli(["review", "decide", str(path), rubio["id"], "--take", "ayesha", "--note", "title left out"]) == 0
    assert cli(["review", "decide", str(path), rubio["id"], "--undecide"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1].startswith("take back the decision on ACTOR “Marco Rubio”")
    assert [u["id"] for u in listed(path, capsys)] == [rubio["id"]] + [
        u["id"] for u in listed(path, capsys) if u["kind"] == "stance"]
    assert {t: v for t, v in snapshot(path).items() if t in gold_tables} == before
    assert cli(["review", "decide", str(path), rubio["id"], "--undecide"]) == 2
    assert "is not decided" in capsys.readouterr().err
