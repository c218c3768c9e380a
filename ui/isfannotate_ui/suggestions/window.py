"""Review → Suggestions…: the lead's view of the suggestion model, not modal.

Model versions (trained when, on what, labels, size), which one suggests (or none), training
options, the minimum score per label, acceptance per version and label from the logged
decisions (``suggestion_stats``), the cross-validated evaluation when run (a job), and a plain
verdict (``verdict.py``).
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from .verdict import verdict

VERDICT_COLORS = {"helps": "#1b7f3b", "too early": "#8a6d00", "hurts": "#b00020"}


def _pct(x) -> str:
    return "–" if x is None else f"{x:.0%}"


def _f(x) -> str:
    return "–" if x is None else f"{x:.2f}"


class _UndoKeysPass(QObject):
    """On a minimum-score spin box: Ctrl+Z / Ctrl+Shift+Z / Ctrl+Y are the window's Undo and
    Redo (the project's undo stack), not the spin box's own undo of its typed text."""

    def __init__(self, keys: list[QKeySequence], parent: QObject) -> None:
        super().__init__(parent)
        self.keys = {k.toString() for k in keys}

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and \
                QKeySequence(event.keyCombination()).toString() in self.keys:
            return True       # left unaccepted: the shortcut (the shared Undo/Redo action) fires
        return super().eventFilter(watched, event)


class SuggestionsWindow(QDialog):
    def __init__(self, controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.c = controller
        self.setObjectName("suggestionsWindow")
        self.setWindowTitle("Suggestions")
        self.setModal(False)
        self.resize(860, 720)
        lay = QVBoxLayout(self)

        self.verdict = QLabel(self)
        self.verdict.setObjectName("suggestVerdict")
        self.verdict.setWordWrap(True)
        self.verdict.setTextFormat(Qt.TextFormat.RichText)
        lay.addWidget(self.verdict)

        row = QHBoxLayout()
        row.addWidget(QLabel("Suggest with:", self))
        self.model_combo = QComboBox(self)
        self.model_combo.setObjectName("suggestModel")
        self.model_combo.activated.connect(self._on_model_chosen)
        row.addWidget(self.model_combo, 1)
        row.addWidget(QLabel("Train on:", self))
        self.layer_combo = QComboBox(self)
        self.layer_combo.setObjectName("suggestTrainLayer")
        self.layer_combo.currentTextChanged.connect(self._on_layer)
        row.addWidget(self.layer_combo)
        self.update_box = QCheckBox("update the switched-on model", self)
        self.update_box.setObjectName("suggestUpdate")
        self.update_box.setToolTip("Continue from the model in use on the documents it has not seen (much faster)")
        self.update_box.toggled.connect(lambda on: setattr(self.c, "update_model", on))
        row.addWidget(self.update_box)
        self.train_button = QPushButton("Train", self)
        self.train_button.setObjectName("suggestTrain")
        self.train_button.clicked.connect(lambda: self.c.train())
        row.addWidget(self.train_button)
        lay.addLayout(row)

        self.models = self._table("suggestModels", ["version", "trained", "on", "documents", "labels", "size", ""])
        lay.addWidget(self._group("Model versions", self.models))

        self.thresholds_box = QGroupBox("Minimum score per label (suggestions under it are not drawn; kept in the "
                                        "project, handouts included; Ctrl+Z undoes a change, here or in the "
                                        "main window)", self)
        self.thresholds_form = QFormLayout(self.thresholds_box)
        self.thresholds_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.spins: dict[str, QDoubleSpinBox] = {}
        lay.addWidget(self.thresholds_box)

        self.stats = self._table("suggestStats", ["model", "label", "decisions", "accepted", "corrected",
                                                  "rejected", "acceptance", "inputs saved / doc"])
        lay.addWidget(self._group("What annotators did with the suggestions (from the log)", self.stats))

        ev = QWidget(self)
        el = QVBoxLayout(ev)
        el.setContentsMargins(0, 0, 0, 0)
        er = QHBoxLayout()
        self.folds = QSpinBox(self)
        self.folds.setObjectName("suggestFolds")
        self.folds.setRange(2, 20)
        self.folds.setValue(5)
        er.addWidget(QLabel("folds:", self))
        er.addWidget(self.folds)
        self.eval_button = QPushButton("Evaluate (cross-validation, in the background)", self)
        self.eval_button.setObjectName("suggestEvaluate")
        self.curve_box = QCheckBox("with the learning curve (4× the work)", self)
        self.curve_box.setObjectName("suggestCurve")
        self.curve_box.setChecked(True)
        self.eval_button.clicked.connect(lambda: self.c.evaluate(self.folds.value(), self.curve_box.isChecked()))
        er.addWidget(self.curve_box)
        er.addWidget(self.eval_button)
        er.addStretch(1)
        el.addLayout(er)
        self.eval_table = self._table("suggestEval", ["label", "P exact", "R exact", "F1 exact",
                                                      "P overlap", "R overlap", "F1 overlap"])
        el.addWidget(self.eval_table)
        self.eval_note = QLabel(self)
        self.eval_note.setObjectName("suggestEvalNote")
        self.eval_note.setWordWrap(True)
        el.addWidget(self.eval_note)
        lay.addWidget(self._group("Evaluation on held-out documents", ev), 1)
        for button in (self.train_button, self.eval_button):
            button.setAutoDefault(False)   # Enter in a minimum-score box commits it; it never trains or evaluates
        self._share_undo(parent)

    def _share_undo(self, main: QWidget | None) -> None:
        """The main window's Edit → Undo and Redo work in this window too (a minimum-score change
        is one step on the project's undo stack, as in the main window)."""
        actions = [a for a in (getattr(main, "undo_action", None), getattr(main, "redo_action", None)) if a]
        for action in actions:
            self.addAction(action)
        self._undo_keys = _UndoKeysPass([k for a in actions for k in a.shortcuts()], self)

    def _table(self, name: str, headers: list[str]) -> QTableWidget:
        t = QTableWidget(0, len(headers), self)
        t.setObjectName(name)
        t.setHorizontalHeaderLabels(headers)
        t.verticalHeader().hide()
        t.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        t.horizontalHeader().setStretchLastSection(True)
        return t

    def _group(self, title: str, widget: QWidget) -> QGroupBox:
        g = QGroupBox(title, self)
        QVBoxLayout(g).addWidget(widget)
        return g

    @staticmethod
    def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
        table.setRowCount(len(rows))
        for r, values in enumerate(rows):
            for col, v in enumerate(values):
                item = QTableWidgetItem(str(v))
                if col > 0 and str(v)[:1].isdigit() or str(v) in ("–",):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(r, col, item)

    # ------------------------------------------------------------- refresh
    def refresh(self) -> None:
        c, s = self.c, self.c.session
        project = s.project
        models = s.read(project.suggestion_models, default=[]) or []
        enabled = next((m for m in models if m.enabled), None)
        stats = s.read(project.suggestion_stats, default={"versions": []}) or {"versions": []}

        v = verdict(enabled, stats, c.evaluation)
        color = VERDICT_COLORS[v.word]
        self.verdict.setText(f"<b style='font-size:130%; color:{color}'>Verdict: {v.word}</b><br>{v.reason}")
        self.verdict.setToolTip("helps / too early / hurts: the rule is in docs/suggestions.md")

        self.model_combo.clear()
        self.model_combo.addItem("nothing (suggestions off)", None)
        for m in models:
            self.model_combo.addItem(f"model {m.version} — {m.layer}, {m.n_documents} documents, "
                                     f"{m.created_at[:16].replace('T', ' ')}", m.version)
        self.model_combo.setCurrentIndex(self.model_combo.findData(enabled.version) if enabled else 0)

        layers = ["gold", *[x for x in (s.read(project.layers, default=[]) or []) if x != "gold"]]
        keep = c.train_layer
        self.layer_combo.blockSignals(True)
        self.layer_combo.clear()
        self.layer_combo.addItems(layers)
        self.layer_combo.setCurrentText(keep if keep in layers else "gold")
        self.layer_combo.blockSignals(False)
        self.update_box.setEnabled(enabled is not None)
        self.update_box.setChecked(c.update_model and enabled is not None)
        busy = c.train_job is not None and not c.train_job.has_ended
        self.train_button.setEnabled(not busy)
        self.train_button.setText("Training… (status bar: Cancel)" if busy else "Train")

        self._fill(self.models, [[m.version, m.created_at[:19].replace("T", " "),
                                  m.layer + (" + " + ", ".join(m.include_layers) if m.include_layers else ""),
                                  m.n_documents, ", ".join(m.labels), f"{m.size / 1e6:.1f} MB",
                                  "switched on" if m.enabled else ""] for m in models])
        self._fill_thresholds()

        rows = []
        for vs in stats["versions"]:
            name = "registry" if vs["model_version"] is None else f"model {vs['model_version']}"
            for i, (label, cnt) in enumerate(vs["labels"].items()):
                rows.append([name, label, cnt["decisions"], cnt["accepted"], cnt["corrected"], cnt["rejected"],
                             _pct(cnt["acceptance_rate"]),
                             "" if i else _f(vs.get("inputs_saved_per_document"))])
        self._fill(self.stats, rows or [["–", "no decision logged yet", "", "", "", "", "", ""]])

        busy = c.eval_job is not None and not c.eval_job.has_ended
        self.eval_button.setEnabled(not busy)
        self._fill_evaluation(c.evaluation, busy)

    def _fill_thresholds(self) -> None:
        c = self.c
        c.load_thresholds()
        wanted = [*c.thresholds, "stance"]
        if list(self.spins) != wanted:
            while self.thresholds_form.rowCount():
                self.thresholds_form.removeRow(0)
            self.spins = {}
            for label in wanted:
                spin = QDoubleSpinBox(self.thresholds_box)
                spin.setObjectName(f"minScore_{label}")
                spin.setRange(0.0, 1.0)
                spin.setSingleStep(0.05)
                spin.setDecimals(2)
                spin.setMaximumWidth(90)
                spin.setKeyboardTracking(False)   # typing "0.75" is one change (one undo step), not two
                spin.valueChanged.connect(lambda value, lab=label: c.set_threshold(lab, value))
                spin.installEventFilter(self._undo_keys)
                spin.lineEdit().installEventFilter(self._undo_keys)
                self.spins[label] = spin
                self.thresholds_form.addRow(label if label != "stance" else "stance (polarity)", spin)
        for label, spin in self.spins.items():
            spin.blockSignals(True)
            spin.setValue(c.stance_threshold if label == "stance" else c.thresholds[label])
            spin.blockSignals(False)

    def _fill_evaluation(self, ev: dict | None, busy: bool) -> None:
        if busy or ev is None or not ev.get("spans"):
            self._fill(self.eval_table, [])
            why = f"The last evaluation did not finish: {self.c.eval_error}. " if self.c.eval_error else ""
            self.eval_note.setText("Evaluating… (status bar: progress and Cancel)" if busy else
                                   why + "Not run yet in this session. It trains one model per fold and scores it "
                                   "on the documents it did not learn from.")
            return
        rows = []
        for label, v in ev["spans"].items():
            e, o = v["exact"], v["overlap"]
            rows.append([label, _f(e["precision"]), _f(e["recall"]), _f(e["f1"]),
                         _f(o["precision"]), _f(o["recall"]), _f(o["f1"])])
        self._fill(self.eval_table, rows)
        points = ev["learning_curve"]
        if len(points) > 1:
            curve = "Learning curve (overlap F1 by training documents): " + " · ".join(
                f"{p['train_documents']:g} docs: F1 {_f(p['f1_overlap'])}" for p in points) + "."
        else:
            curve = "Learning curve not asked for."
        pol = ev.get("stance_polarity") or {}
        stance = f"; stance polarity accuracy {_f(pol.get('accuracy'))} on {pol.get('n', 0)} claims" if pol else ""
        self.eval_note.setText(f"{ev['folds']}-fold cross-validation on {ev['documents']} {ev['layer']} documents"
                               f"{stance}. {curve} {ev.get('note', '')}")

    # ------------------------------------------------------------ actions
    def _on_model_chosen(self, index: int) -> None:
        self.c.session.guarded(self.c.switch)(self.model_combo.itemData(index))

    def _on_layer(self, text: str) -> None:
        if text:
            self.c.train_layer = text
