"""File → Import in the app (issue 11): the detected format is shown and can be changed; the
import runs as a job; another tool's annotators become layers."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.timeout(120)


def wait_jobs(qtbot, window):
    qtbot.waitUntil(lambda: not window.files.jobs, timeout=60000)


def test_import_dialog_detects_brat_and_imports_layers(qtbot, window, shared):
    dlg = window.files.import_dialog()
    dlg.set_paths([str(shared("peer-formats", "brat-iaa-bratiaa"))])
    assert dlg.detected.text().startswith("detected brat")
    assert dlg.format.currentData() == "brat"
    dlg.add_labels.setChecked(True)
    dlg._on_ok()
    wait_jobs(qtbot, window)
    assert {"Lisa", "Maria", "Max", "Peter"} <= set(window.project.layers())
    # the detected format was shown in the dialog; the end of the job says what came in
    assert "layers Lisa (7 documents), Maria (7 documents)" in window.statusBar().currentMessage()


def test_import_dialog_format_can_be_changed_and_errors_are_shown(qtbot, window, tmp_path):
    bad = tmp_path / "d.jsonl"
    bad.write_text('{"text": "abc", "label": [[0, 9, "ACTOR"]]}\n', encoding="utf-8")
    dlg = window.files.import_dialog()
    dlg.set_paths([str(bad)])
    assert dlg.format.currentData() == "doccano"
    dlg.format.setCurrentIndex(dlg.format.findData("jsonl"))   # the user may overrule the detection
    assert dlg.options()["format"] == "jsonl"
    dlg.format.setCurrentIndex(dlg.format.findData("doccano"))
    dlg.annotator.setText("bob")
    before = window.project.document_count()
    dlg._on_ok()
    wait_jobs(qtbot, window)
    assert "d.jsonl:1" in window.statusBar().currentMessage()
    assert window.project.document_count() == before            # all-or-nothing


def test_import_dialog_needs_files(qtbot, window):
    dlg = window.files.import_dialog()
    dlg._on_ok()
    assert "choose files" in dlg.error.text()
