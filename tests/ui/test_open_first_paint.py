"""Opening a document (issue 10): the article with all its highlights is drawn by the first
paint; the side panels (annotations, problems, claims, stances, relations) fill right after it.
Nothing a person does in between acts on another document's panels: an action settles first."""
import re

from PySide6.QtCore import Qt

from isfannotate.kb import validate

DOC4 = "004_925ac23fd4dc491f"


def problems_shown(window):
    return [line.removeprefix("⚠ ") for line in window.annotations.warnings.text().splitlines() if line]


def listed_ids(window):
    m = window.annotations.model
    return [m.index(i, 0).data(Qt.ItemDataRole.UserRole) for i in range(m.rowCount())]


def some_spans(window, doc_id, n=40):
    """*n* unlinked ACTOR spans on words of *doc_id* (each one a problem), and a CLAIM without a source."""
    text = window.project.document(doc_id).text
    words = [m.span() for m in re.finditer(r"[a-z]{4,}", text)]
    window.project.annotate_many(doc_id, "alice", [(a, b, "ACTOR", None) for a, b in words[:n]]
                                 + [(words[n][0], words[n + 5][1], "CLAIM", None)])
    return words


def test_the_first_paint_needs_two_reads_and_no_span_objects(qtbot, window, filled, monkeypatch):
    import isfannotate_ui.session as session_module
    other = window.documents.neighbour(DOC4, -1)
    some_spans(window, DOC4)
    some_spans(window, other, 5)
    filled(window, other)
    assert window.annotations.problem_count() == 6
    made = []
    real = session_module.span_from_short_row
    monkeypatch.setattr(session_module, "span_from_short_row", lambda *a: made.append(1) or real(*a))
    seen: list[str] = []
    window.project.conn.set_trace_callback(seen.append)
    try:
        window.show_document(DOC4)
    finally:
        window.project.conn.set_trace_callback(None)
    stored = window.project.spans(DOC4, "alice")
    # the article holds every span (and the registry's suggestions) before anything is painted
    assert {s.id for s in window.view.spans() if s.kind == "annotation"} == {s.id for s in stored}
    assert any(s.kind == "suggestion" for s in window.view.spans())
    # ... read with one query for the text and one for the spans, no Span object made, and no
    # claims, problems, stances or relations read yet
    reads = [q for q in seen if q.lstrip().upper().startswith("SELECT")]
    assert sum(" FROM spans " in q for q in reads) == 1 and made == []
    assert not any(re.search(r"FROM (claims|stances|relations)\b|LEFT JOIN claims", q) for q in reads), reads
    assert len(seen) <= 12, seen
    # the side panels no longer show the other document, and fill after the first paint
    assert not window.session.settled
    assert listed_ids(window) == [] and problems_shown(window) == []
    with qtbot.waitSignal(window.painter.panelsFilled, timeout=5000) as filled_signal:
        window.grab()       # the first paint
    assert filled_signal.args == [DOC4] and window.session.settled
    # the fill orders the list and the problems from the rows: a Span is made only of each row
    # the list draws (Session.span), all of them once the event loop is idle after that paint
    assert len(stored) == 41 and 0 < len(made) < 41 and not window.session.spans_made
    assert listed_ids(window) == [s.id for s in sorted(stored, key=lambda s: (s.start, -s.end, s.label, s.id))]
    assert problems_shown(window) == [p.message for p in validate(window.project, DOC4, "alice")]
    assert len(problems_shown(window)) == 41
    qtbot.waitUntil(lambda: window.session.spans_made, timeout=5000)
    assert window.session.spans == {s.id: s for s in stored}


def test_a_span_before_all_are_made_is_the_stored_one(qtbot, window, filled):
    some_spans(window, DOC4)
    stored = {s.id: s for s in window.project.spans(DOC4, "alice")}
    window.show_document(DOC4)
    session = window.session
    assert not session.spans_made
    places = session.span_places()
    first = next(iter(stored))
    assert session.span(first) == stored[first] and session.has_span(first)
    assert session.span("no-such-span") is None and not session.has_span("no-such-span")
    assert not session.spans_made       # one span asked for: no Span of the others made
    assert places == {sid: (s.start, s.end, s.label) for sid, s in stored.items()}
    assert session.spans == stored and session.span_places() == places and session.span(first) == stored[first]


def test_a_key_press_before_the_panels_fill_acts_on_the_shown_document(qtbot, window, filled):
    other = window.documents.neighbour(DOC4, -1)
    words = some_spans(window, DOC4)
    some_spans(window, other, 5)
    filled(window, other)
    fills = []
    window.painter.panelsFilled.connect(fills.append)
    window.show_document(DOC4)
    assert not window.session.settled
    a, b = words[-1]
    window.view.setFocus()
    window.view.set_text_cursor_range(a, b)
    qtbot.keyClick(window.view, Qt.Key.Key_1)        # before any paint: the fill runs first, then the action
    assert window.session.settled and fills == [DOC4]
    stored = window.project.spans(DOC4, "alice")
    new = window.view.selected_span_id()
    assert any(s.id == new and (s.start, s.end, s.label) == (a, b, "ACTOR") for s in stored)
    assert window.kb.picker.isVisible()                        # an unknown word: the actor picker
    qtbot.keyClick(window.kb.picker.query, Qt.Key.Key_Escape)
    assert sorted(listed_ids(window)) == sorted(s.id for s in stored) and len(stored) == 42
    assert problems_shown(window) == [p.message for p in validate(window.project, DOC4, "alice")]
    assert window.status_label.text().startswith("alice · 004_925ac23fd4dc491f · 42 spans")
    qtbot.wait(50)          # the paint's own call to settle finds nothing left to do
    assert fills == [DOC4]


