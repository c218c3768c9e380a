"""The review window (issue 13) driven with its keys: three annotators with known
disagreements on seed 004 (a nested ACTOR inside a CLAIM, a claim whose source differs, a
stance whose polarity differs, a boundary difference, an incomplete unit) → auto-merge →
the remaining decisions made with Enter / R / 1–9 / N → the gold export holds exactly the
expected annotations."""
import json
import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

D = "004_925ac23fd4dc491f"
TEAM = ("alice", "bob", "chen")


def at(text, phrase):
    i = text.index(phrase)
    return i, i + len(phrase)


@pytest.fixture
def three(window, annotate_three):
    """Three annotators with known disagreements (tests/conftest.py: annotate_three)."""
    annotate_three(window.project)
    window.session.set_annotator("lead")
    return window


def normalised(rec: dict) -> dict:
    """A gold record with span ids as (label, text) and stance ids as holder→target, no timestamps."""
    sid = {x["id"]: f"{x['label']}:{x['text']}" for x in rec["spans"]}
    sid |= {x["id"]: f"stance:{x['holder']}→{x['target']}" for x in rec["stances"]}
    drop_at = lambda d: {k: v for k, v in d.items() if k != "at"}  # noqa: E731
    return {
        "spans": sorted((x["label"], x["start"], x["end"], x["text"], x["actor_id"]) for x in rec["spans"]),
        "claims": [{**c, "span": sid[c["span"]], "source_span": sid.get(c["source_span"]), "cue": sid.get(c["cue"])}
                   for c in rec["claims"]],
        "stances": [{**{k: v for k, v in x.items() if k != "id"}, "evidence": [sid[e] for e in x["evidence"]]}
                    for x in rec["stances"]],
        "provenance": {sid[k]: drop_at(v) for k, v in rec["provenance"].items()},
        "notes": {sid[k]: v for k, v in rec.get("notes", {}).items()},
        "rejected": [drop_at(x) for x in rec.get("rejected", [])],
    }


CLAIM = "CLAIM:Pakistan has offered to send troops"
EXPECTED_GOLD = {
    "spans": [("ACTOR", 22, 33, "Marco Rubio", "marco-rubio"), ("ACTOR", 54, 62, "Pakistan", "pakistan"),
              ("CLAIM", 54, 89, "Pakistan has offered to send troops", None)],
    "claims": [{"span": CLAIM, "source_kind": "article", "source": None, "source_span": None, "cue": None,
                "quote": "reported"}],
    "stances": [{"holder": "pakistan", "target": "isf-troops", "polarity": "conditional", "conditions": None,
                 "evidence": [CLAIM]}],
    "provenance": {
        "ACTOR:Pakistan": {"proposed_by": list(TEAM), "agreed": list(TEAM), "decided_by": "auto:unanimous"},
        CLAIM: {"proposed_by": list(TEAM), "agreed": ["bob"], "decided_by": "lead"},
        "ACTOR:Marco Rubio": {"proposed_by": list(TEAM), "agreed": ["alice", "bob"], "decided_by": "lead"},
        "stance:pakistan→isf-troops": {"proposed_by": list(TEAM), "agreed": ["chen"], "decided_by": "lead"},
    },
    "notes": {"stance:pakistan→isf-troops": "'could consider' is conditional"},
    "rejected": [{"kind": "span", "start": 1322, "end": 1327, "label": "ACTOR", "text": "Hamas",
                  "proposed_by": ["alice", "bob"], "note": "", "decided_by": "lead"}],
}


def activate(qtbot, w):
    w.windowHandle().requestActivate()     # keys go to the active window's focus
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w, timeout=3000)


def open_review(qtbot, w):
    """The review window, shown and active (its keys need an active window)."""
    rw = w.reviewing.show_review()
    qtbot.addWidget(rw)
    qtbot.waitExposed(rw)
    activate(qtbot, rw)
    return rw


