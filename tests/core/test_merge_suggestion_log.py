"""Issue 22: the annotators' decisions on model suggestions (``suggestion_log``) come back with a
merge, so ``suggest stats`` on the lead's project counts every annotator's decisions; merging
twice adds nothing; a hostile log row refuses the file, naming it and the row."""
from __future__ import annotations

import json
import sqlite3

import pytest

from isfannotate import Project
from isfannotate.cli import main as cli
from isfannotate.suggest import Suggestion

from .test_merge_refusals import digest, hand_out, refused_by_cli
from .test_team import DOC4


@pytest.fixture
def lead(tmp_path, seeds_dir):
    p = Project.create(tmp_path / "corpus.isf", registry=seeds_dir / "registry.json")
    p.import_paths(sorted(seeds_dir.glob("*.txt")))
    yield p
    p.close()


def _decide(path, who, decisions):
    """Log *decisions* in the handed-out file: (word, label, model version, 'accept' | 'reject' |
    'correct'); a word is suggested at its first place in DOC4."""
    with Project.open(path) as h:
        text = h.document(DOC4).text
        for word, label, version, decision in decisions:
            i = text.index(word)
            s = Suggestion("span", i, i + len(word), label, 0.75, version)
            if decision == "reject":
                h.reject_model_suggestion(DOC4, who, s)
            else:
                corrected = (i, i + len(word) + 1, label) if decision == "correct" else None
                h.accept_model_suggestion(DOC4, who, s, corrected=corrected)


ALICE = [("Rubio", "ACTOR", 1, "accept"), ("Pakistan", "ACTOR", 1, "reject"), ("said", "CUE", 1, "correct"),
         ("Donald Trump", "ACTOR", 7, "accept")]   # model 7: a version the lead's project does not have
BOB = [("Rubio", "ACTOR", 1, "reject"), ("Pakistan", "ACTOR", 1, "accept"), ("said", "CUE", 1, "reject")]


def _counts(stats):
    """{(model version, label): (accepted, corrected, rejected)} of ``suggestion_stats``."""
    return {(v["model_version"], lab): (c["accepted"], c["corrected"], c["rejected"])
            for v in stats["versions"] for lab, c in v["labels"].items()}


def test_merged_decisions_are_counted_by_suggest_stats_and_a_second_merge_adds_nothing(lead, tmp_path, capsys):
    files = hand_out(lead, tmp_path)
    _decide(files["alice"], "alice", ALICE)
    _decide(files["bob"], "bob", BOB)
    assert lead.suggestion_log() == []
    report = lead.merge([files["alice"], files["bob"]])
    assert [f.suggestion_decisions for f in report.files] == [4, 3]
    assert "4 suggestion decisions" in report.summary()
    by_hand = {(1, "ACTOR"): (1 + 1, 0, 1 + 1), (1, "CUE"): (0, 1, 1), (7, "ACTOR"): (1, 0, 0)}
    assert _counts(lead.suggestion_stats()) == by_hand
    log = lead.suggestion_log()
    assert sorted((r["layer"], r["model_version"], r["decision"]) for r in log) == sorted(
        [("alice", v, d) for _, _, v, d in ALICE] + [("bob", v, d) for _, _, v, d in BOB])
    assert {r["document_id"] for r in log} == {DOC4}
    # the command a lead runs counts them too
    path = lead.path
    lead.close()
    capsys.readouterr()
    assert cli(["suggest", "stats", str(path), "--json"]) == 0
    assert _counts(json.loads(capsys.readouterr().out)) == by_hand
    with Project.open(path) as p:
        again = p.merge([files["alice"], files["bob"]])
        assert [f.suggestion_decisions for f in again.files] == [0, 0]
        assert _counts(p.suggestion_stats()) == by_hand and len(p.suggestion_log()) == 7
        # undo of the first merge is not reachable here (a new session), but undoing a merge
        # that brought decisions takes them out again: alice rejects once more, and it is merged
        _decide(files["alice"], "alice", [("Gaza", "ACTOR", 1, "reject")])
        third = p.merge([files["alice"]])
        assert third.files[0].suggestion_decisions == 1 and third.files[0].replaced == 0   # her layer: unchanged
        assert _counts(p.suggestion_stats())[(1, "ACTOR")] == (2, 0, 3)
        p.undo()
        assert _counts(p.suggestion_stats()) == by_hand


@pytest.mark.parametrize("sql,words", [
    ("UPDATE suggestion_log SET model_version = 'v2-beta'", ["suggestion log row 1", "model version is str"]),
    ("UPDATE suggestion_log SET start = 'x'", ["suggestion log row 1", "start-end"]),
    ("UPDATE suggestion_log SET label = printf('%.*c', 1000000, 'A')", ["suggestion log row 1", "label is 1000000"]),
    ("UPDATE suggestion_log SET \"end\" = 10000000", ["suggestion log row 1", "not inside its text"]),
    ("UPDATE suggestion_log SET score = x'00ff'", ["suggestion log row 1", "score is bytes"]),
])
def test_a_hostile_suggestion_log_row_refuses_the_file_naming_file_and_row(lead, tmp_path, capsys, sql, words):
    files = hand_out(lead, tmp_path)
    _decide(files["alice"], "alice", ALICE[:1])
    conn = sqlite3.connect(files["alice"])
    conn.execute("PRAGMA ignore_check_constraints=ON")
    conn.execute(sql)
    conn.commit()
    conn.close()
    path = lead.path
    lead.close()
    before = digest(path)
    refused_by_cli(path, [str(files["alice"])], capsys, str(files["alice"]), *words)
    assert digest(path) == before


def test_a_log_row_of_another_layer_in_the_file_is_refused(lead, tmp_path, capsys):
    files = hand_out(lead, tmp_path)
    _decide(files["alice"], "alice", ALICE[:1])
    conn = sqlite3.connect(files["alice"])
    conn.execute("UPDATE suggestion_log SET layer = 'mallory'")
    conn.commit()
    conn.close()
    path = lead.path
    lead.close()
    refused_by_cli(path, [str(files["alice"])], capsys, str(files["alice"]), "mallory")


def test_a_hostile_row_in_the_second_file_read_in_the_worker_refuses_both(lead, tmp_path, capsys):
    """The second file is opened, verified and read in the merge's worker thread while the first
    is written: its refusal still names it, and nothing of the first file stays."""
    files = hand_out(lead, tmp_path)
    _decide(files["alice"], "alice", ALICE)
    _decide(files["bob"], "bob", BOB)
    conn = sqlite3.connect(files["bob"])
    conn.execute("UPDATE suggestion_log SET model_version = 'latest' WHERE decision = 'accept'")
    conn.commit()
    conn.close()
    path = lead.path
    lead.close()
    err = refused_by_cli(path, [str(files["alice"]), str(files["bob"])], capsys, str(files["bob"]),
                         "model version is str")
    assert str(files["alice"]) not in err
    with Project.open(path) as p:
        assert p.suggestion_log() == [] and "alice" not in p.layers()