def test_a_document_shown_in_a_hidden_window_fills_its_panels_at_once(qtbot, project_path):
    from isfannotate_ui.app import create_main_window
    w = create_main_window(project_path, "alice")
    qtbot.addWidget(w)
    try:
        some_spans(w, DOC4, 3)
        w.show_document(DOC4)
        assert w.session.settled and w.annotations.problem_count() == 4 and len(listed_ids(w)) == 4
    finally:
        w.close()


def test_a_tooltip_before_the_panels_fill_names_the_claims_source(qtbot, window, filled):
    """A claim's source is read with the side panels: hovering before they fill waits for them."""
    text = window.project.document(DOC4).text
    start = text.index("We’re very grateful")
    ch = window.project.annotate(DOC4, "alice", start, start + 30, "CLAIM")
    sid = ch.rows("spans")[0].after["id"]
    window.project.set_claim(sid, source_kind="article", layer="alice")
    filled(window, window.documents.neighbour(DOC4, -1))
    window.show_document(DOC4)
    assert not window.session.settled
    assert "source: the article" in window.view.tooltip_at(start + 1)
    assert window.session.settled


def test_the_place_left_is_written_after_the_next_documents_panels_fill(qtbot, window, filled):
    """Leaving a document remembers it and its caret, written once the next document's side
    panels are filled (after its first paint), never lost to a second switch."""
    from isfannotate_ui.window_memory import last_place
    path = window.project.path
    before = window.documents.neighbour(DOC4, -1)
    filled(window, DOC4)
    window.view.scroll_to(300)
    window.show_document(before)
    assert last_place(path) != (DOC4, 300)      # held until the panels of *before* are filled
    qtbot.waitUntil(lambda: window.session.settled)
    assert last_place(path) == (DOC4, 300)
    window.view.scroll_to(40)
    window.show_document(DOC4)
    window.show_document(before)                # a second switch before any fill: the newest place wins
    qtbot.waitUntil(lambda: window.session.settled)
    assert last_place(path) == (DOC4, 0)
    window.view.scroll_to(10)
    window.close()
    assert last_place(path) == (before, 10)


def test_a_cue_row_names_the_claims_it_introduces(qtbot, window, filled):
    """The annotation list's row of a CUE names its claims (from an index of the claims read,
    kept in step with every change that writes claims)."""
    p = window.project
    text = p.document(DOC4).text
    a = text.index("We’re very grateful")
    cue = p.annotate(DOC4, "alice", a - 6, a - 2, "CUE").rows("spans")[0].after["id"]
    c1 = p.annotate(DOC4, "alice", a, a + 20, "CLAIM").rows("spans")[0].after["id"]
    c2 = p.annotate(DOC4, "alice", a + 21, a + 40, "CLAIM").rows("spans")[0].after["id"]
    filled(window, DOC4)

    def cue_line():
        m = window.annotations.model
        [row] = [
            m.index(i, 0).data() for i in range(m.rowCount()) if m.index(i, 0).data(Qt.ItemDataRole.UserRole) == cue
        ]
        return row.splitlines()[1].strip()

    assert cue_line() == "cue of no claim yet"
    window.session.run(p.set_claim, c1, source_kind="article", cue_span=cue, layer="alice")
    assert cue_line().startswith("cue of “") and "more" not in cue_line()
    window.session.run(p.set_claim, c2, source_kind="article", cue_span=cue, layer="alice")
    assert cue_line().endswith("and 1 more")


def test_switching_again_before_the_fill_waits_for_the_new_documents_paint(qtbot, window, filled):
    """A paint of the document shown first starts its fill's timer; a second document shown
    before that timer runs keeps its own fill for after its own paint."""
    from PySide6.QtCore import QEvent, QObject

    seen: list[tuple[str, str]] = []

    class Paints(QObject):
        def eventFilter(self, obj, event):  # noqa: N802
            if event.type() == QEvent.Type.Paint:
                seen.append(("paint", window.doc_id))
            return False

    first = window.documents.neighbour(DOC4, -1)
    filled(window, DOC4)
    spy = Paints()
    window.view.viewport().installEventFilter(spy)
    window.painter.panelsFilled.connect(lambda d: seen.append(("filled", d)))
    window.show_document(first)
    window.view.viewport().repaint()            # the first document's paint: its timer is started
    window.show_document(DOC4)                   # ... and another document shown before it runs
    qtbot.waitUntil(lambda: ("filled", DOC4) in seen, timeout=5000)
    assert ("filled", first) not in seen         # its fill was replaced, never run
    assert seen.index(("paint", DOC4)) < seen.index(("filled", DOC4))
    window.view.viewport().removeEventFilter(spy)


def test_the_claims_are_made_once_idle_even_when_the_spans_were_made_first(qtbot, window):
    some_spans(window, DOC4)       # 40 ACTORs, then the CLAIM: its row is below the list's fold
    claim = next(s.id for s in window.project.spans(DOC4, "alice") if s.label == "CLAIM")
    window.project.set_claim(claim, source_kind="article", layer="alice")
    window.show_document(DOC4)
    with qtbot.waitSignal(window.painter.panelsFilled, timeout=5000):
        window.grab()
    claims = window.claims.claims
    assert set(claims) == {claim} and claim not in claims._made     # read, not made: its row is not drawn
    window.session.spans  # noqa: B018 (what a tooltip does before the idle timer runs)
    qtbot.waitUntil(lambda: claim in claims._made, timeout=5000)
    assert claims[claim].source_kind == "article"
