"""Suggestions in the window, the remaining gaps of issue 22: Shift+A with registry AND model
suggestions shown is one action (Ctrl+Z restores the database exactly); the minimum scores are
edited in the Suggestions window through an undoable action and kept in the project (old app
settings migrate once); the model starts loading when the project opens; the Evaluate button
runs a cancellable job on real gold (the seeds' gold) and shows its figures and the verdict.

The generated-gold project is trained once per session (tests/conftest.py); each test copies it.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

pytest.importorskip("spacy")

REPO = Path(__file__).resolve().parents[2]
DOC = "gen0100"
SEED_GOLD = REPO / "tests" / "data" / "seed-gold-stances.jsonl"


def open_window(qtbot, path, annotator="alice"):
    from isfannotate_ui.app import create_main_window

    w = create_main_window(path, annotator)
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    qtbot.waitExposed(w)
    return w


@pytest.fixture
def win(qtbot, suggest_model_project, tmp_path):
    path = tmp_path / "p.isf"
    shutil.copy(suggest_model_project, path)
    w = open_window(qtbot, path)
    yield w
    w.close()


def show_with_suggestions(qtbot, w, doc=DOC):
    ctl = w.kb.model
    with qtbot.waitSignal(ctl.ready, timeout=60000):
        w.show_document(doc)
    return ctl


def key(qtbot, w, k, mods=Qt.KeyboardModifier.NoModifier):
    w.view.setFocus()
    qtbot.keyClick(w.view, k, mods)


def registry_ids(w):
    from isfannotate_ui.registry.suggestion_sync import SUGGESTION_PREFIX
    return [st.id for st in w.view.spans() if st.id.startswith(SUGGESTION_PREFIX)]


def test_shift_a_with_registry_and_model_suggestions_is_one_step(qtbot, win, snapshot):
    ctl = show_with_suggestions(qtbot, win)
    names = registry_ids(win)
    model = [sg for sg in ctl.shown() if sg.kind != "stance"]
    assert names and model, "the document shows registry names and model suggestions"
    before = snapshot(win.project)
    key(qtbot, win, Qt.Key.Key_A, Qt.KeyboardModifier.ShiftModifier)
    got = {(s.start, s.end, s.label): s for s in win.project.spans(DOC, "alice")}
    assert {(sg.start, sg.end, sg.label) for sg in model} <= set(got)
    registry = win.project.registry_recommendations  # none left: every name was accepted, linked
    assert registry(DOC, "alice") == [] and not registry_ids(win)
    assert sum(1 for s in got.values() if s.actor_id) >= len(names)
    key(qtbot, win, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)   # ONE undo step
    assert snapshot(win.project) == before
    assert registry_ids(win) and not win.project.can_undo


def test_minimum_scores_are_edited_in_the_window_kept_in_the_project_and_undone(qtbot, win):
    from isfannotate_ui.app_settings import app_settings
    from isfannotate_ui.suggestions.controller import SETTINGS_KEY

    ctl = show_with_suggestions(qtbot, win)
    label = sorted({sg.label for sg in ctl.shown() if sg.kind != "stance"})[0]
    dlg = ctl.open_window()
    dlg.spins[label].setValue(1.0)                       # the lead raises one label's minimum
    assert win.project.suggestion_min_scores()[label] == 1.0      # in the project file
    assert app_settings().value(SETTINGS_KEY, None) is None       # not in this computer's settings
    assert all(sg.label != label for sg in ctl.shown())
    key(qtbot, win, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)   # an action like any other
    assert win.project.suggestion_min_scores()[label] == 0.5
    assert dlg.spins[label].value() == 0.5 and any(sg.label == label for sg in ctl.shown())


def test_ctrl_z_in_the_suggestions_window_undoes_and_redoes_a_minimum_score(qtbot, win):
    """Ctrl+Z pressed in the Suggestions window, focus in the spin box just changed, undoes the
    change (one step each, the project's undo stack); Ctrl+Shift+Z redoes it."""
    from PySide6.QtWidgets import QApplication

    ctl = win.kb.model
    dlg = ctl.open_window()
    dlg.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dlg)
    spin = dlg.spins["ACTOR"]
    spin.setFocus()
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin, "0.9")
    qtbot.keyClick(spin, Qt.Key.Key_Return)               # committed: one change
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin, "0.7")
    qtbot.keyClick(spin, Qt.Key.Key_Return)               # a second change
    assert win.project.suggestion_min_scores()["ACTOR"] == 0.7
    assert ctl.train_job is None and ctl.eval_job is None  # Enter commits the box, never presses Train
    qtbot.keyClick(spin, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert win.project.suggestion_min_scores()["ACTOR"] == 0.9 and spin.value() == 0.9
    qtbot.keyClick(spin, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert win.project.suggestion_min_scores()["ACTOR"] == 0.5 and spin.value() == 0.5
    redo = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(spin, Qt.Key.Key_Z, redo)
    assert win.project.suggestion_min_scores()["ACTOR"] == 0.9 and spin.value() == 0.9
    dlg.models.setFocus()                                 # elsewhere in the window: the same keys
    qtbot.keyClick(dlg.models, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert win.project.suggestion_min_scores()["ACTOR"] == 0.5 and not win.project.can_undo


def test_minimum_scores_of_the_old_app_settings_migrate_once(qtbot, suggest_model_project, tmp_path):
    from isfannotate import Project
    from isfannotate_ui.app_settings import app_settings
    from isfannotate_ui.suggestions.controller import SETTINGS_KEY

    first, second = tmp_path / "a.isf", tmp_path / "b.isf"
    shutil.copy(suggest_model_project, first)
    shutil.copy(suggest_model_project, second)
    app_settings().setValue(SETTINGS_KEY, {"ACTOR": 0.7, "stance": 0.4, "GONE": 0.9})
    w = open_window(qtbot, first)
    assert w.kb.model.thresholds["ACTOR"] == 0.7 and w.kb.model.stance_threshold == 0.4
    assert not w.project.can_undo                        # a migration, not something to undo
    assert app_settings().value(SETTINGS_KEY, None) is None
    w.close()
    with Project.open(first) as p:
        assert p.suggestion_min_scores()["ACTOR"] == 0.7 and p.suggestion_min_scores()["stance"] == 0.4
    w = open_window(qtbot, second)                       # once: the next project keeps its own
    assert w.kb.model.thresholds["ACTOR"] == 0.5
    w.close()


def test_the_model_starts_loading_when_the_project_opens(qtbot, win):
    ctl = win.kb.model
    assert ctl.preload_token is not None                 # submitted at once, before any document asks
    qtbot.waitUntil(lambda: ctl.model_loaded, timeout=60000)


def test_the_model_loads_off_the_windows_thread(qtbot, suggest_model_project, tmp_path, monkeypatch):
    """Importing spaCy and loading the model (issue 22: <= 1 s, off the window's thread) run on
    the suggestions' background thread: the window draws and takes keys meanwhile."""
    import threading

    from isfannotate.suggest.recommender import Recommender

    threads = []
    original = Recommender.__init__

    def recording(self, *args, **kwargs):
        threads.append(threading.current_thread())
        original(self, *args, **kwargs)

    monkeypatch.setattr(Recommender, "__init__", recording)
    path = tmp_path / "p.isf"
    shutil.copy(suggest_model_project, path)
    w = open_window(qtbot, path)
    qtbot.waitUntil(lambda: w.kb.model.model_loaded, timeout=60000)
    ctl = show_with_suggestions(qtbot, w)
    assert ctl.shown()
    assert threads and all(t is not threading.main_thread() for t in threads)
    w.close()


@pytest.fixture
def seed_gold_project(tmp_path):
    """The seeds' real gold (5 articles, 9 claims) with a model of 2 epochs trained on it."""
    from isfannotate import Project
    path = tmp_path / "seeds.isf"
    with Project.create(path, registry=REPO / "seeds" / "registry.json") as p:
        p.import_paths([SEED_GOLD], annotator="gold")
        p.train_suggestions(epochs=2)
    return path


def test_evaluate_button_runs_a_cancellable_job_and_shows_figures_and_verdict(qtbot, seed_gold_project):
    w = open_window(qtbot, seed_gold_project)
    ctl = w.kb.model
    dlg = ctl.open_window()
    dlg.folds.setValue(2)
    dlg.curve_box.setChecked(False)                      # no learning curve: two trainings, not eight
    status = w.files.job_status
    qtbot.mouseClick(dlg.eval_button, Qt.MouseButton.LeftButton)
    job = ctl.eval_job
    assert not dlg.eval_button.isEnabled() and "Evaluating" in dlg.eval_note.text()
    qtbot.waitUntil(lambda: status.isVisible(), timeout=10000)
    assert "Evaluating suggestions" in status.label.text()
    qtbot.mouseClick(status.cancel, Qt.MouseButton.LeftButton)          # cancel: nothing shown, said why
    qtbot.waitUntil(lambda: job.has_ended, timeout=120000)
    qtbot.waitUntil(lambda: dlg.eval_button.isEnabled(), timeout=5000)
    assert "cancelled" in dlg.eval_note.text() and dlg.eval_table.rowCount() == 0 and ctl.evaluation is None
    qtbot.mouseClick(dlg.eval_button, Qt.MouseButton.LeftButton)          # again, to the end
    qtbot.waitUntil(lambda: ctl.evaluation is not None, timeout=300000)
    qtbot.waitUntil(lambda: dlg.eval_button.isEnabled(), timeout=5000)
    ev = ctl.evaluation
    assert ev["folds"] == 2 and ev["documents"] == 5
    rows = {dlg.eval_table.item(r, 0).text(): [dlg.eval_table.item(r, c).text() for c in range(1, 7)]
            for r in range(dlg.eval_table.rowCount())}
    claim = ev["spans"]["CLAIM"]
    assert rows["CLAIM"][2] == ("–" if claim["exact"]["f1"] is None else f"{claim['exact']['f1']:.2f}")
    assert rows["CLAIM"][5] == ("–" if claim["overlap"]["f1"] is None else f"{claim['overlap']['f1']:.2f}")
    note = dlg.eval_note.text()
    assert "2-fold cross-validation on 5 gold documents" in note and "stance polarity accuracy" in note
    assert "not asked for" in note
    assert "too early" in dlg.verdict.text() and "learned from 5 documents" in dlg.verdict.text()
    w.close()
