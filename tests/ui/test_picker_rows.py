"""The actor picker's candidates are drawn by the picker (registry/picker_rows.py), not by a list
widget (issue 21's key budget: Qt pays for every widget on each repaint while the picker is shown).
The keyboard, the mouse, the tool tips and the scrolling work as the list's did, and what is drawn
is the highlighted row at its place."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QHelpEvent, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QListWidget, QToolTip, QWidget

from isfannotate.kb import FoldedActors
from isfannotate.models import Actor
from isfannotate_ui.registry.actor_link import CREATE, ActorPicker

TYPES = ["person", "state", "government_body"]


def actors(n: int) -> FoldedActors:
    return FoldedActors.of(
        [Actor(id=f"a{i}", name=f"Bench Actor {i}", type="person", aliases=[f"BA{i}"]) for i in range(n)])


def shown_picker(qtbot, span_text: str, registry: FoldedActors) -> ActorPicker:
    host = QWidget()
    qtbot.addWidget(host)
    host.resize(700, 500)
    picker = ActorPicker(TYPES, host)
    picker.host = host      # (kept alive with the picker)
    host.show()
    qtbot.waitExposed(host)
    picker.start(span_text, registry, None)
    return picker


def row_point(picker: ActorPicker, row: int) -> QPoint:
    """The middle of *row* in the picker (its list not scrolled)."""
    rect = picker.matches.rect
    h = picker.matches.row_height()
    return QPoint(rect.left() + 40, rect.top() + 1 + row * h + h // 2)


def highlighted_rows(picker: ActorPicker) -> list[int]:
    """The rows (from the top of the list) whose middle pixel at the left is the highlight colour."""
    img = picker.grab().toImage()
    colour = picker.palette().color(QPalette.ColorRole.Highlight)
    h = picker.matches.row_height()
    rect = picker.matches.rect
    rows = (rect.height() - 2) // h
    return [r for r in range(rows) if img.pixelColor(rect.left() + 2, rect.top() + 1 + r * h + h // 2) == colour]


def test_the_picker_has_widgets_only_for_the_fields_that_take_input(qtbot):
    picker = shown_picker(qtbot, "Bench", actors(3))
    assert picker.findChildren(QListWidget) == [] and picker.findChildren(QLabel) == []
    kids = {type(w).__name__ for w in picker.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly)
            if w.isVisible()}
    assert kids == {"QLineEdit", "QComboBox", "QCheckBox"}, kids
    assert picker.accessibleName() == "Link “Bench” to an actor"
    assert picker.accessibleDescription() == picker.HINT


def test_up_and_down_move_the_drawn_highlight_and_enter_links(qtbot):
    picker = shown_picker(qtbot, "Bench", actors(3))
    assert picker.matches.count() == 4            # three actors and "+ Create"
    assert picker.current_actor_id() == CREATE and highlighted_rows(picker) == [3]
    for _ in range(2):
        qtbot.keyClick(picker.query, Qt.Key.Key_Up)
    assert picker.current_actor_id() == "a1" and highlighted_rows(picker) == [1]
    assert picker.query.accessibleDescription() == picker.matches.item(1).text()
    for _ in range(3):
        qtbot.keyClick(picker.query, Qt.Key.Key_Up)       # stops at the first row
    assert picker.matches.currentRow() == 0 and highlighted_rows(picker) == [0]
    with qtbot.waitSignal(picker.actorChosen) as chosen:
        qtbot.keyClick(picker.query, Qt.Key.Key_Return)
    assert chosen.args[0] == "a0" and not picker.isVisible()


def test_typing_searches_again_and_draws_the_new_rows(qtbot):
    picker = shown_picker(qtbot, "Bench", actors(3))
    height = picker.height()
    picker.query.clear()
    qtbot.keyClicks(picker.query, "BA2")
    assert [picker.matches.item(i).text() for i in range(picker.matches.count())] == [
        "Bench Actor 2  (person) · aka BA2", "+ Create actor “BA2”"]
    assert picker.current_actor_id() == "a2" and highlighted_rows(picker) == [0]
    assert picker.height() < height               # a list of three rows' height, not four
    assert picker.matches.item(0).toolTip() == "Bench Actor 2\nBA2"


def test_a_click_on_a_row_links_it(qtbot):
    picker = shown_picker(qtbot, "Bench", actors(3))
    with qtbot.waitSignal(picker.actorChosen) as chosen:
        qtbot.mouseClick(picker, Qt.MouseButton.LeftButton, pos=row_point(picker, 1))
    assert chosen.args[0] == "a1" and not picker.isVisible()
    # a press on one row and a release on another links nothing (as the list's itemClicked)
    picker.start("Bench", actors(3), None)
    seen = []
    picker.actorChosen.connect(lambda *a: seen.append(a))
    qtbot.mousePress(picker, Qt.MouseButton.LeftButton, pos=row_point(picker, 0))
    assert picker.current_actor_id() == "a0"
    qtbot.mouseRelease(picker, Qt.MouseButton.LeftButton, pos=row_point(picker, 2))
    assert seen == [] and picker.isVisible()
    # the "+ Create" row asks for a new actor named after the field
    with qtbot.waitSignal(picker.createRequested) as created:
        qtbot.mouseClick(picker, Qt.MouseButton.LeftButton, pos=row_point(picker, 3))
    assert created.args[0] == "Bench"


def test_a_row_shows_its_names_as_a_tool_tip(qtbot):
    picker = shown_picker(qtbot, "Bench", actors(3))
    at = row_point(picker, 2)
    QApplication.sendEvent(picker, QHelpEvent(QEvent.Type.ToolTip, at, picker.mapToGlobal(at)))
    assert QToolTip.isVisible() and QToolTip.text() == "Bench Actor 2\nBA2"
    QToolTip.hideText()


def test_more_rows_than_fit_scroll_to_the_highlighted_one(qtbot):
    picker = shown_picker(qtbot, "Bench", actors(14))
    assert picker.matches.count() == 13           # the search's twelve and "+ Create", on the last
    bars = [w for w in picker.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly)
            if type(w).__name__ == "QScrollBar"]
    assert len(bars) == 1 and bars[0].isVisible() and bars[0].value() == bars[0].maximum() > 0
    shown = highlighted_rows(picker)
    assert len(shown) == 1 and shown[0] > 0       # the last row, drawn at the bottom
    for _ in range(12):
        qtbot.keyClick(picker.query, Qt.Key.Key_Up)
    assert picker.matches.currentRow() == 0 and bars[0].value() == 0 and highlighted_rows(picker) == [0]
    # a search whose rows fit hides the scroll bar
    picker.query.clear()
    qtbot.keyClicks(picker.query, "BA1")
    assert picker.matches.count() <= 6 and not bars[0].isVisible()


def test_a_repaint_from_the_kept_pixmaps_draws_the_same_pixels(qtbot):
    picker = shown_picker(qtbot, "Bench", actors(3))
    first = picker.grab().toImage()       # drawn straight
    second = picker.grab().toImage()      # the pixmaps made
    third = picker.grab().toImage()       # copied from them
    assert first == second == third
    qtbot.keyClick(picker.query, Qt.Key.Key_Up)       # another row highlighted: drawn again, right
    moved = picker.grab().toImage()
    assert moved != third and highlighted_rows(picker) == [2]
