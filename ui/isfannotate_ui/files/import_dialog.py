"""File → Import: documents, gold JSONL, or another tool's annotations (brat, doccano, Label
Studio, Prodigy, CoNLL, WebAnno TSV3). The format is detected from the chosen files and shown,
and can be changed; the options are those of ``isfannotate import``. The import itself runs as
a job of the project (all-or-nothing), with progress and Cancel in the status bar."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from isfannotate.errors import IsfError
from isfannotate.formats.readers import read_annotations
from isfannotate.importing import FORMATS, detect

from ..app_settings import app_settings
from ..dialogs.small_dialogs import ok_cancel

FORMAT_NAMES = {
    "auto": "detect from the files", "txt": "plain text (.txt)", "jsonl": "JSONL: documents or gold JSONL",
    "brat": "brat standoff (.txt + .ann)", "doccano": "doccano JSONL", "labelstudio": "Label Studio JSON",
    "prodigy": "Prodigy JSONL", "conll": "CoNLL (IOB1/IOB2)", "webanno-tsv3": "WebAnno / INCEpTION TSV 3",
}


PREVIEW_FORMATS = ("conll", "webanno-tsv3")
PREVIEW_BYTES = 1 << 20      # read at most this much in the dialog (the import job reads any size)


class ImportDialog(QDialog):
    """Collects import options; emits ``importRequested(options dict)``. Opened with open()."""

    importRequested = Signal(dict)

    def __init__(self, annotator: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import")
        self.setObjectName("importDialog")
        self.setMinimumWidth(560)
        self._paths: list[str] = []
        self.paths = QLabel("no files chosen", self)
        self.paths.setObjectName("importPaths")
        self.paths.setWordWrap(True)
        files, folder = QPushButton("Files…", self), QPushButton("Folder…", self)
        files.clicked.connect(lambda: self._browse(QFileDialog.FileMode.ExistingFiles))
        folder.clicked.connect(lambda: self._browse(QFileDialog.FileMode.Directory))
        row = QHBoxLayout()
        row.addWidget(self.paths, 1)
        row.addWidget(files)
        row.addWidget(folder)
        self.format = QComboBox(self)
        self.format.setObjectName("importFormat")
        for f in FORMATS:
            self.format.addItem(FORMAT_NAMES.get(f, f), f)
        self.detected = QLabel("", self)
        self.detected.setObjectName("importDetected")
        self.detected.setWordWrap(True)
        self.annotator = QLineEdit(annotator or "", self)
        self.annotator.setObjectName("importAnnotator")
        self.annotator.setPlaceholderText("layer for work that names no annotator (a name, or gold)")
        self.annotator_map = QLineEdit(self)
        self.annotator_map.setObjectName("importAnnotatorMap")
        self.annotator_map.setPlaceholderText("SRC=NAME,… for the annotators a file names (optional)")
        self.add_labels = QCheckBox("add labels the scheme lacks (otherwise they are listed and refused)", self)
        self.replace = QCheckBox("replace a layer's existing annotations of a document", self)
        self.split_discontinuous = QCheckBox("brat: import each fragment of a discontinuous span as its own span",
                                             self)
        self.tag_column = QSpinBox(self)
        self.tag_column.setRange(0, 99)
        self.tag_column.setSpecialValueText("the one column of IOB tags with entities")
        self.tag_column.setObjectName("importTagColumn")
        self.webanno_layer = QLineEdit(self)
        self.webanno_layer.setObjectName("importWebannoLayer")
        self.webanno_layer.setPlaceholderText("NamedEntity (default), pos.POS, a custom layer's name …")
        self.error = QLabel("", self)
        self.error.setObjectName("importError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        form = QFormLayout(self)
        form.addRow("Files", row)
        form.addRow("Format", self.format)
        form.addRow("", self.detected)
        form.addRow("Annotator", self.annotator)
        form.addRow("Annotator map", self.annotator_map)
        form.addRow("", self.add_labels)
        form.addRow("", self.replace)
        form.addRow("", self.split_discontinuous)
        form.addRow("CoNLL tag column", self.tag_column)
        form.addRow("WebAnno layer", self.webanno_layer)
        form.addRow(self.error)
        buttons = ok_cancel(self, self._on_ok, "Import")
        form.addRow(buttons)
        self._browser: QFileDialog | None = None

    def _browse(self, mode) -> None:
        self._browser = QFileDialog(self, "Import from")
        self._browser.setFileMode(mode)
        settings = app_settings()
        last = settings.value("dialogs/Import from")
        if last:
            self._browser.setDirectory(str(last))    # where the last import came from
        self._browser.filesSelected.connect(
            lambda paths: settings.setValue("dialogs/Import from", str(Path(paths[0]).parent)) if paths else None)
        self._browser.filesSelected.connect(self.set_paths)
        self._browser.open()

    def set_paths(self, paths: list[str]) -> None:
        """Show *paths* and the format detected from them (the combo follows unless changed)."""
        self._paths = list(paths)
        self.paths.setText("\n".join(self._paths) or "no files chosen")
        self.error.setText("")
        if not self._paths:
            self.detected.setText("")
            return
        try:
            fmt, reason = detect(self._paths)
        except IsfError as e:
            self.detected.setText(f"cannot tell the format: {e}")
            return
        self.detected.setText(f"detected {fmt}: {reason}")
        i = self.format.findData(fmt)
        if i >= 0:
            self.format.setCurrentIndex(i)
        self.preview()

    def preview(self) -> bool:
        """Read small CoNLL and WebAnno files now, with the options as set, so that a choice the
        reader needs (several IOB columns, no named-entity layer) shows its refusal line here
        before any job starts. True when there is nothing to say."""
        fmt = self.format.currentData()
        if fmt not in PREVIEW_FORMATS or not self._paths:
            return True
        try:
            files = [f for p in map(Path, self._paths) for f in (p.rglob("*") if p.is_dir() else [p]) if f.is_file()]
            if sum(f.stat().st_size for f in files) > PREVIEW_BYTES:
                return True
            opts = self.options()
            read_annotations(self._paths, fmt, conll_tag_column=opts["conll_tag_column"] if fmt == "conll" else None,
                             webanno_layer=opts["webanno_layer"] if fmt == "webanno-tsv3" else None)
        except IsfError as e:
            self.error.setText(str(e))
            return False
        except OSError:
            return True          # the import itself names the file it cannot read
        self.error.setText("")
        return True

    def options(self) -> dict:
        return {"paths": list(self._paths), "format": self.format.currentData(),
                "annotator": self.annotator.text().strip() or None,
                "annotator_map": self.annotator_map.text().strip() or None,
                "add_labels": self.add_labels.isChecked(), "replace": self.replace.isChecked(),
                "split_discontinuous": self.split_discontinuous.isChecked(),
                "conll_tag_column": self.tag_column.value() or None,
                "webanno_layer": self.webanno_layer.text().strip() or None}

    def _on_ok(self) -> None:
        if not self._paths:
            self.error.setText("choose files or a folder first")
            return
        if not self.preview():
            return
        self.importRequested.emit(self.options())
        self.accept()
