"""The Export dialog: formats this installation cannot write are greyed out with the reason, and
an empty gold layer is named in the app's own words before any job starts."""
from PySide6.QtCore import Qt

from isfannotate.exporting import FORMATS, missing_requirement


def test_export_dialog_greys_out_what_is_not_installed_and_names_an_empty_gold(qtbot, window, monkeypatch):
    import isfannotate_ui.files.export_dialog as ed
    monkeypatch.setattr(ed, "missing_requirement",
                        lambda f: "the spacy format needs spaCy, which is not installed: pip install …"
                        if f == "spacy" else missing_requirement(f))
    dlg = window.files.export_dialog()
    assert dlg.isVisible()
    model = dlg.format.model()
    i = dlg.format.findData("spacy")
    assert not (model.item(i).flags() & Qt.ItemFlag.ItemIsEnabled)
    assert "spaCy" in model.item(i).toolTip() and dlg.reason.isVisibleTo(dlg) and "spaCy" in dlg.reason.text()
    assert all(model.item(k).isEnabled() for k in range(len(FORMATS)) if k != i)
    dlg.format.setCurrentIndex(dlg.format.findData("jsonl"))
    dlg._on_ok()                                   # gold is empty in a fresh project
    assert dlg.isVisible() and "gold layer is empty" in dlg.error.text()
    assert "Layer" in dlg.error.text() and not window.files.jobs
    dlg.reject()
