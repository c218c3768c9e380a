"""View → Layer: any layer shown read-only, edits refused visibly, back to one's own (issue 12 item 5)."""
from PySide6.QtCore import Qt

DOC4 = "004_925ac23fd4dc491f"


def test_another_annotators_layer_is_shown_read_only(qtbot, window, sel):
    p = window.project
    text = p.document(DOC4).text
    i = text.index("Marco Rubio")
    p.annotate(DOC4, "bob", i, i + 11, "ACTOR")         # bob's work, as a merge would bring it
    window.show_document(DOC4)
    assert window.session.spans == {}                  # alice has nothing yet

    window.layers.fill_menu()
    choices = [a.data() for a in window.layers.menu.actions()]
    assert choices[:2] == ["alice", "bob"] and choices[-2:] == ["unanimous", "gold"]
    next(a for a in window.layers.menu.actions() if a.data() == "bob").trigger()

    assert window.session.read_only and window.annotator == "bob"
    assert [(s.start, s.end, s.label) for s in window.session.spans.values()] == [(i, i + 11, "ACTOR")]
    assert [s.label for s in window.view.spans() if s.kind == "annotation"] == ["ACTOR"]
    assert not [s for s in window.view.spans() if s.kind == "suggestion"]   # nothing to take in a read-only layer
    assert window.layers.banner.isVisible() and "bob's layer" in window.layers.banner.text()
    assert "showing bob, read-only" in window.windowTitle()

    # a label key on a selection: refused, nothing written anywhere, and the status bar says why
    j = text.index("Pakistan")
    sel(window, j, j + 8)
    qtbot.keyClick(window.view, Qt.Key.Key_1)
    assert [(s.start, s.end) for s in p.spans(DOC4, "bob")] == [(i, i + 11)]
    assert p.spans(DOC4, "alice") == []
    assert "read-only" in window.statusBar().currentMessage()
    # deleting bob's span is refused too
    window.view.select_span(next(iter(window.session.spans)))
    qtbot.keyClick(window.view, Qt.Key.Key_Delete)
    assert len(p.spans(DOC4, "bob")) == 1

    # back to one's own layer: editable again
    window.layers.show_layer(None)
    assert not window.session.read_only and not window.layers.banner.isVisible()
    assert [s for s in window.view.spans() if s.kind == "suggestion"]       # one's own layer: suggestions again
    sel(window, j, j + 8)
    qtbot.keyClick(window.view, Qt.Key.Key_1)
    assert [(s.start, s.end, s.label) for s in p.spans(DOC4, "alice")] == [(j, j + 8, "ACTOR")]


def test_open_span_lands_on_the_span_in_that_layer(window):
    p = window.project
    text = p.document(DOC4).text
    i = text.index("Marco Rubio")
    p.annotate(DOC4, "gold", i, i + 11, "ACTOR")
    sid = window.layers.open_span(DOC4, "gold", i, i + 11)
    assert window.doc_id == DOC4 and window.annotator == "gold" and window.session.read_only
    assert sid is not None and window.view.selected_span_id() == sid
    assert "gold layer" in window.layers.banner.text()


def test_unanimous_layer_shows_what_every_done_annotator_agrees_on(window):
    p = window.project
    text = p.document(DOC4).text
    i, j = text.index("Marco Rubio"), text.index("Pakistan")
    for who in ("bob", "carol"):
        p.annotate(DOC4, who, i, i + 11, "ACTOR")
        p.set_status(DOC4, who, "done", reason="test")
    p.annotate(DOC4, "bob", j, j + 8, "ACTOR")          # only bob: not unanimous
    window.show_document(DOC4)
    window.layers.show_layer("unanimous")
    assert [(s.start, s.end) for s in window.session.spans.values()] == [(i, i + 11)]
    assert window.session.read_only
