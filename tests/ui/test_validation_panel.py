"""The validation lines under the annotation list: kept up to date after each action by
re-checking only what the action touched, in document order, and bounded in height."""
from PySide6.QtCore import Qt

from isfannotate.kb import validate

DOC4 = "004_925ac23fd4dc491f"


def key(qtbot, w, k, mod=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(w.view, k, mod)


def shown_warnings(window):
    return [line.removeprefix("⚠ ") for line in window.annotations.warnings.text().splitlines() if line]


def full_validation(window):
    return [p.message for p in validate(window.project, DOC4, "alice")]


def test_warnings_after_each_action_equal_a_full_validation(qtbot, window, sel):
    window.show_document(DOC4)
    text = window.view.text()
    # words that are no known name: the picker opens (known names are linked as they are made)
    steps = [("officials", Qt.Key.Key_1), ("senior", Qt.Key.Key_1), ("Pakistan has offered", Qt.Key.Key_2),
             ("envoys", Qt.Key.Key_1)]
    for word, k in steps:
        i = text.index(word)
        sel(window, i, i + len(word))
        key(qtbot, window, k)
        key(qtbot, window, Qt.Key.Key_Escape)       # leave the actor picker (or a claim's proposal)
        assert shown_warnings(window) == full_validation(window)
    # link one (the picker is driven in test_actors), delete it, undo: the same as checking everything
    rubio = next(s.id for s in window.session.spans.values() if text[s.start:s.end] == "senior")
    window.session.run(window.project.link_actor, rubio, "marco-rubio", layer="alice")
    assert shown_warnings(window) == full_validation(window)
    window.view.select_span(rubio)
    key(qtbot, window, Qt.Key.Key_Delete)
    assert shown_warnings(window) == full_validation(window)
    key(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert shown_warnings(window) == full_validation(window) and len(full_validation(window)) == 3


def test_many_problems_do_not_grow_the_window(qtbot, window):
    window.show_document(DOC4)
    n = len(window.view.text())
    window.project.annotate_many(DOC4, "alice", [(k, k + 1, "ACTOR", None) for k in range(0, min(n - 1, 900), 3)])
    window.show_document(DOC4)
    qtbot.wait(20)
    lines = window.annotations.warnings.text().splitlines()
    assert len(lines) == 6 and lines[-1].startswith("… and 295 more")
    assert window.height() == 800 and window.minimumSizeHint().height() < 800