def press(qtbot, rw, key, mod=Qt.KeyboardModifier.NoModifier):
    rw.units.setFocus()
    qtbot.keyClick(rw.units, key, mod)


def test_auto_merge_then_keys_decide_the_rest_and_gold_is_as_expected(qtbot, three, tmp_path):
    w = three
    p = w.project
    text = p.document(D).text
    rw = open_review(qtbot, w)
    assert [r.document_id for r in rw.queue_model.rows] == [D]
    assert rw.units_model.coders == list(TEAM)
    n_units = len(rw.units_model.units)

    qtbot.mouseClick(rw.findChild(type(rw.findChild(object, "autoMerge")), "autoMerge"), Qt.MouseButton.LeftButton)
    states = {(u.kind, text[u.start:u.end] if u.end > u.start else u.label): u.state for u in rw.units_model.units}
    assert states[("span", "Pakistan")] == "accepted"                 # the nested ACTOR, unanimous
    assert states[("span", "Pakistan has offered to send troops")] == "accepted"
    assert states[("claim", "Pakistan has offered to send troops")] == "disagree"
    open_before = rw.queue_model.rows[0].open_disagreements
    assert open_before == 4            # Rubio's boundary, the claim's source, the stance, Hamas (incomplete)
    if os.environ.get("ISF_SHOTS"):
        rw.grab().save(str(Path(os.environ["ISF_SHOTS"]) / "review-window.png"))

    # N from an accepted unit goes to the next open disagreement; Shift+N back to the one before
    nested = next(i for i, u in enumerate(rw.units_model.units) if u.state == "accepted")
    rw.units.setCurrentIndex(rw.units_model.index(nested, 0))
    press(qtbot, rw, Qt.Key.Key_N)
    after = rw.current_unit()
    assert after.state in ("disagree", "incomplete") and rw.units_model.row_of(after.key) > nested
    rw.units.setCurrentIndex(rw.units_model.index(nested, 0))
    press(qtbot, rw, Qt.Key.Key_N, Qt.KeyboardModifier.ShiftModifier)
    before = rw.current_unit()
    assert before.state in ("disagree", "incomplete") and rw.units_model.row_of(before.key) < nested
    # decide from the first open one: each decision moves on to the next
    first_open = next(i for i, u in enumerate(rw.units_model.units) if u.state in ("disagree", "incomplete"))
    rw.units.setCurrentIndex(rw.units_model.index(first_open, 0))
    seen = []
    for _ in range(10):
        u = rw.current_unit()
        if u is None or u.decided or u.state == "agree":
            break
        covered = text[u.start:u.end] if u.end > u.start else u.label
        seen.append((u.kind, covered))
        if u.kind == "span" and "Rubio" in covered:
            press(qtbot, rw, Qt.Key.Key_1)              # alice: "Marco Rubio"
            assert rw.units_model.picked[u.key] == "alice"
            press(qtbot, rw, Qt.Key.Key_Return)
        elif u.kind == "span":                          # Hamas, only alice and bob: rejected (R asks, R again)
            press(qtbot, rw, Qt.Key.Key_R)
            press(qtbot, rw, Qt.Key.Key_R)
        elif u.kind == "claim":
            press(qtbot, rw, Qt.Key.Key_2)              # bob: the article is the source
            press(qtbot, rw, Qt.Key.Key_Return)
        else:                                           # the stance: chen's conditional, with a note
            press(qtbot, rw, Qt.Key.Key_3)
            rw.note.setText("'could consider' is conditional")
            press(qtbot, rw, Qt.Key.Key_Return)
    assert sorted(k for k, _ in seen) == ["claim", "span", "span", "stance"]
    assert rw.queue_model.rows[0].open_disagreements == 0
    assert rw.overall.value() == rw.overall.maximum() == n_units
    assert "every disagreement is decided" in rw.status.text()

    # the gold export equals the expected record once ids and timestamps are normalised
    out = p.export("jsonl", str(tmp_path / "gold"), layer="gold")
    [path] = [f for f in out.files if str(f).endswith(".jsonl")]
    [rec] = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines()]
    assert normalised(rec) == EXPECTED_GOLD
    records, _left = p.gold_records("gold")
    [rec] = [r for r in records if r["id"] == D]
    assert p.review(D).unit(next(u.key for u in p.review(D).units if u.kind == "stance")).decision["note"] \
        == "'could consider' is conditional"
    assert all(v["decided_by"] in ("lead", "auto:unanimous") for v in rec["provenance"].values())

    # G: the stance's decision becomes a worked example in the Guide tab, as plain text
    stance_row = next(i for i, u in enumerate(rw.units_model.units) if u.kind == "stance")
    rw.units.setCurrentIndex(rw.units_model.index(stance_row, 0))
    press(qtbot, rw, Qt.Key.Key_G)
    ex = w.reviewing.examples
    assert not ex.isHidden() and "STANCE" in ex.toPlainText() and "could consider" in ex.toPlainText()

    # one decision is one undo step in the main window
    w.undo()                                   # the example
    w.undo()                                   # the stance decision
    assert p.stances(D, "gold") == []


