"""Issue 20, the annotator's desk: no wrong turns (the document list, settings, reopening,
the last document, undo names, claim details, possessives, suggestions, span resizing)."""
from pathlib import Path

from PySide6.QtCore import Qt

from isfannotate.resources import data_dir

DOC2, DOC3, DOC4 = "002_ef57260f37dd3d36", "003_6e62d58ac1819318", "004_925ac23fd4dc491f"
CTRL = Qt.KeyboardModifier.ControlModifier


def _selected_docs(w):
    from isfannotate_ui.document_list import IdRole
    return sorted(i.data(IdRole) for i in w.documents.view.selectionModel().selectedIndexes())


def _current_doc(w):
    from isfannotate_ui.document_list import IdRole
    return w.documents.view.currentIndex().data(IdRole)


def test_the_document_list_shows_exactly_the_shown_document(qtbot, window):
    window.show_document(DOC4)
    for _ in range(2):
        qtbot.keyClick(window.view, Qt.Key.Key_PageUp, CTRL)
    assert window.doc_id == DOC2
    assert _selected_docs(window) == [DOC2] and _current_doc(window) == DOC2
    qtbot.keyClick(window.view, Qt.Key.Key_PageDown, CTRL)
    assert window.doc_id == DOC3
    assert _selected_docs(window) == [DOC3] and _current_doc(window) == DOC3


def test_an_undo_that_jumps_to_another_document_moves_the_list_with_it(qtbot, window, sel):
    window.show_document(DOC4)
    text = window.view.text()
    i = text.index("Pakistan")
    sel(window, i, i + len("Pakistan"))
    qtbot.keyClick(window.view, Qt.Key.Key_2)
    qtbot.keyClick(window.view, Qt.Key.Key_PageUp, CTRL)
    assert window.doc_id == DOC3
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL)
    assert window.doc_id == DOC4
    assert _selected_docs(window) == [DOC4] and _current_doc(window) == DOC4


def test_settings_live_in_the_data_folder(qtbot, project_path, tmp_path):
    import os
    from isfannotate_ui.app import create_main_window
    w = create_main_window(project_path, "alice")
    qtbot.addWidget(w)
    w.show_document(DOC4)
    w.close()
    ini = data_dir() / "isfannotate.ini"
    assert ini.is_file()
    body = ini.read_text(encoding="utf-8")
    assert "lastPlace" in body and "geometry" in body
    config = Path(os.environ["XDG_CONFIG_HOME"])
    assert not any(config.rglob("*.conf")), list(config.rglob("*"))
