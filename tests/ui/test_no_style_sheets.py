"""No Qt style sheet in the annotation window (issue 21's key budget): a style sheet makes the style
draw every widget under it the slow way, and a label key opens the actor picker and fills the
details with new fields. The looks they gave stay: the label buttons in their colours, the picker's
frame on the window's colour with a quiet hint, a highlight frame round the details field that has
the keyboard."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from isfannotate_ui.annotate.label_bar import LabelButton

DOC4 = "004_925ac23fd4dc491f"


def styled(window) -> list[str]:
    """Widgets on screen with a style sheet (hidden panels are not painted by a repaint)."""
    return [f"{type(w).__name__} {w.objectName()!r}" for w in [window, *window.findChildren(QWidget)]
            if w.styleSheet() and w.isVisible()]


def test_a_label_key_shows_picker_and_details_without_style_sheets(qtbot, window, sel):
    window.show_document(DOC4)
    text = window.view.text()
    i = text.index("Pakistan")
    sel(window, i + 3, i + 6)        # "ist": no known name, so the picker opens
    qtbot.keyClick(window.view, Qt.Key.Key_1)
    picker = window.kb.picker
    assert picker.isVisible()
    found = styled(window)
    assert found == [], found
    # the picker: the window's colour (not the article page's), the application's font, a quiet hint
    app_palette = window.palette()
    assert picker.palette().color(QPalette.ColorRole.Window) == app_palette.color(QPalette.ColorRole.Window)
    assert picker.font() != window.view.font()
    hint = next(lb for lb in picker.findChildren(QLabel) if lb.text().startswith("Enter link"))
    assert hint.foregroundRole() == QPalette.ColorRole.WindowText
    assert hint.palette().color(QPalette.ColorRole.WindowText) == app_palette.color(QPalette.ColorRole.PlaceholderText)
    # the label buttons keep their colours and keys
    buttons = window.label_bar.buttons
    assert buttons and all(isinstance(b, LabelButton) for b in buttons.values())
    assert buttons["ACTOR"].text().startswith("1 ")
    shot = buttons["ACTOR"].grab().toImage()
    centre = shot.pixelColor(4, shot.height() // 2)
    assert centre == buttons["ACTOR"]._tint


def test_the_details_field_with_the_keyboard_is_framed(qtbot, window, sel):
    window.show_document(DOC4)
    text = window.view.text()
    i = text.index("Pakistan")
    sel(window, i + 3, i + 6)
    qtbot.keyClick(window.view, Qt.Key.Key_1)
    qtbot.keyClick(window.kb.picker.query, Qt.Key.Key_Escape)
    ring = window.annotations.focus_ring
    assert ring.field() is None
    qtbot.waitUntil(lambda: any(b.isVisible() for b in window.annotations.details.findChildren(QPushButton)))
    field = next(b for b in window.annotations.details.findChildren(QPushButton) if b.isVisible())
    field.setFocus()
    qtbot.waitUntil(lambda: ring.field() is field)
    assert ring.isVisible() and ring.geometry() == field.geometry().translated(
        field.parentWidget().mapTo(window.annotations.details, field.parentWidget().rect().topLeft()))
    image = ring.grab().toImage()
    highlight = ring.palette().color(QPalette.ColorRole.Highlight)
    assert any(image.pixelColor(x, image.height() // 2) == highlight for x in range(3))
    window.view.setFocus()
    qtbot.waitUntil(lambda: ring.field() is None)
    assert not ring.isVisible()
