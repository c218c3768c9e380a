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


def test_many_problems_do_not_grow_the_window(qtbot, window, filled):
    window.show_document(DOC4)
    n = len(window.view.text())
    window.project.annotate_many(DOC4, "alice", [(k, k + 1, "ACTOR", None) for k in range(0, min(n - 1, 900), 3)])
    filled(window, DOC4)
    problems = window.annotations.warnings
    assert problems.count() == len(full_validation(window)) == 300   # every problem, in a list that scrolls
    row = problems.row_height()
    assert problems.height() <= problems.sizeHint().height() <= row * problems.VISIBLE_ROWS + 2 * problems.frameWidth()
    assert row < 3 * problems.fontMetrics().height()
    screen = window.screen().availableGeometry().height()
    assert window.height() == 800 <= screen   # as asked, and within the screen
    assert window.minimumSizeHint().height() < 800


def test_clicking_a_problem_selects_its_span(qtbot, window, filled):
    window.show_document(DOC4)
    window.project.annotate_many(DOC4, "alice", [(0, 4, "ACTOR", None)])
    filled(window, DOC4)
    problems = window.annotations.warnings
    ix = problems.model().index(0, 0)
    problems.clicked.emit(ix)
    span = window.view.span(window.view.selected_span_id())
    assert (span.start, span.end, span.label) == (0, 4, "ACTOR")


def statements_of_one_key_press(qtbot, window, start: int, end: int) -> list[str]:
    window.view.setFocus()
    window.view.set_text_cursor_range(start, end)
    seen: list[str] = []
    window.project.conn.set_trace_callback(seen.append)
    try:
        key(qtbot, window, Qt.Key.Key_1)
    finally:
        window.project.conn.set_trace_callback(None)
    key(qtbot, window, Qt.Key.Key_Escape)       # leave the actor picker
    return seen


def test_a_key_press_costs_the_same_queries_and_rows_with_300_problems(qtbot, window, monkeypatch, filled):
    window.show_document(DOC4)
    text = window.view.text()
    words = [m.span() for m in __import__("re").finditer(r"[a-z]{4,}", text)]
    statements_of_one_key_press(qtbot, window, *words[0])     # the first one also marks the document begun
    few = statements_of_one_key_press(qtbot, window, *words[1])
    n = len(text)
    window.project.annotate_many(DOC4, "alice", [(k, k + 1, "ACTOR", None) for k in range(1, min(n - 1, 900), 3)])
    filled(window, DOC4)
    model = window.annotations.warnings.model()
    resets = []
    monkeypatch.setattr(model, "beginResetModel", lambda: resets.append(1))
    rows_before = model.rowCount()
    many = statements_of_one_key_press(qtbot, window, *words[-1])
    assert len(many) == len(few) < 40                       # bounded, whatever the document holds
    assert resets == [] and model.rowCount() == rows_before + 1   # one row added, the list not rebuilt
    assert [line.removeprefix("⚠ ") for line in window.annotations.warnings.text().splitlines()] == \
        full_validation(window)


def test_the_problems_of_the_open_equal_a_full_validation_with_every_kind(qtbot, window, filled):
    """The side panels' fill works the problems out from the rows the window holds (its spans,
    the claims and stances read for their panels, ``kb.problems_of_rows``), reading no span
    again: the same problems in the same order as ``validate``, on a document with every kind
    (unlinked ACTORs, claims without a claim row, without a source kind, with an actor source
    but no actor; stances without a holder, a target or both) beside what lacks nothing, and
    spans that share a start (ordered by end, longest first, then label and id)."""
    p = window.project
    p.add_target("disarm hamas", target_id="t-disarm")
    p.annotate_many(DOC4, "alice", [
        (0, 9, "ACTOR", None), (0, 9, "CLAIM", None), (0, 4, "ACTOR", None), (0, 9, "CUE", None),
        (10, 30, "ACTOR", "pakistan"), (10, 30, "CLAIM", None), (40, 60, "CLAIM", None), (62, 80, "CLAIM", None),
        (85, 99, "CLAIM", None), (100, 130, "CLAIM", None), (100, 104, "ACTOR", "pakistan"), (140, 150, "ACTOR", None)])
    claims = {s.start: s.id for s in p.spans(DOC4, "alice") if s.label == "CLAIM"}
    p.set_claim(claims[10], source_kind="article")                # lacks nothing
    p.set_claim(claims[40], source_kind="actor")                  # an actor source without its actor
    p.set_claim(claims[62], quote="direct")                       # no source kind
    p.set_claim(claims[85], source_actor="pakistan")              # lacks nothing
    # (the claims at 0 and 100 have no claim row)
    for holder, target in (("pakistan", None), (None, "t-disarm"), (None, None), ("pakistan", "t-disarm")):
        p.set_stance(DOC4, "alice", holder=holder, target=target, polarity="support")
    filled(window, DOC4)
    expected = validate(p, DOC4, "alice")
    assert {x.kind for x in expected} == {"actor-unlinked", "claim-without-source", "stance-without-target",
                                         "stance-without-holder"}
    assert len(expected) == 11
    assert window.painter.held_problems() == expected
    shown, msgs = shown_warnings(window), [x.message for x in expected]
    assert shown[:7] == msgs[:7] and sorted(shown) == sorted(msgs)     # (the list puts stances by id)
    assert window.kb._found == {x.item_id: [y for y in expected if y.item_id == x.item_id] for x in expected}