def test_review_keys_act_only_in_the_review_area(qtbot, three):
    w = three
    rw = open_review(qtbot, w)
    before = rw.current_key()
    rw.note.setFocus()
    qtbot.keyClicks(rw.note, "NR1")                   # typed into the note, not review keys
    assert rw.note.text().endswith("NR1") and rw.current_key() == before
    assert not any(u.decided for u in rw.units_model.units)
    # and the review window's keys are not the main window's: R in the article view decides nothing
    activate(qtbot, w)
    w.view.setFocus()
    qtbot.keyClick(w.view, Qt.Key.Key_R)
    assert not any(u.decided for u in w.project.review(D).units)


def test_edit_boundary_then_accept(qtbot, three):
    w = three
    p = w.project
    text = p.document(D).text
    rw = open_review(qtbot, w)
    row = next(i for i, u in enumerate(rw.units_model.units) if u.kind == "span" and "Rubio" in text[u.start:u.end])
    rw.units.setCurrentIndex(rw.units_model.index(row, 0))
    s, e = at(text, "Secretary of State Marco Rubio")
    rw.view.set_text_cursor_range(s, e)
    rw.area.setFocus()
    qtbot.keyClick(rw.units, Qt.Key.Key_E)
    gold = [(x.label, text[x.start:x.end]) for x in p.spans(D, "gold")]
    assert ("ACTOR", "Secretary of State Marco Rubio") in gold


def test_feedback_shows_an_annotators_version_the_gold_and_the_note(qtbot, three):
    w = three
    p = w.project
    text = p.document(D).text
    rd = p.review(D)
    stance = next(u for u in rd.units if u.kind == "stance")
    p.decide(D, stance.key, "accepted", annotator="chen", note="'could consider' is conditional")
    fw = w.reviewing.show_feedback("bob")
    qtbot.addWidget(fw)
    rows = fw.model.rows
    assert [(item.unit.kind, item.taken, item.note) for _d, item in rows] == [
        ("stance", False, "'could consider' is conditional")]
    assert "support" in fw.model.index(0, fw.model.YOURS).data()
    assert "conditional" in fw.model.index(0, fw.model.GOLD_COL).data()
    assert "1 differ from bob's version" in fw.summary.text()
    # the Hamas span rejected: bob had it, so it is listed as differing, and opens in his layer
    hamas = next(u for u in p.review(D).units if u.kind == "span" and text[u.start:u.end] == "Hamas")
    p.decide(D, hamas.key, "rejected")
    w.reviewing.load_feedback("bob")
    row = next(i for i, (_d, item) in enumerate(fw.model.rows) if item.unit.key == hamas.key)
    fw.items.clicked.emit(fw.model.index(row, fw.model.YOURS))
    assert w.annotator == "bob" and w.doc_id == D
    sel = w.view.selected_span_id()
    assert sel is not None and text[w.session.spans[sel].start:w.session.spans[sel].end] == "Hamas"


