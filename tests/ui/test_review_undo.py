"""Issue 19 in the review window: the note typed before picking a version is kept; R asks
before rejecting every version; Ctrl+Z / Ctrl+Shift+Z there undo / redo the last decision,
named, through the project's undo (the main window's history)."""
import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

D = "004_925ac23fd4dc491f"


@pytest.fixture
def three(window, annotate_three):
    annotate_three(window.project)
    window.session.set_annotator("lead")
    return window


def activate(qtbot, w):
    w.windowHandle().requestActivate()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w, timeout=3000)


def open_review(qtbot, w):
    rw = w.reviewing.show_review()
    qtbot.addWidget(rw)
    qtbot.waitExposed(rw)
    activate(qtbot, rw)
    return rw


def press(qtbot, rw, key, mod=Qt.KeyboardModifier.NoModifier):
    rw.units.setFocus()
    qtbot.keyClick(rw.units, key, mod)


def go_to(rw, pred):
    row = next(i for i, u in enumerate(rw.units_model.units) if pred(u))
    rw.units.setCurrentIndex(rw.units_model.index(row, 0))
    return rw.units_model.units[row]


def test_a_note_typed_before_picking_a_version_is_saved_with_the_decision(qtbot, three):
    p = three.project
    rw = open_review(qtbot, three)
    stance = go_to(rw, lambda u: u.kind == "stance")
    rw.note.setFocus()
    qtbot.keyClicks(rw.note, "could consider = conditional")
    press(qtbot, rw, Qt.Key.Key_3)                      # chen's version
    assert rw.note.text() == "could consider = conditional"
    press(qtbot, rw, Qt.Key.Key_Return)
    unit = p.review(D).unit(stance.key)
    assert unit.decision["chosen"] == "chen" and unit.decision["note"] == "could consider = conditional"
    # another unit shows its own (empty) note; back on the stance, its saved note
    go_to(rw, lambda u: u.kind == "claim")
    assert rw.note.text() == ""
    go_to(rw, lambda u: u.key == stance.key)
    assert rw.note.text() == "could consider = conditional"


