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


def test_import_dialog_shows_the_refusal_of_a_two_column_conll_and_a_layerless_tsv(qtbot, window, tmp_path):
    """Issue 18: the reader's choice (tag column, span layer) refused in the dialog, one line, no job."""
    conll = tmp_path / "g.conll"
    conll.write_text("1\tDie\tO\tO\n2\tBahn\tB-ORG\tB-LOC\n3\tfährt\tO\tO\n\n", encoding="utf-8")
    dlg = window.files.import_dialog()
    dlg.set_paths([str(conll)])
    assert dlg.format.currentData() == "conll"
    assert "column 3: 1 entities" in dlg.error.text() and "column 4: 1 entities" in dlg.error.text()
    before = window.project.document_count()
    dlg._on_ok()
    assert not window.files.jobs and dlg.isVisible()
    dlg.tag_column.setValue(3)
    dlg.annotator.setText("bob")
    dlg.add_labels.setChecked(True)
    dlg._on_ok()
    wait_jobs(qtbot, window)
    assert window.project.document_count() == before + 1
    assert "read the tags of column 3" in window.statusBar().currentMessage()

    tsv = tmp_path / "a.tsv"
    tsv.write_text("#FORMAT=WebAnno TSV 3.3\n#T_SP=de.tudarmstadt.ukp.dkpro.core.api.lexmorph.type.pos.POS|PosValue\n"
                   "\n\n#Text=Gaza now\n1-1\t0-4\tGaza\tNNP\t\n1-2\t5-8\tnow\tRB\t\n", encoding="utf-8")
    dlg = window.files.import_dialog()
    dlg.set_paths([str(tsv)])
    assert dlg.format.currentData() == "webanno-tsv3"
    assert "no named-entity layer" in dlg.error.text() and "lexmorph.type.pos.POS" in dlg.error.text()
    dlg.webanno_layer.setText("POS")
    assert dlg.preview() and dlg.error.text() == ""
