"""The stance editor: holder (actor autocomplete) → target (from the target list, or a new one
added inline), polarity, conditions, evidence spans. Shown inside the Stances tab, never modal."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QButtonGroup, QComboBox, QCompleter, QFormLayout, QGroupBox, QHBoxLayout, QLineEdit,
                               QListWidget, QListWidgetItem, QPushButton, QRadioButton, QVBoxLayout, QWidget)

from isfannotate.kb import search_actors

NEW_TARGET = "\x00new"


class StanceEditor(QGroupBox):
    saved = Signal(dict)             # stance_id (or None), holder, target, polarity, conditions, evidence
    cancelled = Signal()
    targetCreated = Signal(str)      # name of a new target
    addEvidenceRequested = Signal()  # add the span selected in the text
    evidenceClicked = Signal(str)    # span id

    def __init__(self, polarities: list[str], parent: QWidget | None = None) -> None:
        super().__init__("Stance", parent)
        self.setObjectName("stanceEditor")
        self._stance_id: str | None = None
        self._actors: list = []
        self.holder = QComboBox(self)
        self.holder.setObjectName("stanceHolder")
        self.holder.setEditable(True)
        self.holder.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.holder.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        self.holder.completer().setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.holder.lineEdit().setPlaceholderText("who holds it (type a name)")
        self.target = QComboBox(self)
        self.target.setObjectName("stanceTarget")
        self.new_target = QLineEdit(self)
        self.new_target.setObjectName("newTargetName")
        self.new_target.setPlaceholderText("name of the new target, then Enter")
        self.new_target.hide()
        self.polarity = QButtonGroup(self)
        self.polarity_buttons: dict[str, QRadioButton] = {}
        for i, p in enumerate(polarities):
            b = QRadioButton(p, self)
            b.setObjectName(f"polarity_{p}")
            self.polarity.addButton(b, i)
            self.polarity_buttons[p] = b
        pol = QWidget(self)
        pol_grid = QVBoxLayout(pol)
        pol_grid.setContentsMargins(0, 0, 0, 0)
        # two lines of radio buttons so five polarities fit a narrow side panel
        first, second = QHBoxLayout(), QHBoxLayout()
        for i, b in enumerate(self.polarity_buttons.values()):
            (first if i < 3 else second).addWidget(b)
        first.addStretch(1)
        second.addStretch(1)
        pol_grid.addLayout(first)
        pol_grid.addLayout(second)
        self.conditions = QLineEdit(self)
        self.conditions.setObjectName("stanceConditions")
        self.conditions.setPlaceholderText("optional, e.g. only if the ISF does not disarm Hamas")
        self.evidence = QListWidget(self)
        self.evidence.setObjectName("stanceEvidence")
        self.evidence.setWordWrap(True)
        self.evidence.setMaximumHeight(96)
        add = QPushButton("Add selected span", self)
        add.setObjectName("addEvidence")
        remove = QPushButton("Remove", self)
        remove.setObjectName("removeEvidence")
        ev_buttons = QHBoxLayout()
        ev_buttons.addWidget(add)
        ev_buttons.addWidget(remove)
        ev_buttons.addStretch(1)
        self.save = QPushButton("Save stance", self)
        self.save.setObjectName("saveStance")
        self.save.setDefault(True)
        cancel = QPushButton("Cancel", self)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.save)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Holder", self.holder)
        form.addRow("Target", self.target)
        form.addRow("", self.new_target)
        form.addRow("Polarity", pol)
        form.addRow("Conditions", self.conditions)
        form.addRow("Evidence", self.evidence)
        form.addRow("", self._wrap(ev_buttons))
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addLayout(buttons)
        self.target.currentIndexChanged.connect(self._on_target_changed)
        self.new_target.returnPressed.connect(self._on_new_target)
        add.clicked.connect(self.addEvidenceRequested)
        remove.clicked.connect(self._remove_evidence)
        self.evidence.itemClicked.connect(lambda it: self.evidenceClicked.emit(it.data(Qt.ItemDataRole.UserRole)))
        self.save.clicked.connect(self._on_save)
        cancel.clicked.connect(self.cancelled)

    def _wrap(self, layout) -> QWidget:
        w = QWidget(self)
        layout.setContentsMargins(0, 0, 0, 0)
        w.setLayout(layout)
        return w

    # ------------------------------------------------------------------ public
    def edit(self, actors: list, targets: list, stance=None, *, holder: str | None = None,
             evidence: list[tuple[str, str]] = ()) -> None:
        """Fill the editor: an existing *stance*, or a new one with *holder* and *evidence*
        ((span id, description) pairs) prefilled."""
        self._stance_id = stance.id if stance else None
        self.setTitle("Edit stance" if stance else "New stance")
        self._actors = list(actors)
        self.holder.blockSignals(True)
        self.holder.clear()
        self.holder.addItem("", None)
        for a in actors:
            self.holder.addItem(f"{a.name} ({a.type.replace('_', ' ')})", a.id)
        hid = stance.holder if stance else holder
        self.holder.setCurrentIndex(max(0, self.holder.findData(hid)) if hid else 0)
        self.holder.blockSignals(False)
        self.set_targets(targets, stance.target if stance else None)
        pol = stance.polarity if stance else None
        self.polarity.setExclusive(False)
        for p, b in self.polarity_buttons.items():
            b.setChecked(p == pol)
        self.polarity.setExclusive(True)
        self.conditions.setText((stance.conditions or "") if stance else "")
        self.evidence.clear()
        for sid, desc in evidence:
            self.add_evidence(sid, desc)
        self.show()

    @property
    def stance_id(self) -> str | None:
        return self._stance_id

    def set_targets(self, targets: list, select: str | None = None) -> None:
        self.target.blockSignals(True)
        self.target.clear()
        self.target.addItem("— choose a target —", None)
        for t in targets:
            self.target.addItem(t.name, t.id)
            if t.description:
                self.target.setItemData(self.target.count() - 1, t.description, Qt.ItemDataRole.ToolTipRole)
        self.target.addItem("+ new target…", NEW_TARGET)
        self.target.setCurrentIndex(max(0, self.target.findData(select)) if select else 0)
        self.target.blockSignals(False)
        self.new_target.hide()

    def add_evidence(self, span_id: str, description: str) -> None:
        if any(self.evidence.item(i).data(Qt.ItemDataRole.UserRole) == span_id for i in range(self.evidence.count())):
            return
        item = QListWidgetItem(description)
        item.setData(Qt.ItemDataRole.UserRole, span_id)
        self.evidence.addItem(item)

    def evidence_ids(self) -> list[str]:
        return [self.evidence.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.evidence.count())]

    def holder_id(self) -> str | None:
        """The holder: the chosen item, else the best registry match for what was typed."""
        text = self.holder.currentText().strip()
        i = self.holder.findText(text)
        if i >= 0:
            return self.holder.itemData(i)
        if not text:
            return None
        found = search_actors(self._actors, text, limit=1)
        return found[0].id if found else None

    def values(self) -> dict:
        b = self.polarity.checkedButton()
        return {"stance_id": self._stance_id, "holder": self.holder_id(), "target": self.target.currentData(),
                "polarity": b.text() if b else None, "conditions": self.conditions.text().strip() or None,
                "evidence": self.evidence_ids()}

    # --------------------------------------------------------------- internals
    def _on_target_changed(self, _i: int) -> None:
        if self.target.currentData() == NEW_TARGET:
            self.new_target.show()
            self.new_target.setFocus()
        else:
            self.new_target.hide()

    def _on_new_target(self) -> None:
        name = self.new_target.text().strip()
        if name:
            self.new_target.clear()
            self.targetCreated.emit(name)

    def _remove_evidence(self) -> None:
        row = self.evidence.currentRow()
        if row >= 0:
            self.evidence.takeItem(row)

    def _on_save(self) -> None:
        self.saved.emit(self.values())