def test_r_asks_then_rejects_and_ctrl_z_undoes_it_named(qtbot, three):
    p = three.project
    text = p.document(D).text
    rw = open_review(qtbot, three)
    hamas = go_to(rw, lambda u: u.kind == "span" and text[u.start:u.end] == "Hamas")
    press(qtbot, rw, Qt.Key.Key_R)
    assert "R again rejects" in rw.status.text()
    assert not p.review(D).unit(hamas.key).decided
    press(qtbot, rw, Qt.Key.Key_1)                      # another key cancels the question
    press(qtbot, rw, Qt.Key.Key_R)
    assert not p.review(D).unit(hamas.key).decided      # asked again, not rejected
    three.reviewing.open_document(D, hamas.key)          # shown again (the window reactivated): still asking
    assert "R again rejects" in rw.status.text()
    press(qtbot, rw, Qt.Key.Key_R)
    assert p.review(D).unit(hamas.key).state == "rejected"
    # Ctrl+Z in the review window: the decision is undone, and named
    go_to(rw, lambda u: u.key == hamas.key)
    press(qtbot, rw, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert not p.review(D).unit(hamas.key).decided
    assert "undo decision: reject every version of ACTOR “Hamas”" in rw.status.text()
    assert rw.units_model.units[rw.units_model.row_of(hamas.key)].state == "incomplete"
    press(qtbot, rw, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert p.review(D).unit(hamas.key).state == "rejected"
    assert "redo decision: reject every version of ACTOR “Hamas”" in rw.status.text()


def test_ctrl_z_undoes_a_take_and_restores_gold(qtbot, three):
    p = three.project
    text = p.document(D).text
    rw = open_review(qtbot, three)
    rubio = go_to(rw, lambda u: u.kind == "span" and "Rubio" in text[u.start:u.end])
    press(qtbot, rw, Qt.Key.Key_1)
    press(qtbot, rw, Qt.Key.Key_Return)
    assert [text[s.start:s.end] for s in p.spans(D, "gold")] == ["Marco Rubio"]
    press(qtbot, rw, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert p.spans(D, "gold") == [] and not p.review(D).unit(rubio.key).decided
    assert "undo decision: take alice on ACTOR “Marco Rubio”" in rw.status.text()


def test_ctrl_z_in_review_leaves_the_main_windows_annotation_alone(qtbot, three):
    p = three.project
    text = p.document(D).text
    rw = open_review(qtbot, three)
    s = text.index("Hamas")
    p.annotate(D, "lead", s, s + 5, "ACTOR")             # the last action: an annotator's work
    press(qtbot, rw, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert "not a decision" in rw.status.text() and "main window" in rw.status.text()
    assert [text[x.start:x.end] for x in p.spans(D, "lead")] == ["Hamas"]


def test_window_majority_needs_k_of_at_least_two(qtbot, three):
    from PySide6.QtWidgets import QPushButton
    p = three.project
    rw = open_review(qtbot, three)
    assert not rw.min_k.isEnabled()                       # K is majority's
    rw.mode.setCurrentIndex(rw.mode.findData("majority"))
    assert rw.min_k.isEnabled() and rw.min_k.minimum() == 2
    rw.min_k.setValue(1)
    assert rw.min_k.value() == 2
    qtbot.mouseClick(rw.findChild(QPushButton, "autoMerge"), Qt.MouseButton.LeftButton)
    [g] = p.stances(D, "gold")
    assert g.polarity == "support"                        # alice and bob: 2 of 3
    rw.units.setFocus()
    press(qtbot, rw, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)   # the auto-merge is one step
    assert p.stances(D, "gold") == [] and "undo auto-merge majority" in rw.status.text()


def gold_of(p):
    """Gold and its decisions without ids and timestamps."""
    text = p.document(D).text
    spans = sorted((s.label, text[s.start:s.end], s.actor_id) for s in p.spans(D, "gold"))
    stances = sorted((s.holder, s.target, s.polarity, s.conditions) for s in p.stances(D, "gold"))
    claims = sorted((c.source_kind, c.quote) for c in p.claims(D, "gold").values())
    decisions = sorted(
        tuple(r) for r in p.conn.execute("SELECT kind, decision, chosen, note, decided_by FROM decisions")
    )
    return spans, stances, claims, decisions



def test_review_decide_on_the_command_line_equals_the_window_and_shows_in_it(qtbot, three, tmp_path, capsys,
                                                                            annotate_three):
    from pathlib import Path

    from isfannotate import Project
    from isfannotate.cli import main as cli
    from isfannotate_ui.app import create_main_window
    repo = Path(__file__).resolve().parents[2]
    # the same three annotators in a second project, decided from the command line
    other = tmp_path / "cli.isf"
    q = Project.create(other, registry=repo / "seeds" / "registry.json")
    q.import_paths(sorted((repo / "seeds").glob("*.txt")))
    annotate_three(q)
    q.close()
    assert cli(["review", "list", str(other), "--json"]) == 0
    units = json.loads(capsys.readouterr().out)
    text = three.project.document(D).text
    for u in units:
        covered = text[u["start"]:u["end"]]
        if u["kind"] == "span" and "Rubio" in covered:
            how = ["--take", "alice"]
        elif u["kind"] == "span":
            how = ["--reject"]
        elif u["kind"] == "claim":
            how = ["--take", "bob"]
        else:
            how = ["--take", "chen", "--note", "'could consider' is conditional"]
        assert cli(["review", "decide", str(other), u["id"], *how]) == 0
    capsys.readouterr()

    # the same decisions with the window's keys
    p = three.project
    rw = open_review(qtbot, three)
    go_to(rw, lambda u: u.kind == "span" and "Rubio" in text[u.start:u.end])
    press(qtbot, rw, Qt.Key.Key_1)
    press(qtbot, rw, Qt.Key.Key_Return)
    go_to(rw, lambda u: u.kind == "span" and text[u.start:u.end] == "Hamas")
    press(qtbot, rw, Qt.Key.Key_R)
    press(qtbot, rw, Qt.Key.Key_R)
    go_to(rw, lambda u: u.kind == "claim")
    press(qtbot, rw, Qt.Key.Key_2)
    press(qtbot, rw, Qt.Key.Key_Return)
    go_to(rw, lambda u: u.kind == "stance")
    rw.note.setText("'could consider' is conditional")
    press(qtbot, rw, Qt.Key.Key_3)
    press(qtbot, rw, Qt.Key.Key_Return)
    with Project.open(other, read_only=True) as q:
        assert gold_of(q) == gold_of(p)
        assert len(gold_of(q)[3]) == 4

    # and the command line's decisions show in the app's review window
    w2 = create_main_window(other, "lead")
    qtbot.addWidget(w2)
    w2.show()
    qtbot.waitExposed(w2)
    rw2 = w2.reviewing.show_review(D)
    qtbot.addWidget(rw2)
    states = sorted(u.state for u in rw2.units_model.units)
    assert states.count("accepted") == 3 and states.count("rejected") == 1
    assert "0 open disagreements" in rw2.overall.format()
    w2.close()


def test_ctrl_z_works_from_the_merged_text_and_the_queue_too(qtbot, three):
    p = three.project
    text = p.document(D).text
    rw = open_review(qtbot, three)
    rubio = go_to(rw, lambda u: u.kind == "span" and "Rubio" in text[u.start:u.end])
    press(qtbot, rw, Qt.Key.Key_Return)
    assert p.review(D).unit(rubio.key).decided
    for widget in (rw.view, rw.queue):
        widget.setFocus()
        qtbot.keyClick(widget, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        assert not p.review(D).unit(rubio.key).decided, widget.objectName()
        qtbot.keyClick(widget, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
        assert p.review(D).unit(rubio.key).decided, widget.objectName()
