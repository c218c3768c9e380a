"""A label key in the 1 MB / 10,000-span document (issue 21's key budget): the span is committed
before the key returns, the annotation list gains exactly its row in document order, the details
and the problems show it, and undo takes it all back. The key does no work over all the spans
(no walk of the article's spans, the registry read at most once, no cyclic collection inside
the key): what made it slow."""
import gc
import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel


@pytest.fixture(scope="module")
def big_project(tmp_path_factory, hard_data):
    doc = hard_data.make_hard_doc("hard", 1_000_000, 10_000, unlinked=0.0)
    path = hard_data.write_project(tmp_path_factory.mktemp("big") / "big.isf", [doc])
    return path, doc


@pytest.fixture
def big_window(qtbot, big_project, open_window):
    path, doc = big_project
    w = open_window(path, "bench")
    with qtbot.waitSignal(w.painter.panelsFilled, timeout=30000):
        w.show_document("hard")
    yield w, doc
    w.close()


def listed(window) -> list[str]:
    m = window.annotations.model
    return [m.index(i, 0).data(Qt.ItemDataRole.UserRole) for i in range(m.rowCount())]


def test_a_label_key_in_the_big_document_lists_one_row_and_undoes(qtbot, big_window, monkeypatch):
    from isfannotate_ui.annotate.article_view import ArticleView

    window, doc = big_window
    text = doc.text
    covered = set()
    for s in doc.spans:
        covered.update(range(s["start"], s["end"]))
    # a word in the middle of the document that no span touches
    words = [m.span() for m in re.finditer(r"[a-z]{5,}", text) if not covered & set(range(*m.span()))]
    a, b = words[len(words) // 2]
    before = listed(window)
    assert len(before) == len(doc.spans)
    problems_before = window.annotations.problem_count()
    walks, reads = [], []
    real_spans, real_actors = ArticleView.spans, type(window.project).actors
    monkeypatch.setattr(ArticleView, "spans", lambda self: walks.append(1) or real_spans(self))
    monkeypatch.setattr(type(window.project), "actors", lambda self: reads.append(1) or real_actors(self))
    collecting = []     # no cyclic collection over the document's objects in the middle of the key
    real_annotate = window.project.annotate      # the span part's method (Project forwards it)
    monkeypatch.setattr(type(window.project), "annotate",
                        lambda self, *a, **k: collecting.append(gc.isenabled()) or real_annotate(*a, **k))

    window.view.setFocus()
    window.view.set_text_cursor_range(a, b)
    qtbot.keyClick(window.view, Qt.Key.Key_1)      # ACTOR

    # committed before the key returned (the project holds its file alone: its own connection,
    # with no transaction left open)
    conn = window.project.conn
    assert not conn.in_transaction
    rows = conn.execute('SELECT id, label FROM spans WHERE document_id=? AND start=? AND "end"=?',
                        ("hard", a, b)).fetchall()
    assert len(rows) == 1 and rows[0][1] == "ACTOR"
    new_id = rows[0][0]
    # the list: exactly one row more, the new span's, in document order, and current
    after = listed(window)
    assert len(after) == len(before) + 1 and [i for i in after if i != new_id] == before
    spans = window.session.spans
    keys = [(spans[i].start, -spans[i].end, spans[i].label, i) for i in after]
    assert keys == sorted(keys)
    assert window.annotations.list.currentItem().data(Qt.ItemDataRole.UserRole) == new_id
    # the article and the details show it selected; the problems list gained the unlinked ACTOR
    assert window.view.selected_span_id() == new_id
    assert window.view.span(new_id) is not None
    shown = [w.text() for w in window.annotations.details.findChildren(QLabel)]
    assert any(text[a:b] in t for t in shown), shown
    assert window.annotations.problem_count() == problems_before + 1
    # no work over all 10,000 spans, and the registry read at most once
    assert walks == [], "a label key walked every span of the article"
    assert len(reads) <= 1, f"the registry was read {len(reads)} times for one key"
    assert collecting == [False] and gc.isenabled()

    # Esc leaves the span unlinked (the actor picker), then Ctrl+Z takes it back everywhere
    focus = window.focusWidget()
    if focus is not None and focus is not window.view:
        qtbot.keyClick(focus, Qt.Key.Key_Escape)
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.project.conn.execute('SELECT COUNT(*) FROM spans WHERE document_id=? AND start=? AND "end"=?',
                                       ("hard", a, b)).fetchone()[0] == 0
    assert listed(window) == before
    assert window.view.span(new_id) is None
    assert window.annotations.problem_count() == problems_before
