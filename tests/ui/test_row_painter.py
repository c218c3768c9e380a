"""The side lists paint their rows with ``RowPainter`` (issue 21's key budget: Qt's item painting
shaped every visible row's text on every repaint). What it draws is what Qt's own item painting
drew (at most 2/255 apart in a channel: the selection's corner pixels, blended in a row's pixmap):
tinted rows, a selected row, elided long lines, the problems' colour and the shown document in
bold, with and without the keyboard in the list; a repaint draws unchanged rows from their pixmaps."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStyledItemDelegate

from isfannotate_ui.annotate.annotations_panel import AnnotationsPanel
from isfannotate_ui.annotate.palette import color_for_label
from isfannotate_ui.documents.document_list import DocumentPane
from isfannotate_ui.row_painter import RowPainter


def same_as_qt(view) -> list[tuple[int, int]]:
    """Pixels where the view drawn by its RowPainter differs from Qt's own item painting."""
    assert isinstance(view.itemDelegate(), RowPainter)
    ours = view.grab().toImage()
    mine = view.itemDelegate()
    view.setItemDelegate(QStyledItemDelegate(view))
    theirs = view.grab().toImage()
    view.setItemDelegate(mine)
    assert ours.size() == theirs.size()
    return [(x, y) for y in range(ours.height()) for x in range(ours.width())
            if apart(ours.pixel(x, y), theirs.pixel(x, y)) > 2][:10]


def apart(p: int, q: int) -> int:
    return max(abs(((p >> s) & 255) - ((q >> s) & 255)) for s in (0, 8, 16))


@pytest.fixture
def panel(qtbot):
    p = AnnotationsPanel()
    qtbot.addWidget(p)
    p.resize(400, 560)
    items = []
    for i in range(30):
        label = ("ACTOR", "CLAIM", "CUE")[i % 3]
        claim = "said the army chief would not send troops before a ceasefire " * (i % 4)
        text = "Pakistan" if label == "ACTOR" else claim
        line2 = "→ Pakistan (state)" if label == "ACTOR" else ("⚠ no source yet" if label == "CLAIM" else "")
        items.append(((i * 10, -(i * 10 + 5), label), f"s{i}", color_for_label(i % 3),
                      f"{'⚠ ' if i % 5 == 0 else ''}{label}  “{text[:60]}”", line2, ""))
    p.set_items(items)
    p.set_problems([((i * 10,), f"s{i}", [f"ACTOR “Pakistan {i}” is not linked to an actor" + " and more" * i])
                    for i in range(0, 30, 5)])
    with qtbot.waitExposed(p):
        p.show()
    return p


def test_the_annotation_list_draws_what_qt_drew(qtbot, panel):
    panel.select("s4")
    assert same_as_qt(panel.list) == []
    panel.list.setFocus()       # the current row with the keyboard in the list
    qtbot.waitUntil(panel.list.hasFocus)
    assert same_as_qt(panel.list) == []
    # what the rows say is what the model says: the painter's texts are the rows' lines, elided
    painter = panel.list.itemDelegate()
    texts = {key[0] for key in painter._texts}
    first = panel.list.item(0).text().split("\n")
    assert first[0] in texts and first[1] in texts
    # unchanged rows come from their pixmaps: a repaint draws no row anew
    panel.list.grab()
    made = dict(painter._rows)
    panel.list.grab()
    assert painter._rows == made and all(painter._rows[k] is made[k] for k in made)


def test_the_problems_draw_what_qt_drew(qtbot, panel):
    assert panel.warnings.isVisible() and panel.problem_count() == 6
    assert same_as_qt(panel.warnings) == []


def test_the_document_list_draws_what_qt_drew(qtbot):
    pane = DocumentPane()
    qtbot.addWidget(pane)
    pane.resize(250, 400)
    rows = [(f"doc{i}", f"An article about the stabilisation force, part {i} " * (1 + i % 3)) for i in range(12)]
    pane.model.reset(rows, {"doc1": "done", "doc2": "in_progress"}, {"doc3": "g1"})
    with qtbot.waitExposed(pane):
        pane.show()
    pane.show_current("doc2")   # bold and selected
    assert pane.view.currentIndex().data(Qt.ItemDataRole.FontRole).bold()
    assert same_as_qt(pane.view) == []
