"""File → Export: the same choices as ``isfannotate export``; the export runs as a job of the
project, with progress and Cancel in the status bar."""
from __future__ import annotations

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

from isfannotate.exporting import FORMATS, missing_requirement

from ..app_settings import app_settings
from ..dialogs.small_dialogs import ok_cancel

FORMAT_NAMES = {
    "jsonl": "gold JSONL (isfannotate.gold/1)", "spacy": "spaCy DocBin", "hf": "Hugging Face token classification",
    "stances": "stance rows (JSONL)", "claims": "claim rows (JSONL)",
    "stance-semeval": "stance TSV (SemEval-2016 / P-Stance)", "attribution-parc": "attribution (PARC 3.0 style)",
    "brat": "brat standoff",
    "doccano": "doccano JSONL", "labelstudio": "Label Studio JSON", "prodigy": "Prodigy JSONL", "conll": "CoNLL IOB2",
}


class ExportDialog(QDialog):
    """Collects export options; emits ``exportRequested(options dict)``. Opened with open()."""

    exportRequested = Signal(dict)

    def __init__(self, layers: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export")
        self.format = QComboBox(self)
        self.format.setObjectName("exportFormat")
        self.reason = QLabel("", self)   # why a greyed-out format cannot be chosen
        self.reason.setObjectName("exportFormatReason")
        self.reason.setWordWrap(True)
        self.reason.setStyleSheet("color: palette(placeholder-text);")
        model = self.format.model()
        greyed = []
        for f in FORMATS:
            self.format.addItem(FORMAT_NAMES.get(f, f), f)
            missing = missing_requirement(f)
            if missing:   # not installed here: greyed out, the reason on hover and under the list
                item = model.item(self.format.count() - 1)
                item.setEnabled(False)
                item.setToolTip(missing)
                greyed.append(missing)
        if greyed:
            self.reason.setText("Greyed out: " + "; ".join(dict.fromkeys(greyed)))
        self.reason.setVisible(bool(greyed))
        self.layer = QComboBox(self)
        self.layer.setObjectName("exportLayer")
        for name in ["gold", *layers]:
            self.layer.addItem(name, name)
        # derived: the units every annotator who marked a document done agrees on
        self.layer.addItem("unanimous (what every annotator who marked a document done agrees on)", "unanimous")
        self.all_docs = QCheckBox("include documents not marked done", self)
        self.split = QLineEdit(self)
        self.split.setPlaceholderText("no split; e.g. 0.8,0.1,0.1")
        self.seed = QSpinBox(self)
        self.seed.setRange(0, 2**31 - 1)
        self.out = QLineEdit(self)
        self.out.setPlaceholderText("exports/<project>-<layer>-<format>-<time>/ (default)")
        browse = QPushButton("Choose…", self)
        browse.clicked.connect(self._on_browse)
        row = QHBoxLayout()
        row.addWidget(self.out, 1)
        row.addWidget(browse)
        self.force = QCheckBox("write into a non-empty folder", self)
        self.error = QLabel("", self)
        self.error.setStyleSheet("color: #b00020;")
        form = QFormLayout(self)
        form.addRow("Format", self.format)
        form.addRow("", self.reason)
        form.addRow("Layer", self.layer)
        form.addRow("", self.all_docs)
        form.addRow("Split", self.split)
        form.addRow("Seed", self.seed)
        form.addRow("Folder", row)
        form.addRow("", self.force)
        form.addRow(self.error)
        buttons = ok_cancel(self, self._on_ok, "Export")
        form.addRow(buttons)
        self._browser: QFileDialog | None = None
        self.gold_is_empty = None     # set by the window: a check before anything is exported

    def _on_browse(self) -> None:
        self._browser = QFileDialog(self, "Export folder")
        self._browser.setFileMode(QFileDialog.FileMode.Directory)
        settings = app_settings()
        last = settings.value("dialogs/Export folder")
        if last:
            self._browser.setDirectory(str(last))    # where the last export went
        self._browser.fileSelected.connect(lambda d: settings.setValue("dialogs/Export folder", d))
        self._browser.fileSelected.connect(self.out.setText)
        self._browser.open()

    def options(self) -> dict:
        """The chosen options; raises ValueError with a message for a bad split."""
        split = None
        if self.split.text().strip():
            try:
                split = tuple(float(x) for x in self.split.text().split(","))
            except ValueError:
                raise ValueError("split takes ratios like 0.8,0.1,0.1") from None
        return {"fmt": self.format.currentData(), "layer": self.layer.currentData(),
                "include_all": self.all_docs.isChecked(), "split": split, "seed": self.seed.value(),
                "out_dir": self.out.text().strip() or None, "force": self.force.isChecked()}

    def _on_ok(self) -> None:
        try:
            opts = self.options()
        except ValueError as e:
            self.error.setText(str(e))
            return
        missing = missing_requirement(opts["fmt"])   # e.g. spaCy not installed: say so before any work
        if missing:
            self.error.setText(missing)
            return
        if opts["layer"] == "gold" and self.gold_is_empty is not None and self.gold_is_empty():
            self.error.setText("The gold layer is empty: nothing has been adjudicated into it yet. Choose an "
                               "annotator's layer under Layer.")
            return
        self.exportRequested.emit(opts)
        self.accept()
