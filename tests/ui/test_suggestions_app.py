"""The model in the loop, in the window (issue 22): suggestions drawn dashed with their score,
keys (F8 / Tab, A / Enter, X, Shift+A, a label key), the minimum score, training as a job,
the Suggestions window and its verdict, and ordering by uncertainty.

One model is trained once per test session on a small generated corpus (``suggest_model_project``
in tests/conftest.py; mechanics only: its quality is never measured here; bench/suggest_data.py
says how the corpus is made); every test works on its own copy of that project file.
"""
from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

pytest.importorskip("spacy")

REPO = Path(__file__).resolve().parents[2]
DOC = "gen0100"


@pytest.fixture
def win(qtbot, suggest_model_project, tmp_path):
    from isfannotate_ui.app import create_main_window

    path = tmp_path / "p.isf"
    shutil.copy(suggest_model_project, path)
    w = create_main_window(path, "alice")
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.close()


def show_with_suggestions(qtbot, w, doc=DOC):
    ctl = w.kb.model
    with qtbot.waitSignal(ctl.ready, timeout=30000):
        w.show_document(doc)
    return ctl


def key(qtbot, w, k, mods=Qt.KeyboardModifier.NoModifier):
    w.view.setFocus()
    qtbot.keyClick(w.view, k, mods)


def sid(sg) -> str:
    return f"msugg:{sg.kind}:{sg.start}:{sg.end}:{sg.label}"


def log_rows(w):
    return w.project.suggestion_log()


def test_suggestions_drawn_dashed_with_score_and_never_stored(qtbot, win):
    ctl = show_with_suggestions(qtbot, win)
    shown = ctl.shown()
    assert shown, "the trained model suggests something in a document like its training data"
    styles = {st.id: st for st in win.view.spans() if ctl.owns(st.id)}
    assert len(styles) == len(shown)
    st = next(iter(styles.values()))
    assert st.kind == "suggestion"                       # drawn hatched and dashed, never as an annotation
    sg = ctl._shown[st.id]
    assert f"score {sg.score:.2f}" in win.view.tooltip_at(st.start)   # the score on hover
    assert win.project.spans(DOC, "alice") == []         # nothing written
    assert all(sg.score >= 0.5 for sg in shown)          # the default minimum score


def test_minimum_score_per_label_filters(qtbot, win):
    ctl = show_with_suggestions(qtbot, win)
    labels = {sg.label for sg in ctl.shown() if sg.kind != "stance"}
    label = sorted(labels)[0]
    n_other = sum(1 for sg in ctl.shown() if sg.label != label)
    dlg = ctl.open_window()
    dlg.spins[label].setValue(1.0)                       # the lead raises one label's minimum
    assert all(sg.label != label for sg in ctl.shown())
    assert len(ctl.shown()) == n_other                   # the other labels keep theirs
    dlg.spins[label].setValue(0.5)
    assert any(sg.label == label for sg in ctl.shown())


def suggestion_ids(w):
    """Every suggestion drawn (the model's and the registry's), in the article's order."""
    return [st.id for st in w.view.spans() if w.kb.is_suggestion(st.id)]