def test_ctrl_e_edits_a_version_then_accepts_it(qtbot, three):
    w = three
    p = w.project
    rw = open_review(qtbot, w)
    row = next(i for i, u in enumerate(rw.units_model.units) if u.kind == "stance")
    rw.units.setCurrentIndex(rw.units_model.index(row, 0))
    press(qtbot, rw, Qt.Key.Key_3)                                   # chen's conditional
    press(qtbot, rw, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    dlg = next(d for d in w.dialogs if d.objectName() == "reviewEditDialog")
    pol = dlg.findChild(type(dlg.fields["polarity"]), "edit-polarity")
    pol.setCurrentIndex(pol.findData("conditional"))
    dlg.fields["conditions"].setText("only if the force does not disarm Hamas")
    assert dlg.edited() == {"conditions": "only if the force does not disarm Hamas"}
    dlg._on_ok()
    [st] = p.stances(D, "gold")
    assert (st.polarity, st.conditions) == ("conditional", "only if the force does not disarm Hamas")
    unit = p.review(D).unit(rw.units_model.units[row].key) or next(u for u in p.review(D).units if u.kind == "stance")
    assert unit.decision["chosen"] == "edited"


def test_undo_in_the_main_window_shows_in_the_review_window_when_it_is_active_again(qtbot, three):
    w = three
    rw = open_review(qtbot, w)
    row = next(i for i, u in enumerate(rw.units_model.units) if u.kind == "stance")
    rw.units.setCurrentIndex(rw.units_model.index(row, 0))
    key = rw.current_key()
    press(qtbot, rw, Qt.Key.Key_R)
    press(qtbot, rw, Qt.Key.Key_R)
    assert rw.units_model.units[rw.units_model.row_of(key)].state == "rejected"
    activate(qtbot, w)
    w.undo()
    activate(qtbot, rw)
    assert rw.units_model.units[rw.units_model.row_of(key)].state == "disagree"


def test_feedback_window_shows_the_sentence_and_the_same_lines_as_the_cli(qtbot, three):
    """The window shows each unit's sentence, a stance's evidence as its text, and the versions
    as ``isfannotate feedback`` words them (the target's name, not its id)."""
    w = three
    p = w.project
    stance = next(u for u in p.review(D).units if u.kind == "stance")
    p.decide(D, stance.key, "accepted", annotator="chen")
    fw = w.reviewing.show_feedback("bob")
    qtbot.addWidget(fw)
    [(doc, item)] = fw.model.rows
    cli = next(i for i in p.feedback("bob").items if i.unit.key == stance.key)
    row = lambda col: fw.model.index(0, col).data()  # noqa: E731
    assert cli.sentence and row(fw.model.SENTENCE) == " ".join(cli.sentence.split())
    assert "Pakistan has offered to send troops" in row(3)
    assert row(fw.model.YOURS) == cli.mine_shown and "contributing troops to the ISF" in row(fw.model.YOURS)
    assert row(fw.model.GOLD_COL) == cli.gold_shown and "conditional" in row(fw.model.GOLD_COL)
    assert "sentence: " in fw.model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)


def test_the_guide_examples_are_read_when_the_guide_tab_is_first_shown(qtbot, window):
    seen: list[str] = []
    reads = lambda: sum("FROM guideline_examples" in q for q in seen)  # noqa: E731
    window.project.conn.set_trace_callback(seen.append)
    try:
        window.reviewing.project_opened()             # as when a project opens: the Guide tab is hidden
        assert reads() == 0
        window.kb.show_tab(window.kb.guide)           # Ctrl+5
        assert reads() == 1
        window.kb.show_tab(window.annotations)
        window.kb.show_tab(window.kb.guide)           # read once per project
        assert reads() == 1
        window.reviewing.project_opened()             # opened with the Guide tab shown: read at once
        assert reads() == 2
    finally:
        window.project.conn.set_trace_callback(None)
