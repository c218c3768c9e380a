"""What a label key draws again (issue 21's key budget).

The annotation list's rows are drawn ahead: a text selection far from the rows on screen makes the
list draw the rows a label key would scroll to while the window is idle, so the key's repaint draws
only the new span's own row. Rows drawn ahead look exactly like rows drawn by a paint, and the list
after the key is what a list drawn from nothing shows."""
from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt

from isfannotate_ui.annotate.annotations_panel import AnnotationsPanel
from isfannotate_ui.annotate.palette import color_for_label


def fresh_grab(view):
    """The view drawn with its painter's pixmaps and texts forgotten (every row drawn anew)."""
    painter = view.itemDelegate()
    painter._rows.clear()
    painter._texts.clear()
    return view.grab().toImage()


@pytest.fixture
def panel(qtbot):
    p = AnnotationsPanel()
    qtbot.addWidget(p)
    p.resize(400, 560)
    items = [((i * 10, -(i * 10 + 5), "ACTOR"), f"s{i:03d}", color_for_label(i % 3),
              f"{('ACTOR', 'CLAIM', 'CUE')[i % 3]}  “word {i}”", "→ Pakistan (state)" if i % 2 else "", "")
             for i in range(300)]
    p.set_items(items)
    with qtbot.waitExposed(p):
        p.show()
    p.list.grab()       # a first paint: the painter knows what a plain row looks like
    return p


def test_rows_drawn_ahead_are_the_rows_a_paint_draws(qtbot, panel):
    painter = panel.list.itemDelegate()
    assert panel.warm_for((5, -6)) == 0, "rows on screen are not drawn again"
    drawn = panel.warm_for((2005, -2006))     # row 201: far below the rows on screen
    assert drawn > 0
    made = painter._made
    panel.select("s201")                      # the list scrolls there (as after a label key)
    shown = panel.list.grab().toImage()
    assert painter._made - made == 1, "only the selected row is drawn by the paint"
    assert shown == fresh_grab(panel.list)
    # above the rows on screen too, and nothing is drawn twice
    assert panel.warm_for((105, -106)) > 0
    assert panel.warm_for((105, -106)) == 0


def test_a_hidden_list_draws_nothing_ahead(qtbot, panel):
    panel.hide()
    assert panel.warm_for((2005, -2006)) == 0


def test_a_label_key_after_a_selection_draws_only_its_new_row(qtbot, window_on_hard_doc):
    window, doc = window_on_hard_doc
    covered = set()
    for s in doc.spans:
        covered.update(range(s["start"], s["end"]))
    words = [m.span() for m in re.finditer(r"[a-z]{4,}", doc.text) if not covered & set(range(*m.span()))]
    listed = window.annotations.list
    painter = listed.itemDelegate()
    window.grab()
    for a, b in (words[len(words) * 3 // 4], words[len(words) // 4]):   # below, then above the rows shown
        window.view.setFocus()
        window.view.set_text_cursor_range(a, b)
        qtbot.wait(1)       # the event loop idles: the rows around the selection's place are drawn
        made = painter._made
        qtbot.keyClick(window.view, Qt.Key.Key_1)
        window.grab()
        assert painter._made - made <= 1, "the key's repaint drew rows that were drawn ahead"
        new_id = window.view.selected_span_id()
        assert listed.currentItem().data(Qt.ItemDataRole.UserRole) == new_id
        assert listed.grab().toImage() == fresh_grab(listed)
        focus = window.focusWidget()
        if focus is not None and focus is not window.view:    # the actor picker: Esc leaves it unlinked
            qtbot.keyClick(focus, Qt.Key.Key_Escape)