def test_f8_tab_then_a_accepts_and_x_rejects_for_good(qtbot, win):
    ctl = show_with_suggestions(qtbot, win)
    ids = suggestion_ids(win)
    win.view.set_text_cursor_range(0, 0)
    key(qtbot, win, Qt.Key.Key_F8)                       # F8: the first suggestion from the caret
    assert win.view.selected_span_id() == ids[0]
    # from a selected annotation, F8 goes on from the caret too (not from the end of the article)
    first = ctl.shown()[0]
    change = win.session.run(win.project.annotate, DOC, "alice", first.end + 1, first.end + 3, "CUE")
    win.view.select_span(change.rows("spans")[0].after["id"])
    key(qtbot, win, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    assert not win.kb.is_suggestion(win.view.selected_span_id())
    key(qtbot, win, Qt.Key.Key_F8)
    assert win.view.selected_span_id() == ids[0]
    key(qtbot, win, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert win.project.spans(DOC, "alice") == []
    key(qtbot, win, Qt.Key.Key_Tab)                      # from a suggestion, Tab goes to the next suggestion
    assert win.view.selected_span_id() == ids[1]
    key(qtbot, win, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    assert win.view.selected_span_id() == ids[0]
    first = ctl.shown()[0]
    win.view.select_span(sid(first))
    nxt = ids[ids.index(sid(first)) + 1]
    key(qtbot, win, Qt.Key.Key_A)
    spans = win.project.spans(DOC, "alice")
    assert any((s.start, s.end, s.label) == (first.start, first.end, first.label) for s in spans)
    assert [r["decision"] for r in log_rows(win)] == ["accept"]
    assert win.view.selected_span_id() == nxt            # the next suggestion is selected
    second = next(sg for sg in ctl.shown() if sg.start > first.start)
    win.view.select_span(sid(second))
    key(qtbot, win, Qt.Key.Key_X)
    assert [r["decision"] for r in log_rows(win)] == ["accept", "reject"]
    qtbot.waitUntil(lambda: not ctl._again.isActive() and ctl.bg.idle, timeout=30000)
    qtbot.wait(50)
    assert second not in ctl.shown()                      # rejected: never back for this text here
    assert second not in win.project.model_suggestions(DOC, "alice", min_score=0.0)
    with qtbot.waitSignal(ctl.ready, timeout=30000):     # undo the rejection: it comes back
        key(qtbot, win, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert second in ctl.shown()


def test_enter_accepts_and_label_key_corrects(qtbot, win):
    ctl = show_with_suggestions(qtbot, win)
    spans = [sg for sg in ctl.shown() if sg.kind == "span"]
    a, b = spans[0], spans[1]
    win.view.select_span(sid(a))
    key(qtbot, win, Qt.Key.Key_Return)
    assert (a.start, a.end, a.label) in {(s.start, s.end, s.label) for s in win.project.spans(DOC, "alice")}
    scheme = win.project.scheme
    other = next(lab for lab in scheme.span_labels if lab.name != b.label and lab.role != "claim")
    win.view.select_span(sid(b))
    win.labelling.apply_label(other.name)                 # the label key of another label
    rows = log_rows(win)
    assert rows[-1]["decision"] == "correct" and rows[-1]["corrected_label"] == other.name
    assert (b.start, b.end, other.name) in {(s.start, s.end, s.label) for s in win.project.spans(DOC, "alice")}


def test_a_label_key_on_a_suggestions_text_takes_just_that_one_away_at_once(qtbot, win):
    """Annotating the very text of a suggestion with its label (a selection and the key, not A)
    takes that suggestion out of the article in the same press, before the model is asked again;
    the others stay drawn. Undo brings it back when the model has been asked again."""
    ctl = show_with_suggestions(qtbot, win)
    qtbot.waitUntil(lambda: ctl.bg.idle, timeout=30000)
    scheme = win.project.scheme
    keys = {lab.name: lab.key or str(i + 1) for i, lab in enumerate(scheme.span_labels)}
    sg = next(sg for sg in ctl.shown() if sg.kind == "span" and sg.label != scheme.actor_label)
    others = [x for x in ctl.shown() if x != sg]
    win.view.set_text_cursor_range(sg.start, sg.end)
    key(qtbot, win, getattr(Qt.Key, f"Key_{keys[sg.label]}"))
    assert (sg.start, sg.end, sg.label) in {(s.start, s.end, s.label) for s in win.project.spans(DOC, "alice")}
    assert log_rows(win) == []                            # annotated by hand: not an acceptance
    assert ctl._again.isActive()                          # not asked again yet ...
    assert sg not in ctl.shown() and win.view.span(sid(sg)) is None     # ... and gone all the same
    assert all(win.view.span(sid(x)) is not None for x in others)
    with qtbot.waitSignal(ctl.ready, timeout=30000):
        key(qtbot, win, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert sg in ctl.shown() and win.view.span(sid(sg)) is not None


def test_the_model_is_asked_again_once_the_keys_pause(qtbot, win):
    """After a change the model is asked again (in the background) only once the person pauses:
    a key that moves the caret or selects puts the waiting request off again, so the request does
    not share the interpreter with the next keys' work. It still comes when the keys stop."""
    ctl = show_with_suggestions(qtbot, win)
    qtbot.waitUntil(lambda: ctl.bg.idle, timeout=30000)
    ctl._again.setInterval(5000)      # long: the test reads the time left, never waits it out
    ctl._again.setTimerType(Qt.TimerType.PreciseTimer)    # (a coarse one may be 5% late)
    sg = next(sg for sg in ctl.shown() if sg.kind == "span")
    win.view.select_span(sid(sg))
    key(qtbot, win, Qt.Key.Key_X)             # rejected: a change, the model to be asked again
    assert ctl._again.isActive()
    qtbot.wait(100)
    left = ctl._again.remainingTime()
    assert 0 <= left < 4950
    mid = len(win.session.text) // 2
    assert win.view.cursor_position() != mid
    win.view.set_text_cursor_range(mid, mid)  # a caret move (a key, a click)
    assert ctl._again.remainingTime() > left
    qtbot.wait(100)
    left = ctl._again.remainingTime()
    key(qtbot, win, Qt.Key.Key_F8)            # a suggestion selected
    assert ctl._again.remainingTime() > left
    ctl._again.setInterval(50)
    with qtbot.waitSignal(ctl.ready, timeout=30000):
        ctl._again.start()
    assert sg not in ctl.shown()


def test_claim_accepted_with_source_and_cue(qtbot, win):
    ctl = show_with_suggestions(qtbot, win)
    claim = next(sg for sg in ctl.shown() if sg.kind == "claim" and sg.source and sg.cue)
    win.view.select_span(sid(claim))
    key(qtbot, win, Qt.Key.Key_A)
    claims = win.project.claims(DOC, "alice")
    assert len(claims) == 1
    (c,) = claims.values() if isinstance(claims, Mapping) else claims
    assert c.cue_span is not None and c.source_kind is not None


def test_shift_a_accepts_all_above_threshold_in_one_undo_step(qtbot, win):
    ctl = show_with_suggestions(qtbot, win)
    expected = {(sg.start, sg.end, sg.label) for sg in ctl.shown() if sg.kind != "stance"}
    key(qtbot, win, Qt.Key.Key_A, Qt.KeyboardModifier.ShiftModifier)
    got = {(s.start, s.end, s.label) for s in win.project.spans(DOC, "alice")}
    assert expected <= got
    assert len(log_rows(win)) >= len(expected)
    key(qtbot, win, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)   # one step undoes them all
    assert win.project.spans(DOC, "alice") == [] and log_rows(win) == []


def test_training_is_a_job_with_cancel_and_the_window_stays_usable(qtbot, win):
    ctl = show_with_suggestions(qtbot, win)
    before = Path(win.project.path).read_bytes()
    job = ctl.train()
    status = win.files.job_status
    qtbot.waitUntil(lambda: status.isVisible(), timeout=5000)
    assert "Training suggestions" in status.label.text()
    # annotating goes on meanwhile: accept a suggestion while the child process trains
    sg = ctl.shown()[0]
    win.view.select_span(sid(sg))
    key(qtbot, win, Qt.Key.Key_A)
    assert len(log_rows(win)) == 1
    key(qtbot, win, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.mouseClick(status.cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: job.has_ended, timeout=30000)
    assert [m.version for m in win.project.suggestion_models()] == [1]   # cancelled: no new model
    del before


def test_suggestions_window_verdict_switch_off_and_stats(qtbot, win):
    ctl = show_with_suggestions(qtbot, win)
    dlg = ctl.open_window()
    assert "too early" in dlg.verdict.text()             # 24 documents, no decision yet
    assert dlg.models.rowCount() == 1 and dlg.models.item(0, 6).text() == "switched on"
    sg = ctl.shown()[0]
    win.view.select_span(sid(sg))
    key(qtbot, win, Qt.Key.Key_X)
    dlg.refresh()
    texts = [dlg.stats.item(r, 1).text() for r in range(dlg.stats.rowCount())]
    assert sg.label in texts
    row = texts.index(sg.label)
    assert (dlg.stats.item(row, 2).text(), dlg.stats.item(row, 5).text()) == ("1", "1")
    dlg.model_combo.activated.emit(0)                    # "nothing (suggestions off)"
    assert win.project.suggestion_model() is None
    qtbot.waitUntil(lambda: not ctl.shown(), timeout=5000)
    assert not any(ctl.owns(st.id) for st in win.view.spans())


def test_order_documents_by_uncertainty(qtbot, win):
    ctl = show_with_suggestions(qtbot, win)
    pane = win.documents
    win.project.set_status("gen0003", "alice", "done")
    pane.model.set_status("gen0003", "done")
    ctl.order.action.trigger()
    qtbot.waitUntil(lambda: ctl.order.rank is not None, timeout=60000)
    assert ctl.order.note.isVisible() and "uncertainty" in ctl.order.note.text()
    rank = ctl.order.rank
    shown = [pane.proxy.index(r, 0).data(Qt.ItemDataRole.UserRole + 2) for r in range(pane.proxy.rowCount())]
    unfinished = [d for d in shown if d in rank]
    assert [rank[d] for d in unfinished] == sorted((rank[d] for d in unfinished), reverse=True)
    assert "gen0003" not in rank and shown[-1] == "gen0003"     # done: not ranked, listed last
    assert len(set(rank.values())) > 1                   # the scores tell documents apart
    ctl.order.action.trigger()
    assert not ctl.order.note.isVisible()
